import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestPath } from './file.js';

const dir = mkdtempSync(join(tmpdir(), 'idtrail-file-'));
const oktaLines = readFileSync('test/fixtures/okta/system_log.ndjson', 'utf8').trim().split('\n');
const signins = readFileSync('test/fixtures/entra/signins.ndjson', 'utf8').trim().split('\n');
const stores: DuckDbStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});
async function memStore(): Promise<DuckDbStore> {
  const s = await DuckDbStore.open(':memory:');
  stores.push(s);
  return s;
}
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr });
  return { code, out, err };
}
const count = async (s: DuckDbStore, sql: string) => Number((await s.db.one<{ n: bigint }>(sql))!.n);

describe('idtrail ingest file', () => {
  it('stores the valid events of a file with three malformed lines, quarantines exactly those three, and a re-run changes no count', async () => {
    const file = join(dir, 'okta-with-bad-lines.ndjson');
    const lines = [...oktaLines];
    lines.splice(3, 0, '{"uuid": "broken-1", "published": "2024-05-06T09:00:00Z", "eventType": ');
    lines.splice(8, 0, 'this is not JSON at all');
    lines.splice(12, 0, `${oktaLines[0]!.slice(0, 200)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const db = join(dir, 'bad-lines.duckdb');
    const first = await cli(['ingest', 'file', file, '--source', 'okta', '--db', db, '--tenant', 'acme.okta.com', '--json']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const r = JSON.parse(first.out) as Record<string, unknown>;
    expect(r).toEqual({ source: 'okta', files: 1, received: 20, stored: 17, duplicates: 0, quarantined: 3, normalized: 17, streams: { okta_system_log: 17 } });

    const store = await DuckDbStore.open(db);
    const q = await store.db.all<{ reason: string; line_no: bigint; origin: string; raw_text: string }>('SELECT reason, line_no, origin, raw_text FROM quarantine ORDER BY line_no');
    expect(q.map((x) => [x.reason, Number(x.line_no)])).toEqual([
      ['malformed_json', 4],
      ['malformed_json', 9],
      ['malformed_json', 13],
    ]);
    expect(q.every((x) => x.origin === file && x.raw_text.length > 0)).toBe(true);
    const before = { events: await count(store, 'SELECT count(*) AS n FROM identity_events'), raw: await count(store, 'SELECT count(*) AS n FROM raw_okta_system_log'), q: 3 };
    await store.close();

    const again = JSON.parse((await cli(['ingest', 'file', file, '--source', 'okta', '--db', db, '--tenant', 'acme.okta.com', '--json'])).out) as Record<string, number>;
    expect(again).toMatchObject({ received: 20, stored: 0, duplicates: 17, quarantined: 3, normalized: 0 });
    const s2 = await DuckDbStore.open(db);
    expect(await count(s2, 'SELECT count(*) AS n FROM identity_events')).toBe(before.events);
    expect(await count(s2, 'SELECT count(*) AS n FROM raw_okta_system_log')).toBe(before.raw);
    expect(await count(s2, 'SELECT count(*) AS n FROM quarantine')).toBe(before.q);
    await s2.close();
  });

  it('prints a readable summary without --json and rejects an unknown source with the list of sources', async () => {
    const db = join(dir, 'text.duckdb');
    const ok = await cli(['ingest', 'file', 'test/fixtures/aws', '--source', 'aws', '--db', db]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/aws: 8 records from 1 file: 8 stored, 0 already stored, 0 quarantined, 8 normalized/);
    const bad = await cli(['ingest', 'file', 'test/fixtures/aws', '--source', 'nosuch', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown --source 'nosuch'.*okta.*entra/);
    const missing = await cli(['ingest', 'file', join(dir, 'does-not-exist'), '--source', 'okta', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such file or folder/);
  });
});

describe('file formats', () => {
  it('reads a JSON array, a folder of Graph pages, gzip by magic bytes whatever the name, CRLF and blank lines', async () => {
    const fmt = join(dir, 'formats');
    mkdirSync(join(fmt, 'pages', 'nested'), { recursive: true });
    writeFileSync(join(fmt, 'array.json'), JSON.stringify(signins.slice(0, 2).map((l) => JSON.parse(l)), null, 2));
    writeFileSync(join(fmt, 'pages', 'page-1.json'), JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/beta/$metadata#auditLogs/signIns', value: [JSON.parse(signins[2]!)], '@odata.nextLink': 'https://graph.microsoft.com/beta/auditLogs/signins?$skiptoken=abc' }));
    writeFileSync(join(fmt, 'pages', 'nested', 'page-2.json'), JSON.stringify({ '@odata.context': 'x', value: [JSON.parse(signins[3]!)] }));
    // gzip content under a name that does not say so
    writeFileSync(join(fmt, 'signins.ndjson'), gzipSync(Buffer.from(`${signins[4]}\r\n\r\n\n${signins[5]}\r\n`)));
    const store = await memStore();
    const r = await ingestPath(store, fmt, { source: 'entra' });
    expect(r).toMatchObject({ files: 4, received: 6, stored: 6, quarantined: 0, normalized: 6 });
    const uids = await store.db.all<{ n: bigint }>('SELECT count(DISTINCT native_id) AS n FROM identity_events');
    expect(Number(uids[0]!.n)).toBe(6);
  });

  it('records line numbers of array elements and quarantines the cut element of a truncated document', async () => {
    const file = join(dir, 'truncated.json');
    const text = JSON.stringify([JSON.parse(oktaLines[0]!), JSON.parse(oktaLines[1]!), JSON.parse(oktaLines[2]!)], null, 1);
    writeFileSync(file, text.slice(0, text.length - 300));
    const store = await memStore();
    const r = await ingestPath(store, file, { source: 'okta' });
    expect(r).toMatchObject({ received: 3, stored: 2, quarantined: 1 });
    const q = await store.db.one<{ reason: string; line_no: bigint }>('SELECT reason, line_no FROM quarantine');
    expect(q!.reason).toBe('malformed_json');
    // the third element starts on the last ' {' line of the pretty-printed array
    expect(Number(q!.line_no)).toBe(text.split('\n').lastIndexOf(' {') + 1);
  });

  it('quarantines invalid UTF-8, an oversized record (keeping its size) and a non-object line', async () => {
    const file = join(dir, 'odd.ndjson');
    const bad = Buffer.concat([Buffer.from(oktaLines[3]!.slice(0, 100)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(oktaLines[3]!.slice(100))]);
    const huge = `{"uuid":"huge","published":"2024-05-06T09:00:00Z","eventType":"user.session.start","displayMessage":"${'x'.repeat(33 * 1024 * 1024)}"}`;
    writeFileSync(file, Buffer.concat([Buffer.from(`${oktaLines[0]}\n`), bad, Buffer.from(`\n[1,2,3]\n${huge}\n${oktaLines[1]}\n`)]));
    const store = await memStore();
    const r = await ingestPath(store, file, { source: 'okta' });
    expect(r).toMatchObject({ received: 5, stored: 2, quarantined: 3 });
    const q = await store.db.all<{ reason: string; line_no: bigint; len: bigint }>('SELECT reason, line_no, length(raw_text) AS len FROM quarantine ORDER BY line_no');
    expect(q.map((x) => [x.reason.replace(/:\d+/, ':N'), Number(x.line_no)])).toEqual([
      ['invalid_utf8', 2],
      ['invalid_type:record', 3],
      ['record_too_large:N bytes', 4],
    ]);
    expect(q[2]!.reason).toBe(`record_too_large:${huge.length} bytes`);
    expect(Number(q[2]!.len)).toBeLessThanOrEqual(64 * 1024);
  });

  it('reads an Azure {"records": [...]} export and a CloudTrail {"Records": [...]} file on one line', async () => {
    const store = await memStore();
    const r = await ingestPath(store, 'test/fixtures/entra/azure_diagnostic_export.json', { source: 'entra' });
    expect(r).toMatchObject({ received: 3, stored: 3, streams: { entra_signin: 2, entra_directory_audit: 1 } });
  });
});
