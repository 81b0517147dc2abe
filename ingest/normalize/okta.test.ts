import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestPath } from '../sources/file.js';

// Okta System Log LogEvent objects as GET /api/v1/logs returns them (test/fixtures/okta).
const FIXTURE = 'test/fixtures/okta/system_log.ndjson';
let store: DuckDbStore;
type Row = Record<string, unknown>;
const byId = async (uuid: string): Promise<Row> => {
  const row = await store.db.one<Row>('SELECT * FROM identity_events WHERE native_id = $1', [uuid]);
  if (!row) throw new Error(`no identity event for ${uuid}`);
  return row;
};

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  const r = await ingestPath(store, FIXTURE, { source: 'okta', tenant: 'acme.okta.com' });
  expect(r).toMatchObject({ received: 17, stored: 17, quarantined: 0, normalized: 17 });
});
afterAll(async () => store.close());

describe('Okta normalizer', () => {
  it('maps a sign-in with the vendor geo, full country name to ISO alpha-2, and the vendor ASN', async () => {
    const e = await byId('9b3c6f0e-0b8c-11ef-9a1d-0b8a1c2f3e4d');
    expect(e).toMatchObject({
      source: 'okta',
      tenant_id: 'acme.okta.com',
      event_uid: 'okta:acme.okta.com:9b3c6f0e-0b8c-11ef-9a1d-0b8a1c2f3e4d',
      event_class: 'authentication',
      action: 'logon',
      outcome: 'success',
      actor_name: 'jane.doe@acme.example',
      target_user_name: 'jane.doe@acme.example',
      src_ip: '81.2.69.160',
      src_asn: 20712n,
      geo_country_iso2: 'GB',
      geo_city: 'London',
      geo_source: 'vendor',
      is_interactive: true,
      is_legacy_auth: false,
      session_id: 'idxWxkccWiGTcGw5aYxo2Hx1A',
      risk_level: 'low',
      raw_table: 'raw_okta_system_log',
    });
    expect((e.event_time as Date).toISOString()).toBe('2024-05-06T09:12:44.123Z');
  });

  it('maps "South Korea" to KR and reads risk level and reasons from debugData.risk', async () => {
    const e = await byId('a7c1e2f4-0b8d-11ef-8e6f-5d1b2a3c4e5f');
    expect(e).toMatchObject({ outcome: 'failure', outcome_reason: 'INVALID_CREDENTIALS', geo_country_iso2: 'KR', src_is_proxy: true, risk_level: 'high' });
    expect(e.risk_reasons).toEqual(['Anomalous Geo-Distance', 'New Device', 'New IP']);
  });

  it('treats a push sent as an MFA challenge and both Classic deny_push and a failed OIE auth_via_mfa as denials', async () => {
    expect(await byId('c1d2e3f4-0b8d-11ef-a001-1a2b3c4d5e6f')).toMatchObject({ event_class: 'mfa', action: 'mfa_challenge', outcome: 'challenge' });
    expect(await byId('c1d2e3f4-0b8d-11ef-a002-1a2b3c4d5e6f')).toMatchObject({ event_class: 'mfa', action: 'mfa_deny', outcome: 'failure' });
    expect(await byId('d4e5f6a7-0b8d-11ef-b003-2b3c4d5e6f70')).toMatchObject({ event_class: 'mfa', action: 'mfa_deny', outcome: 'failure' });
  });

  it('marks WebAuthn verification phishing-resistant and push not', async () => {
    const fido = await byId('e5f6a7b8-0b8d-11ef-b004-3c4d5e6f7081');
    expect(fido).toMatchObject({ action: 'mfa_verify', outcome: 'success', mfa_satisfied: true, phishing_resistant: true });
    expect(fido.auth_methods).toContain('FIDO_WEBAUTHN');
    expect((await byId('c1d2e3f4-0b8d-11ef-a002-1a2b3c4d5e6f')).phishing_resistant).toBe(false);
    expect(await byId('60718293-0b8e-11ef-b00c-b4c5d6e7f809')).toMatchObject({ action: 'factor_enroll', phishing_resistant: true });
  });

  it('maps user and group privilege grants with the role granted', async () => {
    expect(await byId('f6a7b8c9-0b8d-11ef-b005-4d5e6f708192')).toMatchObject({
      event_class: 'privilege_change',
      action: 'role_grant',
      actor_name: 'alex.admin@acme.example',
      target_user_name: 'jane.doe@acme.example',
      privilege_name: 'Super administrator',
      privilege_is_admin: true,
    });
    const group = await byId('0a1b2c3d-0b8e-11ef-b006-5e6f708192a3');
    expect(group).toMatchObject({ action: 'role_grant', privilege_name: 'Help Desk administrator', target_resource_name: 'Helpdesk', target_user_name: null });
  });

  it('maps a user consent with the scopes granted and the app', async () => {
    const e = await byId('1b2c3d4e-0b8e-11ef-b007-6f708192a3b4');
    expect(e).toMatchObject({ event_class: 'consent_grant', action: 'consent_grant', app_name: 'MailSync Pro', consent_is_admin: false });
    expect([...(e.consent_scopes as string[])].sort()).toEqual(['offline_access', 'okta.users.read.self']);
  });

  it('maps impersonation, ThreatInsight, session context change, IdP creation, lifecycle and provisioning', async () => {
    expect(await byId('2c3d4e5f-0b8e-11ef-b008-708192a3b4c5')).toMatchObject({ event_class: 'session', action: 'impersonation', actor_name: 'support@okta.com', target_user_name: 'alex.admin@acme.example' });
    expect(await byId('3d4e5f60-0b8e-11ef-b009-8192a3b4c5d6')).toMatchObject({ action: 'risk_detected', outcome: 'failure', outcome_reason: 'Password Spray', geo_country_iso2: 'NL' });
    expect(await byId('82930415-0b8e-11ef-b00e-d6e7f8091a2b')).toMatchObject({ event_class: 'session', action: 'session_context_change' });
    expect(await byId('71829304-0b8e-11ef-b00d-c5d6e7f8091a')).toMatchObject({ action: 'federation_change', target_resource_type: 'IdentityProvider', target_user_name: null });
    expect(await byId('5f607182-0b8e-11ef-b00b-a3b4c5d6e7f8')).toMatchObject({ event_class: 'account_change', action: 'account_disable', target_user_name: 'sam.leaver@acme.example' });
    expect(await byId('4e5f6071-0b8e-11ef-b00a-92a3b4c5d6e7')).toMatchObject({
      event_class: 'provisioning',
      action: 'provision_create',
      outcome: 'failure',
      provisioning_status: 'failure',
      app_name: 'Salesforce.com',
      target_user_name: 'jane.doe@acme.example',
    });
    expect(await byId('93041526-0b8e-11ef-b00f-e7f8091a2b3c')).toMatchObject({ event_class: 'session', action: 'session_end' });
  });

  it('keeps the raw event losslessly with typed columns reachable by nested path', async () => {
    const raw = await store.db.one<{ country: string; ua: string; n: bigint; j: string }>(
      `SELECT "client"."geographicalContext"."country" AS country, "client"."userAgent"."rawUserAgent" AS ua, len("target") AS n, _json::VARCHAR AS j
       FROM raw_okta_system_log WHERE _native_id = '4e5f6071-0b8e-11ef-b00a-92a3b4c5d6e7'`,
    );
    expect(raw?.n).toBe(3n);
    const line = (await import('node:fs')).readFileSync(FIXTURE, 'utf8').split('\n').find((l) => l.includes('4e5f6071-0b8e-11ef-b00a-92a3b4c5d6e7'));
    expect(JSON.parse(raw!.j)).toEqual(JSON.parse(line!));
    const sl = await store.db.one<{ country: string }>(`SELECT "client"."geographicalContext"."country" AS country FROM raw_okta_system_log WHERE _native_id = 'a7c1e2f4-0b8d-11ef-8e6f-5d1b2a3c4e5f'`);
    expect(sl?.country).toBe('South Korea');
  });
});
