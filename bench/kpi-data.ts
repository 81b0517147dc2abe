import type { DuckDbStore } from '../store/duckdb/store.js';
import { loadDemoNonEventData } from '../ingest/sources/demo-exports.js';

/**
 * The KPI phase's store: the base organisation's inventory, HRIS and ITSM exports (loaded by the
 * project's own loaders) copied to the requested number of accounts, and its normalized events
 * copied to the requested number of events — all in SQL, straight into the store's tables.
 *
 * Copy k of a person is a new person: every column that names or identifies an account, worker or
 * record gets the same `cp(x, k)` rewrite (an email `a@b` becomes `a.ck@b`, an id `x` becomes `x.ck`),
 * so joins between events, accounts, methods, roles, workers and tickets hold inside each copy and
 * the real distributions (sign-ins per person, MFA methods, admin roles, leavers, tickets) are kept.
 * Event copy j belongs to people copy j mod (people copies), so each person gets about
 * events / accounts events in the base window.
 */
export interface KpiData {
  events: number;
  accounts: number;
  copies: { people: number; events: number };
  seconds: number;
}

const COPY_MACRO = `CREATE OR REPLACE TEMP MACRO bench_cp(x, k) AS
  CASE WHEN k = 0 OR x IS NULL THEN x WHEN contains(x, '@') THEN replace(x, '@', '.c' || k::VARCHAR || '@') ELSE x || '.c' || k::VARCHAR END`;

/** Columns holding an account, worker or record key, per table (our own schema's names). */
const KEY_COLUMNS: Record<string, string[]> = {
  accounts: ['account_id', 'login', 'email', 'employee_id', 'owner'],
  auth_methods: ['account_id', 'method_id'],
  role_assignments: ['assignment_id', 'account_id'],
  hris_workers: ['employee_id', 'email', 'manager_employee_id'],
  itsm_records: ['record_id', 'requester', 'subject_user', 'related_record_id'],
};
const EVENT_KEY_COLUMNS = ['actor_id', 'actor_name', 'target_user_id', 'target_user_name', 'session_id'];

export async function buildKpiData(
  store: DuckDbStore,
  opts: { baseDir: string; eventsDb: string; since: Date; events: number; accounts: number },
): Promise<KpiData> {
  const t0 = performance.now();
  const db = store.db;
  await loadDemoNonEventData(store, opts.baseDir);
  await db.run(COPY_MACRO);
  const base = Number(
    (await db.one<{ n: bigint }>('SELECT count(DISTINCT (source, tenant_id, account_id)) AS n FROM accounts WHERE snapshot_at = (SELECT max(snapshot_at) FROM accounts)'))!.n,
  );
  const people = Math.max(1, Math.ceil(opts.accounts / Math.max(1, base)));
  for (const [table, cols] of Object.entries(KEY_COLUMNS)) {
    const replace = cols.map((c) => `bench_cp(${c}, k) AS ${c}`).join(', ');
    await db.run(`INSERT INTO ${table} SELECT * EXCLUDE (k) REPLACE (${replace}) FROM ${table}, range(1, ${people}) r(k)`);
  }
  let eventCopies = 1;
  await db.run(`ATTACH '${opts.eventsDb.replace(/'/g, "''")}' AS bench_src (READ_ONLY)`);
  try {
    // The base window's normalized events (copy 0 of the import dataset), held once in memory,
    // numbered in time order and tagged with their day (computed once, not once per day).
    await db.run(
      `CREATE TEMP TABLE bench_base_events AS
       SELECT *, row_number() OVER (ORDER BY event_time, event_uid) - 1 AS rid, date_trunc('day', event_time) AS bench_day
       FROM bench_src.identity_events WHERE event_time >= $1::TIMESTAMP ORDER BY event_time, event_uid`,
      [opts.since],
    );
    const baseEvents = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM bench_base_events'))!.n);
    eventCopies = Math.max(1, Math.ceil(opts.events / Math.max(1, baseEvents)));
    const replace = [
      `CASE WHEN j = 0 THEN event_uid ELSE event_uid || '~' || j::VARCHAR END AS event_uid`,
      ...EVENT_KEY_COLUMNS.map((c) => `bench_cp(${c}, j % ${people}) AS ${c}`),
    ].join(', ');
    // A store filled by ingest holds events roughly in time order; so does this one, built one day
    // at a time (a sort of one day's copies, not of every event at once, keeps memory bounded).
    // CREATE TABLE AS: no primary-key index over 10M keys to build; the KPIs only read the table.
    const select = `SELECT * EXCLUDE (j, rid, bench_day) REPLACE (${replace})
       FROM bench_base_events b, range(${eventCopies}) r(j)
       WHERE j * ${baseEvents} + rid < ${opts.events}`;
    await db.run(`CREATE OR REPLACE TABLE identity_events AS ${select} LIMIT 0`);
    const days = (await db.all<{ d: Date }>('SELECT DISTINCT bench_day AS d FROM bench_base_events ORDER BY d')).map((r) => r.d);
    for (const d of days) {
      await db.run(`INSERT INTO identity_events SELECT * FROM (${select} AND bench_day = $1::TIMESTAMP) ORDER BY event_time`, [d]);
    }
    await db.run('DROP TABLE bench_base_events');
  } finally {
    await db.run('DETACH bench_src');
  }
  const events = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM identity_events'))!.n);
  const accounts = Number(
    (await db.one<{ n: bigint }>('SELECT count(DISTINCT (source, tenant_id, account_id)) AS n FROM accounts WHERE snapshot_at = (SELECT max(snapshot_at) FROM accounts)'))!.n,
  );
  await db.run('CHECKPOINT');
  return { events, accounts, copies: { people, events: eventCopies }, seconds: (performance.now() - t0) / 1000 };
}
