import { expect, it } from 'vitest';
import { accounts, kpi, openTestDb, workers } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('orphaned_accounts: enabled accounts with no HR record and no owner', async () => {
  const db = await openTestDb();
  await workers(db, [
    { employee_id: 'E1', email: 'alice@acme.example', status: 'Active', updated_at: '2024-01-01T00:00:00Z' },
    { employee_id: 'E2', email: 'bob@acme.example', status: 'Terminated', termination_date: '2026-10-01', updated_at: '2026-10-01T00:00:00Z' },
    { employee_id: 'C3', email: 'carol@acme.example', worker_type: 'Contingent Worker', status: 'Active', updated_at: '2025-01-01T00:00:00Z' },
  ]);
  const nov = '2026-11-20T00:00:00Z';
  const okta = { source: 'okta', tenant_id: 'acme.okta.com', snapshot_at: '2026-11-18T00:00:00Z' };
  await accounts(db, [
    { snapshot_at: '2026-10-01T00:00:00Z', account_id: 'a6', login: 'gone@acme.example' }, // only in an older snapshot
    { snapshot_at: nov, account_id: 'a1', login: 'a.smith@acme.example', employee_id: 'E1' },
    { snapshot_at: nov, account_id: 'a2', login: 'bob@acme.example' }, // a leaver's account: a leaver problem, not an orphan
    { snapshot_at: nov, account_id: 'a3', login: 'c.jones@acme.example', email: 'CAROL@acme.example' },
    { snapshot_at: nov, account_id: 'a4', login: 'mallory@acme.example' }, // orphan
    { snapshot_at: nov, account_id: 'a5', login: 'old.user@acme.example', enabled: false },
    { snapshot_at: nov, account_id: 's1', login: 'svc-backup@acme.example', is_service: true, owner: 'it-ops@acme.example' },
    { snapshot_at: nov, account_id: 's2', login: 'svc-legacy@acme.example', is_service: true }, // orphan: nobody owns it
    { snapshot_at: nov, account_id: 'bg1', login: 'breakglass-01@acme.example', is_break_glass: true, owner: 'ciso@acme.example' },
    { snapshot_at: nov, account_id: 'g1', login: 'partner#EXT#@acme.example', user_type: 'Guest', owner: 'alice@acme.example' },
    { snapshot_at: nov, account_id: 'g2', login: 'stranger#EXT#@acme.example', user_type: 'Guest' }, // orphan
    { ...okta, account_id: 'o1', login: 'alice@acme.example' },
    { ...okta, account_id: 'o2', login: 'temp.admin@acme.example' }, // orphan
  ]);
  const r = await kpi(db, 'orphaned_accounts', '2026-11');
  // Enabled at the latest snapshots: a1 a2 a3 a4 s1 s2 bg1 g1 g2 + o1 o2 = 11. Orphans: a4, s2, g2, o2 = 4.
  expect([r.value, r.numerator, r.denominator]).toEqual([4, 4, 11]);
  expect(r.details).toEqual({ service_without_owner: 1, human: 3 });
  expect(r.met).toBe(false);
  const ev = await evidenceRows(db, 'orphaned_accounts', '2026-11', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => x.account_id)).toEqual(['a4', 'g2', 's2', 'o2']);
  // W46 (9–15 Nov): Entra's latest snapshot before its end is 1 Oct (a6, no HR record); Okta has none
  // before, and its 18 Nov snapshot, 2 days after the week, describes it → a6 and o2 of a6, o1, o2.
  const w46 = await kpi(db, 'orphaned_accounts', '2026-W46');
  expect([w46.value, w46.denominator]).toEqual([2, 3]);
  // W44 (26 Oct–1 Nov): the Okta snapshot is 17 days later, too late to describe it → Entra's a6 only.
  const w44 = await kpi(db, 'orphaned_accounts', '2026-W44');
  expect([w44.value, w44.denominator]).toEqual([1, 1]);
});
