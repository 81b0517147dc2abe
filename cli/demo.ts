import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDbStore } from '../store/duckdb/store.js';
import { generateDemo } from '../ingest/synth/index.js';
import { ingestPath } from '../ingest/sources/file.js';
import { loadDemoNonEventData } from '../ingest/sources/demo-exports.js';
import { runDetections } from '../detections/run.js';
import { computeKpis, defaultPeriod } from '../metrics/compute.js';
import { buildDashboards } from '../dashboards/build.js';

export interface DemoOptions {
  db: string;
  out: string;
  users: number;
  days: number;
  seed: number;
  /** Called with a line per step (the CLI prints them to stderr on a terminal). */
  onStep?: (step: number, total: number, text: string) => void;
  onDone?: (step: number, text: string, ms: number) => void;
}

export interface DemoSummary {
  db: string;
  events: Record<string, number>;
  quarantined: number;
  alerts: Record<string, number>;
  kpis: Record<string, number | null>;
  outputs: string[];
  /** Extra detail for the human summary (not part of the JSON contract's required keys). */
  detail: {
    dataDir: string;
    reusedData: boolean;
    period: string;
    kpiTargets: Record<string, { title: string; target: string; met: boolean | null; unit: string }>;
    ingest: Record<string, { received: number; stored: number; duplicates: number; quarantined: number }>;
    tables: Record<string, number>;
    newAlerts: number;
    ms: Record<string, number>;
  };
}

/** Event sources of the demo data folder: source → sub-folder (the demo data layout). */
const EVENT_SOURCES: [string, string][] = [
  ['okta', 'okta'],
  ['entra', 'entra'],
  ['google_workspace', 'google_workspace'],
  ['aws', 'aws'],
];

interface DemoParams {
  users: number;
  days: number;
  seed: number;
}

async function reusable(dataDir: string, want: DemoParams): Promise<boolean> {
  try {
    const have = JSON.parse(await readFile(path.join(dataDir, 'demo-params.json'), 'utf8')) as DemoParams;
    await stat(path.join(dataDir, 'labels.json'));
    return have.users === want.users && have.days === want.days && have.seed === want.seed;
  } catch {
    return false;
  }
}

/**
 * `idtrail demo`, the main job: generate (or reuse) the demo organisation's telemetry, ingest it,
 * run the detections, compute the KPIs and build the dashboards. Running it twice on the same
 * database changes no count: every stage is idempotent.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const total = 6;
  const ms: Record<string, number> = {};
  const timed = async <T>(step: number, key: string, text: string, fn: () => Promise<T>, done: (r: T) => string): Promise<T> => {
    opts.onStep?.(step, total, text);
    const t0 = performance.now();
    const r = await fn();
    ms[key] = Math.round(performance.now() - t0);
    opts.onDone?.(step, done(r), ms[key]);
    return r;
  };

  const dataDir = path.join(opts.out, 'demo-data');
  const params: DemoParams = { users: opts.users, days: opts.days, seed: opts.seed };
  const reusedData = await reusable(dataDir, params);
  await timed(1, 'generate', reusedData ? `reusing demo data in ${dataDir}` : `generating ${opts.users} people over ${opts.days} days (seed ${opts.seed})`, async () => {
    if (reusedData) return null;
    await mkdir(dataDir, { recursive: true });
    const r = await generateDemo({ outDir: dataDir, users: opts.users, days: opts.days, seed: opts.seed });
    await writeFile(path.join(dataDir, 'demo-params.json'), `${JSON.stringify(params)}\n`);
    return r;
  }, (r) => (r ? `${Object.values(r.counts).reduce((a, b) => a + b, 0).toLocaleString('en-US')} records written` : 'same seed and size: files reused'));

  const store = await DuckDbStore.open(opts.db);
  try {
    const ingest: DemoSummary['detail']['ingest'] = {};
    await timed(2, 'ingest', 'ingesting sign-in, audit and provisioning logs', async () => {
      for (const [source, sub] of EVENT_SOURCES) {
        const dir = path.join(dataDir, sub);
        if (!(await stat(dir).catch(() => null))) continue;
        const r = await ingestPath(store, dir, { source });
        ingest[source] = { received: r.received, stored: r.stored, duplicates: r.duplicates, quarantined: r.quarantined };
      }
    }, () => {
      const received = Object.values(ingest).reduce((a, r) => a + r.received, 0);
      const stored = Object.values(ingest).reduce((a, r) => a + r.stored, 0);
      return `${received.toLocaleString('en-US')} events read, ${stored.toLocaleString('en-US')} new`;
    });
    const nonEvent = await timed(3, 'inventory', 'loading inventory, HRIS and ITSM exports', () => loadDemoNonEventData(store, dataDir), (r) =>
      Object.entries(r.tables).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', '),
    );
    const detect = await timed(4, 'detect', 'running detections', () => runDetections(store, { since: new Date('1970-01-01T00:00:00Z') }), (r) => `${r.new} new alerts, ${r.alerts.length} in the window`);
    const period = await defaultPeriod(store.db);
    const kpis = await timed(5, 'metrics', `computing the KPI table for ${period.label}`, () => computeKpis(store.db, period), (r) => `${r.filter((k) => k.status === 'ok').length}/${r.length} KPIs with data`);
    const dash = await timed(6, 'dashboards', 'building dashboards', () => buildDashboards(store.db, { outDir: path.join(opts.out, 'dashboard'), week: period.label }), (r) => `${r.outDir}/index.html`);

    const alertRows = await store.db.all<{ rule_id: string; n: bigint }>(`SELECT rule_id, count(*) AS n FROM alerts WHERE suppressed_by IS NULL GROUP BY rule_id ORDER BY rule_id`);
    return {
      db: opts.db,
      events: await store.countEvents(),
      quarantined: await store.countQuarantine(),
      alerts: Object.fromEntries(alertRows.map((r) => [r.rule_id, Number(r.n)])),
      kpis: Object.fromEntries(kpis.map((k) => [k.id, k.status === 'ok' ? k.value : null])),
      outputs: [path.join(dash.outDir, 'index.html'), path.join(dash.outDir, 'alerts.html'), dataDir, opts.db],
      detail: {
        dataDir,
        reusedData,
        period: period.label,
        kpiTargets: Object.fromEntries(kpis.map((k) => [k.id, { title: k.title, target: k.target, met: k.met, unit: k.unit }])),
        ingest,
        tables: nonEvent.tables,
        newAlerts: detect.new,
        ms,
      },
    };
  } finally {
    await store.close();
  }
}
