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
