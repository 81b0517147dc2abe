import { writeFile } from 'node:fs/promises';
import { Bool, Float64, Table, Utf8, tableFromJSON, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import type { DuckDb } from './duckdb/db.js';
import { ident, toPlain } from './duckdb/db.js';
import { IdtrailError } from '../lib/errors.js';

export type ExportFormat = 'arrow' | 'parquet' | 'csv';

/**
 * Resolves `idtrail export`'s argument: the name of a table or view in the store, or a read-only
 * query (SELECT/WITH/FROM/PIVOT …). The database is opened read-only by the caller, so a query
 * cannot change it.
 */
export async function resolveExportQuery(db: DuckDb, queryOrTable: string): Promise<string> {
  const q = queryOrTable.trim();
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(q)) {
    const found = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $1`, [q]);
    if (!found || Number(found.n) === 0) {
      const names = (await db.all<{ table_name: string }>(`SELECT table_name FROM information_schema.tables ORDER BY 1`)).map((r) => r.table_name);
      throw new IdtrailError('usage', `no table or view named '${q}'`, { hint: `tables: ${names.join(', ')}` });
    }
    return `SELECT * FROM ${ident(q)}`;
  }
  if (!/^(select|with|from|pivot|unpivot|values|table|describe|summarize)\b/i.test(q)) {
    throw new IdtrailError('usage', 'export takes a table name or a read-only query (SELECT …)', { hint: `got: ${q.slice(0, 60)}` });
  }
  return q.replace(/;\s*$/, '');
}

/** Query results as an Apache Arrow IPC stream (what pandas, polars or DuckDB elsewhere read without parsing). */
export async function queryToArrow(db: DuckDb, sql: string, params?: Record<string, unknown>): Promise<Uint8Array> {
  const rows = (await db.all(sql, params as never)).map((r) => arrowSafe(r));
  if (rows.length === 0) {
    // An empty result still carries its schema: describe the query to get the column names.
    const cols = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`);
    const vectors = Object.fromEntries(cols.map((c) => [c.column_name, vectorFromArray([], arrowType(c.column_type))]));
    return tableToIPC(new Table(vectors), 'stream');
  }
  return tableToIPC(tableFromJSON(rows), 'stream');
}

/** The Arrow type a DuckDB column arrives as after `arrowSafe` (numbers as doubles, the rest as text). */
function arrowType(duckType: string): DataType {
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)/.test(duckType)) return new Float64();
  if (duckType === 'BOOLEAN') return new Bool();
  return new Utf8();
}

function arrowSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint') out[k] = Number(v);
    else if (v instanceof Date) out[k] = v.toISOString();
    else if (v !== null && typeof v === 'object') out[k] = JSON.stringify(toPlain(v));
    else out[k] = v;
  }
  return out;
}

export async function exportQuery(db: DuckDb, queryOrTable: string, format: ExportFormat, out: string): Promise<{ rows: number; out: string }> {
  const sql = await resolveExportQuery(db, queryOrTable);
  const count = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM (${sql})`);
  if (format === 'arrow') {
    await writeFile(out, await queryToArrow(db, sql));
  } else if (format === 'parquet') {
    await db.run(`COPY (${sql}) TO $1 (FORMAT parquet, COMPRESSION zstd)`, [out]);
  } else if (format === 'csv') {
    await db.run(`COPY (${sql}) TO $1 (FORMAT csv, HEADER true)`, [out]);
  } else {
    throw new IdtrailError('usage', `--format must be arrow, parquet or csv, got '${String(format)}'`);
  }
  return { rows: Number(count?.n ?? 0), out };
}
