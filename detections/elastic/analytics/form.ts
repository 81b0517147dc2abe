import type { DetectWindow, ResolvedParams } from '../../analytics/types.js';
import { inList, lit } from '../esql.js';

/**
 * The ES|QL form of an analytic: which normalized events (`logs-idtrail.events-<ns>`, fields
 * `identity.*`) the analytic reads, selected inside the cluster, and the ES|QL aggregations that
 * narrow them to candidate entities first. The exact logic that ES|QL cannot express (windows over
 * ordered rows, lateral "next event" lookups, haversine, joins against the directory and HRIS
 * tables) runs afterwards over the selected events only, with the analytic's own query, so both
 * stores raise the same alerts.
 *
 * A read must select every event the analytic's own query can look at for the window (a superset
 * is harmless: that query re-applies its exact predicates); a narrowing must never drop an entity
 * that could fire.
 */
export interface EsqlRead {
  /** ES|QL boolean expression over the normalized events. */
  where: string;
  /** Earliest `@timestamp` read (inclusive); null: all history. */
  from: Date | null;
  /** Latest `@timestamp` read (inclusive); null: no upper bound. */
  to: Date | null;
}

export interface FormContext {
  /** The normalized events data stream. */
  index: string;
  /** Runs one ES|QL query in the cluster and returns its rows. */
  query(esql: string): Promise<Record<string, unknown>[]>;
}

export interface EsqlForm {
  id: string;
  reads(p: ResolvedParams, win: DetectWindow, cx: FormContext): Promise<EsqlRead[]>;
  /** The finishing query reads the vendor record of some events (raw_table/raw_uid). */
  rawRecords?: boolean;
}

export const F = (name: string): string => `identity.${name}`;
export const is = (name: string, value: string): string => `${F(name)} == ${lit(value)}`;
export const isIn = (name: string, values: string[]): string => inList(F(name), values);
export const and = (...xs: string[]): string => xs.map((x) => `(${x})`).join(' AND ');
export const or = (...xs: string[]): string => xs.map((x) => `(${x})`).join(' OR ');

export const SUCCESS_LOGON = and(is('action', 'logon'), is('outcome', 'success'));
/** `coalesce(is_interactive, true)` */
export const INTERACTIVE = `${F('is_interactive')} IS NULL OR ${F('is_interactive')} == true`;
export const FAILED_LOGON = and(is('action', 'logon'), is('outcome', 'failure'));

/**
 * The subject user of an event, as the `idt_user` SQL macro computes it (detections/analytics/sql.ts):
 * the actor for sign-in, MFA and session events by a user-like actor, else the target user (empty
 * counts as missing), else the actor; lower-cased. A NULL condition counts as false in both
 * languages, so a missing actor type falls to `COALESCE(…, "user")` the same way.
 */
export const USER = `TO_LOWER(CASE(${F('event_class')} IN ("authentication", "mfa", "session") AND ${F('actor_name')} IS NOT NULL AND ${F('actor_name')} != "" AND COALESCE(TO_LOWER(${F('actor_type')}), "user") IN ("user", "person", "account", ""), ${F('actor_name')}, ${F('target_user_name')} IS NOT NULL AND ${F('target_user_name')} != "", ${F('target_user_name')}, ${F('actor_name')}))`;

export const minutesBefore = (d: Date, m: number): Date => new Date(d.getTime() - m * 60_000);
export const daysBefore = (d: Date, n: number): Date => minutesBefore(d, n * 1440);
export const minDate = (...ds: Date[]): Date => new Date(Math.min(...ds.map((d) => d.getTime())));
/** Day-bucketed analytics rebuild the whole UTC day the window starts in. */
export const dayStart = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** `FROM … | WHERE time | WHERE cond`: the shared head of every narrowing query. */
export function head(cx: FormContext, where: string, from: Date | null, to: Date | null): string {
  const time = [from ? `@timestamp >= TO_DATETIME(${lit(from.toISOString())})` : null, to ? `@timestamp <= TO_DATETIME(${lit(to.toISOString())})` : null].filter(Boolean);
  return [`FROM ${cx.index}`, ...(time.length ? [`| WHERE ${time.join(' AND ')}`] : []), `| WHERE ${where}`].join('\n');
}

/**
 * Candidate entities: `STATS … BY key` inside the cluster, keeping groups that pass `having`.
 * Returns null when the answer may be truncated (then the caller reads without narrowing).
 */
export async function candidates(cx: FormContext, q: { where: string; from: Date | null; to: Date | null; key: string; stats: string; having: string }): Promise<string[] | null> {
  const esql = [head(cx, q.where, q.from, q.to), `| EVAL k = ${q.key}`, `| WHERE k IS NOT NULL`, `| ${q.stats}`, `| WHERE ${q.having}`, '| KEEP k', '| SORT k', `| LIMIT ${CANDIDATE_LIMIT}`].join('\n');
  const rows = await cx.query(esql);
  if (rows.length >= CANDIDATE_LIMIT) return null;
  return rows.map((r) => String(r.k));
}

export const CANDIDATE_LIMIT = 10_000;

/** `cond AND key IN (candidates)`, or `cond` alone when narrowing was not possible. */
export function restrict(cond: string, key: string, keys: string[] | null): string {
  return keys === null ? cond : and(cond, inList(key, keys));
}
