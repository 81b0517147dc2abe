import type { DuckDb } from '../store/duckdb/db.js';
import type { AlertOverviewData } from './model.js';

const n = (v: unknown): number => Number(v ?? 0);

/**
 * The alert overview's numbers, straight from the `alerts` table. Countries come from the evidence
 * events' geo (`identity_events.geo_country_iso2`), so an alert counts once per country it touched.
 */
export async function alertOverviewData(db: DuckDb, opts: { since?: Date; until?: Date; top?: number; generatedAt?: string } = {}): Promise<AlertOverviewData> {
  const since = opts.since ?? new Date('1970-01-01T00:00:00Z');
  const until = opts.until ?? new Date('9999-01-01T00:00:00Z');
  const top = opts.top ?? 10;
  const w = 'suppressed_by IS NULL AND last_seen >= $since AND first_seen < $until';
  const params = { since: since.toISOString(), until: until.toISOString() };
  const window = await db.one<{ total: bigint; start: Date | null; end: Date | null }>(
    `SELECT count(*) AS total, min(first_seen) AS start, max(last_seen) AS "end" FROM alerts WHERE ${w}`,
    params,
  );
  const byRule = await db.all<{ rule_id: string; title: string; count: bigint }>(
    `SELECT rule_id, any_value(rule_title) AS title, count(*) AS count FROM alerts WHERE ${w} GROUP BY rule_id ORDER BY count DESC, rule_id`,
    params,
  );
  const bySeverity = await db.all<{ severity: string; count: bigint }>(
    `SELECT severity, count(*) AS count FROM alerts WHERE ${w} GROUP BY severity ORDER BY count DESC`,
    params,
  );
  const byDay = await db.all<{ day: string; severity: string; count: bigint }>(
    `SELECT strftime(first_seen, '%Y-%m-%d') AS day, severity, count(*) AS count FROM alerts WHERE ${w} GROUP BY ALL ORDER BY day, severity`,
    params,
  );
  const topUsers = await db.all<{ user: string; count: bigint }>(
    `SELECT entity_user AS "user", count(*) AS count FROM alerts WHERE ${w} AND entity_user IS NOT NULL GROUP BY ALL ORDER BY count DESC, "user" LIMIT $top`,
    { ...params, top },
  );
  const topIps = await db.all<{ ip: string; count: bigint }>(
    `SELECT entity_ip AS ip, count(*) AS count FROM alerts WHERE ${w} AND entity_ip IS NOT NULL GROUP BY ALL ORDER BY count DESC, ip LIMIT $top`,
    { ...params, top },
  );
  const topCountries = await db.all<{ country: string; count: bigint }>(
    `WITH ev AS (
       SELECT a.alert_id, unnest(a.evidence_event_ids) AS event_uid FROM alerts a WHERE ${w.replace(/\b(suppressed_by|last_seen|first_seen)\b/g, 'a.$1')}
     )
     SELECT e.geo_country_iso2 AS country, count(DISTINCT ev.alert_id) AS count
     FROM ev JOIN identity_events e USING (event_uid)
     WHERE e.geo_country_iso2 IS NOT NULL
     GROUP BY ALL ORDER BY count DESC, country LIMIT $top`,
    { ...params, top },
  );
  const byStatus = await db.all<{ status: string; count: bigint }>(
    `SELECT status, count(*) AS count FROM alerts WHERE ${w} GROUP BY status ORDER BY status`,
    params,
  );
  return {
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    window: { start: window?.start ? window.start.toISOString() : null, end: window?.end ? window.end.toISOString() : null },
    total: n(window?.total),
    byRule: byRule.map((r) => ({ rule_id: r.rule_id, title: r.title, count: n(r.count) })),
    bySeverity: bySeverity.map((r) => ({ severity: r.severity, count: n(r.count) })),
    byDay: byDay.map((r) => ({ day: r.day, severity: r.severity, count: n(r.count) })),
    topUsers: topUsers.map((r) => ({ user: r.user, count: n(r.count) })),
    topIps: topIps.map((r) => ({ ip: r.ip, count: n(r.count) })),
    topCountries: topCountries.map((r) => ({ country: r.country, count: n(r.count) })),
    byStatus: byStatus.map((r) => ({ status: r.status, count: n(r.count) })),
  };
}
