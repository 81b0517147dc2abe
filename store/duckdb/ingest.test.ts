import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from './store.js';
import { QUARANTINE_TEXT_CAP } from './ingest.js';

const okta = readFileSync('test/fixtures/okta/system_log.ndjson', 'utf8').trim().split('\n');
const base = JSON.parse(okta[0]!) as Record<string, unknown>;
const ev = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });
const ctx = { source: 'okta', tenant: 'acme.okta.com', origin: 'https://acme.okta.com/api/v1/logs' };
let store: DuckDbStore;
beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
});
afterAll(async () => store.close());
const reasons = async (origin: string) =>
  (await store.db.all<{ reason: string; line_no: bigint }>('SELECT reason, line_no FROM quarantine WHERE origin = $1 ORDER BY line_no', [origin])).map((r) => [Number(r.line_no), r.reason]);

describe('ingestRecords', () => {
  it('counts every record once: stored, duplicate (in the batch or already stored) or quarantined with a reason', async () => {
    const origin = 'batch-1';
    const records = [
      ev({ uuid: 'r-1' }),
      ev({ uuid: 'r-1' }), // same id in the batch
      ev({ uuid: 'r-2', published: undefined }),
      ev({ uuid: undefined }),
      ev({ uuid: 'r-3', published: 'yesterday' }),
      ev({ uuid: 'r-4', actor: 'jane' }),
      ev({ uuid: 'r-5', target: { id: 'not-a-list' } }),
      JSON.stringify({ kind: 'admin#reports#activity' }),
      '[1, 2]',
      '{"uuid": "r-6", ',
      ev({ uuid: 'r-7', published: 1714986764 }),
    ];
    const r = await store.ingestRecords(records, { ...ctx, origin });
    expect(r).toEqual({ received: 11, stored: 1, duplicates: 1, quarantined: 9, streams: { okta_system_log: 1 }, normalized: 1 });
    expect(await reasons(origin)).toEqual([
      [3, 'missing_field:published'],
      [4, 'missing_field:uuid'],
      [5, 'invalid_type:published'],
      [6, 'invalid_type:actor'],
      [7, 'invalid_type:target'],
      [8, 'unknown_event_type'],
      [9, 'invalid_type:record'],
      [10, 'malformed_json'],
      [11, 'invalid_type:published'],
    ]);
    const again = await store.ingestRecords([ev({ uuid: 'r-1' })], { ...ctx, origin: 'batch-2' });
    expect(again).toMatchObject({ received: 1, stored: 0, duplicates: 1, quarantined: 0 });
  });

  it('keys events by source, tenant and vendor id', async () => {
    const r = await store.ingestRecords([ev({ uuid: 'r-1' })], { ...ctx, tenant: 'other.okta.com', origin: 'batch-3' });
    expect(r.stored).toBe(1);
    const uids = (await store.db.all<{ u: string }>(`SELECT event_uid AS u FROM identity_events WHERE native_id = 'r-1' ORDER BY 1`)).map((x) => x.u);
    expect(uids).toEqual(['okta:acme.okta.com:r-1', 'okta:other.okta.com:r-1']);
  });

  it('commits the checkpoint with the records, and alone for an empty page', async () => {
    const cp = { source: 'okta', tenant: 'acme.okta.com', stream: 'system_log', cursor: 'https://acme.okta.com/api/v1/logs?after=abc', watermark: '2024-05-06T09:12:44.123Z', state: { polls: 3 } };
    await store.ingestRecords([ev({ uuid: 'cp-1' })], { ...ctx, origin: 'batch-4', checkpoint: cp });
    expect(await store.getCheckpoint('okta', 'acme.okta.com', 'system_log')).toEqual(cp);
    const next = { ...cp, cursor: 'https://acme.okta.com/api/v1/logs?after=def', state: undefined };
    const r = await store.ingestRecords([], { ...ctx, origin: 'batch-5', checkpoint: next });
    expect(r.received).toBe(0);
    expect((await store.getCheckpoint('okta', 'acme.okta.com', 'system_log'))?.cursor).toBe(next.cursor);
    expect(await store.getCheckpoint('okta', 'acme.okta.com', 'nothing')).toBeNull();
  });

  it('routes by the stream hint when the caller knows it, and rejects an unknown source', async () => {
    const r = await store.ingestRecords([ev({ uuid: 'hint-1' })], { ...ctx, origin: 'batch-6', stream: 'okta_system_log' });
    expect(r.streams).toEqual({ okta_system_log: 1 });
    await expect(store.ingestRecords(['{}'], { ...ctx, source: 'nosuch', origin: 'x' })).rejects.toThrow(/unknown source 'nosuch'/);
  });

  it('caps quarantined raw text and records the original length in the reason', async () => {
    const big = `{"uuid": "big", "x": "${'y'.repeat(QUARANTINE_TEXT_CAP * 2)}"`;
    await store.ingestRecords([big], { ...ctx, origin: 'batch-7' });
    const q = await store.db.one<{ reason: string; len: bigint }>(`SELECT reason, length(raw_text) AS len FROM quarantine WHERE origin = 'batch-7'`);
    expect(q!.reason).toBe(`malformed_json; raw text truncated from ${big.length} characters`);
    expect(Number(q!.len)).toBe(QUARANTINE_TEXT_CAP);
  });

  it('classifies the records of one source into its streams (Entra sign-in, audit, provisioning, risk, PIM alert)', async () => {
    const risk = {
      id: '6a1b2c3d4e5f60718293a4b5c6d7e8f9aabbccddeeff00112233445566778899',
      requestId: 'a1b2', correlationId: 'c3d4', riskEventType: 'unfamiliarFeatures', riskState: 'atRisk', riskLevel: 'medium', riskDetail: 'none', source: 'IdentityProtection',
      detectionTimingType: 'realtime', activity: 'signin', tokenIssuerType: 'AzureAD', ipAddress: '198.51.100.9', activityDateTime: '2024-05-06T09:30:00Z', detectedDateTime: '2024-05-06T09:30:05Z',
      lastUpdatedDateTime: '2024-05-06T09:35:00Z', userId: 'u1', userDisplayName: 'Jane Doe', userPrincipalName: 'jane.doe@acme.example', additionalInfo: '[{"Key":"userAgent","Value":"curl/8.0"}]',
      location: { city: 'Lagos', state: 'Lagos', countryOrRegion: 'NG', geoCoordinates: { latitude: 6.45, longitude: 3.39 } },
    };
    const pim = { '@odata.type': '#microsoft.graph.noMfaOnRoleActivationAlertIncident', id: 'noMfa-1', riskEventType: 'noMfaOnRoleActivationAlertIncident', roleDefinitionId: 'r1', roleDisplayName: 'Global Administrator', roleTemplateId: 'r1', lastModifiedDateTime: '2024-05-06T00:00:00Z' };
    const r = await store.ingestRecords(
      [readFileSync('test/fixtures/entra/signins.ndjson', 'utf8').split('\n')[0]!, readFileSync('test/fixtures/entra/directory_audits.ndjson', 'utf8').split('\n')[0]!, JSON.stringify(risk), JSON.stringify(pim)],
      { source: 'entra', tenant: '', origin: 'batch-8' },
    );
    expect(r.streams).toEqual({ entra_signin: 1, entra_directory_audit: 1, entra_risk_detection: 1, entra_pim_alert: 1 });
    const row = await store.db.one<{ t: string }>(`SELECT "riskEventType" AS t FROM raw_entra_pim_alert`);
    expect(row!.t).toBe('noMfaOnRoleActivationAlertIncident');
  });
});

describe('raw-only streams for the other Sigma log sources', () => {
  it('stores Azure activity, M365 audit, GCP audit, OneLogin and Duo records with typed columns', async () => {
    const azure = {
      authorization: { action: 'Microsoft.Network/networkSecurityGroups/write', scope: '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg1' },
      caller: 'alex.admin@acme.example', channels: 'Operation', claims: { name: 'Alex Admin' }, correlationId: 'c0ffee00-0000-4000-8000-000000000001',
      description: '', eventDataId: 'ed000000-0000-4000-8000-000000000001', eventName: { value: 'EndRequest', localizedValue: 'End request' },
      category: { value: 'Administrative', localizedValue: 'Administrative' }, eventTimestamp: '2024-05-06T10:00:00.1234567Z', id: '/subscriptions/x/events/ed000000/ticks/638506008001234567',
      level: 'Informational', operationId: 'op-1', operationName: { value: 'MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/WRITE', localizedValue: 'Create or Update Network Security Group' },
      resourceGroupName: 'rg1', resourceProviderName: { value: 'Microsoft.Network', localizedValue: 'Microsoft.Network' }, resourceType: { value: 'Microsoft.Network/networkSecurityGroups', localizedValue: 'Microsoft.Network/networkSecurityGroups' },
      resourceId: '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg1/providers/Microsoft.Network/networkSecurityGroups/nsg1',
      status: { value: 'Succeeded', localizedValue: 'Succeeded' }, subStatus: { value: '', localizedValue: '' }, submissionTimestamp: '2024-05-06T10:01:00Z',
      subscriptionId: '00000000-1111-2222-3333-444444444444', tenantId: '5f1c7e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b', properties: { statusCode: 'Created' }, relatedEvents: [],
    };
    const m365 = {
      CreationTime: '2024-05-06T10:05:00', Id: '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', Operation: 'New-InboxRule', OrganizationId: '5f1c7e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b', RecordType: 1,
      ResultStatus: 'True', UserKey: '10032001A1B2C3D4', UserType: 2, Version: 1, Workload: 'Exchange', ClientIP: '45.155.205.233:53012', ObjectId: 'jane.doe@acme.example\\hide', UserId: 'jane.doe@acme.example',
      AppId: '00000002-0000-0ff1-ce00-000000000000', ClientAppId: '', ExternalAccess: false, OrganizationName: 'acme.onmicrosoft.com', OriginatingServer: 'AM0PR01MB1234 (15.20.7544.000)',
      Parameters: [{ Name: 'Name', Value: 'hide' }, { Name: 'SubjectContainsWords', Value: 'invoice;payment' }, { Name: 'MoveToFolder', Value: 'RSS Feeds' }, { Name: 'StopProcessingRules', Value: 'True' }],
      SessionId: 'a1b2c3d4-0000-4000-8000-000000000002',
    };
    const gcp = {
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog', status: {}, authenticationInfo: { principalEmail: 'alex.admin@acme.example' },
        requestMetadata: { callerIp: '81.2.69.160', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/470.0.0', requestAttributes: { time: '2024-05-06T10:10:00.123Z', auth: {} }, destinationAttributes: {} },
        serviceName: 'iam.googleapis.com', methodName: 'google.iam.admin.v1.CreateServiceAccountKey', authorizationInfo: [{ resource: 'projects/-/serviceAccounts/1234567890', permission: 'iam.serviceAccountKeys.create', granted: true, resourceAttributes: {} }],
        resourceName: 'projects/-/serviceAccounts/1234567890', request: { name: 'projects/-/serviceAccounts/svc-backup@acme-prod.iam.gserviceaccount.com', '@type': 'type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest' }, response: {},
      },
      insertId: '1x2y3z4w5v6u', resource: { type: 'service_account', labels: { email_id: 'svc-backup@acme-prod.iam.gserviceaccount.com', project_id: 'acme-prod', unique_id: '1234567890' } },
      timestamp: '2024-05-06T10:10:00.100Z', severity: 'NOTICE', logName: 'projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity', operation: { id: 'op-2', producer: 'iam.googleapis.com', first: true, last: true },
      receiveTimestamp: '2024-05-06T10:10:01.000Z',
    };
    const onelogin = { id: 999001, created_at: '2024-05-06T10:15:00.000Z', account_id: 12345, user_id: 777, event_type_id: 13, notes: null, ipaddr: '81.2.69.160', actor_user_id: 778, actor_user_name: 'Alex Admin', user_name: 'Jane Doe', role_id: 55, role_name: 'Super User', app_id: null, group_id: null, otp_device_id: null, policy_id: null, actor_system: '', custom_message: null, directory_sync_run_id: null, resolution: null, client_id: null, resource_type_id: null, error_description: null, proxy_ip: null, risk_score: null, risk_reasons: null, risk_cookie_id: null, browser_fingerprint: null };
    const duo = {
      access_device: { browser: 'Chrome', browser_version: '124.0.0.0', ip: '45.155.205.233', hostname: null, location: { city: 'Moscow', country: 'Russia', state: 'Moscow' }, os: 'Windows', os_version: '10', is_encryption_enabled: 'unknown', is_firewall_enabled: 'unknown', is_password_set: 'unknown', security_agents: 'unknown', epkey: null },
      adaptive_trust_assessments: {}, alias: '', application: { key: 'DIY4ND1ED4T5ZRT2ABCD', name: 'Microsoft Azure Active Directory' }, auth_device: { ip: '81.2.69.160', location: { city: 'London', country: 'United Kingdom', state: 'England' }, name: '+44 XXXX XXX 123', key: 'DPFZRS9FB0D46QFTM891' },
      email: 'jane.doe@acme.example', event_type: 'authentication', factor: 'duo_push', isotimestamp: '2024-05-06T10:20:00.000000+00:00', ood_software: null, reason: 'user_marked_fraud', result: 'fraud',
      timestamp: 1714990800, trusted_endpoint_status: 'not trusted', txid: '340a23e3-23f3-4a2b-9f4e-5a6b7c8d9e0f', user: { groups: ['Staff'], key: 'DUY8TD6V2A9ABCDEFGHI', name: 'jane.doe' },
    };
    const cases: [string, unknown, string, string][] = [
      ['azure', azure, 'raw_azure_activity', `"operationName"->>'value'`],
      ['m365', m365, 'raw_m365_audit', `list_filter("Parameters", p -> p."Name" = 'SubjectContainsWords')[1]."Value"`],
      ['gcp', gcp, 'raw_gcp_audit', `"protoPayload"."methodName"`],
      ['onelogin', onelogin, 'raw_onelogin_event', `"event_type_id"::VARCHAR`],
      ['duo', duo, 'raw_duo_authentication', `"reason"`],
    ];
    const expected = ['MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/WRITE', 'invoice;payment', 'google.iam.admin.v1.CreateServiceAccountKey', '13', 'user_marked_fraud'];
    for (const [i, [source, rec, table, expr]] of cases.entries()) {
      const r = await store.ingestRecords([JSON.stringify(rec)], { source, tenant: '', origin: `raw-only-${source}` });
      expect(r, source).toMatchObject({ received: 1, stored: 1, quarantined: 0, normalized: 0 });
      const row = await store.db.one<{ v: string; t: Date }>(`SELECT ${expr} AS v, _event_time AS t FROM ${table}`);
      expect(row!.v, source).toBe(expected[i]);
      expect(row!.t, source).toBeInstanceOf(Date);
    }
  });
});
