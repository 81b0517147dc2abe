import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestPath } from './file.js';

const base = JSON.parse(readFileSync('test/fixtures/okta/system_log.ndjson', 'utf8').trim().split('\n')[0]!) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'idtrail-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('concurrent batches', () => {
  it('a record repeated in batches stored at the same time is stored once and counted once as a duplicate', async () => {
    // 40 batches of 50 records on 3 connections; every 7th record repeats one from 100 records earlier
    // (two batches back), so copies meet in batches that are in flight together.
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = i % 7 === 6 && i >= 100 ? `u-${i - 100}` : `u-${i}`;
      lines.push(JSON.stringify({ ...base, uuid: id }));
    }
    lines.splice(500, 0, '{"uuid": "broken",');
    const file = join(dir, 'okta.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const store = await DuckDbStore.open(join(dir, 'pool.duckdb'));
    try {
      const r = await ingestPath(store, file, { source: 'okta', batchRecords: 50, workers: 3 });
      const unique = new Set(lines.slice(0, 500).concat(lines.slice(501)).map((l) => (JSON.parse(l) as { uuid: string }).uuid)).size;
      expect(r.received).toBe(2001);
      expect(r.quarantined).toBe(1);
      expect(r.stored).toBe(unique);
      expect(r.duplicates).toBe(2000 - unique);
      const n = await store.db.one<{ raw: bigint; ev: bigint }>('SELECT (SELECT count(*) FROM raw_okta_system_log) AS raw, (SELECT count(*) FROM identity_events) AS ev');
      expect(Number(n!.raw)).toBe(unique);
      expect(Number(n!.ev)).toBe(unique);
      const again = await ingestPath(store, file, { source: 'okta', batchRecords: 50, workers: 3 });
      expect(again).toMatchObject({ received: 2001, stored: 0, duplicates: 2000, quarantined: 1 });
    } finally {
      store.close();
    }
  });
});
