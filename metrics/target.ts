import { z } from 'zod';

/**
 * KPI targets as typed data. Five shapes cover KPIS.md:
 * - threshold: `{ op: '>=', value: 0.99 }`
 * - percentiles: `{ percentiles: [{ p: 50, max: 10 }, { p: 90, max: 20 }] }` (nearest-rank percentiles)
 * - trend: `{ trend: 'down' }` — against the previous period (default), the mean of the previous
 *   `periods` periods (`against: 'baseline'`), or the period `months` months back (`against: 'months_ago'`),
 *   optionally by a relative `minChange` (0.2 = 20 %); a value at or below `nearZero` always meets a downward target
 * - by severity: `{ maxHoursBySeverity: { '1': 2, '2': 8 } }`
 * - findings: `{ findings: { maxHigh: 0, mediumFewerThanMonthsAgo: 12 } }`
 */
export const ThresholdTarget = z.object({ op: z.enum(['>=', '>', '<=', '<']), value: z.number() }).strict();
export const PercentileTarget = z
  .object({
    percentiles: z
      .array(z.object({ p: z.union([z.literal(50), z.literal(75), z.literal(90), z.literal(95)]), max: z.number().nonnegative() }).strict())
      .min(1),
  })
  .strict();
export const TrendTarget = z
  .object({
    trend: z.enum(['down', 'up']),
    against: z.enum(['previous', 'baseline', 'months_ago']).optional(),
    periods: z.number().int().min(1).max(52).optional(),
    months: z.number().int().min(1).max(36).optional(),
    minChange: z.number().min(0).optional(),
    nearZero: z.number().min(0).optional(),
    label: z.string().optional(),
  })
  .strict();
export const SeverityTarget = z.object({ maxHoursBySeverity: z.record(z.string(), z.number().positive()) }).strict();
export const FindingsTarget = z
  .object({ findings: z.object({ maxHigh: z.number().int().min(0), mediumFewerThanMonthsAgo: z.number().int().min(1).optional() }).strict() })
  .strict();

export const TargetSchema = z.union([ThresholdTarget, PercentileTarget, TrendTarget, SeverityTarget, FindingsTarget]);
export type Target = z.infer<typeof TargetSchema>;
export type Unit = 'ratio' | 'count' | 'business_days' | 'hours' | 'score';

/** The periods (relative to the one being computed) that a target compares against. */
export type Reference = { kind: 'shift'; n: number } | { kind: 'months'; months: number };

export function referencesFor(t: Target): Reference[] {
  if ('trend' in t) {
    const against = t.against ?? 'previous';
    if (against === 'baseline') return Array.from({ length: t.periods ?? 4 }, (_, i) => ({ kind: 'shift', n: -(i + 1) }));
    if (against === 'months_ago') return [{ kind: 'months', months: t.months ?? 3 }];
    return [{ kind: 'shift', n: -1 }];
  }
  if ('findings' in t && t.findings.mediumFewerThanMonthsAgo) return [{ kind: 'months', months: t.findings.mediumFewerThanMonthsAgo }];
  return [];
}

export interface Measured {
  value: number | null;
  details: Record<string, unknown>;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function compare(op: '>=' | '>' | '<=' | '<', a: number, b: number): boolean {
  // Rates are stored as doubles: compare at 1e-9 so that 0.99 computed as 99/100 meets ">= 0.99".
  const eps = 1e-9;
  switch (op) {
    case '>=':
      return a >= b - eps;
    case '>':
      return a > b + eps;
    case '<=':
      return a <= b + eps;
    case '<':
      return a < b - eps;
  }
}

/**
 * Met (true), missed (false) or undecidable (null: no value, or nothing to compare with).
 * `refs` are the measurements of the periods `referencesFor` asked for, in the same order.
 */
export function evaluateTarget(t: Target, cur: Measured, refs: Measured[]): boolean | null {
  if (cur.value === null) return null;
  if ('op' in t) return compare(t.op, cur.value, t.value);
  if ('percentiles' in t) {
    let result = true;
    for (const { p, max } of t.percentiles) {
      const v = num(cur.details[`p${p}`]);
      if (v === null) return null;
      result = result && v <= max;
    }
    return result;
  }
  if ('trend' in t) {
    if (t.trend === 'down' && cur.value <= (t.nearZero ?? 0)) return true;
    const values = refs.map((r) => r.value).filter((v): v is number => v !== null);
    if (values.length === 0) return null;
    const base = values.reduce((a, b) => a + b, 0) / values.length;
    const k = t.minChange ?? 0;
    if (t.trend === 'down') {
      if (k > 0) return cur.value <= base * (1 - k);
      return (t.against ?? 'previous') === 'baseline' ? cur.value <= base : cur.value < base;
    }
    if (k > 0) return base === 0 ? null : cur.value >= base * (1 + k);
    return cur.value > base;
  }
  if ('maxHoursBySeverity' in t) {
    const by = (cur.details.by_severity ?? {}) as Record<string, { mean_hours?: number }>;
    let seen = false;
    let ok = true;
    for (const [sev, max] of Object.entries(t.maxHoursBySeverity)) {
      const mean = num(by[sev]?.mean_hours);
      if (mean === null) continue;
      seen = true;
      ok = ok && mean <= max;
    }
    return seen ? ok : null;
  }
  const high = num(cur.details.high) ?? 0;
  if (high > t.findings.maxHigh) return false;
  if (!t.findings.mediumFewerThanMonthsAgo) return true;
  const medium = num(cur.details.medium) ?? 0;
  const before = refs[0] && refs[0].value !== null ? num(refs[0].details.medium) ?? 0 : null;
  if (medium === 0) return true;
  if (before === null) return null;
  return medium < before;
}

function fmt(v: number, unit: Unit): string {
  if (unit === 'ratio') return `${+(v * 100).toFixed(2)}%`;
  if (unit === 'business_days') return `${v} business days`;
  if (unit === 'hours') return `${v} h`;
  if (unit === 'score') return `${v}`;
  return `${v}`;
}

/** A one-line reading of a target, e.g. `>= 99%`, `P50 <= 10 business days, P90 <= 20 business days`. */
export function formatTarget(t: Target, unit: Unit): string {
  if ('op' in t) return `${t.op} ${fmt(t.value, unit)}`;
  if ('percentiles' in t) return t.percentiles.map(({ p, max }) => `P${p} <= ${fmt(max, unit)}`).join(', ');
  if ('trend' in t) {
    if (t.label) return t.label;
    const against = t.against ?? 'previous';
    const dir = t.trend === 'down' ? 'falling' : 'rising';
    const by = t.minChange ? ` by >= ${Math.round(t.minChange * 100)}%` : '';
    if (against === 'baseline') return `${dir}${by} against the mean of the previous ${t.periods ?? 4} periods`;
    if (against === 'months_ago') return `${dir}${by} over ${t.months ?? 3} months`;
    return `${dir}${by} period on period`;
  }
  if ('maxHoursBySeverity' in t) {
    return Object.entries(t.maxHoursBySeverity)
      .map(([s, h]) => `Sev${s} <= ${h} h`)
      .join(', ');
  }
  const f = t.findings;
  return `high <= ${f.maxHigh}${f.mediumFewerThanMonthsAgo ? `; fewer medium than ${f.mediumFewerThanMonthsAgo} months before` : ''}`;
}

/**
 * Applies a config override. A bare number keeps the default's shape and replaces its number
 * (`mfa_coverage: 0.95` keeps `>=`); anything else must be a whole target.
 */
export function overrideTarget(def: Target, override: unknown): { ok: true; target: Target } | { ok: false; error: string } {
  if (typeof override === 'number') {
    if ('op' in def) return { ok: true, target: { ...def, value: override } };
    return { ok: false, error: `a bare number only overrides a threshold target; this KPI's target is ${JSON.stringify(def)}` };
  }
  const parsed = TargetSchema.safeParse(override);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `not a target (${issue?.message ?? 'invalid'}); use {op, value}, {percentiles}, {trend}, {maxHoursBySeverity} or {findings}` };
  }
  return { ok: true, target: parsed.data };
}
