import { mkdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDb } from '../store/duckdb/db.js';
import { DuckDbStore } from '../store/duckdb/store.js';
import { pino } from 'pino';
import { ingestPath, readRecords } from '../ingest/sources/file.js';
import { collect } from '../ingest/sources/collect.js';
import { emptyCounters, type Source } from '../ingest/sources/source.js';
import { buildRulePack, loadRules, runRulePack } from '../detections/sigma/index.js';
import { ANALYTICS } from '../detections/analytics/index.js';
import { runDetections } from '../detections/run.js';
import { ingestTimeText, writeWatermark } from '../detections/engine/watermark.js';
import { computeKpis, defaultPeriod } from '../metrics/compute.js';
import { projectRoot } from '../lib/paths.js';
import { buildDataset, recentBatch, type BenchDataset } from './dataset.js';
import { buildKpiData, type KpiData } from './kpi-data.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { since, withPeakRss } from './rss.js';

export interface BenchOptions {
  events: number;
  accounts: number;
  /** Normalized events in the KPI store (default 10,000,000). */
  kpiEvents: number;
  /** Records through the live path (default min(events, 50,000)). */
  liveEvents?: number;
  /** Keep the generated files and databases here (default: a temporary folder, removed at the end). */
  keep?: string;
  /** Sigma rule folders (default: ../shared/sigma and the project's detections/rules). */
  ruleDirs?: string[];
  baseUsers?: number;
  baseDays?: number;
  onProgress?: (msg: string) => void;
}

export interface BenchResult {
  machine: MachineInfo;
  import: { events: number; events_per_s: number; baseline_events_per_s: number; ratio: number; seconds: number; baseline_seconds: number; bytes: number };
  live: { events: number; page_size: number; events_per_s: number; seconds: number };
  rules: { rules: number; sigma_rules: number; correlations: number; analytics: number; events: number; seconds: number; rule_events_per_s: number; sigma_seconds: number; analytics_seconds: number };
  incremental: { events: number; seconds: number };
  /** `cpu_seconds`: CPU time of the process (every DuckDB thread) while the table was computed: what a busy machine cannot inflate. */
  kpis: { events: number; accounts: number; kpis: number; period: string; seconds: number; cpu_seconds: number; memory_limit: string };
  peak_rss_mb: { import: number; live: number; rules: number; incremental: number; kpis: number };
  /** Resident memory when each phase started (one process runs every phase). */
  start_rss_mb: { import: number; live: number; rules: number; incremental: number; kpis: number };
  dataset: { base_events: number; copies: number; generate_seconds: number; amplify_seconds: number; kpi_setup_seconds: number };
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** DuckDB's memory limit for the KPI table (the twenty KPIs at 10M events stay near 400 MB of process memory). */
const KPI_MEMORY_LIMIT = '512MB';

export const DEFAULT_RULE_DIRS = (): string[] => [path.resolve(projectRoot(), '../shared/sigma'), path.join(projectRoot(), 'detections/rules')];

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const progress = opts.onProgress ?? (() => {});
  const machine = await machineInfo();
  const work = opts.keep ? path.resolve(opts.keep) : await mkdtemp(path.join(os.tmpdir(), 'idtrail-bench-'));
  mkdirSync(work, { recursive: true });
  try {
    const ds = await buildDataset({ dir: work, events: opts.events, baseUsers: opts.baseUsers, baseDays: opts.baseDays, onProgress: progress });
    const bytes = ds.sources.flatMap((s) => s.files).reduce((a, f) => a + statSync(f).size, 0);

    // Import: the project's bulk file ingest into a fresh database.
    progress(`import: ${ds.events.toLocaleString('en-US')} events (${(bytes / 1024 ** 2).toFixed(0)} MB of NDJSON)`);
    const importDb = path.join(work, 'import.duckdb');
    rmSync(importDb, { force: true });
    const imp = await withPeakRss(async () => {
      const store = await DuckDbStore.open(importDb);
      try {
        const t0 = performance.now();
        let received = 0;
        for (const s of ds.sources) received += (await ingestPath(store, s.dir, { source: s.source })).received;
        await store.db.run('CHECKPOINT');
        return { seconds: since(t0), received };
      } finally {
        await store.close();
      }
    });

    // Baseline: DuckDB's own JSON reader, the same files into flat tables (one per source: their shapes differ).
    progress('baseline: read_ndjson of the same files');
    const baseDb = path.join(work, 'baseline.duckdb');
    rmSync(baseDb, { force: true });
    const baseline = await (async () => {
      const db = await DuckDb.open(baseDb);
      try {
        const t0 = performance.now();
        for (const [i, s] of ds.sources.entries()) {
          const list = s.files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
          await db.run(`CREATE TABLE flat_${i} AS SELECT * FROM read_ndjson([${list}], union_by_name = true)`);
        }
        await db.run('CHECKPOINT');
        return since(t0);
      } finally {
        db.close();
      }
    })();

    // Live: pages of 1,000 records through the collectors' code (collect(): buffering, one transaction
    // per commit with its checkpoint), fed by an in-process source instead of a vendor API.
    const liveN = Math.min(opts.liveEvents ?? 50_000, ds.events);
    progress(`live: ${liveN.toLocaleString('en-US')} records in pages of 1,000`);
    const pages = await livePages(ds, liveN, 1000);
    const liveDb = path.join(work, 'live.duckdb');
    rmSync(liveDb, { force: true });
    const live = await withPeakRss(async () => {
      const store = await DuckDbStore.open(liveDb);
      try {
        const t0 = performance.now();
        let n = 0;
        for (const source of [...new Set(pages.map((p) => p.source))]) {
          const stats = await collect(pageSource(source, pages.filter((p) => p.source === source)), store, { since: new Date(0), log: silentLog });
          n += stats.received;
        }
        return { seconds: since(t0), n };
      } finally {
        await store.close();
      }
    });

    // Rules: every Sigma rule the engine runs + the project's detections, over all events.
    progress('rules: the whole rule pack over every event');
    const loaded = await loadRules(opts.ruleDirs ?? DEFAULT_RULE_DIRS());
    const pack = buildRulePack(loaded);
    const store = await DuckDbStore.open(importDb);
    let rules: BenchResult['rules'];
    let rulesRss: number;
    let rulesStart: number;
    let incremental: BenchResult['incremental'];
    let incRss: number;
    let incStart: number;
    try {
      const range = (await store.db.one<{ lo: Date; hi: Date; ing: string }>(`SELECT min(event_time) AS lo, max(event_time) AS hi, ${ingestTimeText('max(ingest_time)')} AS ing FROM identity_events`))!;
      const from = new Date(range.lo.getTime());
      const until = new Date(range.hi.getTime() + 1000);
      const r = await withPeakRss(async () => {
        const t0 = performance.now();
        const sigma = await runRulePack(store.db, pack, { since: from, until });
        const sigmaSeconds = since(t0);
        const t1 = performance.now();
        await runDetections(store, { since: from, until, now: until });
        return { sigmaSeconds, analyticsSeconds: since(t1), total: since(t0), matches: sigma.matches.length };
      });
      rulesRss = r.peakRssMb;
      rulesStart = r.startRssMb;
      const nRules = pack.rules.length + pack.correlations.length + Object.keys(ANALYTICS).length;
      rules = {
        rules: nRules,
        sigma_rules: pack.rules.length,
        correlations: pack.correlations.length,
        analytics: Object.keys(ANALYTICS).length,
        events: imp.value.received,
        seconds: round(r.value.total),
        rule_events_per_s: Math.round((nRules * imp.value.received) / r.value.total),
        sigma_seconds: round(r.value.sigmaSeconds),
        analytics_seconds: round(r.value.analyticsSeconds),
      };

      // Incremental: the full history is detected (watermark at its end); a 5-minute batch arrives
      // through the live path; one resuming detection run plus the rule pack over the new window.
      progress('incremental: a 5-minute batch on top of the full history');
      await writeWatermark(store.db, { value: until, ingestedUpTo: range.ing });
      const batch = await recentBatch(ds, 5);
      let batchEvents = 0;
      for (const b of batch) batchEvents += (await store.ingestRecords(b.records, { source: b.source, tenant: '', origin: 'bench-incremental' })).stored;
      const inc = await withPeakRss(async () => {
        const t0 = performance.now();
        const res = await runDetections(store, { now: new Date(until.getTime() + 10 * 60000) });
        await runRulePack(store.db, pack, { since: new Date(res.window.from), until: new Date(Date.parse(res.window.to) + 1000) });
        return since(t0);
      });
      incRss = inc.peakRssMb;
      incStart = inc.startRssMb;
      incremental = { events: batchEvents, seconds: round(inc.value, 3) };
    } finally {
      await store.close();
    }

    // KPIs: the weekly table over opts.kpiEvents normalized events and opts.accounts accounts.
    progress(`kpis: building ${opts.kpiEvents.toLocaleString('en-US')} events and ${opts.accounts.toLocaleString('en-US')} accounts in SQL`);
    const kpiDb = path.join(work, 'kpis.duckdb');
    rmSync(kpiDb, { force: true });
    const builder = await DuckDbStore.open(kpiDb);
    let data: KpiData;
    try {
      data = await buildKpiData(builder, { baseDir: ds.baseDir, eventsDb: importDb, since: ds.window.start, events: opts.kpiEvents, accounts: opts.accounts });
    } finally {
      await builder.close();
    }
    const kpiSetup = data.seconds;
    // The table is computed on the store opened afresh, as `idtrail metrics` opens it (the build's
    // buffers are not carried over), with DuckDB's memory bounded.
    const kstore = await DuckDbStore.open(kpiDb);
    let kpis: BenchResult['kpis'];
    let kpiRss: number;
    let kpiStart: number;
    try {
      await kstore.db.run(`SET memory_limit = '${KPI_MEMORY_LIMIT}'`);
      progress('kpis: computing the weekly table');
      const period = await defaultPeriod(kstore.db);
      const k = await withPeakRss(async () => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const results = await computeKpis(kstore.db, period, { write: false });
        const cpu = process.cpuUsage(c0);
        return { seconds: since(t0), cpu: (cpu.user + cpu.system) / 1e6, n: results.length };
      });
      kpiRss = k.peakRssMb;
      kpiStart = k.startRssMb;
      kpis = {
        events: data.events,
        accounts: data.accounts,
        kpis: k.value.n,
        period: period.label,
        seconds: round(k.value.seconds),
        cpu_seconds: round(k.value.cpu),
        memory_limit: KPI_MEMORY_LIMIT,
      };
    } finally {
      await kstore.close();
    }

    const importRate = imp.value.received / imp.value.seconds;
    const baselineRate = imp.value.received / baseline;
    return {
      machine,
      import: {
        events: imp.value.received,
        events_per_s: Math.round(importRate),
        baseline_events_per_s: Math.round(baselineRate),
        ratio: round(importRate / baselineRate, 3),
        seconds: round(imp.value.seconds),
        baseline_seconds: round(baseline),
        bytes,
      },
      live: { events: live.value.n, page_size: 1000, events_per_s: Math.round(live.value.n / live.value.seconds), seconds: round(live.value.seconds) },
      rules,
      incremental,
      kpis,
      peak_rss_mb: { import: Math.round(imp.peakRssMb), live: Math.round(live.peakRssMb), rules: Math.round(rulesRss), incremental: Math.round(incRss), kpis: Math.round(kpiRss) },
      start_rss_mb: { import: Math.round(imp.startRssMb), live: Math.round(live.startRssMb), rules: Math.round(rulesStart), incremental: Math.round(incStart), kpis: Math.round(kpiStart) },
      dataset: { base_events: ds.baseEvents, copies: ds.copies, generate_seconds: round(ds.generateSeconds), amplify_seconds: round(ds.amplifySeconds), kpi_setup_seconds: round(kpiSetup) },
    };
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

/** `n` records from the dataset's files (each source's share by file size), cut into pages per source. */
async function livePages(ds: BenchDataset, n: number, pageSize: number): Promise<Array<{ source: string; records: string[] }>> {
  const files = ds.sources.flatMap((s) => s.files.map((f) => ({ source: s.source, file: f, size: statSync(f).size })));
  const total = files.reduce((a, f) => a + f.size, 0);
  const pages: Array<{ source: string; records: string[] }> = [];
  let left = n;
  for (const [i, f] of files.entries()) {
    const want = i === files.length - 1 ? left : Math.min(left, Math.round((n * f.size) / total));
    left -= want;
    let page: string[] = [];
    let taken = 0;
    if (want === 0) continue;
    for await (const rec of readRecords(f.file)) {
      page.push(rec.text);
      taken++;
      if (page.length === pageSize) {
        pages.push({ source: f.source, records: page });
        page = [];
      }
      if (taken >= want) break;
    }
    if (page.length) pages.push({ source: f.source, records: page });
  }
  return pages;
}

/** A collector source that serves prepared pages, as a vendor API would, each with the checkpoint it reaches. */
function pageSource(type: string, pages: Array<{ records: string[] }>): Source {
  return {
    type: type as Source['type'],
    tenant: 'bench',
    feeds: ['bench'],
    async *pull() {
      for (const [i, p] of pages.entries()) {
        yield {
          kind: 'events',
          feed: 'bench',
          origin: `bench-live/${type}/page-${i + 1}`,
          records: p.records,
          checkpoint: { source: type, tenant: 'bench', stream: 'bench', cursor: String(i + 1), watermark: null },
          counters: emptyCounters(),
        };
      }
    },
  };
}

const silentLog = pino({ level: 'silent' });

/** The human-readable table. */
export function formatBench(r: BenchResult): string {
  const rows: Array<[string, string, string]> = [
    ['import', `${r.import.events_per_s.toLocaleString('en-US')} events/s (${r.import.events.toLocaleString('en-US')} events, ${r.import.seconds} s)`, `${r.peak_rss_mb.import} MB`],
    ['  baseline read_ndjson', `${r.import.baseline_events_per_s.toLocaleString('en-US')} events/s (${r.import.baseline_seconds} s); ratio ${r.import.ratio}`, ''],
    ['live (pages of 1,000)', `${r.live.events_per_s.toLocaleString('en-US')} events/s (${r.live.events.toLocaleString('en-US')} events)`, `${r.peak_rss_mb.live} MB`],
    ['rules', `${r.rules.seconds} s for ${r.rules.rules} rules × ${r.rules.events.toLocaleString('en-US')} events (sigma ${r.rules.sigma_seconds} s, analytics ${r.rules.analytics_seconds} s)`, `${r.peak_rss_mb.rules} MB`],
    ['incremental (5 min)', `${r.incremental.seconds} s (${r.incremental.events} new events)`, `${r.peak_rss_mb.incremental} MB`],
    ['kpis (weekly)', `${r.kpis.seconds} s (${r.kpis.cpu_seconds} s CPU) for ${r.kpis.kpis} KPIs, ${r.kpis.events.toLocaleString('en-US')} events, ${r.kpis.accounts.toLocaleString('en-US')} accounts`, `${r.peak_rss_mb.kpis} MB`],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const m = r.machine;
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, node ${m.node}, duckdb ${m.duckdb}, load ${m.load_avg_1m}`,
    `${'phase'.padEnd(w0)}  ${'result'.padEnd(w1)}  peak RSS`,
    ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`),
  ].join('\n');
}
