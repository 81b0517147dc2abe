import { describe, expect, it } from 'vitest';
import { DuckDb } from './db.js';
import { migrate } from './migrate.js';
import { ensureRawTables } from './raw-tables.js';
import { STREAMS, rawTable, type RawStream } from '../../ingest/streams.js';

describe('raw stream tables', () => {
  it('creates one typed table per registry stream and records its schema hash', async () => {
    const db = await DuckDb.open(':memory:');
    await migrate(db);
    const first = await ensureRawTables(db);
    expect(first.created.sort()).toEqual(STREAMS.map((s) => s.name).sort());
    const again = await ensureRawTables(db);
    expect(again).toEqual({ created: [], rebuilt: [] });
    const cols = await db.all<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'raw_okta_system_log' ORDER BY ordinal_position`,
    );
    const names = cols.map((c) => c.column_name);
    expect(names.slice(0, 7)).toEqual(['_uid', '_tenant', '_native_id', '_event_time', '_ingest_time', '_batch', '_json']);
    expect(names).toContain('client');
    expect(cols.find((c) => c.column_name === 'target')?.data_type).toMatch(/^STRUCT\(.*\)\[\]$/);
    const hashes = await db.all<{ n: bigint }>('SELECT count(*) AS n FROM raw_streams');
    expect(Number(hashes[0]!.n)).toBe(STREAMS.length);
    db.close();
  });

  it('rebuilds typed columns from _json when a stream schema changes, losing nothing', async () => {
    const db = await DuckDb.open(':memory:');
    await migrate(db);
    const v1: RawStream = { name: 'test_stream', source: 'okta', columns: { id: 'VARCHAR' }, match: 'true', nativeId: "j->>'id'", eventTime: 'NULL' };
    await ensureRawTables(db, [v1]);
    await db.run(
      `INSERT INTO ${rawTable(v1)} VALUES ('okta:t:1', 't', '1', NULL, now()::TIMESTAMP, 1, '{"id":"1","extra":{"n":5}}', '1')`,
    );
    const v2: RawStream = { ...v1, columns: { id: 'VARCHAR', extra: 'STRUCT(n BIGINT)' } };
    const r = await ensureRawTables(db, [v2]);
    expect(r.rebuilt).toEqual(['test_stream']);
    const row = await db.one<{ n: bigint; uid: string }>(`SELECT extra.n AS n, _uid AS uid FROM raw_test_stream`);
    expect(Number(row!.n)).toBe(5);
    expect(row!.uid).toBe('okta:t:1');
    // primary key survives the rebuild
    await expect(
      db.run(`INSERT INTO raw_test_stream VALUES ('okta:t:1', 't', '1', NULL, now()::TIMESTAMP, 1, '{}', '1', NULL)`),
    ).rejects.toThrow(/[Cc]onstraint|[Dd]uplicate/);
    db.close();
  });
});
