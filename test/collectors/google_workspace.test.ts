import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../ingest/sources/collect.js';
import { googleServiceAccountAuth, GoogleWorkspaceSource, parseServiceAccountKey, type GoogleApplication } from '../../ingest/sources/google_workspace.js';
import { IdtrailError } from '../../lib/errors.js';
import { googleActivities } from '../servers/events.js';
import { startGoogleServer, type GoogleServer } from '../servers/google.js';
import { FAST_HTTP, sourceConformance } from './conformance.js';
import { MemoryStore, vendorId } from './memory-store.js';

const FROM = new Date('2026-11-20T00:00:00Z');
const TO = new Date('2026-11-21T00:00:00Z');
const EMAIL = 'idtrail-reports@acme-sec.iam.gserviceaccount.com';
const ADMIN = 'secops-admin@example.com';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_JSON = JSON.stringify({
  type: 'service_account',
  project_id: 'acme-sec',
  private_key_id: '3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e',
  private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: EMAIL,
  client_id: '109876543210987654321',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: 'https://oauth2.googleapis.com/token',
});
const PUBLIC = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function source(server: GoogleServer, apps: GoogleApplication[], pageSize = 1000, subject = ADMIN, http = FAST_HTTP, lookbackMs?: number) {
  const key = parseServiceAccountKey(KEY_JSON, 'sa.json');
  return new GoogleWorkspaceSource({
    tenant: 'example',
    reportsUrl: server.url,
    auth: googleServiceAccountAuth(key, subject, { tokenUrl: `${server.url}/token`, timeoutMs: 1000 }),
    http,
    applications: apps,
    maxResults: pageSize,
    lookbackMs,
  });
}

sourceConformance({
  name: 'google_workspace (login, admin, token)',
  http: true,
  refreshableAuth: true,
  async setup(n, pageSize) {
    const login = googleActivities(n - 40, FROM, TO, 'login', 51);
    const admin = googleActivities(20, FROM, TO, 'admin', 52);
    const token = googleActivities(20, FROM, TO, 'token', 53);
    const server = await startGoogleServer({ clientEmail: EMAIL, publicKeyPem: PUBLIC, subjects: [ADMIN], activities: { login, admin, token } });
    return {
      server,
      expectedIds: [...login, ...admin, ...token].map((a) => vendorId(a)!),
      since: FROM,
      until: TO,
      makeSource: (http) => source(server, ['login', 'admin', 'token'], pageSize, ADMIN, http),
      close: () => server.close(),
    };
  },
});

describe('google_workspace specifics', () => {
  let server: GoogleServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('signs a delegation JWT for the admin subject with the Reports scope, and repeats startTime/endTime on every page', async () => {
    server = await startGoogleServer({ clientEmail: EMAIL, publicKeyPem: PUBLIC, subjects: [ADMIN], activities: { login: googleActivities(25, FROM, TO, 'login', 54) } });
    const store = new MemoryStore();
    const stats = await collect(source(server, ['login'], 10), store.asStore(), { since: FROM, until: TO });
    expect(stats.stored).toBe(25);
    expect(server.lastAssertion).toMatchObject({ iss: EMAIL, sub: ADMIN, scope: 'https://www.googleapis.com/auth/admin.reports.audit.readonly' });
    const qs = server.log.map((l) => new URL(l.path, 'http://x').searchParams);
    expect(qs.length).toBe(3);
    for (const q of qs) {
      expect(q.get('startTime')).toBe(FROM.toISOString());
      expect(q.get('endTime')).toBe(TO.toISOString());
    }
    expect(qs[1].get('pageToken')).toBeTruthy();
    // the three pages of one feed are committed together, with the login stream hint
    expect(store.calls.map((c) => c.stream)).toEqual(['google_workspace_login']);
    expect(store.calls[0]!.records).toBe(25);
  });

  it('an empty window (no items key) commits the watermark', async () => {
    server = await startGoogleServer({ clientEmail: EMAIL, publicKeyPem: PUBLIC, subjects: [ADMIN], activities: {} });
    const store = new MemoryStore();
    await collect(source(server, ['admin']), store.asStore(), { since: FROM, until: TO });
    expect((await store.getCheckpoint('google_workspace', 'example', 'admin'))?.watermark).toBe(TO.toISOString());
  });

  it('a subject without delegation ends with unauthorized_client and says what to check', async () => {
    server = await startGoogleServer({ clientEmail: EMAIL, publicKeyPem: PUBLIC, subjects: [ADMIN], activities: { login: googleActivities(5, FROM, TO, 'login', 55) } });
    const err = (await collect(source(server, ['login'], 1000, 'someone@example.com'), new MemoryStore().asStore(), { since: FROM, until: TO }).catch((e: unknown) => e)) as IdtrailError;
    expect(err).toBeInstanceOf(IdtrailError);
    expect(err.code).toBe('auth_failed');
    expect(err.format()).toMatch(/unauthorized_client/);
    expect(err.format()).toMatch(/GOOGLE_ADMIN_SUBJECT|delegation/);
    expect(err.format()).not.toContain('PRIVATE KEY');
  });

  it('rejects a key file that is not a service account key, naming the file', () => {
    expect(() => parseServiceAccountKey('{"type":"authorized_user","client_id":"x"}', '/run/secrets/gws.json')).toThrow(/\/run\/secrets\/gws.json: the service account key has no client_email/);
    expect(() => parseServiceAccountKey('not json', 'k.json')).toThrow(/k.json is not a JSON service account key/);
  });

  it('re-reads the report lag lookback on the next pull', async () => {
    const first = googleActivities(30, FROM, new Date('2026-11-20T18:00:00Z'), 'login', 56);
    server = await startGoogleServer({ clientEmail: EMAIL, publicKeyPem: PUBLIC, subjects: [ADMIN], activities: { login: first } });
    const store = new MemoryStore();
    const mid = new Date('2026-11-20T20:00:00Z');
    await collect(source(server, ['login'], 1000, ADMIN, FAST_HTTP, 3 * 3600_000), store.asStore(), { since: FROM, until: mid });
    await server.close();
    const late = googleActivities(3, new Date('2026-11-20T19:00:00Z'), new Date('2026-11-20T19:30:00Z'), 'login', 57);
    server = await startGoogleServer({ clientEmail: EMAIL, publicKeyPem: PUBLIC, subjects: [ADMIN], activities: { login: [...first, ...late] } });
    const second = await collect(source(server, ['login'], 1000, ADMIN, FAST_HTTP, 3 * 3600_000), store.asStore(), { since: FROM, until: TO });
    expect(second.stored).toBe(3);
    expect(new URL(server.log[0].path, 'http://x').searchParams.get('startTime')).toBe('2026-11-20T17:00:00.000Z');
  });
});
