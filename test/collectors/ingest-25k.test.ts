import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { googleActivities, graphSignIns, oktaLogEvents } from '../servers/events.js';
import { startGoogleServer } from '../servers/google.js';
import { startGraphServer } from '../servers/graph.js';
import { startOktaServer } from '../servers/okta.js';
import { runCli } from './cli-helpers.js';

/**
 * Done-when: `idtrail ingest <source> --since 7d` against each fake vendor API pulls 25,000 events
 * over 25+ pages with 429s and a 503 in between, and the DuckDB store holds each exactly once.
 */
const N = 25_000;
// The store normalizes every page in DuckDB; on a loaded 2-core machine a 1,000-event page can take
// seconds, so these runs get more than the default minute.
const SLOW = 900_000;
const dir = mkdtempSync(join(tmpdir(), 'idtrail-25k-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rawCounts(db: string, table: string): Promise<{ rows: number; distinct: number; quarantine: number; normalized: number }> {
  const store = await DuckDbStore.open(db, { readOnly: true });
  try {
    const r = await store.db.one<{ rows: bigint; distinct: bigint }>(`SELECT count(*) AS rows, count(DISTINCT _native_id) AS distinct FROM ${table}`);
    const q = await store.countQuarantine();
    const ev = await store.countEvents();
    return { rows: Number(r!.rows), distinct: Number(r!.distinct), quarantine: q, normalized: Object.values(ev).reduce((a, b) => a + b, 0) };
  } finally {
    await store.close();
  }
}

function window7d(): { from: Date; to: Date } {
  const now = Date.now();
  return { from: new Date(now - 7 * 86_400_000 + 30 * 60_000), to: new Date(now - 60_000) };
}

describe('ingest 25,000 events through the CLI into DuckDB', () => {
  it('okta: 25 pages with a 429 storm and a 503 in between, each event stored once', { timeout: SLOW }, async () => {
    const { from, to } = window7d();
    const events = oktaLogEvents(N, from, to, 101);
    const token = 'ssws-test-token-25k-0123456789abcdef';
    const server = await startOktaServer({ events, apiToken: token, rateLimit: { limit: 1000, windowMs: 1000 } });
    try {
      for (const n of [3, 4]) server.faultAt(n, { kind: 'throttle' });
      server.faultAt(9, { kind: 'status', status: 503 });
      server.faultAt(17, { kind: 'throttle' });
      const db = join(dir, 'okta.duckdb');
      const r = await runCli(['ingest', 'okta', '--db', db, '--since', '7d', '--tenant', 'acme', '--json'], { OKTA_ORG_URL: server.url, OKTA_API_TOKEN: token });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const stats = JSON.parse(r.stdout);
      expect(stats.stored).toBe(N);
      expect(stats.pages).toBeGreaterThanOrEqual(25);
      expect(stats.throttled).toBeGreaterThanOrEqual(3);
      expect(stats.retries).toBeGreaterThanOrEqual(1);
      expect(server.log.filter((l) => l.outcome === '429').length).toBe(3);
      expect(server.log.some((l) => l.outcome === '503')).toBe(true);
      const c = await rawCounts(db, 'raw_okta_system_log');
      expect(c).toMatchObject({ rows: N, distinct: N, quarantine: 0 });
      expect(c.normalized).toBe(N);
      // Again: nothing new, nothing duplicated.
      const again = await runCli(['ingest', 'okta', '--db', db, '--since', '7d', '--tenant', 'acme', '--json'], { OKTA_ORG_URL: server.url, OKTA_API_TOKEN: token });
      expect(JSON.parse(again.stdout).stored).toBe(0);
      expect((await rawCounts(db, 'raw_okta_system_log')).rows).toBe(N);
    } finally {
      await server.close();
    }
  });

  it('entra: Graph signIns, 26 pages of 999 with 429 (Retry-After) and a 503, each stored once', { timeout: SLOW }, async () => {
    const { from, to } = window7d();
    const signIns = graphSignIns(N, from, to, 102);
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const clientId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    const secret = 'Q8x~graph-secret-value-0123456789abcd';
    const server = await startGraphServer({ tenantId, clientId, clientSecret: secret, signIns, retryAfter: '0.5' });
    try {
      server.faultAt(3, { kind: 'throttle' });
      server.faultAt(4, { kind: 'throttle' });
      server.faultAt(11, { kind: 'status', status: 503 });
      const cfg = join(dir, 'entra.yaml');
      // The Graph audit budget is 5 requests / 10 s; this test scales the client-side limiter down.
      writeFileSync(
        cfg,
        `sources:\n  - type: entra\n    tenant: contoso\n    streams: [signins]\n    audit_rate_limit: { requests: 20, per: 1s }\n    http: { backoff: 50ms, max_backoff: 500ms }\n`,
      );
      const db = join(dir, 'entra.duckdb');
      const r = await runCli(['ingest', 'entra', '--config', cfg, '--db', db, '--since', '7d', '--json'], {
        ENTRA_TENANT_ID: tenantId,
        ENTRA_CLIENT_ID: clientId,
        ENTRA_CLIENT_SECRET: secret,
        ENTRA_GRAPH_URL: server.url,
        ENTRA_LOGIN_URL: server.url,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const stats = JSON.parse(r.stdout);
      expect(stats.stored).toBe(N);
      expect(stats.pages).toBeGreaterThanOrEqual(26);
      expect(stats.throttled).toBe(2);
      const c = await rawCounts(db, 'raw_entra_signin');
      expect(c).toMatchObject({ rows: N, distinct: N, quarantine: 0 });
    } finally {
      await server.close();
    }
  });

  it('google_workspace: Reports login activities, 25 pages with 429 and 503, each stored once', { timeout: SLOW }, async () => {
    const { from, to } = window7d();
    const login = googleActivities(N, from, to, 'login', 103);
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = 'reports@acme-sec.iam.gserviceaccount.com';
    const keyFile = join(dir, 'sa.json');
    writeFileSync(keyFile, JSON.stringify({ type: 'service_account', project_id: 'acme-sec', private_key_id: 'abc123', private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), client_email: email, token_uri: 'https://oauth2.googleapis.com/token' }));
    const server = await startGoogleServer({ clientEmail: email, publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), subjects: ['admin@example.com'], activities: { login } });
    try {
      server.faultAt(2, { kind: 'throttle' });
      server.faultAt(6, { kind: 'status', status: 503 });
      server.faultAt(7, { kind: 'throttle' });
      const cfg = join(dir, 'gws.yaml');
      writeFileSync(cfg, `sources:\n  - type: google_workspace\n    tenant: example\n    applications: [login]\n    http: { backoff: 50ms, max_backoff: 500ms }\n`);
      const db = join(dir, 'gws.duckdb');
      const r = await runCli(['ingest', 'google_workspace', '--config', cfg, '--db', db, '--since', '7d', '--json'], {
        GOOGLE_APPLICATION_CREDENTIALS: keyFile,
        GOOGLE_ADMIN_SUBJECT: 'admin@example.com',
        GOOGLE_REPORTS_URL: server.url,
        GOOGLE_TOKEN_URL: `${server.url}/token`,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const stats = JSON.parse(r.stdout);
      expect(stats.stored).toBe(N);
      expect(stats.pages).toBeGreaterThanOrEqual(25);
      expect(stats.throttled).toBe(2);
      const c = await rawCounts(db, 'raw_google_workspace_login');
      expect(c).toMatchObject({ rows: N, distinct: N, quarantine: 0 });
    } finally {
      await server.close();
    }
  });
});
