import { expect, it } from 'vitest';
import { accounts, events, kpi, openTestDb, roles } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('dormant_privileged_accounts: privileged holders idle more than 30 (and 60) days at the end of the month', async () => {
  const db = await openTestDb();
  const nov = '2026-11-20T00:00:00Z';
  const holders = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd8', 'd9', 'bg1'];
  await roles(db, [
    ...holders.map((a) => ({ snapshot_at: nov, account_id: a, role: 'Global Administrator', kind: 'permanent' })),
    { snapshot_at: nov, account_id: 'd7', role: 'User Administrator', kind: 'eligible' },
    { snapshot_at: nov, account_id: 'n1', role: 'Directory Readers', kind: 'permanent', is_privileged: false },
  ]);
  const acct = (id: string, extra: Record<string, unknown>) => ({ snapshot_at: nov, account_id: id, login: `${id}@acme.example`, created_at: '2025-01-01T00:00:00Z', ...extra });
  await accounts(db, [
    acct('d1', { last_success_signin_at: '2026-11-25T00:00:00Z' }), // 6 days before 1 Dec
    acct('d2', { last_success_signin_at: '2026-10-15T00:00:00Z' }), // 47 days
    acct('d3', { last_success_signin_at: '2026-09-01T00:00:00Z' }), // 91 days
    acct('d4', { last_success_signin_at: '2026-09-01T00:00:00Z' }), // but signed in on 28 Nov (event)
    acct('d5', { created_at: '2026-10-01T00:00:00Z' }), // never signed in, created 61 days before
    acct('d6', { created_at: '2026-11-15T00:00:00Z' }), // never signed in, created 16 days before
    acct('d7', { last_success_signin_at: '2026-10-20T00:00:00Z' }), // eligible holder, 42 days
    acct('d8', { last_success_signin_at: '2026-09-20T00:00:00Z' }), // 72 days; a failed attempt on 29 Nov does not count
    acct('d9', { enabled: false }),
    acct('bg1', { is_break_glass: true, owner: 'ciso@acme.example', last_success_signin_at: '2025-06-01T00:00:00Z' }),
    acct('n1', { last_success_signin_at: '2025-06-01T00:00:00Z' }),
  ]);
  await events(db, [
    { event_time: '2026-11-28T10:00:00Z', actor_name: 'd4@acme.example' },
    { event_time: '2026-11-29T10:00:00Z', target_user_id: 'd8', outcome: 'failure', status_code: '50126' },
  ]);
  const r = await kpi(db, 'dormant_privileged_accounts', '2026-11');
  // Counted holders: d1–d8 = 8 (disabled d9 and break-glass bg1 excluded; n1 is not privileged).
  // Idle > 30 days: d2 (47), d3 (91), d5 (61), d7 (42), d8 (72) = 5; > 60: d3, d5, d8 = 3.
  expect([r.value, r.numerator, r.denominator]).toEqual([5, 5, 8]);
  expect(r.details).toMatchObject({ over_60: 3, never_signed_in: 2 });
  expect(r.met).toBe(false);
  const ev = await evidenceRows(db, 'dormant_privileged_accounts', '2026-11', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => [x.account_id, x.idle_days, x.over_60])).toEqual([
    ['d3', 91, true],
    ['d8', 72, true],
    ['d5', 61, true],
    ['d2', 47, false],
    ['d7', 42, false],
  ]);
});
