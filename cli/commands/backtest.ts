import type { Command } from '../command.js';
import { flag, str, writeJson } from '../command.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { backtest } from '../../detections/engine/backtest.js';
import { loadAllowlistFile } from '../../detections/engine/allowlist.js';
import { loadParamsFile } from '../../detections/engine/params-file.js';
import { parseTimeArg } from '../../detections/engine/time-arg.js';
import { alertLines, alertSummary } from '../../detections/engine/alert-json.js';
import { IdtrailError } from '../../lib/errors.js';

export const rulesBacktest: Command = {
  name: 'rules backtest',
  summary: 'show what a detection would have raised over past data, without writing alerts',
  usage: 'rules backtest <detection-id> [--since 30d] [--until ISO] [--db FILE] [--allowlist FILE] [--params FILE] [--json]',
  options: {
    db: { type: 'string', default: 'idtrail.duckdb' },
    since: { type: 'string', default: '30d' },
    until: { type: 'string' },
    allowlist: { type: 'string' },
    params: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new IdtrailError('usage', 'name the detection to backtest', { hint: `usage: idtrail ${this.usage}` });
    const now = new Date();
    const from = parseTimeArg(str(ctx, 'since', '30d')!, 'since', now);
    const until = str(ctx, 'until');
    const to = until ? parseTimeArg(until, 'until', now) : now;
    const allowlistFile = str(ctx, 'allowlist');
    const allowlist = allowlistFile ? await loadAllowlistFile(allowlistFile) : undefined;
    const paramsFile = str(ctx, 'params');
    const params = paramsFile ? await loadParamsFile(paramsFile) : undefined;
    const store = await DuckDbStore.open(str(ctx, 'db', 'idtrail.duckdb')!, { readOnly: true });
    try {
      const res = await backtest(store.db, id, { from, to, allowlist, params: params?.[id], now });
      if (flag(ctx, 'json')) {
        writeJson(ctx, { rule_id: res.ruleId, window: res.window, would_raise: res.alerts.length, already_stored: res.alreadyStored, alerts: res.alerts.map((a) => ({ ...alertSummary(a), explanation: a.explanation, evidence_event_ids: a.evidence_event_ids })) });
      } else {
        ctx.stdout.write(`${res.ruleId} over ${res.window.from} → ${res.window.to}: would raise ${res.alerts.length} alert(s) (${res.alreadyStored} already stored); nothing written\n`);
        for (const line of alertLines(res.alerts)) ctx.stdout.write(`${line}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
