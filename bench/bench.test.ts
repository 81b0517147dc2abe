import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchCommand } from '../cli/commands/bench.js';
import type { CommandContext } from '../cli/command.js';
import { parseCommandArgs } from '../cli/command.js';
import { PassThrough } from 'node:stream';

/** Runs `idtrail bench` at a tiny size and checks the JSON contract (behaviour, not speed). */
const dir = mkdtempSync(path.join(os.tmpdir(), 'idtrail-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function finiteNumbers(obj: Record<string, unknown>, where: string): void {
  for (const [k, v] of Object.entries(obj)) {
    expect(typeof v, `${where}.${k}`).toBe('number');
    expect(Number.isFinite(v as number), `${where}.${k} finite`).toBe(true);
  }
}

describe('idtrail bench', () => {
  it('prints one JSON object with every field of the contract, all finite numbers, and writes --out', async () => {
    const out = path.join(dir, 'bench.json');
    const argv = ['--events', '5000', '--accounts', '500', '--kpi-events', '10000', '--live-events', '1000', '--base-users', '60', '--base-days', '7', '--json', '--out', out, '--keep', path.join(dir, 'work')];
    const { values, positionals } = parseCommandArgs(benchCommand, argv);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let text = '';
    stdout.on('data', (b) => (text += String(b)));
    const ctx: CommandContext = { values, positionals, stdout, stderr, interactive: false };
    expect(await benchCommand.run(ctx)).toBe(0);
    const r = JSON.parse(text);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(r);

    expect(Object.keys(r)).toEqual(expect.arrayContaining(['machine', 'import', 'live', 'rules', 'incremental', 'kpis', 'peak_rss_mb']));
    expect(typeof r.machine.cpu).toBe('string');
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.machine.duckdb).toMatch(/^v\d/);
    finiteNumbers(r.import, 'import');
    finiteNumbers(r.live, 'live');
    finiteNumbers(r.rules, 'rules');
    finiteNumbers(r.incremental, 'incremental');
    finiteNumbers(r.peak_rss_mb, 'peak_rss_mb');
    for (const k of ['events', 'accounts', 'seconds', 'kpis']) expect(Number.isFinite(r.kpis[k]), `kpis.${k}`).toBe(true);

    // The dataset is exactly the requested size, every record stored once, the mix of sources kept.
    expect(r.import.events).toBe(5000);
    expect(r.rules.events).toBe(5000);
    expect(r.import.ratio).toBeCloseTo(r.import.events_per_s / r.import.baseline_events_per_s, 1);
    expect(r.live.events).toBe(1000);
    expect(r.rules.sigma_rules).toBeGreaterThan(100);
    expect(r.rules.analytics).toBeGreaterThan(10);
    expect(r.incremental.events).toBeGreaterThan(0);
    expect(r.kpis.events).toBe(10000);
    expect(r.kpis.accounts).toBeGreaterThanOrEqual(500);
    expect(r.kpis.kpis).toBeGreaterThan(0);
    for (const k of ['import', 'rules', 'kpis']) expect(r.peak_rss_mb[k]).toBeGreaterThan(0);
  }, 300_000);
});
