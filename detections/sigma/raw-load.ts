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
  const prefix = `${opts.uidPrefix ?? stream.name}:${opts.tenant ?? 'test'}:${Math.random().toString(36).slice(2, 10)}`;
  // chunks of records in one statement: the JSON array is one bound parameter
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500);
    await db.run(
      `INSERT INTO ${table} SELECT $1 || ':' || CAST(n AS VARCHAR), $2, coalesce(CAST((${stream.nativeId}) AS VARCHAR), $1 || ':' || CAST(n AS VARCHAR)), (${stream.eventTime}), now()::TIMESTAMP, $3, j, ${typedSelect(stream)}
       FROM (SELECT n, j, k, b, json_transform(b, ${transformSpec(stream)}) AS t FROM (SELECT n, j, k, (${bodyExpr(stream)}) AS b FROM (SELECT n, j, json_keys(j) AS k FROM (SELECT generate_subscripts(a, 1) + ${start - 1} AS n, unnest(a) AS j FROM (SELECT json_extract(CAST($4 AS JSON), '$[*]') AS a)))))`,
      [prefix, opts.tenant ?? 'test', opts.batch ?? 1, JSON.stringify(chunk)],
    );
    chunk.forEach((_r, i) => uids.push(`${prefix}:${start + i}`));
  }
  return uids;
}
