import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestPath } from '../sources/file.js';

// A CloudTrail S3 log file ({"Records": [...]}, gzip): console sign-in, IAM Identity Center sign-in, IAM calls.
let store: DuckDbStore;
type Row = Record<string, unknown>;
const byId = async (id: string): Promise<Row> => {
  const row = await store.db.one<Row>('SELECT * FROM identity_events WHERE native_id = $1', [id]);
  if (!row) throw new Error(`no identity event for ${id}`);
  return row;
};

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  const r = await ingestPath(store, 'test/fixtures/aws', { source: 'aws' });
  expect(r).toMatchObject({ files: 1, received: 8, stored: 8, quarantined: 0, normalized: 8 });
});
afterAll(async () => store.close());

describe('AWS CloudTrail normalizer', () => {
  it('maps a root console sign-in with a U2F MFA device as phishing-resistant, geo from DB-IP', async () => {
    expect(await byId('3fcfb182-98f8-4744-bd45-10a395ab61cb')).toMatchObject({
      event_class: 'authentication',
      action: 'logon',
      outcome: 'success',
      actor_type: 'Root',
      actor_name: 'root',
      mfa_satisfied: true,
      phishing_resistant: true,
      is_interactive: true,
      tenant_id: '123456789012',
      geo_source: 'dbip',
      geo_country_iso2: 'GB',
      src_asn: 20712n,
    });
  });

  it('maps a failed IAM user console sign-in and an assumed-role (SSO) sign-in by its session name', async () => {
    expect(await byId('6f7e5d4c-3b2a-4190-8f7e-6d5c4b3a2910')).toMatchObject({ outcome: 'failure', outcome_reason: 'Failed authentication', actor_name: 'jane.doe', mfa_satisfied: false });
    expect(await byId('0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e')).toMatchObject({ outcome: 'success', actor_type: 'AssumedRole', actor_name: 'jane.doe@acme.example' });
  });

  it('maps IAM Identity Center sign-in events (challenge, verification, authentication)', async () => {
    expect(await byId('f5ba1e7e-cb5d-4a94-bd8a-8d1ef3e9fd0d')).toMatchObject({ event_class: 'mfa', action: 'mfa_challenge', outcome: 'challenge', actor_type: 'IdentityCenterUser', actor_id: '94482488-3041-7026-18f3-be45837cd0e4' });
    expect(await byId('c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f')).toMatchObject({ action: 'mfa_verify', outcome: 'success', phishing_resistant: true, mfa_satisfied: true });
    const auth = await byId('d3e4f5a6-b7c8-4d9e-0f1a-2b3c4d5e6f70');
    expect(auth).toMatchObject({ action: 'logon', outcome: 'success', mfa_satisfied: true, phishing_resistant: true, app_name: 'https://d-1234567890.awsapps.com/start/' });
    expect(auth.auth_methods).toEqual(['PASSWORD', 'WEBAUTHN']);
  });

  it('maps an AdministratorAccess policy attachment as an admin role grant, and a new access key', async () => {
    expect(await byId('e5f6a7b8-c9d0-4e1f-2a3b-4c5d6e7f8091')).toMatchObject({ event_class: 'privilege_change', action: 'role_grant', privilege_name: 'AdministratorAccess', privilege_is_admin: true, target_user_name: 'jane.doe' });
    expect(await byId('a7b8c9d0-e1f2-4a3b-4c5d-6e7f8091a2b3')).toMatchObject({ action: 'app_credential_add', target_user_name: 'svc-backup' });
  });

  it('keeps requestParameters as JSON in the typed raw table', async () => {
    const r = await store.db.one<{ p: string }>(`SELECT "requestParameters"->>'policyArn' AS p FROM raw_aws_cloudtrail WHERE "eventName" = 'AttachUserPolicy'`);
    expect(r?.p).toBe('arn:aws:iam::aws:policy/AdministratorAccess');
  });
});
