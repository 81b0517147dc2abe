import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DuckDb } from '../../store/duckdb/db.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestTimeText, readWatermark, tsText, writeWatermark } from './watermark.js';

/**
 * Ingest times are TIMESTAMP (µs); a JS Date keeps ms. The watermark keeps the newest ingest time to
 * the microsecond, so "ingested since the last run" excludes the last batch the run already saw.
 */
let store: DuckDbStore;
let db: DuckDb;
beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  db = store.db;
  await db.run(`CREATE TABLE w_events (ingest_time TIMESTAMP)`);
  await db.run(`INSERT INTO w_events VALUES (TIMESTAMP '2026-11-26 04:29:41.882583'), (TIMESTAMP '2026-11-26 04:29:41.882100')`);
});
afterAll(() => store.close());

describe('detection watermark', () => {
  test('the newest ingest time survives the round trip to the microsecond', async () => {
    const max = (await db.one<{ t: string }>(`SELECT ${ingestTimeText('max(ingest_time)')} AS t FROM w_events`))!.t;
    expect(max).toBe('2026-11-26T04:29:41.882583Z');
    await writeWatermark(db, { value: new Date('2026-11-22T23:54:23Z'), ingestedUpTo: max }, 'test');
    const wm = await readWatermark(db, 'test');
    expect(wm.ingestedUpToText).toBe(max);
    expect(wm.ingestedUpTo?.toISOString()).toBe('2026-11-26T04:29:41.882Z');
    const later = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM w_events WHERE ingest_time > $1::TIMESTAMP', [tsText(wm.ingestedUpToText!)]);
    expect(Number(later!.n)).toBe(0);
    // the ms Date alone would count the last batch as new
    const lossy = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM w_events WHERE ingest_time > $1::TIMESTAMP', [tsText(wm.ingestedUpTo!.toISOString())]);
    expect(Number(lossy!.n)).toBe(2);
  });

  test('a watermark written with a Date reads back as before', async () => {
    await writeWatermark(db, { value: new Date('2026-11-22T00:00:00Z'), ingestedUpTo: new Date('2026-11-26T04:00:00.123Z') }, 'old');
    const wm = await readWatermark(db, 'old');
    expect(wm.ingestedUpTo?.toISOString()).toBe('2026-11-26T04:00:00.123Z');
    expect(wm.ingestedUpToText).toBe('2026-11-26T04:00:00.123Z');
  });
});
