import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { IdtrailError } from '../lib/errors.js';
import { redactSecrets } from '../lib/log.js';
import { parseDuration, parseSince } from './duration.js';
import { checkConfigText, formatIssue, loadConfig } from './load.js';
import { readSecret } from './secrets.js';

const EXAMPLE = fileURLToPath(new URL('./idtrail.example.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'idtrail-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issues(text: string): string[] {
  const r = checkConfigText(text, 'idtrail.yaml');
  return r.ok ? [] : r.issues.map(formatIssue);
}

function capture(): { stream: Writable; text: () => string } {
  let buf = '';
  return { stream: new Writable({ write: (c, _e, cb) => ((buf += c.toString()), cb()) }), text: () => buf };
}

describe('idtrail.yaml', () => {
  it('the example config is valid and gets its defaults', () => {
    const c = loadConfig(EXAMPLE);
    expect(c.sources.map((s) => s.type)).toEqual(['okta', 'entra', 'google_workspace', 'aws']);
    expect(c.sources[0].type === 'okta' && c.sources[0].limit).toBe(1000);
    expect(c.sources[1].type === 'entra' && c.sources[1].audit_rate_limit).toEqual({ requests: 5, per: '10s' });
    expect(c.schedules.kpi_report).toBe('0 6 * * 1');
    expect(c.allowlists[0]).toMatchObject({ id: 'corp-vpn', kind: 'network', cidrs: ['198.51.100.0/24'] });
  });

  it('an empty file is a valid config with defaults', () => {
    const r = checkConfigText('', 'x.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.store).toEqual({ kind: 'duckdb', path: 'idtrail.duckdb' });
  });

  it('names the file, line, column, key path and what is expected for each problem, all at once', () => {
    const out = issues(
      [
        'sources:', //                                   1
        '  - type: okta', //                             2
        '    tenant: acme', //                           3
        '    schedule: "*/5 * * *x"', //                 4
        '    limit: 5000', //                            5
        '  - type: entra', //                            6
        '    tenant: acme', //                           7
        '    streams: [signins, bogus]', //              8
        '    colour: blue', //                           9
        '  - type: oktaa', //                            10
        '    tenant: acme', //                           11
        'allowlists:', //                                12
        '  - kind: network', //                          13
        '    cidrs: [1.2.3.4]', //                       14
        '    id: vpn', //                                15
        'sinks:', //                                     16
        '  - name: siem', //                             17
        '    url: gopher://siem.acme', //                18
      ].join('\n'),
    );
    expect(out).toContain('idtrail.yaml:4:15: sources[0].schedule: expected a cron expression (5 fields, or 6 with seconds first), e.g. "*/5 * * * *", got "*/5 * * *x"');
    expect(out.find((l) => l.startsWith('idtrail.yaml:5:12: sources[0].limit:'))).toMatch(/<=1000, got 5000/);
    expect(out.find((l) => l.startsWith('idtrail.yaml:8:'))).toMatch(/sources\[1\]\.streams\[1\]: expected one of "signins", .* got "bogus"/);
    expect(out).toContain("idtrail.yaml:9:5: sources[1].colour: unknown key 'colour' (check the spelling)");
    expect(out).toContain('idtrail.yaml:10:11: sources[2].type: unknown type "oktaa" (one of okta, entra, google_workspace, aws)');
    expect(out.filter((l) => l.includes('allowlists[0]')).join('\n')).toMatch(/idtrail.yaml:13:5: allowlists\[0\]\.(owner|reason|expires): missing required key/);
    expect(out.find((l) => l.includes('sinks[0]'))).toMatch(/idtrail.yaml:17:5: sinks\[0\]: sink gopher:\/\/siem.acme: unknown scheme gopher:/);
  });

  it('rejects a secret written in clear, pointing at _env/_file, and never repeats its value', () => {
    const secret = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789xyz';
    const out = issues(`sources:\n  - type: okta\n    tenant: acme\n    auth:\n      kind: ssws\n      token: ${secret}\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^idtrail.yaml:6:7: sources\[0\]\.auth\.token: a secret must not be written in the config file: replace 'token' with 'token_env'/);
    expect(out.join('\n')).not.toContain(secret);
  });

  it('checks cross references: declared tenants, unique source names', () => {
    const out = issues('tenants:\n  - id: acme\nsources:\n  - type: aws\n    tenant: globex\n    path: /data\n  - type: aws\n    tenant: acme\n    path: /a\n  - type: aws\n    tenant: acme\n    path: /b\n');
    expect(out).toContain("idtrail.yaml:5:13: sources[0].tenant: tenant 'globex' is not declared under tenants (declared: acme)");
    expect(out.some((l) => l.includes("sources[2].name: source name 'aws-acme' is used twice"))).toBe(true);
  });

  it('reports YAML syntax errors with their line', () => {
    const out = issues('sources:\n  - type: okta\n   tenant: [acme\n');
    expect(out[0]).toMatch(/^idtrail.yaml:\d+:\d+: \(yaml\): YAML syntax/);
  });

  it('loadConfig throws one config_invalid error listing every problem', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'store:\n  kind: postgres\nlog:\n  level: loud\n');
    try {
      loadConfig(f);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(IdtrailError);
      const e = err as IdtrailError;
      expect(e.code).toBe('config_invalid');
      expect(e.location).toMatchObject({ file: f, line: 2 });
      expect(e.format()).toMatch(/store.kind: unknown kind "postgres" \(one of duckdb, elasticsearch\)/);
      expect(e.format()).toMatch(/log.level: expected one of/);
    }
  });
});

describe('secrets', () => {
  it('reads from the named variable or file and registers the value for redaction', () => {
    const value = 'sekrit-Value-1234567890';
    expect(readSecret({ env: 'MY_TOKEN' }, 'the token', { keyPath: 'x.token', env: { MY_TOKEN: value } })).toBe(value);
    expect(redactSecrets(`Authorization: ${value}`)).toBe('Authorization: [REDACTED]');
    const f = join(dir, 'secret.txt');
    writeFileSync(f, 'from-a-file-0987654321\n');
    expect(readSecret({ file: f }, 'the token', { keyPath: 'x.token' })).toBe('from-a-file-0987654321');
  });

  it('names the missing variable or file, never a value', () => {
    expect(() => readSecret({}, 'the Okta API token', { keyPath: 'sources[0].auth.token', defaultEnv: 'OKTA_API_TOKEN', env: {} })).toThrow(/the Okta API token: environment variable OKTA_API_TOKEN is not set/);
    expect(() => readSecret({ file: '/run/secrets/nope' }, 'the token', { keyPath: 'k' })).toThrow(/cannot read the secret file \/run\/secrets\/nope \(ENOENT\)/);
  });
});

describe('durations', () => {
  it('parses durations and since values', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
    const now = new Date('2026-11-26T00:00:00Z');
    expect(parseSince('24h', now)?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(parseSince('2026-11-01T10:00:00', now)?.toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(parseSince('2026-11-01', now)?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('yesterday', now)).toBeUndefined();
  });
});

describe('idtrail config check', () => {
  it('prints ok with a summary for a valid file', async () => {
    const out = capture();
    const code = await main(['config', 'check', EXAMPLE], { stdout: out.stream, stderr: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/ok — 4 sources \(okta-acme, entra-acme, google_workspace-acme, aws-123456789012\), 2 sinks, store duckdb/);
  });

  it('lists every problem and exits 3', async () => {
    const f = join(dir, 'two.yaml');
    writeFileSync(f, 'sources:\n  - type: okta\n    tenant: acme\n    limit: 0\n    wat: 1\n');
    const out = capture();
    const code = await main(['config', 'check', f], { stdout: out.stream, stderr: out.stream });
    expect(code).toBe(3);
    expect(out.text()).toContain(`${f}:5:5: sources[0].wat: unknown key 'wat'`);
    expect(out.text()).toMatch(new RegExp(`${f}:4:12: sources\\[0\\]\\.limit: .*>=1`));
    expect(out.text()).toMatch(/2 problems in/);
  });

  it('--env resolves credentials and names what is missing', async () => {
    const f = join(dir, 'env.yaml');
    writeFileSync(f, 'sources:\n  - type: okta\n    tenant: acme\n    org_url: https://acme.okta.com\n    auth: { kind: ssws, token_env: IDTRAIL_TEST_UNSET_TOKEN }\n');
    const out = capture();
    const code = await main(['config', 'check', f, '--env'], { stdout: out.stream, stderr: out.stream });
    expect(code).toBe(3);
    expect(out.text()).toMatch(/sources\[0\] \(okta-acme\): sources\[0\]\.auth\.token_env: the Okta API token: environment variable IDTRAIL_TEST_UNSET_TOKEN is not set/);
  });
});
