import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestPath } from '../sources/file.js';

// Graph signIn (beta), directoryAudit and provisioningObjectSummary objects, plus an Azure Monitor
// diagnostic-setting export (test/fixtures/entra).
let store: DuckDbStore;
type Row = Record<string, unknown>;
const byId = async (id: string): Promise<Row> => {
  const row = await store.db.one<Row>('SELECT * FROM identity_events WHERE native_id = $1', [id]);
  if (!row) throw new Error(`no identity event for ${id}`);
  return row;
};

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  const r = await ingestPath(store, 'test/fixtures/entra', { source: 'entra' });
  expect(r).toMatchObject({ files: 4, received: 22, stored: 22, quarantined: 0, normalized: 22 });
  expect(r.streams).toEqual({ entra_signin: 8, entra_directory_audit: 11, entra_provisioning: 3 });
});
afterAll(async () => store.close());

describe('Entra sign-ins', () => {
  it('maps an interactive FIDO2 sign-in as phishing-resistant MFA with vendor geo and ASN', async () => {
    const e = await byId('66ea54eb-6301-4ee5-be62-ff5a759b0100');
    expect(e).toMatchObject({
      event_class: 'authentication',
      action: 'logon',
      outcome: 'success',
      status_code: '0',
      actor_name: 'breakglass-01@acme.example',
      app_name: 'Azure Portal',
      src_asn: 8075n,
      geo_country_iso2: 'GB',
      geo_source: 'vendor',
      is_interactive: true,
      mfa_required: true,
      mfa_satisfied: true,
      phishing_resistant: true,
      tenant_id: '5f1c7e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b',
    });
    expect(e.auth_methods).toEqual(['FIDO2 security key']);
    expect(e.geo_lat).toBeCloseTo(51.5073);
  });

  it('maps a non-interactive sign-in (refresh token, MFA by claim) as not interactive', async () => {
    const e = await byId('8c2d4b1a-7e6f-4a3b-9d0c-1e2f3a4b5c01');
    expect(e).toMatchObject({ native_type: 'nonInteractiveUser', is_interactive: false, outcome: 'success', mfa_satisfied: true, session_id: '7d6c5b4a-3f2e-4d1c-9b0a-8f7e6d5c4b3a' });
    expect((e.event_time as Date).toISOString()).toBe('2024-05-06T09:15:40.123Z');
  });

  it('tells interrupts from failures by error code', async () => {
    expect(await byId('8c2d4b1a-7e6f-4a3b-9d0c-1e2f3a4b5c02')).toMatchObject({ outcome: 'failure', status_code: '50126', is_interrupt: false });
    expect(await byId('8c2d4b1a-7e6f-4a3b-9d0c-1e2f3a4b5c03')).toMatchObject({ outcome: 'challenge', status_code: '50074', is_interrupt: true });
    const denied = await byId('8c2d4b1a-7e6f-4a3b-9d0c-1e2f3a4b5c04');
    expect(denied).toMatchObject({ outcome: 'failure', status_code: '500121', is_interrupt: false, mfa_satisfied: false });
    expect(denied.outcome_reason).toContain('MFA denied');
  });

  it('flags a successful IMAP4 sign-in as legacy authentication and passes the risk through', async () => {
    const e = await byId('8c2d4b1a-7e6f-4a3b-9d0c-1e2f3a4b5c05');
    expect(e).toMatchObject({ client_app: 'IMAP4', is_legacy_auth: true, outcome: 'success', auth_protocol: 'ropc', risk_level: 'medium', geo_country_iso2: 'NG' });
    expect(e.risk_reasons).toEqual(['unfamiliarFeatures']);
  });
});

describe('Entra directory audits', () => {
  it('reads consent scopes and flags from modifiedProperties whose values are JSON inside strings', async () => {
    const user = await byId('Directory_4c1e2a9b-7d3f-4b5c-a6e8-0f1d2c3b4a59_ZX8GQ_123456789');
    expect(user).toMatchObject({ event_class: 'consent_grant', action: 'consent_grant', actor_name: 'jane.doe@acme.example', app_name: 'MailSync Pro', consent_is_admin: false, consent_all_users: false });
    expect([...(user.consent_scopes as string[])].sort()).toEqual(['Mail.ReadWrite', 'User.Read', 'offline_access']);
    expect((user.event_time as Date).toISOString()).toBe('2024-05-06T11:02:33.481Z');
    const admin = await byId('Directory_9b8a7c6d-5e4f-4321-b0a9-8c7d6e5f4a3b_ABCDE_987654321');
    expect(admin).toMatchObject({ consent_is_admin: true, consent_all_users: true, app_name: 'Contoso HR Connector' });
  });

  it('maps role assignments: direct, PIM eligible and PIM activation, with the role name from the JSON-quoted value', async () => {
    expect(await byId('Directory_1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9_QWERT_111111111')).toMatchObject({
      action: 'role_grant',
      privilege_name: 'Global Administrator',
      privilege_is_admin: true,
      assignment_kind: 'permanent',
      target_user_name: 'jane.doe@acme.example',
    });
    expect(await byId('Directory_2a3b4c5d-6e7f-4890-9a1b-2c3d4e5f6a7b_PIMAE_222222222')).toMatchObject({ action: 'role_eligible_add', assignment_kind: 'eligible', privilege_name: 'Security Administrator' });
    expect(await byId('Directory_3b4c5d6e-7f80-4912-a2b3-c4d5e6f7a8b9_PIMAC_333333333')).toMatchObject({ action: 'role_activate', assignment_kind: 'activated', privilege_name: 'Security Administrator' });
  });

  it('maps credentials, federation, security info, password reset and account disable', async () => {
    expect(await byId('Directory_4c5d6e7f-8091-4a23-b3c4-d5e6f7a8b9c0_SPCRD_444444444')).toMatchObject({ action: 'app_credential_add', app_name: 'MailSync Pro', src_ip: '81.2.69.160' });
    expect(await byId('Directory_5d6e7f80-91a2-4b34-c4d5-e6f7a8b9c0d1_DOMFD_555555555')).toMatchObject({ action: 'federation_change', target_resource_name: 'acme.example' });
    expect(await byId('UserManagement_6e7f8091-a2b3-4c45-d5e6-f7a8b9c0d1e2_SSPR_666666666')).toMatchObject({ event_class: 'mfa', action: 'factor_enroll', target_user_name: 'jane.doe@acme.example' });
    expect(await byId('UserManagement_7f8091a2-b3c4-4d56-e6f7-a8b9c0d1e2f3_SSPR_777777777')).toMatchObject({ action: 'password_reset', outcome: 'failure', outcome_reason: "User's account is locked" });
    expect(await byId('Directory_8091a2b3-c4d5-4e67-f7a8-b9c0d1e2f3a4_DISAB_888888888')).toMatchObject({ action: 'account_disable', target_user_name: 'sam.leaver@acme.example' });
  });
});

describe('Entra provisioning', () => {
  it('maps provisioning action and status (success, failure with reason, skipped)', async () => {
    expect(await byId('75b5b6ca-19a1-4b4b-9f1a-1e2d3c4b5a01')).toMatchObject({ event_class: 'provisioning', action: 'provision_create', outcome: 'success', provisioning_status: 'success', app_name: 'Salesforce' });
    const failed = await byId('75b5b6ca-19a1-4b4b-9f1a-1e2d3c4b5a02');
    expect(failed).toMatchObject({ action: 'provision_update', outcome: 'failure', provisioning_status: 'failure', status_code: 'SalesforceDuplicateUsername' });
    expect(failed.outcome_reason).toContain('DUPLICATE_USERNAME');
    expect(await byId('75b5b6ca-19a1-4b4b-9f1a-1e2d3c4b5a03')).toMatchObject({ action: 'provision_disable', provisioning_status: 'skipped' });
  });
});

describe('Azure Monitor diagnostic export', () => {
  it('takes typed columns from properties while _json keeps the envelope', async () => {
    const raw = await store.db.one<{ upn: string; code: bigint; cat: string; types: string[] }>(
      `SELECT "userPrincipalName" AS upn, "status"."errorCode" AS code, _json->>'category' AS cat, "signInEventTypes" AS types FROM raw_entra_signin WHERE _native_id = 'd0e1f2a3-b4c5-4d6e-8f70-81a2b3c4d5e7'`,
    );
    expect(raw).toMatchObject({ upn: 'jane.doe@acme.example', code: 0n, cat: 'NonInteractiveUserSignInLogs', types: ['nonInteractiveUser'] });
    expect(await byId('d0e1f2a3-b4c5-4d6e-8f70-81a2b3c4d5e7')).toMatchObject({ is_interactive: false, tenant_id: '5f1c7e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(await byId('d0e1f2a3-b4c5-4d6e-8f70-81a2b3c4d5e6')).toMatchObject({ is_interactive: true, phishing_resistant: true });
    expect(await byId('Directory_d0e1f2a3_DIAG_1')).toMatchObject({ action: 'role_grant', privilege_name: 'Global Administrator' });
  });
});
