import type { DuckDBConnection } from '@duckdb/node-api';
import { checkTransition } from '../../detections/alerts/status.js';
import { mergeAlert } from '../../detections/alerts/merge.js';
import type { Alert, AlertResolution, AlertStatus, Severity } from '../../detections/alerts/model.js';
import { IdtrailError } from '../../lib/errors.js';
import { redactSecrets } from '../../lib/log.js';
import type { AlertFilter, OutboxItem, SinkStatus } from '../event-store.js';
import type { DuckDb } from './db.js';

/**
 * Alerts and the outbox in DuckDB. New alerts enter the outbox of every sink in the same
 * transaction that stores them, so an alert is never stored without being queued (or queued
 * without being stored). Times are bound as ISO strings and cast to UTC TIMESTAMP; lists and
 * objects are bound as JSON text and cast, so no value ever becomes SQL text.
 */

const ALERT_COLUMNS = `a.alert_id, a.rule_id, a.rule_title, a.rule_author, a.rule_kind, a.severity, a.tactics, a.techniques,
  a.entity_user, a.entity_ip, a.entity_app, a.tenant_id, a.first_seen, a.last_seen, a.event_count, a.evidence_event_ids,
  a.explanation, a.details::VARCHAR AS details, a.status, a.resolution, a.status_note, a.suppressed_by, a.created_at, a.updated_at`;

/** Per-sink delivery state (failing since, last error) lives in `watermarks` under this prefix. */
const SINK_STATE_PREFIX = 'outbox_sink:';

type Row = Record<string, unknown>;

function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v);
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export function rowToAlert(r: Row): Alert {
  return {
    alert_id: String(r.alert_id),
    rule_id: String(r.rule_id),
    rule_title: String(r.rule_title),
    rule_author: (r.rule_author as string | null) ?? null,
    rule_kind: String(r.rule_kind),
    severity: r.severity as Severity,
    tactics: strList(r.tactics),
    techniques: strList(r.techniques),
    entity: {
      user: (r.entity_user as string | null) ?? null,
      ip: (r.entity_ip as string | null) ?? null,
      app: (r.entity_app as string | null) ?? null,
    },
    tenant_id: (r.tenant_id as string | null) ?? null,
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
    event_count: Number(r.event_count),
    evidence_event_ids: strList(r.evidence_event_ids),
    explanation: String(r.explanation),
    details: r.details ? (JSON.parse(String(r.details)) as Record<string, unknown>) : {},
    status: r.status as AlertStatus,
    resolution: (r.resolution as AlertResolution | null) ?? null,
    status_note: (r.status_note as string | null) ?? null,
    suppressed_by: (r.suppressed_by as string | null) ?? null,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** Runs `fn` in a transaction on its own connection, so concurrent work in this process never shares it. */
async function inTransaction<T>(db: DuckDb, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await db.connect();
  try {
    return await db.transaction(fn, conn);
  } finally {
    conn.closeSync();
  }
}

function validTime(value: string, field: string, alertId: string): string {
  if (Number.isNaN(Date.parse(value))) {
    throw new IdtrailError('input_invalid', `alert ${alertId}: ${field} is not an ISO-8601 time: ${JSON.stringify(value)}`);
  }
  return value;
}

/** The JSON shape one alert row is bound as (one parameter for a whole batch, cast with from_json). */
const ROW_STRUCTURE = JSON.stringify([
  {
    alert_id: 'VARCHAR', rule_id: 'VARCHAR', rule_title: 'VARCHAR', rule_author: 'VARCHAR', rule_kind: 'VARCHAR',
    severity: 'VARCHAR', tactics: ['VARCHAR'], techniques: ['VARCHAR'], entity_user: 'VARCHAR', entity_ip: 'VARCHAR',
    entity_app: 'VARCHAR', tenant_id: 'VARCHAR', first_seen: 'VARCHAR', last_seen: 'VARCHAR', event_count: 'BIGINT',
    evidence_event_ids: ['VARCHAR'], explanation: 'VARCHAR', details: 'JSON', status: 'VARCHAR', resolution: 'VARCHAR',
    status_note: 'VARCHAR', suppressed_by: 'VARCHAR', created_at: 'VARCHAR',
  },
]);

function toRow(a: Alert, now: string): Record<string, unknown> {
  return {
    alert_id: a.alert_id,
    rule_id: a.rule_id,
    rule_title: a.rule_title,
    rule_author: a.rule_author ?? null,
    rule_kind: a.rule_kind,
    severity: a.severity,
    tactics: a.tactics ?? [],
    techniques: a.techniques ?? [],
    entity_user: a.entity?.user ?? null,
    entity_ip: a.entity?.ip ?? null,
    entity_app: a.entity?.app ?? null,
    tenant_id: a.tenant_id ?? null,
    first_seen: a.first_seen,
    last_seen: a.last_seen,
    event_count: Math.max(a.event_count, 0),
    evidence_event_ids: [...new Set(a.evidence_event_ids ?? [])],
    explanation: a.explanation,
    details: a.details ?? {},
    status: a.status ?? 'new',
    resolution: a.resolution ?? null,
    status_note: a.status_note ?? null,
    suppressed_by: a.suppressed_by ?? null,
    created_at: a.created_at && !Number.isNaN(Date.parse(a.created_at)) ? a.created_at : now,
  };
}


/**
 * Inserts new alerts and merges repeated hits into existing ones. For an existing alert_id it widens
 * first/last seen, merges the evidence ids, takes the newer explanation, details and severity, and
 * keeps the triage status (an acknowledged or closed alert is never reset to new). The event count
 * is the larger of the stored count, the new count and the number of distinct evidence ids, so a
 * re-run over the same window leaves it unchanged and a burst split across two runs adds up.
 * Unsuppressed new alerts are queued for each sink in the same transaction. Set-based: a batch is a
 * handful of statements whatever its size.
 */
export async function upsertAlerts(db: DuckDb, list: Alert[], sinks: string[]): Promise<{ created: number; updated: number }> {
  if (list.length === 0) return { created: 0, updated: 0 };
  for (const a of list) {
    validTime(a.first_seen, 'first_seen', a.alert_id);
    validTime(a.last_seen, 'last_seen', a.alert_id);
  }
  // The same alert twice in one call is one alert.
  const now = new Date().toISOString();
  const incoming = new Map<string, Alert>();
  for (const a of list) {
    const prev = incoming.get(a.alert_id);
    incoming.set(a.alert_id, prev ? mergeAlert(prev, a, now) : a);
  }
  return inTransaction(db, async (conn) => {
    const existingRows = await db.all<Row>(
      `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.alert_id IN (SELECT unnest($1::JSON::VARCHAR[]))`,
      [JSON.stringify([...incoming.keys()])],
      conn,
    );
    const existing = new Map(existingRows.map((r) => [String(r.alert_id), rowToAlert(r)]));
    const fresh = [...incoming.values()].filter((a) => !existing.has(a.alert_id));
    const merged = [...incoming.values()].filter((a) => existing.has(a.alert_id)).map((a) => mergeAlert(existing.get(a.alert_id)!, a, now));
    if (fresh.length) {
      await db.run(
        `INSERT INTO alerts (alert_id, rule_id, rule_title, rule_author, rule_kind, severity, tactics, techniques,
           entity_user, entity_ip, entity_app, tenant_id, first_seen, last_seen, event_count, evidence_event_ids,
           explanation, details, status, resolution, status_note, status_changed_at, suppressed_by, created_at, updated_at)
         SELECT r.alert_id, r.rule_id, r.rule_title, r.rule_author, r.rule_kind, r.severity, r.tactics, r.techniques,
           r.entity_user, r.entity_ip, r.entity_app, r.tenant_id, r.first_seen::TIMESTAMP, r.last_seen::TIMESTAMP,
           r.event_count, r.evidence_event_ids, r.explanation, r.details, r.status, r.resolution, r.status_note, NULL,
           r.suppressed_by, r.created_at::TIMESTAMP, $2::TIMESTAMP
         FROM (SELECT unnest(from_json($1::JSON, '${ROW_STRUCTURE}')) AS r)`,
        [JSON.stringify(fresh.map((a) => toRow(a, now))), now],
        conn,
      );
    }
    if (merged.length) {
      await db.run(
        `UPDATE alerts SET first_seen = u.r.first_seen::TIMESTAMP, last_seen = u.r.last_seen::TIMESTAMP,
           event_count = u.r.event_count, evidence_event_ids = u.r.evidence_event_ids, explanation = u.r.explanation,
           details = u.r.details, severity = u.r.severity, suppressed_by = u.r.suppressed_by, updated_at = $2::TIMESTAMP
         FROM (SELECT unnest(from_json($1::JSON, '${ROW_STRUCTURE}')) AS r) u
         WHERE alerts.alert_id = u.r.alert_id`,
        [JSON.stringify(merged.map((a) => toRow(a, now))), now],
        conn,
      );
    }
    // A suppressed alert is kept for the record but not sent to the SIEM.
    const queue = fresh.filter((a) => !a.suppressed_by).map((a) => a.alert_id);
    if (queue.length && sinks.length) {
      await db.run(
        `INSERT INTO outbox (sink, alert_id, enqueued_at, attempts, next_attempt_at)
         SELECT s, id, $3::TIMESTAMP, 0, $3::TIMESTAMP
         FROM (SELECT DISTINCT unnest($1::JSON::VARCHAR[]) AS s), (SELECT unnest($2::JSON::VARCHAR[]) AS id)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(sinks), JSON.stringify(queue), now],
        conn,
      );
    }
    return { created: fresh.length, updated: merged.length };
  });
}

export async function listAlerts(db: DuckDb, f: AlertFilter = {}): Promise<Alert[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.status) add('a.status = ?', f.status);
  if (f.ruleId) add('a.rule_id = ?', f.ruleId);
  if (f.severity) add('a.severity = ?', f.severity);
  if (f.since) add('a.last_seen >= ?::TIMESTAMP', f.since);
  if (f.until) add('a.first_seen < ?::TIMESTAMP', f.until);
  let sql = `SELECT ${ALERT_COLUMNS} FROM alerts a${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.last_seen DESC, a.alert_id`;
  if (f.limit !== undefined) {
    params.push(f.limit);
    sql += ` LIMIT $${params.length}`;
  }
  const rows = await db.all<Row>(sql, params as never);
  return rows.map(rowToAlert);
}

export async function getAlert(db: DuckDb, id: string): Promise<Alert | null> {
  const row = await db.one<Row>(`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.alert_id = $1`, [id]);
  return row ? rowToAlert(row) : null;
}

export async function setAlertStatus(
  db: DuckDb,
  id: string,
  status: AlertStatus,
  resolution: AlertResolution | null,
  note: string | null,
): Promise<Alert> {
  await inTransaction(db, async (conn) => {
    const row = await db.one<{ status: AlertStatus }>('SELECT status FROM alerts WHERE alert_id = $1', [id], conn);
    if (!row) {
      throw new IdtrailError('input_invalid', `no alert with id ${JSON.stringify(id)}`, { hint: "list alert ids with 'idtrail alerts list'" });
    }
    const err = checkTransition(id, row.status, status, resolution);
    if (err) throw err;
    await db.run(
      `UPDATE alerts SET status = $2, resolution = $3, status_note = coalesce($4, status_note),
         status_changed_at = now()::TIMESTAMP, updated_at = now()::TIMESTAMP WHERE alert_id = $1`,
      [id, status, resolution, note],
      conn,
    );
  });
  return (await getAlert(db, id)) as Alert;
}

async function enqueueOn(db: DuckDb, conn: DuckDBConnection, sink: string, ids: string[], now: string): Promise<number> {
  if (ids.length === 0) return 0;
  const before = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM outbox WHERE sink = $1', [sink], conn);
  await db.run(
    `INSERT INTO outbox (sink, alert_id, enqueued_at, attempts, next_attempt_at)
     SELECT $1, id, $3::TIMESTAMP, 0, $3::TIMESTAMP FROM (SELECT DISTINCT unnest($2::JSON::VARCHAR[]) AS id)
     ON CONFLICT DO NOTHING`,
    [sink, JSON.stringify(ids), now],
    conn,
  );
  const after = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM outbox WHERE sink = $1', [sink], conn);
  return Number(after?.n ?? 0) - Number(before?.n ?? 0);
}

/** Queues alerts for a sink; an alert already queued or delivered there is left as it is. Returns how many were added. */
export async function enqueueOutbox(db: DuckDb, sink: string, ids: string[]): Promise<number> {
  return inTransaction(db, (conn) => enqueueOn(db, conn, sink, ids, new Date().toISOString()));
}

/** Undelivered items of a sink that are due at `now`, oldest first, with their alerts. */
export async function pendingOutbox(db: DuckDb, sink: string, limit: number, now: Date): Promise<OutboxItem[]> {
  const rows = await db.all<Row>(
    `SELECT o.sink AS o_sink, o.attempts AS o_attempts, o.enqueued_at AS o_enqueued_at, ${ALERT_COLUMNS}
     FROM outbox o JOIN alerts a ON a.alert_id = o.alert_id
     WHERE o.sink = $1 AND o.delivered_at IS NULL AND o.next_attempt_at <= $2::TIMESTAMP
     ORDER BY o.next_attempt_at, o.enqueued_at, o.alert_id
     LIMIT $3`,
    [sink, now.toISOString(), limit],
  );
  return rows.map((r) => ({
    sink: String(r.o_sink),
    alert_id: String(r.alert_id),
    attempts: Number(r.o_attempts),
    enqueued_at: iso(r.o_enqueued_at),
    alert: rowToAlert(r),
  }));
}

export async function markDelivered(db: DuckDb, sink: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await inTransaction(db, async (conn) => {
    await db.run(
      `UPDATE outbox SET delivered_at = now()::TIMESTAMP, attempts = attempts + 1, last_error = NULL
       WHERE sink = $1 AND delivered_at IS NULL AND alert_id IN (SELECT unnest($2::JSON::VARCHAR[]))`,
      [sink, JSON.stringify(ids)],
      conn,
    );
    // The sink stops "failing" once nothing it holds is waiting after an error.
    const still = await db.one<{ n: bigint }>(
      'SELECT count(*) AS n FROM outbox WHERE sink = $1 AND delivered_at IS NULL AND last_error IS NOT NULL',
      [sink],
      conn,
    );
    if (Number(still?.n ?? 0) === 0) {
      await db.run('DELETE FROM watermarks WHERE name = $1', [SINK_STATE_PREFIX + sink], conn);
    }
  });
}

export async function markFailed(db: DuckDb, sink: string, ids: string[], error: string, next: Date): Promise<void> {
  if (ids.length === 0) return;
  const message = redactSecrets(error).slice(0, 2000);
  await inTransaction(db, async (conn) => {
    await db.run(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4::TIMESTAMP
       WHERE sink = $1 AND delivered_at IS NULL AND alert_id IN (SELECT unnest($2::JSON::VARCHAR[]))`,
      [sink, JSON.stringify(ids), message, next.toISOString()],
      conn,
    );
    await db.run(
      `INSERT INTO watermarks (name, value, state, updated_at) VALUES ($1, now()::TIMESTAMP, $2::JSON, now()::TIMESTAMP)
       ON CONFLICT (name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      [SINK_STATE_PREFIX + sink, JSON.stringify({ last_error: message })],
      conn,
    );
  });
}

export async function sinkStatus(db: DuckDb): Promise<SinkStatus[]> {
  const rows = await db.all<Row>(
    `WITH o AS (
       SELECT sink,
              count(*) FILTER (WHERE delivered_at IS NULL) AS queued,
              count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
              arg_max(last_error, next_attempt_at) FILTER (WHERE delivered_at IS NULL AND last_error IS NOT NULL) AS last_error
       FROM outbox GROUP BY sink)
     SELECT o.sink, o.queued, o.delivered, w.value AS failing_since, coalesce(o.last_error, w.state->>'last_error') AS last_error
     FROM o LEFT JOIN watermarks w ON w.name = $1 || o.sink
     ORDER BY o.sink`,
    [SINK_STATE_PREFIX],
  );
  return rows.map((r) => ({
    sink: String(r.sink),
    queued: Number(r.queued),
    delivered: Number(r.delivered),
    failing_since: isoOrNull(r.failing_since),
    last_error: r.failing_since ? ((r.last_error as string | null) ?? null) : null,
  }));
}
