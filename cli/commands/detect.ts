import type { Command } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import type { ElasticStore } from '../../store/elastic/store.js';
import { STORE_OPTIONS, STORE_USAGE, openStore, storeKind } from '../store-flags.js';
import { IdtrailError } from '../../lib/errors.js';
import { runDetections, DEFAULT_LOOKBACK_MINUTES } from '../../detections/run.js';
import { loadAllowlistFile } from '../../detections/engine/allowlist.js';
import { loadParamsFile } from '../../detections/engine/params-file.js';
import { parseTimeArg } from '../../detections/engine/time-arg.js';
import { alertLines, alertSummary } from '../../detections/engine/alert-json.js';

export const detectCommand: Command = {
  name: 'detect',
  summary: 'run the detections (resumes from the watermark) and store the alerts',
  usage: `detect ${STORE_USAGE} [--directory-db FILE] [--since 7d|ISO] [--until ISO] [--allowlist FILE] [--params FILE] [--lookback MIN] [--sink NAME]... [--rules PATH]... [--json]`,
  options: {
    ...STORE_OPTIONS,
    // Elasticsearch holds events only: the directory and HRIS tables the analytics join against
    // stay in a DuckDB file (loaded with `ingest file --source inventory|hris --db FILE`).
    'directory-db': { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    allowlist: { type: 'string' },
    params: { type: 'string' },
    lookback: { type: 'string' },
    sink: { type: 'string', multiple: true },
    rules: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const now = new Date();
    const since = str(ctx, 'since');
    const until = str(ctx, 'until');
    const allowlistFile = str(ctx, 'allowlist');
    const allowlist = allowlistFile ? await loadAllowlistFile(allowlistFile) : undefined;
    const paramsFile = str(ctx, 'params');
    const params = paramsFile ? await loadParamsFile(paramsFile) : undefined;
    const sinks = Array.isArray(ctx.values.sink) ? (ctx.values.sink as string[]) : [];
    const directoryDb = str(ctx, 'directory-db');
    if (directoryDb && storeKind(ctx) !== 'elasticsearch') {
      throw new IdtrailError('usage', '--directory-db is for --store elasticsearch; the DuckDB store holds its directory tables itself');
    }
    const store = (await openStore(ctx)) as DuckDbStore | ElasticStore;
    const directory = directoryDb ? await DuckDbStore.open(directoryDb, { readOnly: true }) : undefined;
    try {
      const res = await runDetections(store, {
        directory: directory?.db,
        since: since ? parseTimeArg(since, 'since', now) : undefined,
        until: until ? parseTimeArg(until, 'until', now) : undefined,
        lookbackMinutes: int(ctx, 'lookback', DEFAULT_LOOKBACK_MINUTES),
        allowlist,
        params,
        sinks,
        rules: Array.isArray(ctx.values.rules) ? (ctx.values.rules as string[]) : undefined,
        now,
      });
      if (flag(ctx, 'json')) {
        writeJson(ctx, { new: res.new, alerts: res.alerts.map(alertSummary) });
      } else {
        ctx.stdout.write(`window ${res.window.from} → ${res.window.to}: ${res.new} new alert(s), ${res.alerts.length} in the window\n`);
        for (const line of alertLines(res.alerts)) ctx.stdout.write(`${line}\n`);
      }
      return 0;
    } finally {
      await directory?.close();
      await store.close();
    }
  },
};
