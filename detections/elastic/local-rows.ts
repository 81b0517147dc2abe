import type { DuckDb } from '../../store/duckdb/db.js';
import { ident } from '../../store/duckdb/db.js';

/**
 * Rows into a table of the embedded DuckDB that finishes an Elasticsearch detection run, as one
 * JSON array typed by the table's own columns (`json_transform` with the table's structure). The
 * structure is built from the catalog of our own schema, never from input.
 */
export async function insertJsonRows(db: DuckDb, table: string, rowsJson: string): Promise<void> {
  const cols = await db.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  if (cols.length === 0) throw new Error(`no table ${table}`);
  const structure = JSON.stringify([Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]))]).replace(/'/g, "''");
  await db.run(`INSERT INTO ${ident(table)} BY NAME SELECT unnest(r) FROM (SELECT unnest(json_transform($rows::JSON, '${structure}')) AS r)`, { rows: rowsJson });
}

/** Every row of a table as one JSON array, in DuckDB's own text forms (dates, timestamps, lists). */
export async function tableAsJson(db: DuckDb, table: string): Promise<string | null> {
  const row = await db.one<{ j: string | null }>(`SELECT CAST(to_json(list(t)) AS VARCHAR) AS j FROM ${ident(table)} t`);
  return row?.j ?? null;
}
