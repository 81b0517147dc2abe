import type { Cadence } from './period.js';
import type { Target, Unit } from './target.js';

/**
 * One data source a KPI needs. `sql` returns one row with a boolean column `present`; it runs
 * without parameters over the whole store (is this kind of data loaded at all?).
 */
export interface KpiNeed {
  id: string;
  sql: string;
}

/**
 * A KPI as data. The SQL takes its inputs as bound named parameters only:
 * - `$start`, `$end` — the measurement window [start, end) as ISO-8601 UTC text (cast in SQL);
 * - `$as_of` — the time the measurement is taken at: the window end, or now when the window is
 *   still open (leavers whose deadline has not passed are pending, not late);
 * - each key of `params` (numbers such as an SLA in hours), overridable per call;
 * - `$policy` — JSON text, for KPIs that read a policy from config (the birthright access map).
 * A statement only receives the parameters that it names.
 *
 * `valueSql` returns one row: `value` (DOUBLE or NULL), `numerator`, `denominator`, and `details`
 * (JSON text: breakdowns such as percentiles or counts by severity). A NULL value means the window
 * holds nothing to measure; the KPI then reports `no_data` with `emptyNeed`.
 * `evidenceSql` returns the rows behind the value (the leavers disabled late, the admins without
 * phishing-resistant MFA …), with the columns an auditor reads first.
 */
export interface KpiDefinition {
  id: string;
  title: string;
  unit: Unit;
  cadence: Cadence;
  target: Target;
  owner: string;
  needs: KpiNeed[];
  /** The written calculation: what is counted, from which rows, and how ambiguities are resolved. */
  calculation: string;
  valueSql: string;
  evidenceSql: string;
  /** What is missing when the window holds nothing to measure, e.g. `hris_workers:leavers in window`. */
  emptyNeed: string;
  params?: Record<string, number>;
}

export type KpiStatus = 'ok' | 'no_data';

export interface KpiResult {
  id: string;
  title: string;
  value: number | null;
  /** The target as text (`>= 99%`); `targetSpec` is the typed form. */
  target: string;
  met: boolean | null;
  status: KpiStatus;
  /** What is absent when status is `no_data`; empty when `ok`. */
  needs: string[];
  unit: Unit;
  cadence: Cadence;
  owner: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  window: { start: string; end: string };
  numerator: number | null;
  denominator: number | null;
  previousValue: number | null;
  change: number | null;
  targetSpec: unknown;
  details: Record<string, unknown>;
}
