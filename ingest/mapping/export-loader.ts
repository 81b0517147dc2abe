import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z, ZodError } from 'zod';
import type { DuckDb } from '../../store/duckdb/db.js';
import { readField, typed, type FieldSpec } from './column-mapping.js';
import type { BadRecord, SourceRecord } from './records.js';
import { addResults, emptyResult, TABLES, writeQuarantine, writeRows, type LoadResult, type Rejected, type Row, type TableName } from './tables.js';
import { asTimestamp, ValueError, zodReason } from './values.js';
import { IdtrailError } from '../../lib/errors.js';

/**
 * The one path by which HRIS and ITSM records become rows: map each record with its column mapping,
 * type and validate the row, quarantine what fails (with origin and line), and write the rest in one
 * transaction with the quarantine rows. received = stored + duplicates + quarantined.
 */
export interface ExportLoad {
  table: Extract<TableName, 'hris_workers' | 'itsm_records'>;
  /** The `source` column of every row (the HRIS or ITSM system). */
  source: string;
  /** Quarantine `source` / `stream`. */
  quarantineSource: string;
  stream: string;
  origin: string;
  records: SourceRecord[];
  /** Records the reader already rejected (malformed CSV/JSON). */
  bad: BadRecord[];
  fields: Partial<Record<string, FieldSpec>>;
  attributes?: Record<string, FieldSpec>;
  /** Values for columns the mapping leaves empty (e.g. the record type a file name implies). */
  fallbacks?: Partial<Record<string, string>>;
  /** The export time: `updated_at` of records that carry no version time of their own. */
  asOf: string | null;
  rowSchema: z.ZodType<unknown>;
  /** Columns a record must fill (besides what rowSchema checks). */
  required?: string[];
  /** Adjusts the mapped rows of the whole file before writing (cross-record references). */
  finish?: (mapped: { row: Row; record: SourceRecord }[]) => void;
}

export async function loadExport(db: DuckDb, job: ExportLoad): Promise<LoadResult> {
  const spec = TABLES[job.table];
  const rejected: Rejected[] = job.bad.map((b) => ({ line: b.line, raw: b.raw, reason: b.reason }));
  const mapped: { row: Row; record: SourceRecord }[] = [];
  for (const rec of job.records) {
    try {
      const row: Row = { source: job.source };
      for (const [col, fieldSpec] of Object.entries(job.fields)) {
        if (!fieldSpec || !(col in spec.columns)) continue;
        row[col] = typed(readField(rec.value, fieldSpec, col), spec.columns[col], col);
      }
      for (const [col, v] of Object.entries(job.fallbacks ?? {})) {
        if ((row[col] === undefined || row[col] === null) && v !== undefined) row[col] = typed(v, spec.columns[col], col);
      }
      if ((row.updated_at === undefined || row.updated_at === null) && job.asOf) row.updated_at = job.asOf;
      if (job.attributes) {
        const attrs: Record<string, unknown> = {};
        for (const [name, fieldSpec] of Object.entries(job.attributes)) {
          const v = readField(rec.value, fieldSpec, `attributes.${name}`);
          if (v !== undefined && v !== null && v !== '') attrs[name] = v;
        }
        row.attributes = attrs;
      }
      for (const col of job.required ?? []) {
        if (row[col] === undefined || row[col] === null) throw new ValueError(`${col}: required, but the record has no value for it`);
      }
      job.rowSchema.parse(row);
      mapped.push({ row, record: rec });
    } catch (err) {
      if (err instanceof ZodError) rejected.push({ line: rec.line, raw: rec.raw, reason: `invalid ${job.stream} record: ${zodReason(err)}` });
      else if (err instanceof ValueError) rejected.push({ line: rec.line, raw: rec.raw, reason: err.message });
      else throw err;
    }
  }
  job.finish?.(mapped);
  const rows = mapped.map((m) => m.row);
  const written = await db.transaction(async (conn) => {
    await writeQuarantine(conn, { source: job.quarantineSource, stream: job.stream, tenant: null, origin: job.origin }, rejected);
    return writeRows(conn, job.table, rows);
  });
  const result = emptyResult();
  result.received = job.records.length + job.bad.length;
  result.stored = written.stored;
  result.duplicates = written.duplicates;
  result.quarantined = rejected.length;
  result.tables[job.table] = written.stored;
  result.streams[job.table] = written.stored;
  return result;
}

/** Rows without a version time and no export time to fall back on are rejected with this hint. */
export const NO_VERSION_TIME = 'no version time (updated_at): the record has none and no export time was given (--as-of)';

/**
 * The column mapping of an HRIS or ITSM export: the one given in config, else the named preset,
 * else the preset detected from the file — or an error saying how to choose.
 */
export function chooseExportMapping<M>(
  kind: 'HRIS' | 'ITSM',
  opts: { mapping?: unknown; preset?: string },
  detected: string | null,
  origin: string,
  presets: Record<string, M>,
  parseConfigMapping: (m: unknown) => M,
): M {
  if (opts.mapping !== undefined) return parseConfigMapping(opts.mapping);
  const names = Object.keys(presets);
  const name = opts.preset ?? detected;
  if (!name) {
    throw new IdtrailError('input_invalid', `${origin}: cannot tell which ${kind} export this is`, {
      location: { file: origin },
      hint: `pass --preset (${names.join(', ')}) or give a column mapping in config`,
    });
  }
  const preset = presets[name];
  if (!preset) throw new IdtrailError('usage', `unknown ${kind} preset ${JSON.stringify(name)}`, { hint: `one of ${names.join(', ')}` });
  return preset;
}

/** The `--as-of` export time as ISO text, or null when not given. */
export function asOfText(v: string | Date | undefined): string | null {
  if (v === undefined) return null;
  try {
    return asTimestamp(v, 'asOf');
  } catch (err) {
    throw new IdtrailError('usage', `export time ${JSON.stringify(v)} is not an ISO-8601 date-time`, { cause: err });
  }
}

/** A file, or every CSV/JSON export file in a folder (sorted, each loaded on its own). */
export async function loadFileOrFolder(path: string, loadFile: (file: string) => Promise<LoadResult>): Promise<LoadResult> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new IdtrailError('file_not_found', `${path}: no such file or folder`, { location: { file: path } });
  if (!st.isDirectory()) return loadFile(path);
  let total = emptyResult();
  for (const name of (await readdir(path)).sort()) {
    if (!/\.(csv|json|ndjson|jsonl)(\.gz)?$/i.test(name)) continue;
    total = addResults(total, await loadFile(join(path, name)));
  }
  return total;
}
