import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandArgs, type CommandContext } from '../command.js';
import { generateCommand } from './generate.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const ctx: CommandContext = { ...parseCommandArgs(generateCommand, argv), stdout, stderr, interactive: false };
  const code = await generateCommand.run(ctx);
  return { code, out, err };
}

describe('idtrail generate', () => {
  it('--json prints one object with the counts, window and files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idtrail-gen-cli-'));
    dirs.push(dir);
    const r = await run(['--out', dir, '--users', '80', '--days', '7', '--seed', '5', '--end', '2026-10-01T00:00:00Z', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(o.out).toBe(path.resolve(dir));
    expect(o.window).toEqual({ start: '2026-09-24T00:00:00Z', end: '2026-10-01T00:00:00Z' });
    expect(o.counts['okta/system_log.ndjson']).toBeGreaterThan(500);
    expect(o.scenarios).toBeGreaterThanOrEqual(10);
    expect(o.lookalikes).toBeGreaterThanOrEqual(5);
    expect(o.files).toContain('labels.json');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8')).seed).toBe(5);
  });

  it('rejects a bad --end and a bad --users with a usage error', async () => {
    await expect(run(['--end', 'yesterday'])).rejects.toThrow(/--end must be an ISO-8601/);
    await expect(run(['--users', 'many'])).rejects.toThrow(/--users must be a non-negative whole number/);
  });
});
