import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDb } from '../store/duckdb/db.js';
import { computeKpis } from './compute.js';
import { KPI_DEFINITIONS } from './registry.js';
import { accounts, authMethods, events, itsm, openTestDb, roles, workers } from './testing.js';

// Several KPIs measured at the same time on their own connections give the table measured one by one.
describe('computeKpis concurrency', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await openTestDb();
    const snap = '2026-11-20T00:00:00Z';
    await accounts(db, [
      { snapshot_at: snap, account_id: 'u1', login: 'alice@acme.example', employee_id: 'E1', last_success_signin_at: '2026-11-18T09:00:00Z' },
      { snapshot_at: snap, account_id: 'u2', login: 'bob@acme.example', employee_id: 'E2', last_success_signin_at: '2026-08-01T09:00:00Z' },
      { snapshot_at: snap, account_id: 'u3', login: 'orphan@acme.example' },
    ]);
    await authMethods(db, [
      { snapshot_at: snap, account_id: 'u1', method: 'fido2', phishing_resistant: true },
      { snapshot_at: snap, account_id: 'u2', method: 'password' },
    ]);
    await roles(db, [
      { snapshot_at: snap, account_id: 'u1', role: 'Global Administrator', kind: 'eligible' },
      { snapshot_at: snap, account_id: 'u2', role: 'Security Administrator', kind: 'permanent' },
    ]);
    await workers(db, [
      { employee_id: 'E1', email: 'alice@acme.example', status: 'Active', updated_at: '2026-01-01T00:00:00Z' },
      { employee_id: 'E2', email: 'bob@acme.example', status: 'Terminated', termination_date: '2026-11-17', updated_at: '2026-11-17T18:00:00Z' },
    ]);
    await events(db, [
      { event_time: '2026-11-18T09:00:00Z', target_user_id: 'u1', target_user_name: 'alice@acme.example', mfa_satisfied: true, phishing_resistant: true },
      { event_time: '2026-11-18T10:00:00Z', target_user_id: 'u1', target_user_name: 'alice@acme.example', outcome: 'failure', status_code: '53003' },
      { event_time: '2026-11-19T08:00:00Z', target_user_id: 'u2', target_user_name: 'bob@acme.example', outcome: 'failure', status_code: '50126', is_legacy_auth: true },
      { event_time: '2026-11-19T09:00:00Z', event_class: 'account_change', action: 'account_disable', target_user_id: 'u2', target_user_name: 'bob@acme.example', actor_type: 'User' },
      { event_time: '2026-11-19T11:00:00Z', event_class: 'provisioning', action: 'provision_update', target_user_name: 'alice@acme.example', provisioning_status: 'success' },
    ]);
    await itsm(db, [
      { record_type: 'incident', record_id: 'INC1', category: 'identity', priority: '2 - High', opened_at: '2026-11-17T08:00:00Z', resolved_at: '2026-11-17T13:30:00Z' },
    ]);
  });
  afterAll(() => db.close());

  it('returns the same results in KPIS.md order with 1, 2 and 20 KPIs at a time', async () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const one = await computeKpis(db, '2026-W47', { now, write: false, concurrency: 1 });
    expect(one.map((r) => r.id)).toEqual(KPI_DEFINITIONS.map((d) => d.id));
    expect(one.filter((r) => r.status === 'ok').length).toBeGreaterThanOrEqual(8);
    for (const n of [2, 20]) expect(await computeKpis(db, '2026-W47', { now, write: false, concurrency: n })).toEqual(one);
  });

  it('rejects with the failing statement’s error after every worker settled, and the database stays usable', async () => {
    await db.run('CREATE TABLE hris_backup AS SELECT * FROM hris_workers');
    await db.run('DROP TABLE hris_workers');
    try {
      await expect(computeKpis(db, '2026-W47', { write: false, concurrency: 3 })).rejects.toThrow(/hris_workers/);
    } finally {
      await db.run('CREATE TABLE hris_workers AS SELECT * FROM hris_backup');
      await db.run('DROP TABLE hris_backup');
    }
    const again = await computeKpis(db, '2026-W47', { now: new Date('2027-01-01T00:00:00Z'), write: false, concurrency: 3 });
    expect(again).toHaveLength(KPI_DEFINITIONS.length);
  });
});
