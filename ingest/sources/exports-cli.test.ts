import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures');

function capture(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk);
      cb();
    },
  });
  return { stream, text: () => buf };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  const code = await main(args, { stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

describe('idtrail ingest file --source inventory|hris|itsm', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exports-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads each export through the command, reports counts as JSON, and a second run stores nothing', async () => {
    const db = join(dir, 'a.duckdb');
    const inv = await run(['ingest', 'file', join(FIX, 'inventory'), '--source', 'inventory', '--db', db, '--json']);
    expect(inv.err).toBe('');
    expect(inv.code).toBe(0);
    expect(JSON.parse(inv.out)).toMatchObject({ source: 'inventory', quarantined: 6, streams: { accounts: 14, auth_methods: 19 } });
    const hris = await run(['ingest', 'file', join(FIX, 'hris', 'workers.csv'), '--source', 'hris', '--preset', 'workday', '--db', db, '--json']);
    expect(JSON.parse(hris.out)).toMatchObject({ received: 19, stored: 13, duplicates: 1, quarantined: 5 });
    const itsm = await run(['ingest', 'file', join(FIX, 'itsm'), '--source', 'itsm', '--as-of', '2026-11-25T06:00:00Z', '--db', db, '--json']);
    expect(JSON.parse(itsm.out)).toMatchObject({ received: 28, stored: 22, quarantined: 6 });
    const again = await run(['ingest', 'file', join(FIX, 'itsm'), '--source', 'itsm', '--as-of', '2026-11-25T06:00:00Z', '--db', db, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ stored: 0, duplicates: 22 });
  });

  it('accepts a kind hint for a listing whose name does not say what it is, and fails clearly on a bad preset', async () => {
    const db = join(dir, 'b.duckdb');
    const r = await run(['ingest', 'file', join(FIX, 'inventory', 'okta_users.json'), '--source', 'inventory', '--kind', 'okta_users', '--db', db, '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ stored: 7, quarantined: 1 });
    const bad = await run(['ingest', 'file', join(FIX, 'hris', 'workers.csv'), '--source', 'hris', '--preset', 'sap', '--db', db]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/unknown HRIS preset "sap"/);
  });
});
