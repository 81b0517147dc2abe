/**
 * Helpers for the KPI tests: an in-memory store with the real migrations, and row builders that
 * fill the NOT NULL columns so that each test states only the columns its KPI reads.
 */
import { DuckDb } from '../store/duckdb/db.js';
import { migrate } from '../store/duckdb/migrate.js';
import { IDENTITY_EVENT_COLUMNS } from '../store/schema.js';

export async function openTestDb(): Promise<DuckDb> {
  const db = await DuckDb.open(':memory:');
  await migrate(db);
  return db;
}

type Row = Record<string, unknown>;

async function insert(db: DuckDb, table: string, rows: Row[]): Promise<void> {
  for (const row of rows) {
    const cols = Object.keys(row);
    const values = cols.map((c, i) => {
      const v = row[c];
      if (Array.isArray(v)) return `from_json(CAST($${i + 1} AS VARCHAR), '["VARCHAR"]')`;
      if (v !== null && typeof v === 'object') return `CAST($${i + 1} AS JSON)`;
      return `$${i + 1}`;
    });
    const params = cols.map((c) => {
      const v = row[c];
      if (v instanceof Date) return v.toISOString();
      if (v !== null && typeof v === 'object') return JSON.stringify(v);
      return v as string | number | boolean | null;
    });
    await db.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})`, params);
  }
}

let seq = 0;

/** identity_events rows; event_time is an ISO string. */
export async function events(db: DuckDb, rows: Row[]): Promise<void> {
  const full = rows.map((r) => {
    seq += 1;
    const id = `ev-${seq}`;
    return {
      event_uid: id,
      source: 'entra',
      stream: 'test',
      tenant_id: 't1',
      native_id: id,
      ingest_time: r.event_time,
      event_class: 'authentication',
      action: 'logon',
      outcome: 'success',
      raw_table: 'raw_test',
      raw_uid: id,
      ...r,
    };
  });
  for (const r of full) for (const k of Object.keys(r)) if (!(k in IDENTITY_EVENT_COLUMNS)) throw new Error(`not an identity_events column: ${k}`);
  await insert(db, 'identity_events', full);
}

export async function accounts(db: DuckDb, rows: Row[]): Promise<void> {
  await insert(db, 'accounts', rows.map((r) => ({ source: 'entra', tenant_id: 't1', enabled: true, is_service: false, is_break_glass: false, ...r })));
}

export async function authMethods(db: DuckDb, rows: Row[]): Promise<void> {
  await insert(db, 'auth_methods', rows.map((r) => ({ source: 'entra', tenant_id: 't1', method_id: `${r.account_id}-${r.method}`, phishing_resistant: false, ...r })));
}

export async function roles(db: DuckDb, rows: Row[]): Promise<void> {
  await insert(
    db,
    'role_assignments',
    rows.map((r) => ({ source: 'entra', tenant_id: 't1', assignment_id: `${r.account_id}-${r.role}-${r.kind}`, is_privileged: true, ...r })),
  );
}

export async function workers(db: DuckDb, rows: Row[]): Promise<void> {
  await insert(db, 'hris_workers', rows.map((r) => ({ source: 'workday', worker_type: 'Employee', ...r })));
}

export async function itsm(db: DuckDb, rows: Row[]): Promise<void> {
  await insert(db, 'itsm_records', rows.map((r) => ({ source: 'servicenow', updated_at: r.opened_at ?? '2026-01-01T00:00:00Z', ...r })));
}

/** One KPI for one period, not written to kpi_results. */
export async function kpi(
  db: DuckDb,
  id: string,
  period: string,
  opts: { now?: string; config?: unknown; targets?: Record<string, unknown> } = {},
): Promise<import('./types.js').KpiResult> {
  const { computeKpis } = await import('./compute.js');
  const [r] = await computeKpis(db, period, {
    ids: [id],
    now: new Date(opts.now ?? '2027-01-01T00:00:00Z'),
    write: false,
    config: opts.config as never,
    targets: opts.targets as never,
  });
  return r;
}
