import type { Command } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { runDemo, type DemoSummary } from '../demo.js';
import { formatKpiValue } from '../../dashboards/model.js';

function humanSummary(s: DemoSummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines: string[] = [''];
  lines.push(`idtrail demo — ${s.db}`);
  lines.push('');
  lines.push('Events stored (identity_events):');
  for (const [src, count] of Object.entries(s.events)) lines.push(`  ${src.padEnd(18)} ${n(count).padStart(10)}`);
  lines.push(`  ${'quarantined'.padEnd(18)} ${n(s.quarantined).padStart(10)}`);
  lines.push('');
  const alertTotal = Object.values(s.alerts).reduce((a, b) => a + b, 0);
  lines.push(`Alerts by detection (${n(alertTotal)}; ${n(s.detail.newAlerts)} new in this run):`);
  for (const [rule, count] of Object.entries(s.alerts).sort((a, b) => b[1] - a[1])) lines.push(`  ${rule.padEnd(40)} ${String(count).padStart(5)}`);
  lines.push('');
  lines.push(`IAM KPIs, ${s.detail.period}:`);
  for (const [id, value] of Object.entries(s.kpis)) {
    const k = s.detail.kpiTargets[id];
    const mark = k.met === true ? 'met   ' : k.met === false ? 'MISSED' : '      ';
    lines.push(`  ${mark} ${k.title.padEnd(42)} ${formatKpiValue(value, k.unit.replace(/_/g, ' ')).padStart(18)}  target ${k.target}`);
  }
  lines.push('');
  lines.push('Outputs:');
  for (const o of s.outputs) lines.push(`  ${o}`);
  lines.push('');
  lines.push('Next: idtrail serve  (alert queue and dashboards on http://127.0.0.1:8787)');
  lines.push('      idtrail alerts list · idtrail metrics · idtrail notebook run notebooks/user-investigation.md --param user=<login>');
  return `${lines.join('\n')}\n`;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Generate a realistic organisation\'s identity telemetry, ingest it, detect, compute the KPIs and build the dashboards',
  usage: 'demo [--db idtrail.duckdb] [--out out/] [--users 2000] [--days 30] [--seed 1] [--json]',
  options: {
    db: { type: 'string', default: 'idtrail.duckdb' },
    out: { type: 'string', default: 'out' },
    users: { type: 'string', default: '2000' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const json = flag(ctx, 'json');
    const say = (text: string) => {
      if (!json || ctx.interactive) ctx.stderr.write(text);
    };
    const summary = await runDemo({
      db: str(ctx, 'db', 'idtrail.duckdb')!,
      out: str(ctx, 'out', 'out')!,
      users: int(ctx, 'users', 2000),
      days: int(ctx, 'days', 30),
      seed: int(ctx, 'seed', 1),
      onStep: (step, total, text) => say(`[${step}/${total}] ${text} …\n`),
      onDone: (_step, text, ms) => say(`      ${text} (${(ms / 1000).toFixed(1)} s)\n`),
    });
    if (json) {
      const { detail: _detail, ...contract } = summary;
      writeJson(ctx, contract);
    } else ctx.stdout.write(humanSummary(summary));
    return 0;
  },
};
