import type { Command } from '../command.js';
import { str } from '../command.js';
import { IdtrailError } from '../../lib/errors.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { computeKpis, defaultPeriod } from '../../metrics/compute.js';
import { readMetricsConfigFile } from '../../metrics/config.js';
import { metricsCsv, metricsJson, metricsMarkdown, metricsTable } from '../../metrics/format.js';
import { parsePeriod, type Period } from '../../metrics/period.js';

/** The one period a metrics/evidence run is for: at most one of --week, --month, --quarter, --period. */
export function periodOption(values: Record<string, unknown>, keys: string[]): Period | undefined {
  const given = keys.filter((k) => typeof values[k] === 'string');
  if (given.length > 1) throw new IdtrailError('usage', `give one of ${keys.map((k) => `--${k}`).join(', ')}, not ${given.map((k) => `--${k}`).join(' and ')}`);
  if (given.length === 0) return undefined;
  const key = given[0];
  const label = values[key] as string;
  const p = parsePeriod(label);
  const expected = key === 'week' ? 'week' : key === 'month' ? 'month' : key === 'quarter' ? 'quarter' : p.grain;
  if (p.grain !== expected) {
    const example = { week: '2026-W47', month: '2026-11', quarter: '2026-Q3' }[expected];
    throw new IdtrailError('usage', `--${key} takes a ${expected} such as ${example}, got ${JSON.stringify(label)}`);
  }
  return p;
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'Compute the IAM KPI table for a week, month or quarter (stored in kpi_results)',
  usage: 'metrics [--db FILE] [--week 2026-W47 | --month 2026-11 | --quarter 2026-Q3] [--format table|json|csv|md] [--config FILE]',
  options: {
    db: { type: 'string', default: 'idtrail.duckdb' },
    week: { type: 'string' },
    month: { type: 'string' },
    quarter: { type: 'string' },
    format: { type: 'string', default: 'table' },
    config: { type: 'string' },
  },
  async run(ctx) {
    const format = str(ctx, 'format', 'table')!;
    if (!['table', 'json', 'csv', 'md'].includes(format)) throw new IdtrailError('usage', `--format must be table, json, csv or md, got '${format}'`);
    const configFile = str(ctx, 'config');
    const config = configFile ? readMetricsConfigFile(configFile) : undefined;
    const explicit = periodOption(ctx.values, ['week', 'month', 'quarter']);
    const store = await DuckDbStore.open(str(ctx, 'db', 'idtrail.duckdb')!);
    try {
      const period = explicit ?? (await defaultPeriod(store.db));
      const results = await computeKpis(store.db, period, { config });
      if (format === 'json') ctx.stdout.write(`${JSON.stringify(metricsJson(period.label, results), null, 2)}\n`);
      else if (format === 'csv') ctx.stdout.write(metricsCsv(period.label, results));
      else if (format === 'md') ctx.stdout.write(metricsMarkdown(period.label, results));
      else ctx.stdout.write(metricsTable(period.label, results));
      return 0;
    } finally {
      await store.close();
    }
  },
};
