import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { parseCommandArgs, type Command } from '../command.js';
import { rulesCheck, rulesCompile, rulesTest } from './rules.js';

const corpus = resolve(import.meta.dirname, '../../../shared/sigma');

async function runCmd(cmd: Command, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const { values, positionals } = parseCommandArgs(cmd, argv);
  const code = await cmd.run({ values, positionals, stdout, stderr, interactive: false });
  return { code, out, err };
}

interface Report {
  total: number;
  targets: Record<string, { ok: number; unsupported: number; error: number }>;
  rules: Array<{ path: string; id: string | null; status: Record<string, string>; reason?: string }>;
}

describe('idtrail rules check over the SigmaHQ corpus', () => {
  test('all 263 parse; 254 ok for duckdb and memory; placeholders named; ≥95% elasticsearch', async () => {
    const { out } = await runCmd(rulesCheck, [corpus, '--json']);
    const report = JSON.parse(out) as Report;
    expect(report.total).toBe(263);
    expect(report.rules.every((r) => r.id !== null)).toBe(true);
    expect(report.targets.duckdb).toEqual({ ok: 254, unsupported: 9, error: 0 });
    expect(report.targets.memory).toEqual({ ok: 254, unsupported: 9, error: 0 });
    expect(report.targets.elasticsearch.ok).toBeGreaterThanOrEqual(Math.ceil(263 * 0.95));
    const placeholder = report.rules.filter((r) => r.status.duckdb !== 'ok');
    expect(placeholder).toHaveLength(9);
    for (const r of placeholder) expect(r.reason).toMatch(/unresolved placeholders? %[A-Za-z_]+%/);
    for (const r of report.rules.filter((x) => x.status.duckdb === "ok" && x.status.elasticsearch !== "ok")) expect(r.reason).toMatch(/elasticsearch: \S/);
    console.log(JSON.stringify(report.targets), report.rules.filter((r) => r.status.elasticsearch !== 'ok').map((r) => `${r.path}: ${r.reason}`));
  }, 120_000);

  test('with a values file naming every placeholder, all 263 are ok for duckdb and memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idtrail-ph-'));
    const file = join(dir, 'placeholders.yml');
    writeFileSync(
      file,
      [
        "Legitimate_Countries: ['DE', 'FR']",
        "Legitimate_IP_Ranges: ['198.51.100.*']",
        "ApprovedUserUpn: ['admin@contoso.com']",
        "Approved_Inviters: ['hr@contoso.com']",
        "Important_AppIds: ['00000003-0000-0000-c000-000000000000']",
        "Known_Location: ['DE']",
        "KNOWN_LOCATION: ['DE']",
        "UnLegitCountries: ['KP']",
        "UnApprovedIp: ['203.0.113.*']",
        "UnApprovedDevice: ['unknown-device']",
        "HomeTenantID: ['72f988bf-86f1-41af-91ab-2d7cd011db47']",
        "legtimate_identifiers: ['support@okta.com']",
      ].join('\n'),
    );
    const { out } = await runCmd(rulesCheck, [corpus, '--json', '--placeholders', file]);
    const report = JSON.parse(out) as Report;
    expect(report.total).toBe(263);
    expect(report.targets.duckdb).toEqual({ ok: 263, unsupported: 0, error: 0 });
    expect(report.targets.memory).toEqual({ ok: 263, unsupported: 0, error: 0 });
  }, 120_000);
});

describe('idtrail rules compile', () => {
  test('duckdb target prints a query that carries the rule author', async () => {
    const rule = join(corpus, 'rules/identity/okta/okta_admin_role_assigned_to_user_or_group.yml');
    const { code, out } = await runCmd(rulesCompile, [rule, '--target', 'duckdb']);
    expect(code).toBe(0);
    expect(out).toMatch(/FROM "raw_okta_system_log" WHERE/);
    expect(out).toMatch(/author: /);
  });

  test('an unknown target is a usage error', async () => {
    await expect(runCmd(rulesCompile, ['x.yml', '--target', 'splunk'])).rejects.toThrow(/--target must be/);
  });
});

describe('idtrail rules test', () => {
  test('runs the *.test.yml cases beside rules (single-event and correlation) through memory and DuckDB', async () => {
    const dir = resolve(import.meta.dirname, '../../test/sigma/rules');
    const { code, out } = await runCmd(rulesTest, [dir, '--json']);
    const report = JSON.parse(out) as { files: number; cases: number; failed: number; results: Array<{ name: string; ok: boolean; message?: string }> };
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report).toMatchObject({ files: 2, cases: 6, failed: 0 });
    expect(code).toBe(0);
  }, 60_000);

  test('a wrong expectation fails the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idtrail-rt-'));
    const src = resolve(import.meta.dirname, '../../test/sigma/rules');
    writeFileSync(join(dir, 'r.yml'), readFileSync(join(src, 'okta_mfa_factors_reset.yml'), 'utf8'));
    writeFileSync(join(dir, 'r.test.yml'), readFileSync(join(src, 'okta_mfa_factors_reset.test.yml'), 'utf8').replace('okta_mfa_factors_reset.yml', 'r.yml').replace('expect: no_match', 'expect: match'));
    const { code, out } = await runCmd(rulesTest, [dir]);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL .*user resets own factors/);
  }, 60_000);
});

describe('idtrail rules test over analytics', () => {
  test('runs the raw-event cases beside an analytic through DuckDB', async () => {
    const { main } = await import('../main.js');
    let out = '';
    const stdout = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const code = await main(['rules', 'test', 'detections/analytics/break_glass_signin.test.yml', '--json'], { stdout, stderr: stdout });
    const report = JSON.parse(out) as { files: number; cases: number; failed: number; results: { targets: Record<string, string> }[] };
    expect(code).toBe(0);
    expect(report.files).toBe(1);
    expect(report.cases).toBeGreaterThanOrEqual(2);
    expect(report.failed).toBe(0);
    expect(report.results.every((r) => r.targets.duckdb === 'ok')).toBe(true);
  });
});
