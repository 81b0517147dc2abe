import type { DuckDb } from '../store/duckdb/db.js';
import { computeKpis, defaultPeriod, type ComputeOptions } from '../metrics/compute.js';
import { parsePeriod, shiftPeriod, type Period } from '../metrics/period.js';
import type { KpiResult } from '../metrics/types.js';
import type { KpiTile } from './model.js';

/** The number a trend chart draws the target at: the threshold of a `>=`/`<=` target, else none. */
function targetValue(spec: unknown): number | null {
  if (spec && typeof spec === 'object' && 'op' in spec && 'value' in spec && typeof (spec as { value: unknown }).value === 'number') {
    return (spec as { value: number }).value;
  }
  return null;
}

/**
 * The KPI dashboard's tiles for a week: every KPI's value for that week with its last `weeks`
 * weekly values as the trend. All periods are computed (and written to `kpi_results`) here.
 */
export async function kpiTiles(db: DuckDb, opts: { week?: string | Period; weeks?: number; compute?: ComputeOptions } = {}): Promise<{ period: Period; tiles: KpiTile[] }> {
  const end = opts.week ? (typeof opts.week === 'string' ? parsePeriod(opts.week) : opts.week) : await defaultPeriod(db, opts.compute?.now);
  const n = opts.weeks ?? 12;
  const byPeriod: KpiResult[][] = [];
  for (let i = n - 1; i >= 0; i--) {
    byPeriod.push(await computeKpis(db, shiftPeriod(end, -i), opts.compute));
  }
  const current = byPeriod[byPeriod.length - 1];
  const tiles = current.map((r): KpiTile => ({
    id: r.id,
    title: r.title,
    unit: r.unit.replace(/_/g, ' '),
    cadence: r.cadence.replace(/_/g, ' '),
    owner: r.owner,
    period: r.period,
    status: r.status,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    target: r.target,
    targetValue: targetValue(r.targetSpec),
    met: r.met,
    change: r.change,
    needs: r.needs,
    trend: byPeriod.map((results) => {
      const p = results.find((x) => x.id === r.id)!;
      return { period: p.period, value: p.status === 'ok' ? p.value : null, met: p.status === 'ok' ? p.met : null };
    }),
  }));
  return { period: end, tiles };
}
