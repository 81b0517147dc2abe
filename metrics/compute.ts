import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDb, SqlParam } from '../store/duckdb/db.js';
import { IdtrailError } from '../lib/errors.js';
import { EMPTY_CONFIG, metricsOptionsFromConfig, readMetricsConfigFile, type MetricsConfig } from './config.js';
import { isoDate, lastDay, parsePeriod, periodContaining, periodMonthsBack, shiftPeriod, windowFor, type Period, type Window } from './period.js';
import { KPI_BY_ID, KPI_DEFINITIONS } from './registry.js';
import { evaluateTarget, formatTarget, referencesFor, type Measured, type Target } from './target.js';
import type { KpiDefinition, KpiResult } from './types.js';

export interface ComputeOptions {
  /** A parsed metrics config, or the whole project config object (`{ kpis: { targets, birthright, params } }`). */
  config?: MetricsConfig | { kpis?: unknown } | null;
  /** A YAML file of that shape, read when `config` is not given. */
  configFile?: string;
  /** Target overrides by KPI id (win over `config`). */
  targets?: Record<string, Target>;
  /** The time of measurement (defaults to now); windows that end later are measured as of this time. */
  now?: Date;
  /** Write the results into `kpi_results` (default true for computeKpis, false for computeTrend). */
  write?: boolean;
  /** Only these KPIs (default: all twenty). */
  ids?: string[];
  /**
   * KPIs measured at the same time, each on its own connection (default 2). Results do not depend
   * on it; with 1 every statement runs on the database's own connection.
   */
  concurrency?: number;
}

/** Default number of KPIs measured at the same time (see `computeKpis`). */
export const DEFAULT_KPI_CONCURRENCY = 2;

interface Measurement extends Measured {
  numerator: number | null;
  denominator: number | null;
}

function resolveConfig(opts: ComputeOptions): MetricsConfig {
  const c = opts.config;
  let base: MetricsConfig = EMPTY_CONFIG;
  if (c && 'targets' in c && 'birthright' in c && 'params' in c) base = c as MetricsConfig;
  else if (c) base = metricsOptionsFromConfig(c);
  else if (opts.configFile) base = readMetricsConfigFile(opts.configFile);
  return opts.targets ? { ...base, targets: { ...base.targets, ...opts.targets } } : base;
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

function parseDetails(v: unknown): Record<string, unknown> {
  if (typeof v !== 'string' || v === '') return {};
  const parsed = JSON.parse(v) as unknown;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/** Names of the `$parameters` a statement uses: only those are bound (DuckDB rejects extra ones). */
function paramNames(sql: string): Set<string> {
  return new Set([...sql.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
}

/** The parameters of a KPI statement: the window, the time of measurement, the KPI's numbers and the policy. */
export function kpiParams(def: KpiDefinition, sql: string, win: Window, now: Date, config: MetricsConfig): Record<string, SqlParam> {
  const asOf = win.end.getTime() < now.getTime() ? win.end : now;
  const policy = Object.entries(config.birthright).flatMap(([department, ents]) => ents.map((entitlement) => ({ department, entitlement })));
  const all: Record<string, SqlParam> = {
    start: win.start.toISOString(),
    end: win.end.toISOString(),
    as_of: asOf.toISOString(),
    policy: JSON.stringify(policy),
    ...(def.params ?? {}),
    ...(config.params[def.id] ?? {}),
  };
  const out: Record<string, SqlParam> = {};
  for (const name of paramNames(sql)) {
    if (!(name in all)) throw new IdtrailError('internal', `KPI ${def.id} uses an unknown parameter $${name}`);
    out[name] = all[name];
  }
  return out;
}

/** Computes KPIs for one run, caching data checks and window measurements. */
class Run {
  private readonly needCache = new Map<string, Promise<boolean>>();
  private readonly measureCache = new Map<string, Promise<Measurement>>();

  constructor(
    readonly db: DuckDb,
    readonly config: MetricsConfig,
    readonly now: Date,
  ) {}

  present(sql: string, conn?: DuckDBConnection): Promise<boolean> {
    let p = this.needCache.get(sql);
    if (!p) {
      p = this.db.one<{ present: boolean }>(sql, undefined, conn).then((r) => r?.present === true);
      this.needCache.set(sql, p);
    }
    return p;
  }

  async missingNeeds(def: KpiDefinition, conn?: DuckDBConnection): Promise<string[]> {
    const missing: string[] = [];
    for (const need of def.needs) if (!(await this.present(need.sql, conn))) missing.push(need.id);
    return missing;
  }

  measure(def: KpiDefinition, win: Window, conn?: DuckDBConnection): Promise<Measurement> {
    const key = `${def.id}|${win.start.toISOString()}|${win.end.toISOString()}`;
    let p = this.measureCache.get(key);
    if (!p) {
      p = (async () => {
        const row = await this.db.one<Record<string, unknown>>(def.valueSql, kpiParams(def, def.valueSql, win, this.now, this.config), conn);
        return {
          value: toNumber(row?.value),
          numerator: toNumber(row?.numerator),
          denominator: toNumber(row?.denominator),
          details: parseDetails(row?.details),
        };
      })();
      this.measureCache.set(key, p);
    }
    return p;
  }

  target(def: KpiDefinition): Target {
    return this.config.targets[def.id] ?? def.target;
  }

  async compute(def: KpiDefinition, period: Period, conn?: DuckDBConnection): Promise<KpiResult> {
    const target = this.target(def);
    const win = windowFor(period, def.cadence);
    const base = {
      id: def.id,
      title: def.title,
      target: formatTarget(target, def.unit),
      unit: def.unit,
      cadence: def.cadence,
      owner: def.owner,
      period: period.label,
      periodStart: isoDate(period.start),
      periodEnd: lastDay(period),
      window: { start: win.start.toISOString(), end: win.end.toISOString() },
      targetSpec: target,
    };
    const missing = await this.missingNeeds(def, conn);
    if (missing.length > 0) {
      return { ...base, value: null, met: null, status: 'no_data', needs: missing, numerator: null, denominator: null, previousValue: null, change: null, details: {} };
    }
    const cur = await this.measure(def, win, conn);
    const prev = await this.measure(def, windowFor(shiftPeriod(period, -1), def.cadence), conn);
    if (cur.value === null) {
      return {
        ...base,
        value: null,
        met: null,
        status: 'no_data',
        needs: [def.emptyNeed],
        numerator: cur.numerator,
        denominator: cur.denominator,
        previousValue: prev.value,
        change: null,
        details: cur.details,
      };
    }
    const refs: Measurement[] = [];
    for (const ref of referencesFor(target)) {
      const p = ref.kind === 'shift' ? shiftPeriod(period, ref.n) : periodMonthsBack(period, ref.months);
      refs.push(await this.measure(def, windowFor(p, def.cadence), conn));
    }
    return {
      ...base,
      value: cur.value,
      met: evaluateTarget(target, cur, refs),
      status: 'ok',
      needs: [],
      numerator: cur.numerator,
      denominator: cur.denominator,
      previousValue: prev.value,
      change: prev.value === null ? null : cur.value - prev.value,
      details: cur.details,
    };
  }
}

function selectDefinitions(ids?: string[]): KpiDefinition[] {
  if (!ids || ids.length === 0) return [...KPI_DEFINITIONS];
  return ids.map((id) => {
    const def = KPI_BY_ID.get(id);
    if (!def) throw new IdtrailError('usage', `unknown KPI ${JSON.stringify(id)}`, { hint: `known KPIs: ${[...KPI_BY_ID.keys()].join(', ')}` });
    return def;
  });
}

/** Writes results into `kpi_results`, replacing the rows of the same KPI and period (one statement for all rows). */
export async function writeKpiResults(db: DuckDb, results: KpiResult[], computedAt = new Date()): Promise<void> {
  if (results.length === 0) return;
  const rows = results.map((r) => ({
    kpi_id: r.id,
    period: r.period,
    period_start: r.periodStart,
    period_end: r.periodEnd,
    status: r.status,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    target: r.target,
    met: r.met,
    previous_value: r.previousValue,
    change: r.change,
    needs: r.needs,
    details: JSON.stringify({ ...r.details, window: r.window, target_spec: r.targetSpec, unit: r.unit, cadence: r.cadence, owner: r.owner }),
  }));
  const shape = JSON.stringify({
    kpi_id: 'VARCHAR', period: 'VARCHAR', period_start: 'DATE', period_end: 'DATE', status: 'VARCHAR', value: 'DOUBLE', numerator: 'DOUBLE',
    denominator: 'DOUBLE', target: 'VARCHAR', met: 'BOOLEAN', previous_value: 'DOUBLE', change: 'DOUBLE', needs: ['VARCHAR'], details: 'VARCHAR',
  });
  await db.transaction(async (conn) => {
    await db.run(
      `DELETE FROM kpi_results WHERE (kpi_id, period) IN (SELECT (r.kpi_id, r.period) FROM (SELECT unnest(from_json(CAST($rows AS VARCHAR), '[${shape}]'), recursive := true)) r)`,
      { rows: JSON.stringify(rows) },
      conn,
    );
    await db.run(
      `INSERT INTO kpi_results (kpi_id, period, period_start, period_end, status, value, numerator, denominator, target, met, previous_value, change, needs, details, computed_at)
       SELECT kpi_id, period, period_start, period_end, status, value, numerator, denominator, target, met, previous_value, change, needs, CAST(details AS JSON), CAST($at AS TIMESTAMP)
       FROM (SELECT unnest(from_json(CAST($rows AS VARCHAR), '[${shape}]'), recursive := true))`,
      { rows: JSON.stringify(rows), at: computedAt.toISOString() },
      conn,
    );
  });
}

/**
 * Computes the KPIs for a period (every KPI, in KPIS.md order) and, unless `write: false`, stores
 * them in `kpi_results`. A KPI whose data is absent is `no_data` with what it needs — never a number.
 */
export async function computeKpis(db: DuckDb, period: Period | string, opts: ComputeOptions = {}): Promise<KpiResult[]> {
  const p = typeof period === 'string' ? parsePeriod(period) : period;
  const run = new Run(db, resolveConfig(opts), opts.now ?? new Date());
  const results = await inParallel(db, selectDefinitions(opts.ids), opts.concurrency ?? DEFAULT_KPI_CONCURRENCY, (def, conn) => run.compute(def, p, conn));
  if (opts.write !== false) await writeKpiResults(db, results, run.now);
  return results;
}

/**
 * `fn` over `items` with up to `n` at a time, each worker on its own connection (DuckDB runs
 * statements of different connections side by side); results in the order of `items`. With one
 * worker, everything runs on the database's own connection.
 */
async function inParallel<T, R>(db: DuckDb, items: T[], n: number, fn: (item: T, conn: DuckDBConnection | undefined) => Promise<R>): Promise<R[]> {
  const workers = Math.max(1, Math.min(Math.floor(n), items.length));
  const out: R[] = new Array<R>(items.length);
  if (workers === 1) {
    for (const [i, item] of items.entries()) out[i] = await fn(item, undefined);
    return out;
  }
  const conns: DuckDBConnection[] = [];
  try {
    for (let w = 0; w < workers; w++) conns.push(await db.connect());
    let next = 0;
    // Every worker settles before the connections close; the first failure stops the others taking more.
    const settled = await Promise.allSettled(
      conns.map(async (conn) => {
        while (next < items.length) {
          const i = next++;
          try {
            out[i] = await fn(items[i], conn);
          } catch (err) {
            next = items.length;
            throw err;
          }
        }
      }),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    for (const c of conns) c.closeSync();
  }
  return out;
}

/** One KPI over the last `n` periods ending with `endPeriod` (oldest first), for trend charts. */
export async function computeTrend(db: DuckDb, kpiId: string, endPeriod: Period | string, n = 12, opts: ComputeOptions = {}): Promise<KpiResult[]> {
  const end = typeof endPeriod === 'string' ? parsePeriod(endPeriod) : endPeriod;
  const [def] = selectDefinitions([kpiId]);
  const run = new Run(db, resolveConfig(opts), opts.now ?? new Date());
  const out: KpiResult[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(await run.compute(def, shiftPeriod(end, -i)));
  if (opts.write === true) await writeKpiResults(db, out, run.now);
  return out;
}

/**
 * The period `idtrail metrics` reports when none is given: the last complete ISO week before the
 * latest data (sign-in, audit or provisioning event), or before now when the store is empty.
 */
export async function defaultPeriod(db: DuckDb, now = new Date()): Promise<Period> {
  const row = await db.one<{ latest: Date | null }>('SELECT max(event_time) AS latest FROM identity_events');
  const latest = row?.latest instanceof Date && row.latest.getTime() < now.getTime() ? row.latest : now;
  return shiftPeriod(periodContaining(latest, 'week'), -1);
}

/**
 * Whether the store holds the data a KPI needs (its `needs` checks), and which needs are missing.
 * A KPI with a missing need reports `no_data` with those needs.
 */
export async function hasData(db: DuckDb, kpiId: string): Promise<{ present: boolean; missing: string[] }> {
  const [def] = selectDefinitions([kpiId]);
  const missing = await new Run(db, EMPTY_CONFIG, new Date()).missingNeeds(def);
  return { present: missing.length === 0, missing };
}
