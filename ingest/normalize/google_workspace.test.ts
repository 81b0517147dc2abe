import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestPath } from '../sources/file.js';

// Admin SDK Reports activity objects (kind admin#reports#activity) for login, admin and token.
let store: DuckDbStore;
type Row = Record<string, unknown>;
const byType = async (type: string): Promise<Row[]> => store.db.all<Row>('SELECT * FROM identity_events WHERE native_type = $1 ORDER BY event_uid', [type]);

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  const r = await ingestPath(store, 'test/fixtures/google_workspace/activities.ndjson', { source: 'google_workspace' });
  // ten activities, one of which carries two events
  expect(r).toMatchObject({ received: 10, stored: 10, quarantined: 0, normalized: 11 });
  expect(r.streams).toEqual({ google_workspace_login: 6, google_workspace_admin: 3, google_workspace_token: 1 });
});
afterAll(async () => store.close());

describe('Google Workspace normalizer', () => {
  it('reads multi-valued login_challenge_method into auth methods and enriches the IP from DB-IP', async () => {
    const [e] = await byType('login:login_success');
    expect(e).toMatchObject({ event_class: 'authentication', action: 'logon', outcome: 'success', actor_name: 'jane.doe@acme.example', tenant_id: 'C03az79cb', phishing_resistant: true, geo_source: 'dbip', geo_country_iso2: 'GB', src_asn: 20712n });
    expect([...(e!.auth_methods as string[])].sort()).toEqual(['password', 'security_key']);
    expect(e!.geo_lat).toEqual(expect.any(Number));
  });

  it('keeps the vendor networkInfo country and ASN, completing the point from DB-IP when it agrees', async () => {
    const [e] = await byType('login:login_failure');
    expect(e).toMatchObject({ outcome: 'failure', outcome_reason: 'login_failure_invalid_password', src_asn: 15169n, geo_country_iso2: 'US', geo_region: 'US-CA', risk_level: 'high' });
  });

  it('maps challenges and verifications with their status, second factor and methods', async () => {
    const [c] = await byType('login:login_challenge');
    expect(c).toMatchObject({ event_class: 'mfa', action: 'mfa_challenge', outcome: 'success', mfa_satisfied: true });
    expect(c!.auth_methods).toEqual(['google_authenticator']);
    const [v] = await byType('login:login_verification');
    expect(v).toMatchObject({ action: 'mfa_verify', outcome: 'failure', mfa_satisfied: false, phishing_resistant: false });
    expect([...(v!.auth_methods as string[])].sort()).toEqual(['google_prompt', 'idv_preregistered_phone']);
  });

  it('maps suspicious login, 2SV enrolment, role assignment and suspension', async () => {
    expect((await byType('login:suspicious_login'))[0]).toMatchObject({ action: 'risk_detected', target_user_name: 'jane.doe@acme.example' });
    expect((await byType('login:2sv_enroll'))[0]).toMatchObject({ event_class: 'mfa', action: 'factor_enroll' });
    expect((await byType('admin:ASSIGN_ROLE'))[0]).toMatchObject({ action: 'role_grant', privilege_name: '_SEED_ADMIN_ROLE', actor_name: 'alex.admin@acme.example', target_user_name: 'jane.doe@acme.example' });
    expect((await byType('admin:SUSPEND_USER'))[0]).toMatchObject({ action: 'account_suspend', target_user_name: 'sam.leaver@acme.example' });
  });

  it('maps a token authorize with its multi-valued scopes, app name and client id', async () => {
    const [e] = await byType('token:authorize');
    expect(e).toMatchObject({ event_class: 'consent_grant', action: 'consent_grant', app_name: 'MailSync Pro', app_id: '1012345678901-abcdefghijklmnopqrstuvwx.apps.googleusercontent.com', consent_is_admin: false });
    expect([...(e!.consent_scopes as string[])].sort()).toEqual(['https://mail.google.com/', 'https://www.googleapis.com/auth/drive', 'openid']);
  });

  it('gives each event of a multi-event activity its own identity event', async () => {
    const rows = await store.db.all<Row>(`SELECT event_uid, action, raw_uid FROM identity_events WHERE native_type IN ('admin:CREATE_USER', 'admin:ADD_GROUP_MEMBER') ORDER BY event_uid`);
    expect(rows.map((r) => r.action)).toEqual(['account_create', 'group_add_member']);
    expect(rows[0]!.raw_uid).toBe(rows[1]!.raw_uid);
    expect(rows.map((r) => String(r.event_uid).slice(-2))).toEqual(['#1', '#2']);
  });
});
