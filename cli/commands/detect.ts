import type { Command } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { runDetections, DEFAULT_LOOKBACK_MINUTES } from '../../detections/run.js';
import { loadAllowlistFile } from '../../detections/engine/allowlist.js';
import { loadParamsFile } from '../../detections/engine/params-file.js';
import { parseTimeArg } from '../../detections/engine/time-arg.js';
import { alertLines, alertSummary } from '../../detections/engine/alert-json.js';

export const detectCommand: Command = {
  name: 'detect',
  summary: 'run the detections (resumes from the watermark) and store the alerts',
  usage: 'detect [--db FILE] [--since 7d|ISO] [--until ISO] [--allowlist FILE] [--params FILE] [--lookback MIN] [--sink NAME]... [--rules PATH]... [--json]',
  options: {
    db: { type: 'string', default: 'idtrail.duckdb' },
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
    const store = await DuckDbStore.open(str(ctx, 'db', 'idtrail.duckdb')!);
    try {
      const res = await runDetections(store, {
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
      await store.close();
    }
  },
};
