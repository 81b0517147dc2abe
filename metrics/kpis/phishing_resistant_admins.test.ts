import { expect, it } from 'vitest';
import { accounts, authMethods, events, kpi, openTestDb, roles } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('phishing_resistant_admins: privileged accounts with a phishing-resistant method or sign-in', async () => {
  const db = await openTestDb();
  const snap = '2026-11-20T00:00:00Z';
  const okta = { source: 'okta', tenant_id: 'acme.okta.com', snapshot_at: '2026-11-18T00:00:00Z' };
  await roles(db, [
    { snapshot_at: snap, account_id: 'a1', role: 'Global Administrator', kind: 'permanent' },
    { snapshot_at: snap, account_id: 'a1', role: 'Exchange Administrator', kind: 'permanent' }, // same admin, counted once
    { snapshot_at: snap, account_id: 'a2', role: 'User Administrator', kind: 'eligible' },
    { snapshot_at: snap, account_id: 'a3', role: 'Security Administrator', kind: 'activated', start_at: '2026-11-19T10:00:00Z', end_at: '2026-11-20T18:00:00Z' },
    { snapshot_at: snap, account_id: 'a4', role: 'Privileged Role Administrator', kind: 'permanent', end_at: '2026-11-10T00:00:00Z' }, // expired
    { snapshot_at: snap, account_id: 'a5', role: 'Application Administrator', kind: 'permanent' }, // service account
    { snapshot_at: snap, account_id: 'a6', role: 'Global Administrator', kind: 'permanent' }, // disabled account
    { snapshot_at: snap, account_id: 'a7', role: 'Directory Readers', kind: 'permanent', is_privileged: false },
    { ...okta, account_id: 'o1', role: 'SUPER_ADMIN', kind: 'permanent' },
  ]);
  await accounts(db, [
    { snapshot_at: snap, account_id: 'a1', login: 'alice@acme.example' },
    { snapshot_at: snap, account_id: 'a2', login: 'bob@acme.example' },
    { snapshot_at: snap, account_id: 'a3', login: 'carol@acme.example' },
    { snapshot_at: snap, account_id: 'a4', login: 'dan@acme.example' },
    { snapshot_at: snap, account_id: 'a5', login: 'svc-automation@acme.example', is_service: true, owner: 'it@acme.example' },
    { snapshot_at: snap, account_id: 'a6', login: 'erin@acme.example', enabled: false },
    { snapshot_at: snap, account_id: 'a7', login: 'frank@acme.example' },
    { ...okta, account_id: 'o1', login: 'alice@acme.example' },
  ]);
  await authMethods(db, [
    { snapshot_at: snap, account_id: 'a1', method: 'fido2', phishing_resistant: true },
    { snapshot_at: snap, account_id: 'a2', method: 'microsoftAuthenticator' },
    { snapshot_at: snap, account_id: 'a3', method: 'sms' },
    { ...okta, account_id: 'o1', method: 'push' },
  ]);
  await events(db, [
    // Bob signs in with Windows Hello for Business in November: phishing-resistant in use.
    { event_time: '2026-11-10T08:00:00Z', target_user_name: 'bob@acme.example', phishing_resistant: true, auth_methods: ['windowsHelloForBusiness'] },
    // Carol's phishing-resistant sign-in was in October: outside the month.
    { event_time: '2026-10-10T08:00:00Z', target_user_id: 'a3', phishing_resistant: true },
  ]);
  const r = await kpi(db, 'phishing_resistant_admins', '2026-11');
  // Privileged users: a1, a2, a3 (Entra) and o1 (Okta) = 4. Phishing-resistant: a1 (FIDO2), a2 (WHfB sign-in) = 2.
  expect([r.numerator, r.denominator, r.value]).toEqual([2, 4, 0.5]);
  expect(r.met).toBe(false);
  const ev = await evidenceRows(db, 'phishing_resistant_admins', '2026-11', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.filter((x) => !x.phishing_resistant).map((x) => x.account_id)).toEqual(['a3', 'o1']);
  expect(ev.rows.find((x) => x.account_id === 'a1')?.roles).toBe('Exchange Administrator, Global Administrator');
});
