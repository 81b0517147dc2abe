import type { DuckDb } from '../../store/duckdb/db.js';
import type { Severity } from '../alerts/model.js';
import type { DetectWindow, Hit } from './types.js';
import { ts } from './sql.js';
import { toDate, uniq, asNumber } from '../engine/format.js';

/** One event row as the single-event analytics read it. */
export interface EventRow {
  uid: string;
  tenant_id: string;
  t: Date;
  usr: string | null;
  ip: string | null;
  asn: bigint | null;
  cc: string | null;
  city: string | null;
  app: string | null;
  [extra: string]: unknown;
}

export type Bucket = 'event' | 'day';

export interface EventHitsSpec {
  /** SQL predicate over `identity_events e` (and joins the spec adds). */
  where: string;
  /** Extra `JOIN ...` clauses. */
  joins?: string;
  /** Replaces `identity_events e` (a pre-filtered subquery with the same columns, aliased e). */
  fromSql?: string;
  /** SQL for the entity columns (default: subject user, src_ip, app_name). */
  user?: string;
  ip?: string;
  app?: string;
  /** Extra selected columns: `expr AS name`. */
  extra?: string[];
  params?: Record<string, string | number | boolean>;
  /** Grouping: one alert per event, or per entity per UTC day. */
  bucket: Bucket;
  /** Key of the entity the group is about (after the bucket). Default: user, else ip, else app. */
  entityKey?: (r: EventRow) => string;
  explain: (rows: EventRow[]) => string;
  severity?: (rows: EventRow[]) => Severity | undefined;
  details?: (rows: EventRow[]) => Record<string, unknown>;
}

/**
 * Runs a single-event detection and groups its matches. Day buckets are rebuilt whole (reading
 * from the start of the first day of the run window), so a day split across two runs keeps one
 * alert with the full count.
 */
export async function eventHits(db: DuckDb, win: DetectWindow, spec: EventHitsSpec): Promise<Hit[]> {
  const readFrom = spec.bucket === 'day' ? new Date(Date.UTC(win.from.getUTCFullYear(), win.from.getUTCMonth(), win.from.getUTCDate())) : win.from;
  const user = spec.user ?? `idt_user(e.event_class, e.actor_name, e.actor_type, e.target_user_name)`;
  const rows = await db.all<EventRow>(
    `SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, ${user} AS usr, ${spec.ip ?? 'e.src_ip'} AS ip,
            e.src_asn AS asn, upper(e.geo_country_iso2) AS cc, e.geo_city AS city, ${spec.app ?? 'e.app_name'} AS app
            ${spec.extra?.length ? `, ${spec.extra.join(', ')}` : ''}
     FROM ${spec.fromSql ?? 'identity_events e'} ${spec.joins ?? ''}
     WHERE (${spec.where}) AND e.event_time BETWEEN $from::TIMESTAMP AND $to::TIMESTAMP
     ORDER BY e.event_time, e.event_uid`,
    { ...(spec.params ?? {}), from: ts(readFrom), to: ts(win.to) },
  );
  const entityKey = spec.entityKey ?? ((r: EventRow) => r.usr ?? r.ip ?? r.app ?? 'unknown');
  const groups = new Map<string, EventRow[]>();
  for (const r of rows) {
    const key = spec.bucket === 'event' ? `${entityKey(r)}|${r.uid}` : `${entityKey(r)}|${toDate(r.t).toISOString().slice(0, 10)}`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  const hits: Hit[] = [];
  for (const [key, g] of groups) {
    const last = g[g.length - 1];
    if (toDate(last.t).getTime() < win.from.getTime()) continue;
    hits.push({
      groupKey: key,
      entity: { user: g[0].usr, ip: last.ip, app: last.app },
      tenantId: g[0].tenant_id,
      firstSeen: toDate(g[0].t),
      lastSeen: toDate(last.t),
      count: g.length,
      evidence: g.map((r) => r.uid),
      explanation: spec.explain(g),
      severity: spec.severity?.(g),
      details: {
        ...(spec.details?.(g) ?? {}),
        ips: uniq(g.map((r) => r.ip).filter((x): x is string => !!x)),
        asns: uniq(g.map((r) => r.asn).filter((x): x is bigint => x !== null && x !== undefined).map(asNumber)),
        countries: uniq(g.map((r) => r.cc).filter((x): x is string => !!x)),
        apps: uniq(g.map((r) => r.app).filter((x): x is string => !!x)),
      },
    });
  }
  return hits;
}

export function fromWhere(r: EventRow): string {
  const where = [r.city, r.cc].filter(Boolean).join(', ');
  return r.ip ? `${r.ip}${where ? ` (${where})` : ''}` : where || 'an unknown address';
}
