import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphSignIns, oktaLogEvents } from '../servers/events.js';
import { startGraphServer } from '../servers/graph.js';
import { startOktaServer } from '../servers/okta.js';
import { closedPort } from '../servers/ports.js';
import { ensureBuilt, spawnCli } from './cli-helpers.js';

/**
 * Done-when: a bad config, an expired token and an unreachable host each end with one clear message
 * and a non-zero exit code, and no secret appears in any output (logs included, at debug level).
 */
const dir = mkdtempSync(join(tmpdir(), 'idtrail-errors-'));
const FROM = new Date('2026-11-20T00:00:00Z');
const TO = new Date('2026-11-21T00:00:00Z');
beforeAll(() => ensureBuilt(), 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * stderr holds JSON log lines and the command's own message: one message, which starts with
 * `idtrail <command>:` (a config error lists further problems on indented lines below it).
 */
function messages(stderr: string): string[] {
  const lines = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
  expect(lines.filter((l) => !l.startsWith('  ')).length).toBe(1);
  return lines.filter((l) => !l.startsWith('  '));
}

function expectNoSecret(out: string, secrets: string[]): void {
  for (const s of secrets) {
    expect(out).not.toContain(s);
    expect(out).not.toContain(Buffer.from(s).toString('base64'));
  }
}

describe('failures end with one clear message and no secret', () => {
  it('a bad config: exit 3, file:line, what is expected; the clear-text token is not echoed', { timeout: 120_000 }, async () => {
    const secret = 'okta-cleartext-token-do-not-print-123456';
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, `sources:\n  - type: okta\n    tenant: acme\n    org_url: not-a-url\n    auth:\n      kind: ssws\n      token: ${secret}\n`);
    const c = spawnCli(['ingest', 'okta', '--config', cfg, '--db', join(dir, 'x.duckdb')], { IDTRAIL_LOG_LEVEL: 'debug' });
    const r = await c.exited;
    expect(r.code).toBe(3);
    const m = messages(c.stderr());
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(new RegExp(`^idtrail ingest okta: ${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:7: sources\\[0\\]\\.auth\\.token: a secret must not be written in the config file`));
    expect(c.stderr()).toMatch(/sources\[0\]\.org_url: expected an http\(s\) URL/);
    expectNoSecret(c.stdout() + c.stderr(), [secret]);
  });

  it('an expired/revoked Okta token: exit 4, the vendor reason and what to check; the token never shows', { timeout: 120_000 }, async () => {
    const token = 'revoked-okta-token-0123456789ABCDEFGHIJ';
    const server = await startOktaServer({ events: oktaLogEvents(10, FROM, TO, 301), apiToken: 'the-current-valid-token-xyz' });
    try {
      const c = spawnCli(['ingest', 'okta', '--db', join(dir, 'okta.duckdb'), '--since', FROM.toISOString(), '--tenant', 'acme'], { OKTA_ORG_URL: server.url, OKTA_API_TOKEN: token, IDTRAIL_LOG_LEVEL: 'debug' });
      const r = await c.exited;
      expect(r.code).toBe(4);
      const m = messages(c.stderr());
      expect(m).toHaveLength(1);
      expect(m[0]).toMatch(/^idtrail ingest okta: Okta rejected the credentials \(HTTP 401: E0000011: Invalid token provided\) — check OKTA_API_TOKEN/);
      expectNoSecret(c.stdout() + c.stderr(), [token]);
    } finally {
      await server.close();
    }
  });

  it('an expired Graph token is renewed; a wrong client secret: exit 4 with the AADSTS reason, secret never shown', { timeout: 120_000 }, async () => {
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const clientId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    const good = 'Good~graph-secret-0123456789abcdefghij';
    const wrong = 'Wrong~graph-secret-0123456789abcdefghi';
    const server = await startGraphServer({ tenantId, clientId, clientSecret: good, signIns: graphSignIns(30, FROM, TO, 302) });
    try {
      const env = { ENTRA_TENANT_ID: tenantId, ENTRA_CLIENT_ID: clientId, ENTRA_GRAPH_URL: server.url, ENTRA_LOGIN_URL: server.url, IDTRAIL_LOG_LEVEL: 'debug' };
      const cfg = join(dir, 'entra.yaml');
      writeFileSync(cfg, 'sources:\n  - type: entra\n    tenant: contoso\n    streams: [signins]\n    top: 10\n');
      server.faultAt(2, { kind: 'expire_token' });
      const ok = spawnCli(['ingest', 'entra', '--config', cfg, '--db', join(dir, 'entra-ok.duckdb'), '--since', FROM.toISOString(), '--until', TO.toISOString(), '--json'], { ...env, ENTRA_CLIENT_SECRET: good });
      expect((await ok.exited).code).toBe(0);
      expect(JSON.parse(ok.stdout()).stored).toBe(30);
      expect(server.tokensIssued).toBe(2);
      expectNoSecret(ok.stdout() + ok.stderr(), [good]);

      const bad = spawnCli(['ingest', 'entra', '--config', cfg, '--db', join(dir, 'entra-bad.duckdb'), '--since', FROM.toISOString()], { ...env, ENTRA_CLIENT_SECRET: wrong });
      const r = await bad.exited;
      expect(r.code).toBe(4);
      const m = messages(bad.stderr());
      expect(m).toHaveLength(1);
      expect(m[0]).toMatch(/^idtrail ingest entra: Microsoft identity platform: the token endpoint refused the credentials \(invalid_client: AADSTS7000215/);
      expectNoSecret(bad.stdout() + bad.stderr(), [wrong, good]);
    } finally {
      await server.close();
    }
  });

  it('an unreachable host: exit 5, which host and what to check', { timeout: 120_000 }, async () => {
    const token = 'unreachable-test-token-0123456789abcdef';
    const port = await closedPort();
    const cfg = join(dir, 'unreachable.yaml');
    writeFileSync(cfg, 'sources:\n  - type: okta\n    tenant: acme\n    http: { max_retries: 2, backoff: 20ms }\n');
    const c = spawnCli(['ingest', 'okta', '--config', cfg, '--db', join(dir, 'u.duckdb')], { OKTA_ORG_URL: `http://127.0.0.1:${port}`, OKTA_API_TOKEN: token, IDTRAIL_LOG_LEVEL: 'debug' });
    const r = await c.exited;
    expect(r.code).toBe(5);
    const m = messages(c.stderr());
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(new RegExp(`^idtrail ingest okta: Okta: cannot connect \\(ECONNREFUSED\\) \\(http://127.0.0.1:${port}/api/v1/logs.*\\), 3 attempts — check the endpoint URL`));
    expectNoSecret(c.stdout() + c.stderr(), [token]);
  });

  it('a missing credential names the variable to set: exit 3', { timeout: 120_000 }, async () => {
    const c = spawnCli(['ingest', 'okta', '--db', join(dir, 'm.duckdb')], { OKTA_ORG_URL: 'https://acme.okta.com' });
    const r = await c.exited;
    expect(r.code).toBe(3);
    const m = messages(c.stderr());
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/the Okta API token: environment variable OKTA_API_TOKEN is not set — set the environment variable OKTA_API_TOKEN, or name another variable with okta.auth.token_env/);
  });
});
