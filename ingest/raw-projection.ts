import { createHash } from 'node:crypto';
import { RAW_META_COLUMNS, rawTable, type RawStream } from './streams.js';

/**
 * How a raw stream's typed columns are computed from its JSON: one lenient `json_transform` of the
 * stream's body into a struct (one parse per record; a field of the wrong type becomes NULL in the
 * typed column and stays intact in `_json`), then one column per top-level key.
 */

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Quoted column name for a vendor key (keys come from our registry, never from input). */
export function col(key: string): string {
  return `"${key.replace(/"/g, '""')}"`;
}

/** The `json_transform` structure argument: `{"key": "<DuckDB type>", ...}`. */
export function transformSpec(stream: RawStream): string {
  return sqlString(JSON.stringify(stream.columns));
}

/** SQL for the body JSON of the stream given the record's JSON expression `j`. */
export function bodyExpr(stream: RawStream): string {
  return stream.body ?? 'j';
}

/** `CREATE TABLE` for a raw stream (meta columns, typed columns, primary key on `_uid`). */
export function rawTableDdl(stream: RawStream, table = rawTable(stream)): string {
  const cols = [
    ...Object.entries(RAW_META_COLUMNS).map(([k, t]) => `${col(k)} ${t}`),
    ...Object.entries(stream.columns).map(([k, t]) => `${col(k)} ${t}`),
  ];
  return `CREATE TABLE ${col(table)} (\n  ${cols.join(',\n  ')},\n  PRIMARY KEY (_uid)\n)`;
}

/** Hash of what determines a raw table's typed columns: their names, types and the body expression. */
export function schemaHash(stream: RawStream): string {
  return createHash('sha256')
    .update(JSON.stringify({ columns: stream.columns, body: stream.body ?? 'j' }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Select list of the typed columns from a struct alias `t` holding `json_transform(body, spec)`.
 */
export function typedSelect(stream: RawStream, alias = 't'): string {
  return Object.keys(stream.columns)
    .map((k) => `${alias}.${col(k)}`)
    .join(', ');
}

/** JSON kinds (`json_type`) a top-level key may have for its declared DuckDB type. */
export function allowedJsonTypes(duckType: string): string[] | null {
  const t = duckType.trim().toUpperCase();
  if (t === 'JSON') return null;
  if (t.endsWith('[]')) return ['ARRAY'];
  if (t.startsWith('STRUCT') || t.startsWith('MAP')) return ['OBJECT'];
  if (t === 'BOOLEAN') return ['BOOLEAN'];
  if (t === 'BIGINT' || t === 'INTEGER' || t === 'DOUBLE') return ['BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR'];
  // VARCHAR: any scalar (numbers and booleans keep their JSON text)
  return ['VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN'];
}

function checkedColumns(stream: RawStream): { k: string; allowed: string[] }[] {
  return Object.entries(stream.columns)
    .map(([k, t]) => ({ k, allowed: allowedJsonTypes(t) }))
    .filter((c): c is { k: string; allowed: string[] } => c.allowed !== null);
}

/** `json_type(b, [paths…])`: the JSON kinds of every checked top-level key, one parse of `b`. */
export function typeListExpr(stream: RawStream, b: string): string {
  const checked = checkedColumns(stream);
  if (checked.length === 0) return 'NULL::VARCHAR[]';
  return `json_type(${b}, [${checked.map((c) => sqlString(`$.${JSON.stringify(c.k)}`)).join(', ')}])`;
}

/**
 * Over the kinds list `tl` (from typeListExpr): `invalid_type:<key>` for the first misfit, else NULL.
 * The common case — every key of an acceptable kind — is one RE2 full match of the joined kinds
 * against a constant pattern; only a record that fails it runs the lambda that names the first misfit
 * (a lambda over a constant nested list is rebuilt per row and dominated ingest; a CASE with a branch
 * per column plans and runs slower still).
 */
export function typeCheckCase(stream: RawStream, tl: string): string {
  const checked = checkedColumns(stream);
  if (checked.length === 0) return 'NULL';
  const allowed = `[${checked.map((c) => `[${['NULL', ...c.allowed].map(sqlString).join(', ')}]`).join(', ')}]`;
  const names = `[${checked.map((c) => sqlString(`invalid_type:${c.k}`)).join(', ')}]`;
  const firstMisfit = `${names}[list_filter(range(1, ${checked.length + 1}), i -> NOT list_contains(${allowed}[i], coalesce(${tl}[i], 'NULL')))[1]]`;
  const pattern = checked.map((c) => `(?:${['NULL', ...c.allowed].map((k) => k.replace(/[^A-Z_]/g, '')).join('|')})`).join(',');
  const joined = `array_to_string(list_transform(${tl}, x -> coalesce(x, 'NULL')), ',')`;
  return `(CASE WHEN regexp_full_match(${joined}, ${sqlString(pattern)}) THEN NULL ELSE ${firstMisfit} END)`;
}

export { sqlString };
