import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../ingest/sources/collect.js';
import { entraAuth, EntraSource, type EntraStream } from '../../ingest/sources/entra.js';
import { IdtrailError } from '../../lib/errors.js';
import { graphDirectoryAudits, graphProvisioning, graphSignIns } from '../servers/events.js';
import { startGraphServer, type GraphServer } from '../servers/graph.js';
import { FAST_HTTP, sourceConformance } from './conformance.js';
import { MemoryStore } from './memory-store.js';

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SECRET = 'Xy8Q~abcdEFGHijklMNOPqrstUVWxyz0123456789';
const FROM = new Date('2026-11-20T00:00:00Z');
const TO = new Date('2026-11-21T00:00:00Z');
const fixture = (f: string) => readFileSync(fileURLToPath(new URL(`../servers/fixtures/${f}`, import.meta.url)), 'utf8');
const CERT = fixture('entra-app.cert.pem');
const KEY = fixture('entra-app.key.pem');

function source(server: GraphServer, opts: { streams?: EntraStream[]; top?: number; secret?: string; cert?: boolean; lookbackMs?: number; audit?: { requests: number; perMs: number } } = {}, http = FAST_HTTP) {
  return new EntraSource({
    tenant: 'contoso',
    graphUrl: server.url,
    auth: entraAuth({
      loginUrl: server.url,
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      graphUrl: server.url,
      clientSecret: opts.cert ? undefined : (opts.secret ?? SECRET),
      certificatePem: opts.cert ? CERT : undefined,
      privateKeyPem: opts.cert ? KEY : undefined,
      timeoutMs: 1000,
    }),
    http,
    streams: opts.streams,
    top: opts.top,
    lookbackMs: opts.lookbackMs,
    auditRateLimit: opts.audit ?? { requests: 1000, perMs: 1000 },
  });
}

sourceConformance({
  name: 'entra (Graph signIns, client secret)',
  http: true,
  refreshableAuth: true,
  async setup(n, pageSize) {
    const signIns = graphSignIns(n, FROM, TO, 31);
    const server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns });
    return {
      server,
      expectedIds: signIns.map((e) => String(e.id)),
      since: FROM,
      until: TO,
      makeSource: (http) => source(server, { streams: ['signins'], top: pageSize }, http),
      close: () => server.close(),
    };
  },
});

sourceConformance({
  name: 'entra (every audit stream, certificate credential)',
  http: true,
  refreshableAuth: true,
  async setup(n, pageSize) {
    const k = Math.floor(n / 4);
    const signIns = graphSignIns(n - 3 * k, FROM, TO, 32);
    const nonInteractive = graphSignIns(k, FROM, TO, 33, 'nonInteractiveUser');
    const audits = graphDirectoryAudits(k, FROM, TO, 34);
    const provisioning = graphProvisioning(k, FROM, TO, 35);
    const server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, certificatePem: CERT, signIns, betaSignIns: { nonInteractiveUser: nonInteractive }, directoryAudits: audits, provisioning });
    return {
      server,
      expectedIds: [...signIns, ...nonInteractive, ...audits, ...provisioning].map((e) => String(e.id)),
      since: FROM,
      until: TO,
      makeSource: (http) => source(server, { streams: ['signins', 'signins_noninteractive', 'directory_audits', 'provisioning'], top: pageSize, cert: true }, http),
      close: () => server.close(),
    };
  },
});

describe('entra specifics', () => {
  let server: GraphServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks beta for non-interactive, service-principal and managed-identity sign-ins with signInEventTypes', async () => {
    const sp = graphSignIns(20, FROM, TO, 41, 'servicePrincipal');
    const mi = graphSignIns(15, FROM, TO, 42, 'managedIdentity');
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, betaSignIns: { servicePrincipal: sp, managedIdentity: mi } });
    const store = new MemoryStore();
    const stats = await collect(source(server, { streams: ['signins_service_principal', 'signins_managed_identity'] }), store.asStore(), { since: FROM, until: TO });
    expect(stats.stored).toBe(35);
    const paths = server.log.map((l) => decodeURIComponent(l.path));
    expect(paths[0]).toMatch(/^\/beta\/auditLogs\/signIns\?.*signInEventTypes\/any\(t: t eq 'servicePrincipal'\)/);
    expect(paths[1]).toContain("t eq 'managedIdentity'");
    expect(store.calls.every((c) => c.stream === 'entra_signin')).toBe(true);
  });

  it('keeps auditLogs requests under 5 per 10 seconds (scaled: 5 per 600 ms) and earns no 429', async () => {
    const signIns = graphSignIns(120, FROM, TO, 43);
    // The fake enforces 5 per 500 ms: slightly looser than the client's 600 ms so that event-loop
    // jitter in this shared test process cannot make a paced request look early.
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns, auditBudget: { requests: 5, windowMs: 500 } });
    const store = new MemoryStore();
    const t0 = Date.now();
    const stats = await collect(source(server, { streams: ['signins'], top: 10, audit: { requests: 5, perMs: 600 } }), store.asStore(), { since: FROM, until: TO });
    expect(stats.stored).toBe(120);
    expect(server.budget429s).toBe(0);
    expect(stats.throttled).toBe(0);
    // 12 pages at 5 per 600 ms take at least two full windows.
    expect(server.auditTimes.length).toBe(12);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1200);
  });

  it('honours a fractional Retry-After on 429', async () => {
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns: graphSignIns(30, FROM, TO, 44), retryAfter: '0.75' });
    server.faultAt(1, { kind: 'throttle' });
    const store = new MemoryStore();
    const t0 = Date.now();
    const stats = await collect(source(server, { streams: ['signins'] }), store.asStore(), { since: FROM, until: TO });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(740);
    expect(stats.throttled).toBe(1);
    expect(stats.stored).toBe(30);
  });

  it('re-reads the trailing lookback window on the next pull and stores only late-reported events', async () => {
    const early = graphSignIns(40, FROM, new Date('2026-11-20T20:00:00Z'), 45);
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns: early });
    const store = new MemoryStore();
    const pullTo = new Date('2026-11-20T22:00:00Z');
    await collect(source(server, { streams: ['signins'], lookbackMs: 2 * 3600_000 }), store.asStore(), { since: FROM, until: pullTo });
    expect((await store.getCheckpoint('entra', 'contoso', 'signins'))?.watermark).toBe(pullTo.toISOString());
    await server.close();
    // A sign-in from 21:30 that Graph reported only after the first pull, plus newer ones.
    const late = graphSignIns(1, new Date('2026-11-20T21:30:00Z'), new Date('2026-11-20T21:31:00Z'), 46);
    const newer = graphSignIns(10, pullTo, TO, 47);
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns: [...early, ...late, ...newer] });
    const second = await collect(source(server, { streams: ['signins'], lookbackMs: 2 * 3600_000 }), store.asStore(), { since: FROM, until: TO });
    expect(second.stored).toBe(11);
    expect(store.ids().length).toBe(51);
    expect(decodeURIComponent(server.log[0].path)).toContain('createdDateTime ge 2026-11-20T20:00:00.000Z');
  });

  it('a wrong client secret ends with the AADSTS reason and never shows the secret', async () => {
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns: graphSignIns(5, FROM, TO, 48) });
    const wrong = 'Wr0ng~secretValue0123456789abcdefghijkl';
    const err = (await collect(source(server, { streams: ['signins'], secret: wrong }), new MemoryStore().asStore(), { since: FROM, until: TO }).catch((e: unknown) => e)) as IdtrailError;
    expect(err).toBeInstanceOf(IdtrailError);
    expect(err.code).toBe('auth_failed');
    expect(err.format()).toMatch(/AADSTS7000215/);
    expect(err.format()).toMatch(/ENTRA_CLIENT_SECRET/);
    expect(err.format()).not.toContain(wrong);
  });

  it('restarts the window when a stored nextLink is no longer accepted', async () => {
    const signIns = graphSignIns(50, FROM, TO, 49);
    server = await startGraphServer({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: SECRET, signIns });
    const store = new MemoryStore();
    const cp = { source: 'entra', tenant: 'contoso', stream: 'signins', cursor: `${server.url}/v1.0/auditLogs/signIns?$top=10&$skiptoken=expired`, watermark: null, state: { from: FROM.toISOString(), to: TO.toISOString() } };
    await store.ingestRecords([], { source: 'entra', tenant: 'contoso', origin: 'test', checkpoint: cp });
    const stats = await collect(source(server, { streams: ['signins'] }), store.asStore(), { since: FROM, until: TO });
    expect(stats.stored).toBe(50);
  });
});
