import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { events } from '../../metrics/testing.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { stdout, stderr });
  return { code, out, err };
}

describe('idtrail metrics', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'idtrail-metrics-'));
    db = path.join(dir, 'store.duckdb');
    const store = await DuckDbStore.open(db);
    await events(store.db, [
      // W46: 2 legacy of 3; W47: 1 legacy of 4, a Conditional Access block and a typo.
      { event_time: '2026-11-10T10:00:00Z', target_user_name: 'bob@acme.example', is_legacy_auth: true },
      { event_time: '2026-11-11T10:00:00Z', target_user_name: 'bob@acme.example', is_legacy_auth: true },
      { event_time: '2026-11-12T10:00:00Z', target_user_name: 'alice@acme.example', is_legacy_auth: false },
      { event_time: '2026-11-17T10:00:00Z', target_user_name: 'bob@acme.example', is_legacy_auth: true },
      { event_time: '2026-11-18T10:00:00Z', target_user_name: 'alice@acme.example', is_legacy_auth: false },
      { event_time: '2026-11-19T10:00:00Z', target_user_name: 'alice@acme.example', is_legacy_auth: false, outcome: 'failure', status_code: '53003' },
      { event_time: '2026-11-20T10:00:00Z', target_user_name: 'alice@acme.example', is_legacy_auth: false, outcome: 'failure', status_code: '50126' },
    ]);
    await store.close();
  });

  it('prints the documented JSON: period and twenty KPIs with id, title, value, target, met, status, needs', async () => {
    const { code, out, err } = await run(['metrics', '--db', db, '--week', '2026-W47', '--format', 'json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['period', 'kpis']);
    expect(json.period).toBe('2026-W47');
    expect(json.kpis).toHaveLength(20);
    for (const k of json.kpis) expect(Object.keys(k).slice(0, 7)).toEqual(['id', 'title', 'value', 'target', 'met', 'status', 'needs']);
    const legacy = json.kpis.find((k: { id: string }) => k.id === 'legacy_auth_usage');
    expect(legacy).toMatchObject({ title: 'Legacy authentication usage', value: 1, met: true, status: 'ok', needs: [], previous_value: 2, change: -1 });
    // 1 configuration failure (53003) of 4 attempts.
    expect(json.kpis.find((k: { id: string }) => k.id === 'auth_error_rate')).toMatchObject({ value: 0.25, status: 'ok' });
    expect(json.kpis.find((k: { id: string }) => k.id === 'mfa_coverage')).toEqual(
      expect.objectContaining({ value: null, met: null, status: 'no_data', needs: ['accounts', 'auth_methods'] }),
    );
  });

  it('prints a table, Markdown and RFC 4180 CSV', async () => {
    const table = await run(['metrics', '--db', db, '--week', '2026-W47']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^IAM KPIs — 2026-W47/);
    expect(table.out).toMatch(/legacy_auth_usage\s+1\s+falling to near zero, period on period\s+met\s+−1/);
    expect(table.out).toMatch(/mfa_coverage\s+—\s+>= 98%\s+no data \(needs: accounts, auth_methods\)/);
    const md = await run(['metrics', '--db', db, '--week', '2026-W47', '--format', 'md']);
    // W46 had no configuration failure (0 of 3), the only week of the baseline: 25% is above it.
    expect(md.out).toContain('| auth_error_rate | 25.0% | at or below the mean of the previous 4 periods | MISSED | +25.0 pp |');
    const csv = await run(['metrics', '--db', db, '--week', '2026-W47', '--format', 'csv']);
    const lines = csv.out.split('\r\n');
    expect(lines[0]).toBe('period,id,title,status,value,numerator,denominator,target,met,previous_value,change,needs,window_start,window_end');
    expect(lines).toHaveLength(22); // header, 20 rows, trailing empty
    expect(lines.find((l) => l.startsWith('2026-W47,mover_accuracy,'))).toBe(
      '2026-W47,mover_accuracy,Mover accuracy rate,no_data,,,,>= 95%,,,,hris_workers:history identity_events:group_role_changes,2026-10-26T00:00:00.000Z,2026-11-23T00:00:00.000Z',
    );
  });

  it('takes months and quarters, applies a config file, and rejects bad input with a usage error', async () => {
    const month = JSON.parse((await run(['metrics', '--db', db, '--month', '2026-11', '--format', 'json'])).out);
    expect(month.period).toBe('2026-11');
    expect(month.kpis.find((k: { id: string }) => k.id === 'legacy_auth_usage').value).toBe(3);
    const cfg = path.join(dir, 'idtrail.yml');
    writeFileSync(cfg, 'kpis:\n  targets:\n    auth_error_rate: {op: "<=", value: 0.3}\n');
    const withCfg = JSON.parse((await run(['metrics', '--db', db, '--week', '2026-W47', '--format', 'json', '--config', cfg])).out);
    expect(withCfg.kpis.find((k: { id: string }) => k.id === 'auth_error_rate')).toMatchObject({ target: '<= 30%', met: true });
    const bad = await run(['metrics', '--db', db, '--week', '2026-11']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--week takes a week such as 2026-W47/);
    const both = await run(['metrics', '--db', db, '--week', '2026-W47', '--month', '2026-11']);
    expect(both.code).toBe(2);
    const fmt = await run(['metrics', '--db', db, '--format', 'xml']);
    expect(fmt.err).toMatch(/--format must be table, json, csv or md/);
    writeFileSync(cfg, 'kpis:\n  targets:\n    nope: 1\n');
    const badCfg = await run(['metrics', '--db', db, '--config', cfg]);
    expect(badCfg.code).toBe(3);
    expect(badCfg.err).toMatch(/kpis\.targets\.nope: unknown KPI id/);
  });

  it('writes the evidence package from the command line', async () => {
    const out = path.join(dir, 'evidence');
    const r = await run(['evidence', '--db', db, '--period', '2026-Q4', '--out', out, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.out);
    expect(manifest.period).toBe('2026-Q4');
    expect(manifest.files).toHaveLength(61);
    const missing = await run(['evidence', '--db', db, '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--period is required/);
  });
});
