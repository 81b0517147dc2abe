import { STREAMS, rawTable, type RawStream } from '../../ingest/streams.js';
import { bodyExpr, col, rawTableDdl, schemaHash, sqlString, transformSpec, typedSelect } from '../../ingest/raw-projection.js';
import { COUNTRY_ISO2 } from '../../ingest/normalize/countries.js';
import { RAW_META_COLUMNS } from '../../ingest/streams.js';
import type { DuckDb } from './db.js';

/**
 * Creates one `raw_<stream>` table per registry entry and records its schema hash in `raw_streams`.
 * When a stream's typed columns change (a new vendor field, a new type), the table is rebuilt from
 * `_json` — lossless, because `_json` keeps every record exactly as received.
 */
export async function ensureRawTables(db: DuckDb, streams: RawStream[] = STREAMS): Promise<{ created: string[]; rebuilt: string[] }> {
  const created: string[] = [];
  const rebuilt: string[] = [];
  await db.run('CREATE SEQUENCE IF NOT EXISTS raw_batch_seq START 1');
  await ensureCountryTable(db);
  const existing = new Map(
    (await db.all<{ stream: string; schema_hash: string }>('SELECT stream, schema_hash FROM raw_streams')).map((r) => [r.stream, r.schema_hash]),
  );
  const tables = new Set(
    (await db.all<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`)).map((r) => r.table_name),
  );
  for (const stream of streams) {
    const table = rawTable(stream);
    const hash = schemaHash(stream);
    if (!tables.has(table)) {
      await db.transaction(async (conn) => {
        await db.run(rawTableDdl(stream), undefined, conn);
        await db.run(
          `INSERT INTO raw_streams VALUES ($1, $2, $3, now()::TIMESTAMP) ON CONFLICT (stream) DO UPDATE SET raw_table = excluded.raw_table, schema_hash = excluded.schema_hash, updated_at = excluded.updated_at`,
          [stream.name, table, hash],
          conn,
        );
      });
      created.push(stream.name);
    } else if (existing.get(stream.name) !== hash) {
      await rebuildRawTable(db, stream, hash);
      rebuilt.push(stream.name);
    }
  }
  return { created, rebuilt };
}

async function rebuildRawTable(db: DuckDb, stream: RawStream, hash: string): Promise<void> {
  const table = rawTable(stream);
  const next = `${table}__rebuild`;
  const meta = Object.keys(RAW_META_COLUMNS).map(col).join(', ');
  await db.transaction(async (conn) => {
    await db.run(`DROP TABLE IF EXISTS ${col(next)}`, undefined, conn);
    await db.run(rawTableDdl(stream, next), undefined, conn);
    await db.run(
      `INSERT INTO ${col(next)} SELECT ${meta}, ${typedSelect(stream)} FROM (SELECT ${meta}, json_transform(${bodyExpr(stream)}, ${transformSpec(stream)}) AS t FROM (SELECT *, _json AS j, json_keys(_json) AS k FROM ${col(table)}))`,
      undefined,
      conn,
    );
    await db.run(`DROP TABLE ${col(table)}`, undefined, conn);
    await db.run(`ALTER TABLE ${col(next)} RENAME TO ${col(table)}`, undefined, conn);
    await db.run(`INSERT INTO raw_streams VALUES ($1, $2, $3, now()::TIMESTAMP) ON CONFLICT (stream) DO UPDATE SET schema_hash = excluded.schema_hash, updated_at = excluded.updated_at`, [stream.name, table, hash], conn);
  });
}

/** Country name (lower case) → ISO 3166-1 alpha-2, for vendors that give full names (Okta). */
async function ensureCountryTable(db: DuckDb): Promise<void> {
  await db.run('CREATE TABLE IF NOT EXISTS country_iso2 (name VARCHAR PRIMARY KEY, iso2 VARCHAR NOT NULL)');
  const entries = Object.entries(COUNTRY_ISO2);
  const row = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM country_iso2');
  if (Number(row?.n ?? 0) === entries.length) return;
  await db.transaction(async (conn) => {
    await db.run('DELETE FROM country_iso2', undefined, conn);
    // Our own constant table (not input), written as literals.
    const values = entries.map(([n, c]) => `(${sqlString(n.toLowerCase())}, ${sqlString(c)})`).join(', ');
    await db.run(`INSERT INTO country_iso2 SELECT DISTINCT ON (n) n, c FROM (VALUES ${values}) v(n, c)`, undefined, conn);
  });
}
