import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDb } from '../../store/duckdb/db.js';
import { accounts, authMethods, events, kpi, openTestDb } from '../testing.js';
import { evidenceRows } from '../evidence.js';

// Month 2026-11: the latest snapshots before 1 Dec 2026; sign-in evidence from November.
describe('mfa_coverage', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await openTestDb();
    const old = '2026-10-01T00:00:00Z';
    const snap = '2026-11-20T00:00:00Z';
    const okta = { source: 'okta', tenant_id: 'acme.okta.com', snapshot_at: '2026-11-15T00:00:00Z' };
    await accounts(db, [
      { snapshot_at: old, account_id: 'u9', login: 'frank@acme.example' },
      { snapshot_at: snap, account_id: 'u1', login: 'alice@acme.example', user_type: 'Member' },
      { snapshot_at: snap, account_id: 'u2', login: 'bob@acme.example', user_type: 'Member' },
      { snapshot_at: snap, account_id: 'u3', login: 'carol@acme.example', user_type: 'Member' },
      { snapshot_at: snap, account_id: 'u4', login: 'dan@acme.example', user_type: 'Member' },
      { snapshot_at: snap, account_id: 'u5', login: 'svc-backup@acme.example', is_service: true, owner: 'it@acme.example' },
      { snapshot_at: snap, account_id: 'u6', login: 'breakglass-01@acme.example', is_break_glass: true, owner: 'ciso@acme.example' },
      { snapshot_at: snap, account_id: 'u7', login: 'partner_ext#EXT#@acme.example', user_type: 'Guest' },
      { snapshot_at: snap, account_id: 'u8', login: 'erin@acme.example', enabled: false },
      { snapshot_at: snap, account_id: 'u9', login: 'frank@acme.example' },
      // Alice's second account, in Okta, and a contractor.
      { ...okta, account_id: 'o1', login: 'alice@acme.example', user_type: 'Employee' },
      { ...okta, account_id: 'o2', login: 'gina@acme.example', user_type: 'Contractor' },
      // A snapshot after the month: must not be read for November.
      { snapshot_at: '2026-12-05T00:00:00Z', account_id: 'u2', login: 'bob@acme.example' },
    ]);
    await authMethods(db, [
      { snapshot_at: old, account_id: 'u9', method: 'microsoftAuthenticator' }, // Frank enrolled once, not any more
      { snapshot_at: snap, account_id: 'u1', method: 'password' },
      { snapshot_at: snap, account_id: 'u1', method: 'microsoftAuthenticator' },
      { snapshot_at: snap, account_id: 'u2', method: 'password' },
      { snapshot_at: snap, account_id: 'u2', method: 'email' }, // SSPR only: not MFA
      { snapshot_at: snap, account_id: 'u3', method: 'fido2', phishing_resistant: true },
      { snapshot_at: snap, account_id: 'u4', method: 'sms' },
      { snapshot_at: snap, account_id: 'u6', method: 'fido2', phishing_resistant: true },
      { ...okta, account_id: 'o1', method: 'push' },
      { ...okta, account_id: 'o2', method: 'question' },
      { snapshot_at: '2026-12-05T00:00:00Z', account_id: 'u2', method: 'microsoftAuthenticator' },
    ]);
    await events(db, [
      { event_time: '2026-11-03T09:00:00Z', actor_id: 'u1', mfa_satisfied: true, is_interactive: true },
      { event_time: '2026-11-04T09:00:00Z', target_user_name: 'alice@acme.example', mfa_satisfied: true, is_interactive: true },
      // Carol signs in interactively without MFA; her non-interactive refresh does not count either way.
      { event_time: '2026-11-05T09:00:00Z', target_user_name: 'CAROL@acme.example', mfa_satisfied: false, is_interactive: true },
      { event_time: '2026-11-05T10:00:00Z', target_user_id: 'u3', mfa_satisfied: true, is_interactive: false },
      // Dan: one sign-in without MFA (remembered device) and one with it: enforced.
      { event_time: '2026-11-06T09:00:00Z', target_user_id: 'u4', mfa_satisfied: false, is_interactive: true },
      { event_time: '2026-11-07T09:00:00Z', target_user_id: 'u4', mfa_satisfied: true, is_interactive: true },
    ]);
  });

  it('covers enrolled and enforced workforce accounts, per account, at the latest snapshot', async () => {
    const r = await kpi(db, 'mfa_coverage', '2026-11');
    // Workforce accounts: u1 u2 u3 u4 u9 (Entra) + o1 o2 (Okta) = 7 (service, break-glass, guest, disabled excluded).
    // Covered: u1 (authenticator, MFA sign-ins), u4 (sms, one MFA sign-in), o1 (push) = 3.
    // Not enrolled: u2 (password+email), u9 (no method in the latest snapshot), o2 (security question) = 3.
    // Not enforced: u3 (FIDO2 registered but its interactive sign-in had no MFA) = 1.
    expect(r.status).toBe('ok');
    expect([r.numerator, r.denominator]).toEqual([3, 7]);
    expect(r.value).toBeCloseTo(3 / 7, 10);
    expect(r.details).toEqual({ not_enrolled: 3, not_enforced: 1 });
    expect(r.met).toBe(false);
    expect(r.target).toBe('>= 98%');
    const ev = await evidenceRows(db, 'mfa_coverage', '2026-11', { now: new Date('2027-01-01T00:00:00Z') });
    expect(ev.rows.map((x) => [x.account_id, x.status])).toEqual([
      ['u3', 'not_enforced'],
      ['u2', 'not_enrolled'],
      ['u9', 'not_enrolled'],
      ['o2', 'not_enrolled'],
    ]);
  });

  it('applies target overrides from config: a bare number keeps the comparison', async () => {
    const r = await kpi(db, 'mfa_coverage', '2026-11', { config: { kpis: { targets: { mfa_coverage: 0.4 } } } });
    expect(r.target).toBe('>= 40%');
    expect(r.met).toBe(true); // 3/7 = 42.9% >= 40%
    const strict = await kpi(db, 'mfa_coverage', '2026-11', { targets: { mfa_coverage: { op: '>', value: 0.5 } } });
    expect(strict.met).toBe(false);
  });

  it('reports no_data with what it needs when there is no inventory', async () => {
    const empty = await openTestDb();
    const r = await kpi(empty, 'mfa_coverage', '2026-11');
    expect(r).toMatchObject({ status: 'no_data', value: null, met: null, needs: ['accounts', 'auth_methods'] });
  });
});
