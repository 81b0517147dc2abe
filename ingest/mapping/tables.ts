import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { IdtrailError } from '../../lib/errors.js';
import type { EventStore } from '../../store/event-store.js';
import type { DuckDb } from '../../store/duckdb/db.js';

/**
 * The snapshot and export tables these loaders write (DDL in store/schema.ts), as data: column →
 * DuckDB type, and the primary key. Rows go in as one JSON document bound as a parameter and
 * unnested by DuckDB, so a page of thousands of rows is one statement and no value is ever spliced
 * into SQL text. Identifiers come only from this registry.
 */
export interface TableSpec {
  name: TableName;
  columns: Record<string, 'VARCHAR' | 'BOOLEAN' | 'TIMESTAMP' | 'DATE' | 'JSON' | 'BIGINT'>;
  key: string[];
}

export type TableName = 'accounts' | 'auth_methods' | 'role_assignments' | 'hris_workers' | 'itsm_records';

export const TABLES: Record<TableName, TableSpec> = {
  accounts: {
    name: 'accounts',
    columns: {
      snapshot_at: 'TIMESTAMP',
      source: 'VARCHAR',
      tenant_id: 'VARCHAR',
      account_id: 'VARCHAR',
      login: 'VARCHAR',
      email: 'VARCHAR',
      display_name: 'VARCHAR',
      employee_id: 'VARCHAR',
      enabled: 'BOOLEAN',
      status: 'VARCHAR',
      user_type: 'VARCHAR',
      is_service: 'BOOLEAN',
      is_break_glass: 'BOOLEAN',
      owner: 'VARCHAR',
      created_at: 'TIMESTAMP',
      disabled_at: 'TIMESTAMP',
      last_success_signin_at: 'TIMESTAMP',
    },
    key: ['snapshot_at', 'source', 'tenant_id', 'account_id'],
  },
  auth_methods: {
    name: 'auth_methods',
    columns: {
      snapshot_at: 'TIMESTAMP',
      source: 'VARCHAR',
      tenant_id: 'VARCHAR',
      account_id: 'VARCHAR',
      method: 'VARCHAR',
      method_id: 'VARCHAR',
      phishing_resistant: 'BOOLEAN',
      registered_at: 'TIMESTAMP',
      is_default: 'BOOLEAN',
    },
    key: ['snapshot_at', 'source', 'tenant_id', 'account_id', 'method_id'],
  },
  role_assignments: {
    name: 'role_assignments',
    columns: {
      snapshot_at: 'TIMESTAMP',
      source: 'VARCHAR',
      tenant_id: 'VARCHAR',
      assignment_id: 'VARCHAR',
      account_id: 'VARCHAR',
      role: 'VARCHAR',
      role_id: 'VARCHAR',
      is_privileged: 'BOOLEAN',
      kind: 'VARCHAR',
      scope: 'VARCHAR',
      start_at: 'TIMESTAMP',
      end_at: 'TIMESTAMP',
    },
    key: ['snapshot_at', 'source', 'tenant_id', 'assignment_id'],
  },
  hris_workers: {
    name: 'hris_workers',
    columns: {
      source: 'VARCHAR',
      employee_id: 'VARCHAR',
      email: 'VARCHAR',
      display_name: 'VARCHAR',
      status: 'VARCHAR',
      worker_type: 'VARCHAR',
      hire_date: 'DATE',
      termination_date: 'DATE',
      termination_recorded_at: 'TIMESTAMP',
      manager_employee_id: 'VARCHAR',
      department: 'VARCHAR',
      job_title: 'VARCHAR',
      location: 'VARCHAR',
      updated_at: 'TIMESTAMP',
    },
    key: ['source', 'employee_id', 'updated_at'],
  },
  itsm_records: {
    name: 'itsm_records',
    columns: {
      source: 'VARCHAR',
      record_id: 'VARCHAR',
      record_type: 'VARCHAR',
      category: 'VARCHAR',
      channel: 'VARCHAR',
      state: 'VARCHAR',
      priority: 'VARCHAR',
      severity: 'VARCHAR',
      requester: 'VARCHAR',
      subject_user: 'VARCHAR',
      assignment_group: 'VARCHAR',
      short_description: 'VARCHAR',
      opened_at: 'TIMESTAMP',
      resolved_at: 'TIMESTAMP',
      closed_at: 'TIMESTAMP',
      due_at: 'TIMESTAMP',
      decision: 'VARCHAR',
      decided_at: 'TIMESTAMP',
      caused_incident: 'BOOLEAN',
      rolled_back: 'BOOLEAN',
      related_record_id: 'VARCHAR',
      attributes: 'JSON',
      updated_at: 'TIMESTAMP',
    },
    key: ['source', 'record_id', 'updated_at'],
  },
};

export type Row = Record<string, string | number | boolean | null | Record<string, unknown>>;

/** A record that could not be loaded, with where it came from. */
export interface Rejected {
  line: number | null;
  raw: string;
  reason: string;
}

/** Counts of one load. received = stored + duplicates + quarantined + skipped. */
export interface LoadResult {
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  /** Vendor objects that are deliberately not rows (e.g. an Okta factor still PENDING_ACTIVATION), by reason. */
  skipped: number;
  skippedReasons: Record<string, number>;
  /** Rows stored per table. */
  tables: Partial<Record<TableName, number>>;
  /** Same as `tables`, under the name the event ingest result uses. */
  streams: Record<string, number>;
  /** identity_events rows written: always 0 here (exports are not events). */
  normalized: number;
  /** Files read (folder loads). */
  files: string[];
}

export function emptyResult(): LoadResult {
  return { received: 0, stored: 0, duplicates: 0, quarantined: 0, skipped: 0, skippedReasons: {}, tables: {}, streams: {}, normalized: 0, files: [] };
}

export function addResults(a: LoadResult, b: LoadResult): LoadResult {
  const tables = { ...a.tables };
  for (const [k, v] of Object.entries(b.tables)) tables[k as TableName] = (tables[k as TableName] ?? 0) + (v ?? 0);
  const skippedReasons = { ...a.skippedReasons };
  for (const [k, v] of Object.entries(b.skippedReasons)) skippedReasons[k] = (skippedReasons[k] ?? 0) + v;
  return {
    received: a.received + b.received,
    stored: a.stored + b.stored,
    duplicates: a.duplicates + b.duplicates,
    quarantined: a.quarantined + b.quarantined,
    skipped: a.skipped + b.skipped,
    skippedReasons,
    tables,
    streams: { ...tables } as Record<string, number>,
    normalized: 0,
    files: [...a.files, ...b.files],
  };
}

/** The DuckDB handle behind a store that can run SQL. */
export function sqlDb(store: EventStore | { db: DuckDb }): DuckDb {
  const s = store as { db?: DuckDb; capabilities?: { sql: boolean } };
  if (s.db && (s.capabilities === undefined || s.capabilities.sql)) return s.db;
  throw new IdtrailError('store_error', 'inventory, HRIS and ITSM exports load into SQL tables, and this store has none', {
    hint: 'use the DuckDB store (--db FILE) for these sources',
  });
}

function structType(spec: TableSpec): string {
  // Timestamps and dates travel as text and are cast, so that a bad value fails loudly in SQL
  // instead of being coerced by the JSON reader.
  const fields = Object.entries(spec.columns).map(([c, t]) => `"${c}": "${t === 'JSON' ? 'JSON' : t === 'BOOLEAN' ? 'BOOLEAN' : t === 'BIGINT' ? 'BIGINT' : 'VARCHAR'}"`);
  return `[{${fields.join(', ')}}]`;
}

function selectList(spec: TableSpec): string {
  return Object.entries(spec.columns)
    .map(([c, t]) => (t === 'TIMESTAMP' || t === 'DATE' ? `CAST(r."${c}" AS ${t})` : `r."${c}"`))
    .join(', ');
}

export interface WriteOptions {
  /**
   * On a key that already exists, replace these columns when they differ (a more specific source
   * for the same row, e.g. a PIM schedule instance for an assignment first seen without dates).
   * Default: keep the existing row.
   */
  update?: string[];
}

/**
 * Inserts rows (deduplicated on the key within the batch first), returning how many were stored or
 * changed; the rest were already there.
 */
export async function writeRows(conn: DuckDBConnection, table: TableName, rows: Row[], opts: WriteOptions = {}): Promise<{ stored: number; duplicates: number }> {
  if (rows.length === 0) return { stored: 0, duplicates: 0 };
  const spec = TABLES[table];
  const seen = new Map<string, Row>();
  let inBatchDuplicates = 0;
  for (const r of rows) {
    const k = JSON.stringify(spec.key.map((c) => r[c] ?? null));
    if (seen.has(k)) {
      inBatchDuplicates++;
      if (opts.update) seen.set(k, r); // the later, more specific row wins
      continue;
    }
    seen.set(k, r);
  }
  const unique = [...seen.values()].map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of Object.keys(spec.columns)) o[c] = r[c] ?? null;
    return o;
  });
  const cols = Object.keys(spec.columns).map((c) => `"${c}"`).join(', ');
  let conflict = 'ON CONFLICT DO NOTHING';
  if (opts.update && opts.update.length > 0) {
    const sets = opts.update.map((c) => `"${c}" = excluded."${c}"`).join(', ');
    const changed = opts.update.map((c) => `${table}."${c}" IS DISTINCT FROM excluded."${c}"`).join(' OR ');
    conflict = `ON CONFLICT (${spec.key.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${sets} WHERE ${changed}`;
  }
  const sql = `INSERT INTO ${table} (${cols})
SELECT ${selectList(spec)} FROM (SELECT unnest(from_json($1::JSON, '${structType(spec)}')) AS r)
${conflict}`;
  const res = await conn.run(sql, [JSON.stringify(unique)]);
  const stored = Number(res.rowsChanged);
  return { stored, duplicates: unique.length - stored + inBatchDuplicates };
}

/** Raw text kept on a quarantine row is capped (as for events); the reason records the original length. */
export const QUARANTINE_TEXT_CAP = 64 * 1024;

export interface QuarantineContext {
  source: string;
  stream: string;
  tenant: string | null;
  origin: string;
}

/**
 * Quarantine rows, with a stable id (source, stream, origin, line, raw text) so that loading the
 * same bad file twice keeps one row per bad record.
 */
export async function writeQuarantine(conn: DuckDBConnection, ctx: QuarantineContext, rejected: Rejected[]): Promise<void> {
  if (rejected.length === 0) return;
  const rows = rejected.map((r) => ({
    quarantine_id: createHash('sha256').update(JSON.stringify([ctx.source, ctx.stream, ctx.origin, r.line, r.raw])).digest('hex').slice(0, 32),
    source: ctx.source,
    stream: ctx.stream,
    tenant_id: ctx.tenant,
    origin: ctx.origin,
    line_no: r.line,
    reason: r.raw.length > QUARANTINE_TEXT_CAP ? `${r.reason}; raw text truncated from ${r.raw.length} characters` : r.reason,
    raw_text: r.raw.length > QUARANTINE_TEXT_CAP ? r.raw.slice(0, QUARANTINE_TEXT_CAP) : r.raw,
  }));
  await conn.run(
    `INSERT INTO quarantine (quarantine_id, source, stream, tenant_id, origin, line_no, reason, raw_text, quarantined_at)
SELECT r.quarantine_id, r.source, r.stream, r.tenant_id, r.origin, r.line_no, r.reason, r.raw_text, now()::TIMESTAMP
FROM (SELECT unnest(from_json($1::JSON, '[{"quarantine_id":"VARCHAR","source":"VARCHAR","stream":"VARCHAR","tenant_id":"VARCHAR","origin":"VARCHAR","line_no":"BIGINT","reason":"VARCHAR","raw_text":"VARCHAR"}]')) AS r)
ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** Row counts of every table here (for summaries). */
export async function tableCounts(db: DuckDb): Promise<Record<TableName, number>> {
  const out = {} as Record<TableName, number>;
  for (const t of Object.keys(TABLES) as TableName[]) {
    const row = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`);
    out[t] = Number(row?.n ?? 0);
  }
  return out;
}
