import { expect, it } from 'vitest';
import { accounts, events, kpi, openTestDb, roles } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('jit_adoption: (account, role) pairs activated just in time against standing ones', async () => {
  const db = await openTestDb();
  const nov = '2026-11-20T00:00:00Z';
  await accounts(db, [
    { snapshot_at: nov, account_id: 'j1', login: 'j1@acme.example' },
    { snapshot_at: nov, account_id: 'j2', login: 'j2@acme.example' },
    { snapshot_at: nov, account_id: 'bg1', login: 'breakglass-01@acme.example', is_break_glass: true, owner: 'ciso@acme.example' },
  ]);
  await roles(db, [
    { snapshot_at: nov, account_id: 'p1', role: 'Global Administrator', kind: 'permanent' },
    { snapshot_at: nov, account_id: 'p2', role: 'Exchange Administrator', kind: 'permanent' },
    { snapshot_at: nov, account_id: 'bg1', role: 'Global Administrator', kind: 'permanent' },
    { snapshot_at: nov, account_id: 'j1', role: 'Global Administrator', kind: 'eligible' },
    // Activated instances seen by snapshots: j3's own, and j1's that the event below also records.
    { snapshot_at: '2026-11-12T12:00:00Z', assignment_id: 'i-j3', account_id: 'j3', role: 'Security Administrator', kind: 'activated', start_at: '2026-11-12T10:00:00Z', end_at: '2026-11-12T20:00:00Z' },
    { snapshot_at: '2026-11-10T12:00:00Z', assignment_id: 'i-j1', account_id: 'j1', role: 'Global Administrator', kind: 'activated', start_at: '2026-11-10T09:00:00Z', end_at: '2026-11-10T17:00:00Z' },
  ]);
  const act = { event_class: 'privilege_change', action: 'role_activate', privilege_is_admin: true, assignment_kind: 'activated' };
  await events(db, [
    { ...act, event_time: '2026-11-03T09:00:00Z', target_user_id: 'j1', privilege_name: 'Global Administrator' },
    { ...act, event_time: '2026-11-10T09:00:01Z', target_user_id: 'j1', privilege_name: 'Global Administrator' },
    { ...act, event_time: '2026-11-11T09:00:00Z', target_user_name: 'J2@acme.example', privilege_name: 'User Administrator' },
    { ...act, event_time: '2026-11-12T09:00:00Z', target_user_id: 'p1', privilege_name: 'Global Administrator' }, // already standing
    { ...act, event_time: '2026-10-20T09:00:00Z', target_user_id: 'j4', privilege_name: 'Global Administrator' }, // October
    { ...act, event_time: '2026-11-13T09:00:00Z', target_user_id: 'j5', privilege_name: 'Global Administrator', outcome: 'failure' },
  ]);
  const r = await kpi(db, 'jit_adoption', '2026-11');
  // Standing pairs: p1/GA, p2/Exchange (break-glass excluded) = 2. JIT pairs: j1/GA, j2/UA, j3/SA = 3. 3 / 5 = 0.6.
  expect([r.numerator, r.denominator, r.value]).toEqual([3, 5, 0.6]);
  expect(r.met).toBe(false); // 60% < 70%
  const ev = await evidenceRows(db, 'jit_adoption', '2026-11', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => `${x.mode}:${x.account_id}:${x.role}`)).toEqual([
    'standing:p1:global administrator',
    'standing:p2:exchange administrator',
    'jit:j1:global administrator',
    'jit:j2:user administrator',
    'jit:j3:security administrator',
  ]);
});
