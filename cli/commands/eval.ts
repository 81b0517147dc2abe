import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDemo } from '../../ingest/synth/index.js';
import { ingestPath } from '../../ingest/sources/file.js';
import { loadDemoNonEventData } from '../../ingest/sources/demo-exports.js';
import type { Command } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { evaluateAgainstLabels, readLabels } from '../../detections/engine/evaluate-labels.js';
import { loadAllowlistFile } from '../../detections/engine/allowlist.js';
import { loadParamsFile } from '../../detections/engine/params-file.js';
import { IdtrailError } from '../../lib/errors.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'score the detections against the demo data\'s labelled scenarios (precision, recall, missed, false alarms)',
  usage: 'eval [--db FILE] [--labels FILE] [--data DIR] [--slack MIN] [--allowlist FILE] [--params FILE] [--json]',
  options: {
    db: { type: 'string' },
    labels: { type: 'string' },
    data: { type: 'string', default: 'out/demo-data' },
    slack: { type: 'string' },
    allowlist: { type: 'string' },
    params: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const dataDir = str(ctx, 'data', 'out/demo-data')!;
    let dbPath = str(ctx, 'db');
    if (dbPath && !existsSync(dbPath)) {
      throw new IdtrailError('file_not_found', `database not found: ${dbPath}`, { hint: "run 'idtrail demo' first, or leave out --db to evaluate a freshly generated demo" });
    }
    if (!dbPath) dbPath = await defaultDemoDb(dataDir, (m) => (ctx.interactive ? ctx.stderr.write(`${m}\n`) : undefined));
    const labelsFile = str(ctx, 'labels') ?? join(dataDir, 'labels.json');
    const labels = await readLabels(labelsFile);
    const allowlistFile = str(ctx, 'allowlist');
    const allowlist = allowlistFile ? await loadAllowlistFile(allowlistFile) : undefined;
    const paramsFile = str(ctx, 'params');
    const params = paramsFile ? await loadParamsFile(paramsFile) : undefined;
    const store = await DuckDbStore.open(dbPath, { readOnly: true });
    try {
      const { report, alerts } = await evaluateAgainstLabels(store.db, labels, { slackMinutes: int(ctx, 'slack', 30), allowlist, params });
      if (flag(ctx, 'json')) {
        writeJson(ctx, { detections: report.detections, missed: report.missed, false_alarms: report.false_alarms });
        return 0;
      }
      const out = (s: string) => ctx.stdout.write(`${s}\n`);
      out(`${alerts.filter((a) => !a.suppressed_by).length} alerts over ${labels.scenarios.length} labelled scenarios (${labelsFile})`);
      out('');
      out(`${'detection'.padEnd(44)} ${'tp'.padStart(4)} ${'fp'.padStart(4)} ${'fn'.padStart(4)} ${'precision'.padStart(10)} ${'recall'.padStart(7)}`);
      for (const [id, s] of Object.entries(report.detections)) {
        out(`${id.padEnd(44)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)} ${s.precision.toFixed(2).padStart(10)} ${s.recall.toFixed(2).padStart(7)}`);
      }
      out('');
      out('recall by scenario kind:');
      for (const [k, v] of Object.entries(report.kinds)) out(`  ${k.padEnd(30)} ${v.detected}/${v.scenarios}`);
      out(`missed: ${report.missed.length ? '' : 'none'}`);
      for (const m of report.missed) out(`  ${m.id} (${m.kind} → ${m.detection}) ${m.entity?.user ?? m.entity?.ip ?? ''} ${m.window.start}`);
      const corr = Object.entries(report.corroborating).map(([id, ids]) => `${id} ${ids.length}`);
      if (corr.length) out(`alerts on attacks labelled for another detection (not counted as false positives): ${corr.join(', ')}`);
      out(`benign look-alikes that fired: ${report.false_alarms.length ? '' : 'none'}`);
      for (const f of report.false_alarms) out(`  ${f.id} (${f.kind} → ${f.detection}): ${f.alert_ids.join(', ')}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/**
 * Without --db: the demo data in `dataDir` (generated with the default size and seed if absent),
 * ingested once into `<dataDir>/../eval.duckdb` and reused on later runs.
 */
async function defaultDemoDb(dataDir: string, say: (m: string) => void): Promise<string> {
  const dbPath = join(dataDir, '..', 'eval.duckdb');
  if (existsSync(dbPath)) return dbPath;
  if (!existsSync(join(dataDir, 'labels.json'))) {
    say(`generating the default demo organisation into ${dataDir}`);
    await mkdir(dataDir, { recursive: true });
    await generateDemo({ outDir: dataDir });
  }
  say(`ingesting ${dataDir} into ${dbPath}`);
  const store = await DuckDbStore.open(dbPath);
  try {
    for (const source of ['okta', 'entra', 'google_workspace', 'aws']) {
      const dir = join(dataDir, source);
      if (await stat(dir).catch(() => null)) await ingestPath(store, dir, { source });
    }
    await loadDemoNonEventData(store, dataDir);
  } finally {
    await store.close();
  }
  return dbPath;
}
