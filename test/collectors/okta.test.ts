import { generateKeyPairSync } from 'node:crypto';
import { closedPort } from '../servers/ports.js';
import { exportJWK, importSPKI } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { clientAssertion, StaticAuth, TokenEndpointAuth } from '../../ingest/sources/auth.js';
import { collect } from '../../ingest/sources/collect.js';
import { OktaSource } from '../../ingest/sources/okta.js';
import { IdtrailError } from '../../lib/errors.js';
import { oktaLogEvents } from '../servers/events.js';
import { startOktaServer, type OktaServer } from '../servers/okta.js';
import { FAST_HTTP, sourceConformance } from './conformance.js';
import { MemoryStore } from './memory-store.js';

const TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
const FROM = new Date('2026-11-20T00:00:00Z');
const TO = new Date('2026-11-21T00:00:00Z');

sourceConformance({
  name: 'okta (SSWS token)',
  http: true,
  refreshableAuth: false,
  async setup(n, pageSize) {
    const events = oktaLogEvents(n, FROM, TO, 11);
    const server = await startOktaServer({ events, apiToken: TOKEN, rateLimit: { limit: 1000, windowMs: 1000 } });
    return {
      server,
      expectedIds: events.map((e) => String(e.uuid)),
      since: FROM,
      makeSource: (http) => new OktaSource({ tenant: 'acme', orgUrl: server.url, auth: new StaticAuth(`SSWS ${TOKEN}`), http, limit: pageSize }),
      close: () => server.close(),
    };
  },
});

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

async function oauthAuth(server: OktaServer, clientId = '0oa1serviceapp') {
  return new TokenEndpointAuth({
    vendor: 'Okta',
    tokenUrl: `${server.url}/oauth2/v1/token`,
    authHint: 'check the service app',
    timeoutMs: 1000,
    form: async () => ({
      grant_type: 'client_credentials',
      scope: 'okta.logs.read okta.users.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion({ clientId, audience: `${server.url}/oauth2/v1/token`, privateKeyPem: privatePem, keyId: 'k1' }),
    }),
  });
}

sourceConformance({
  name: 'okta (OAuth 2.0 private_key_jwt)',
  http: true,
  refreshableAuth: true,
  async setup(n, pageSize) {
    const events = oktaLogEvents(n, FROM, TO, 12);
    const publicJwk = await exportJWK(await importSPKI(publicPem, 'RS256'));
    const server = await startOktaServer({ events, oauth: { clientId: '0oa1serviceapp', publicJwk }, rateLimit: { limit: 1000, windowMs: 1000 } });
    const auth = await oauthAuth(server);
    return {
      server,
      expectedIds: events.map((e) => String(e.uuid)),
      since: FROM,
      makeSource: (http) => new OktaSource({ tenant: 'acme', orgUrl: server.url, auth, http, limit: pageSize }),
      close: () => server.close(),
    };
  },
});

describe('okta System Log specifics', () => {
  let server: OktaServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('ends a polling cycle on the empty page that still carries rel="next", and keeps that cursor', async () => {
    const events = oktaLogEvents(100, FROM, TO, 21);
    server = await startOktaServer({ events, apiToken: TOKEN });
    const store = new MemoryStore();
    const src = new OktaSource({ tenant: 'acme', orgUrl: server.url, auth: new StaticAuth(`SSWS ${TOKEN}`), http: FAST_HTTP, limit: 30 });
    const stats = await collect(src, store.asStore(), { since: FROM, commitRecords: 1 });
    expect(stats.stored).toBe(100);
    // 4 pages of events, then the empty page that ends the cycle (committed on its own: commitRecords 1).
    expect(server.requests).toBe(5);
    const cp = await store.getCheckpoint('okta', 'acme', 'system_log');
    expect(cp?.cursor).toMatch(/after=/);
    expect(cp?.state).toEqual({ open: false });
    expect(cp?.watermark).toBe(events[99].published);
    expect(store.calls.at(-1)?.records).toBe(0);
  });

  it('a bounded backfill (until) stops at the page without rel="next"', async () => {
    const events = oktaLogEvents(100, FROM, TO, 22);
    server = await startOktaServer({ events, apiToken: TOKEN });
    const store = new MemoryStore();
    const mid = new Date('2026-11-20T12:00:00Z');
    const src = new OktaSource({ tenant: 'acme', orgUrl: server.url, auth: new StaticAuth(`SSWS ${TOKEN}`), http: FAST_HTTP, limit: 1000 });
    const stats = await collect(src, store.asStore(), { since: FROM, until: mid });
    const expected = events.filter((e) => String(e.published) < mid.toISOString()).length;
    expect(stats.stored).toBe(expected);
    expect(server.requests).toBe(1);
    expect(server.log[0].path).toContain('until=');
  });

  it('picks up an event that became visible late, through the overlap window, without duplicating others', async () => {
    const events = oktaLogEvents(50, FROM, TO, 23);
    const lateEvent = oktaLogEvents(1, new Date(TO.getTime() - 60_000), new Date(TO.getTime() - 59_000), 99)[0];
    server = await startOktaServer({ events, apiToken: TOKEN, late: [{ event: lateEvent, afterRequests: 2 }] });
    const store = new MemoryStore();
    const src = () => new OktaSource({ tenant: 'acme', orgUrl: server!.url, auth: new StaticAuth(`SSWS ${TOKEN}`), http: FAST_HTTP, limit: 1000, overlapMs: 5 * 60_000 });
    const first = await collect(src(), store.asStore(), { since: FROM });
    expect(first.stored).toBe(50);
    const second = await collect(src(), store.asStore(), { since: FROM });
    expect(second.stored).toBe(1);
    expect(store.ids()).toContain(lateEvent.uuid);
    expect(store.ids().length).toBe(51);
    // The second cycle re-read only the overlap window, not the whole range.
    const secondFirstRequest = server.log[2].path;
    expect(decodeURIComponent(secondFirstRequest)).toContain(`since=${new Date(Date.parse(String(events[49].published)) - 5 * 60_000).toISOString()}`);
  });

  it('waits for X-Rate-Limit-Reset when X-Rate-Limit-Remaining reaches 0, instead of earning a 429', async () => {
    const events = oktaLogEvents(60, FROM, TO, 24);
    server = await startOktaServer({ events, apiToken: TOKEN, rateLimit: { limit: 3, windowMs: 1000 } });
    const store = new MemoryStore();
    const src = new OktaSource({ tenant: 'acme', orgUrl: server.url, auth: new StaticAuth(`SSWS ${TOKEN}`), http: FAST_HTTP, limit: 10 });
    const stats = await collect(src, store.asStore(), { since: FROM });
    expect(stats.stored).toBe(60);
    expect(server.budget429s).toBe(0);
    expect(stats.throttled).toBeGreaterThanOrEqual(1);
  });

  it('a revoked API token ends with auth_failed naming the variable to check, never the token', async () => {
    server = await startOktaServer({ events: oktaLogEvents(10, FROM, TO, 25), apiToken: 'another-token-value-xyz' });
    const store = new MemoryStore();
    const src = new OktaSource({ tenant: 'acme', orgUrl: server.url, auth: new StaticAuth(`SSWS ${TOKEN}`), http: FAST_HTTP });
    const err = (await collect(src, store.asStore(), { since: FROM }).catch((e: unknown) => e)) as IdtrailError;
    expect(err).toBeInstanceOf(IdtrailError);
    expect(err.code).toBe('auth_failed');
    expect(err.format()).toMatch(/E0000011: Invalid token provided/);
    expect(err.format()).toMatch(/OKTA_API_TOKEN/);
    expect(err.format()).not.toContain(TOKEN);
  });

  it('an unreachable org ends with one unreachable error', async () => {
    const src = new OktaSource({ tenant: 'acme', orgUrl: `http://127.0.0.1:${await closedPort()}`, auth: new StaticAuth(`SSWS ${TOKEN}`), http: { ...FAST_HTTP, maxRetries: 1 } });
    const err = (await collect(src, new MemoryStore().asStore(), { since: FROM }).catch((e: unknown) => e)) as IdtrailError;
    expect(err.code).toBe('unreachable');
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('OAuth: a client assertion signed with the wrong key is refused with the vendor reason', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicJwk = await exportJWK(other.publicKey);
    server = await startOktaServer({ events: oktaLogEvents(5, FROM, TO, 26), oauth: { clientId: '0oa1serviceapp', publicJwk } });
    const src = new OktaSource({ tenant: 'acme', orgUrl: server.url, auth: await oauthAuth(server), http: FAST_HTTP });
    const err = (await collect(src, new MemoryStore().asStore(), { since: FROM }).catch((e: unknown) => e)) as IdtrailError;
    expect(err.code).toBe('auth_failed');
    expect(err.message).toMatch(/invalid_client/);
  });
});
