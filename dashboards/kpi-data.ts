import type { DuckDb } from '../store/duckdb/db.js';
import { computeTrend, defaultPeriod, writeKpiResults, type ComputeOptions } from '../metrics/compute.js';
import { KPI_DEFINITIONS } from '../metrics/registry.js';
import { parsePeriod, type Period } from '../metrics/period.js';
import type { KpiResult } from '../metrics/types.js';
import type { KpiTile } from './model.js';

/** The number a trend chart draws the target at: the threshold of a `>=`/`<=` target, else none. */
function targetValue(spec: unknown): number | null {
  if (spec && typeof spec === 'object' && 'op' in spec && 'value' in spec && typeof (spec as { value: unknown }).value === 'number') {
    return (spec as { value: number }).value;
  }
  return null;
}

/** A KPI's tile from its results over the trend periods (oldest first, the tile's week last). */
function tileOf(trend: KpiResult[]): KpiTile {
  const r = trend[trend.length - 1];
  return {
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
    trend: trend.map((p) => ({ period: p.period, value: p.status === 'ok' ? p.value : null, met: p.status === 'ok' ? p.met : null })),
  };
}

/**
 * The KPI dashboard's tiles for a week: every KPI's value for that week with its last `weeks`
 * weekly values as the trend. All periods are computed here and, unless `compute.write` is false,
 * written to `kpi_results` in one statement. Each KPI's trend is one run of the metrics, so a
 * window measured as one week's value and as the next week's "previous" is queried once.
 * `onTile` sees each tile as soon as its KPI is done (the caller can draw it while the next KPI's
 * queries run).
 */
export async function kpiTiles(
  db: DuckDb,
  opts: { week?: string | Period; weeks?: number; compute?: ComputeOptions; onTile?: (tile: KpiTile) => void } = {},
): Promise<{ period: Period; tiles: KpiTile[] }> {
  const end = opts.week ? (typeof opts.week === 'string' ? parsePeriod(opts.week) : opts.week) : await defaultPeriod(db, opts.compute?.now);
  const n = opts.weeks ?? 12;
  const ids = opts.compute?.ids?.length ? opts.compute.ids : KPI_DEFINITIONS.map((d) => d.id);
  const computeOpts: ComputeOptions = { ...opts.compute, write: false };
  const results: KpiResult[] = [];
  const tiles: KpiTile[] = [];
  for (const id of ids) {
    const trend = await computeTrend(db, id, end, n, computeOpts);
    results.push(...trend);
    const tile = tileOf(trend);
    tiles.push(tile);
    opts.onTile?.(tile);
  }
  if (opts.compute?.write !== false) await writeKpiResults(db, results);
  return { period: end, tiles };
}
