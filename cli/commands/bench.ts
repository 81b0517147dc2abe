import { writeFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { formatBench, runBench } from '../../bench/run.js';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure import, live ingest, rule pack, incremental detection and KPI speed and memory on generated data',
  usage: 'bench [--events 1000000] [--accounts 50000] [--kpi-events 10000000] [--live-events 50000] [--base-users 300] [--base-days 14] [--json] [--out bench.json] [--keep DIR]',
  options: {
    events: { type: 'string' },
    accounts: { type: 'string' },
    'kpi-events': { type: 'string' },
    'live-events': { type: 'string' },
    'base-users': { type: 'string' },
    'base-days': { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    keep: { type: 'string' },
  },
  async run(ctx) {
    const events = int(ctx, 'events', 1_000_000);
    const accounts = int(ctx, 'accounts', 50_000);
    const json = flag(ctx, 'json');
    const result = await runBench({
      events: Math.max(1, events),
      accounts: Math.max(1, accounts),
      kpiEvents: Math.max(1, int(ctx, 'kpi-events', 10_000_000)),
      liveEvents: int(ctx, 'live-events', 50_000),
      baseUsers: ctx.values['base-users'] === undefined ? undefined : Math.max(60, int(ctx, 'base-users', 300)),
      baseDays: ctx.values['base-days'] === undefined ? undefined : Math.min(400, Math.max(7, int(ctx, 'base-days', 14))),
      keep: str(ctx, 'keep'),
      onProgress: (msg) => ctx.stderr.write(`bench: ${msg}\n`),
    });
    const out = str(ctx, 'out');
    if (out) await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    if (json) writeJson(ctx, result);
    else ctx.stdout.write(`${formatBench(result)}\n`);
    return 0;
  },
};
