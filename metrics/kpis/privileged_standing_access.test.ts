import { expect, it } from 'vitest';
import { accounts, kpi, openTestDb, roles } from '../testing.js';

it('privileged_standing_access: permanent privileged assignments at the latest snapshot, against a quarter before', async () => {
  const db = await openTestDb();
  const aug = '2026-08-15T00:00:00Z';
  const nov = '2026-11-20T00:00:00Z';
  await roles(db, [
    ...['p1', 'p2', 'p3', 'p4', 'p5'].map((a) => ({ snapshot_at: aug, account_id: a, role: 'Global Administrator', kind: 'permanent' })),
    { snapshot_at: nov, account_id: 'p1', role: 'Global Administrator', kind: 'permanent' },
    { snapshot_at: nov, account_id: 'p2', role: 'Exchange Administrator', kind: 'permanent' },
    { snapshot_at: nov, account_id: 'p3', role: 'Global Administrator', kind: 'permanent' },
    { snapshot_at: nov, account_id: 'p4', role: 'Global Administrator', kind: 'eligible' },
    { snapshot_at: nov, account_id: 'p5', role: 'Directory Readers', kind: 'permanent', is_privileged: false },
    { snapshot_at: nov, account_id: 'p6', role: 'User Administrator', kind: 'permanent', end_at: '2026-11-01T00:00:00Z' }, // ended
    { snapshot_at: nov, account_id: 'bg1', role: 'Global Administrator', kind: 'permanent' }, // break-glass
    { source: 'okta', tenant_id: 'acme.okta.com', snapshot_at: '2026-11-18T00:00:00Z', account_id: 'o1', role: 'SUPER_ADMIN', kind: 'permanent' },
  ]);
  await accounts(db, [{ snapshot_at: nov, account_id: 'bg1', login: 'breakglass-01@acme.example', is_break_glass: true, owner: 'ciso@acme.example' }]);
  const r = await kpi(db, 'privileged_standing_access', '2026-11');
  // November: p1, p2, p3 (Entra) + o1 (Okta) = 4; in force privileged: those 4 + p4 (eligible) + bg1 = 6.
  expect([r.value, r.numerator, r.denominator]).toEqual([4, 4, 6]);
  expect(r.details).toMatchObject({ break_glass_permanent: 1, eligible: 1 });
  // October's value reads the August snapshot (the latest before 1 Nov): 5 permanent; change 4 − 5 = −1.
  expect([r.previousValue, r.change]).toEqual([5, -1]);
  // August (three months back) also had 5: 4 < 5 → falling quarter on quarter.
  expect(r.met).toBe(true);
  expect(r.target).toBe('falling quarter on quarter');
  // In August itself there is nothing three months earlier to compare with.
  const aug26 = await kpi(db, 'privileged_standing_access', '2026-08');
  expect([aug26.value, aug26.met]).toEqual([5, null]);
});
