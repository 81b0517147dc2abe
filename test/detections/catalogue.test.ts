import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { evaluateAnalytics } from '../../detections/engine/evaluate.js';
import { ev, insertEvents, PLACES, signin, type EventRow } from './events.js';

/**
 * Unit cases on normalized rows for the analytics beyond the four headline ones (those are in
 * engine.test.ts). The raw-vendor-event cases of every detection live in its *.test.yml.
 * Each describe block uses its own in-memory database.
 */
const NOW = new Date('2026-11-20T00:00:00Z');

async function withEvents(rows: EventRow[], setup?: (s: DuckDbStore) => Promise<void>) {
  const store = await DuckDbStore.open(':memory:');
  await insertEvents(store.db, rows);
  if (setup) await setup(store);
  return store;
}

async function run(store: DuckDbStore, id: string) {
  return evaluateAnalytics(store.db, { from: new Date('2026-09-01T00:00:00Z'), to: NOW, ids: [id], now: NOW });
}

const consent = (user: string, t: string, app: string, scopes: string[], extra: Partial<EventRow> = {}) =>
  ev({ event_time: t, actor_name: user, event_class: 'consent_grant', action: 'consent_grant', source: 'entra', native_type: 'Consent to application', app_name: app, app_id: `id-${app}`, consent_scopes: scopes, consent_is_admin: false, consent_all_users: false, ...extra });

describe('risky_oauth_consent', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await withEvents([
      consent('mallory.victim@acme.example', '2026-11-10T10:00:00Z', 'Mail Sync Pro', ['offline_access', 'Mail.ReadWrite', 'User.Read']),
      consent('mallory.victim@acme.example', '2026-11-11T10:00:00Z', 'Mail Sync Pro', ['offline_access', 'Mail.ReadWrite', 'User.Read']), // repeat: not first seen
      consent('admin.one@acme.example', '2026-11-10T11:00:00Z', 'Microsoft Teams', ['offline_access', 'Chat.ReadWrite', 'Files.ReadWrite.All'], { consent_is_admin: true, consent_all_users: true, app_id: '1fec8e78-bce4-4aaf-ab1b-5451cc387264' }),
      consent('bob@acme.example', '2026-11-10T12:00:00Z', 'Calendar Helper', ['User.Read', 'openid', 'profile']),
      consent('admin.two@acme.example', '2026-11-10T13:00:00Z', 'Unknown Reporting Tool', ['User.Read'], { consent_is_admin: true, consent_all_users: true }),
    ]);
  });
  afterAll(() => store.close());
  it('fires once for the first risky consent of a user to an unknown app, and for a tenant-wide grant to an unknown app', async () => {
    const alerts = await run(store, 'risky_oauth_consent');
    expect(alerts.map((a) => [a.entity.user, a.entity.app]).sort()).toEqual([
      ['admin.two@acme.example', 'Unknown Reporting Tool'],
      ['mallory.victim@acme.example', 'Mail Sync Pro'],
    ]);
    const m = alerts.find((a) => a.entity.app === 'Mail Sync Pro')!;
    expect(m.techniques).toEqual(['T1528']);
    expect(m.explanation).toMatch(/Mail.ReadWrite/);
  });
});

describe('dormant_privileged_account', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await withEvents(
      [
        signin('sleepy.admin@acme.example', '2026-11-15T09:00:00Z', '93.184.216.20', PLACES.berlin, { source: 'entra' }),
        signin('busy.admin@acme.example', '2026-11-15T09:00:00Z', '93.184.216.21', PLACES.berlin, { source: 'entra' }),
      ],
      async (s) => {
        const acc = (id: string, login: string, last: string | null, bg = false) =>
          s.db.run(
            `INSERT INTO accounts (snapshot_at, source, tenant_id, account_id, login, email, enabled, is_service, is_break_glass, created_at, last_success_signin_at)
             VALUES ('2026-11-19 00:00:00', 'entra', 't1', $1, $2, $2, true, false, $3, '2024-01-01 00:00:00', CAST($4 AS TIMESTAMP))`,
            [id, login, bg, last],
          );
        const role = (id: string, acct: string) =>
          s.db.run(
            `INSERT INTO role_assignments (snapshot_at, source, tenant_id, assignment_id, account_id, role, is_privileged, kind)
             VALUES ('2026-11-19 00:00:00', 'entra', 't1', $1, $2, 'Global Administrator', true, 'permanent')`,
            [id, acct],
          );
        await acc('a1', 'sleepy.admin@acme.example', '2026-08-01 09:00:00');
        await acc('a2', 'busy.admin@acme.example', '2026-11-14 09:00:00');
        await acc('a3', 'idle.admin@acme.example', '2026-07-01 09:00:00');
        await acc('a4', 'breakglass-01@acme.example', '2026-05-01 09:00:00', true);
        for (const [i, a] of ['a1', 'a2', 'a3', 'a4'].entries()) await role(`r${i}`, a);
      },
    );
  });
  afterAll(() => store.close());
  it('raises the posture finding for idle holders (not break-glass) and a high alert when a dormant admin signs in', async () => {
    const alerts = await run(store, 'dormant_privileged_account');
    const posture = alerts.filter((a) => (a.details as { finding?: string }).finding === 'posture').map((a) => a.entity.user).sort();
    // sleepy.admin signed in on 11-15 (events), so only idle.admin is dormant at the snapshot
    expect(posture).toEqual(['idle.admin@acme.example']);
    const activity = alerts.filter((a) => (a.details as { finding?: string }).finding === 'activity');
    expect(activity.map((a) => a.entity.user)).toEqual(['sleepy.admin@acme.example']);
    expect(activity[0].severity).toBe('high');
    expect(activity[0].explanation).toMatch(/106 days without a successful sign-in/);
    expect(alerts.some((a) => a.entity.user === 'breakglass-01@acme.example')).toBe(false);
  });
});

describe('password_spray and brute_force', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    const rows: EventRow[] = [];
    for (let i = 0; i < 14; i++) {
      rows.push(ev({ event_time: `2026-11-10T03:${String(i * 3).padStart(2, '0')}:00Z`, actor_name: `user${i}@acme.example`, outcome: 'failure', outcome_reason: 'INVALID_CREDENTIALS', src_ip: '185.220.101.5' }));
    }
    rows.push(ev({ event_time: '2026-11-10T03:50:00Z', actor_name: 'user3@acme.example', outcome: 'success', src_ip: '185.220.101.5' }));
    // 12 failures for one account in 6 minutes, then a success from the same IP
    for (let i = 0; i < 12; i++) {
      rows.push(ev({ event_time: `2026-11-11T04:0${Math.floor(i / 2)}:${i % 2 ? '30' : '00'}Z`, actor_name: 'target@acme.example', outcome: 'failure', outcome_reason: 'INVALID_CREDENTIALS', src_ip: '45.9.20.1' }));
    }
    rows.push(ev({ event_time: '2026-11-11T04:07:00Z', actor_name: 'target@acme.example', outcome: 'success', src_ip: '45.9.20.1' }));
    // three typos then success
    for (let i = 0; i < 3; i++) rows.push(ev({ event_time: `2026-11-12T08:00:0${i}Z`, actor_name: 'typo@acme.example', outcome: 'failure', outcome_reason: 'INVALID_CREDENTIALS', src_ip: '93.184.216.30' }));
    rows.push(ev({ event_time: '2026-11-12T08:00:20Z', actor_name: 'typo@acme.example', outcome: 'success', src_ip: '93.184.216.30' }));
    // an MFA-required interrupt is not a password failure
    for (let i = 0; i < 12; i++) rows.push(ev({ event_time: `2026-11-13T08:0${Math.floor(i / 2)}:${i % 2 ? '30' : '00'}Z`, actor_name: 'interrupted@acme.example', outcome: 'challenge', is_interrupt: true, status_code: '50074', src_ip: '93.184.216.31', source: 'entra' }));
    store = await withEvents(rows);
  });
  afterAll(() => store.close());
  it('password_spray: 14 accounts from one IP, escalated by the success', async () => {
    const alerts = await run(store, 'password_spray');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].entity.ip).toBe('185.220.101.5');
    expect(alerts[0].severity).toBe('high');
    expect(alerts[0].explanation).toMatch(/14 distinct accounts/);
  });
  it('brute_force: the burst fires high; three typos then success and MFA interrupts do not', async () => {
    const alerts = await run(store, 'brute_force');
    expect(alerts.map((a) => a.entity.user)).toEqual(['target@acme.example']);
    expect(alerts[0].severity).toBe('high');
  });
});

describe('single-event analytics', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await withEvents(
      [
        ev({ event_time: '2026-11-10T10:00:00Z', actor_name: 'olduser@acme.example', source: 'entra', client_app: 'IMAP4', is_legacy_auth: true, src_ip: '5.6.7.8' }),
        ev({ event_time: '2026-11-10T10:00:00Z', actor_name: 'modern@acme.example', source: 'entra', client_app: 'Browser', is_legacy_auth: false, src_ip: '5.6.7.9' }),
        ev({ event_time: '2026-11-10T11:00:00Z', actor_name: 'rogue.admin@acme.example', event_class: 'privilege_change', action: 'role_grant', target_user_name: 'new.ga@acme.example', privilege_name: 'Global Administrator', privilege_is_admin: true, assignment_kind: 'permanent', native_type: 'Add member to role outside of PIM (permanent)', source: 'entra' }),
        ev({ event_time: '2026-11-10T11:05:00Z', actor_name: 'MS-PIM', actor_type: 'ServicePrincipal', event_class: 'privilege_change', action: 'role_activate', target_user_name: 'jit.admin@acme.example', privilege_name: 'Global Administrator', privilege_is_admin: true, assignment_kind: 'activated', native_type: 'Add member to role completed (PIM activation)', source: 'entra' }),
        ev({ event_time: '2026-11-10T11:06:00Z', actor_name: 'pim.user@acme.example', event_class: 'privilege_change', action: 'role_grant', target_user_name: 'approved@acme.example', privilege_name: 'User Administrator', privilege_is_admin: true, assignment_kind: 'permanent', native_type: 'Add member to role in PIM completed (permanent)', source: 'entra' }),
        ev({ event_time: '2026-11-10T12:00:00Z', actor_name: 'breakglass-02@acme.example', source: 'entra', src_ip: '9.9.9.9' }),
        ev({ event_time: '2026-11-10T13:00:00Z', actor_name: 'support@okta.com', actor_type: 'User', event_class: 'session', action: 'impersonation', native_type: 'user.session.impersonation.grant' }),
        ev({ event_time: '2026-11-10T14:00:00Z', actor_name: 'admin.one@acme.example', event_class: 'other', action: 'federation_change', native_type: 'Set domain authentication', target_resource_name: 'acme-partner.example', source: 'entra' }),
        ev({ event_time: '2026-11-10T15:00:00Z', actor_name: 'admin.one@acme.example', event_class: 'other', action: 'app_credential_add', native_type: 'Add service principal credentials', target_resource_name: 'Payroll Sync', source: 'entra' }),
        ev({ event_time: '2026-11-10T16:00:00Z', actor_name: null, actor_type: 'User', event_class: 'other', action: 'risk_detected', native_type: 'security.threat.detected', src_ip: '185.220.101.9' }),
        ev({ event_time: '2026-11-10T16:30:00Z', actor_name: 'tripper@acme.example', risk_level: 'medium', src_ip: '1.2.3.4' }),
      ],
    );
  });
  afterAll(() => store.close());
  it('legacy_auth_success fires for IMAP only', async () => {
    expect((await run(store, 'legacy_auth_success')).map((a) => a.entity.user)).toEqual(['olduser@acme.example']);
  });
  it('admin_role_outside_pim fires for the direct grant, not for PIM activation or PIM-approved assignments', async () => {
    const alerts = await run(store, 'admin_role_outside_pim');
    expect(alerts.map((a) => a.entity.user)).toEqual(['new.ga@acme.example']);
    expect(alerts[0].explanation).toMatch(/rogue.admin@acme.example granted Global Administrator/);
  });
  it('break_glass_signin, support_impersonation, new_federated_domain_or_idp, service_principal_credential_added', async () => {
    expect((await run(store, 'break_glass_signin')).map((a) => [a.entity.user, a.severity])).toEqual([['breakglass-02@acme.example', 'critical']]);
    expect((await run(store, 'support_impersonation')).map((a) => a.entity.user)).toEqual(['support@okta.com']);
    expect((await run(store, 'new_federated_domain_or_idp')).map((a) => a.entity.app)).toEqual(['acme-partner.example']);
    expect((await run(store, 'service_principal_credential_added')).map((a) => a.entity.app)).toEqual(['Payroll Sync']);
  });
  it('idp_risk_passthrough passes ThreatInsight detections through but not a medium-risk sign-in', async () => {
    const alerts = await run(store, 'idp_risk_passthrough');
    expect(alerts.map((a) => a.entity.ip)).toEqual(['185.220.101.9']);
  });
});

describe('terminated_user_signin and session_replay', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await withEvents(
      [
        signin('leaver@acme.example', '2026-11-12T09:00:00Z', '93.184.216.40', PLACES.berlin),
        signin('rehired@acme.example', '2026-11-12T09:00:00Z', '93.184.216.41', PLACES.berlin),
        signin('lastday@acme.example', '2026-11-10T16:00:00Z', '93.184.216.42', PLACES.berlin),
        ev({ event_time: '2026-11-05T10:00:00Z', actor_name: 'admin@acme.example', event_class: 'account_change', action: 'account_disable', target_user_name: 'disabled@acme.example' }),
        signin('disabled@acme.example', '2026-11-06T09:00:00Z', '93.184.216.43', PLACES.berlin, { is_interactive: false }),
        signin('victim@acme.example', '2026-11-12T09:00:00Z', '93.184.216.44', PLACES.berlin, { session_id: 'idx-abc' }),
        signin('victim@acme.example', '2026-11-12T09:20:00Z', '203.0.113.60', PLACES.singapore, { session_id: 'idx-abc', action: 'token_refresh', is_interactive: false }),
        signin('homebody@acme.example', '2026-11-12T09:00:00Z', '93.184.216.45', PLACES.berlin, { session_id: 'idx-def' }),
        signin('homebody@acme.example', '2026-11-12T11:00:00Z', '93.184.216.46', PLACES.berlin, { session_id: 'idx-def' }),
      ],
      async (s) => {
        const w = (id: string, email: string, status: string, hire: string, term: string | null, updated: string) =>
          s.db.run(
            `INSERT INTO hris_workers (source, employee_id, email, status, hire_date, termination_date, updated_at) VALUES ('workday', $1, $2, $3, CAST($4 AS DATE), CAST($5 AS DATE), CAST($6 AS TIMESTAMP))`,
            [id, email, status, hire, term, updated],
          );
        await w('E1', 'leaver@acme.example', 'Terminated', '2020-01-01', '2026-11-01', '2026-11-01 12:00:00');
        await w('E2', 'rehired@acme.example', 'Terminated', '2020-01-01', '2026-06-30', '2026-06-30 12:00:00');
        await w('E2', 'rehired@acme.example', 'Active', '2026-10-01', null, '2026-09-15 12:00:00');
        await w('E3', 'lastday@acme.example', 'Terminated', '2021-01-01', '2026-11-10', '2026-11-10 18:00:00');
      },
    );
  });
  afterAll(() => store.close());
  it('terminated_user_signin: HRIS leaver and IdP-disabled account; not a rehire or the last working day', async () => {
    const alerts = await run(store, 'terminated_user_signin');
    expect(alerts.map((a) => a.entity.user).sort()).toEqual(['disabled@acme.example', 'leaver@acme.example']);
  });
  it('session_replay: a session used from another country/ASN, not an IP change inside the same ASN', async () => {
    const alerts = await run(store, 'session_replay');
    expect(alerts.map((a) => [a.entity.user, a.entity.ip])).toEqual([['victim@acme.example', '203.0.113.60']]);
  });
});

describe('mfa_method_reset_then_used_from_new_place', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await withEvents([
      signin('reset.victim@acme.example', '2026-11-05T09:00:00Z', '93.184.216.50', PLACES.berlin),
      ev({ event_time: '2026-11-10T10:00:00Z', actor_name: 'helpdesk@acme.example', event_class: 'mfa', action: 'factor_reset', target_user_name: 'reset.victim@acme.example' }),
      ev({ event_time: '2026-11-10T10:20:00Z', actor_name: 'reset.victim@acme.example', event_class: 'mfa', action: 'factor_enroll', src_ip: '203.0.113.70', geo_country_iso2: 'SG', src_asn: 14061 }),
      signin('phone.loser@acme.example', '2026-11-05T09:00:00Z', '93.184.216.51', PLACES.berlin),
      ev({ event_time: '2026-11-10T10:00:00Z', actor_name: 'helpdesk@acme.example', event_class: 'mfa', action: 'factor_reset', target_user_name: 'phone.loser@acme.example' }),
      ev({ event_time: '2026-11-10T10:30:00Z', actor_name: 'phone.loser@acme.example', event_class: 'mfa', action: 'factor_enroll', src_ip: '93.184.216.51', geo_country_iso2: 'DE', src_asn: 3320 }),
    ]);
  });
  afterAll(() => store.close());
  it('fires when the new factor comes from a new country and network, not from the usual place', async () => {
    const alerts = await run(store, 'mfa_method_reset_then_used_from_new_place');
    expect(alerts.map((a) => a.entity.user)).toEqual(['reset.victim@acme.example']);
  });
});
