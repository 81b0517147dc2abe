import { rawTable, type RawStream } from '../../ingest/streams.js';
import { bodyExpr, col, rawTableDdl, transformSpec, typedSelect } from '../../ingest/raw-projection.js';
import type { DuckDb } from '../../store/duckdb/db.js';

/**
 * Put vendor records into a stream's raw table the way ingest stores them (typed projection of the
 * body by `json_transform`, the record itself in `_json`). Used by `rules test` and the conformance
 * suite on a scratch in-memory database; production ingest lives in store/duckdb.
 */
export async function ensureRawTable(db: DuckDb, stream: RawStream): Promise<void> {
  const exists = await db.one(`SELECT 1 AS x FROM information_schema.tables WHERE table_name = $1`, [rawTable(stream)]);
  if (!exists) await db.run(rawTableDdl(stream));
}

export async function loadRawRecords(db: DuckDb, stream: RawStream, records: unknown[], opts: { batch?: number; tenant?: string; uidPrefix?: string } = {}): Promise<string[]> {
  await ensureRawTable(db, stream);
  const uids: string[] = [];
  const table = col(rawTable(stream));
  for (let i = 0; i < records.length; i++) {
    const uid = `${opts.uidPrefix ?? stream.name}:${opts.tenant ?? 'test'}:${i}:${Math.random().toString(36).slice(2, 10)}`;
    uids.push(uid);
    await db.run(
      `INSERT INTO ${table} SELECT $1, $2, coalesce(CAST((${stream.nativeId}) AS VARCHAR), $1), (${stream.eventTime}), now()::TIMESTAMP, $3, j, ${typedSelect(stream)}
       FROM (SELECT j, k, b, json_transform(b, ${transformSpec(stream)}) AS t FROM (SELECT j, k, (${bodyExpr(stream)}) AS b FROM (SELECT j, json_keys(j) AS k FROM (SELECT CAST($4 AS JSON) AS j))))`,
      [uid, opts.tenant ?? 'test', opts.batch ?? 1, JSON.stringify(records[i])],
    );
  }
  return uids;
}
