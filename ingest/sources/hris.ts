import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { IdtrailError } from '../../lib/errors.js';
import type { EventStore } from '../../store/event-store.js';
import type { DuckDb } from '../../store/duckdb/db.js';
import { parseMapping } from '../mapping/column-mapping.js';
import { asOfText, chooseExportMapping, loadExport, loadFileOrFolder, NO_VERSION_TIME } from '../mapping/export-loader.js';
import { detectHrisPreset, HRIS_PRESETS, HrisMappingSchema, type HrisMapping } from '../mapping/hris-presets.js';
import { jsonRecord, readExportFile, readRecords, type BadRecord, type SourceRecord } from '../mapping/records.js';
import { emptyResult, sqlDb, type LoadResult } from '../mapping/tables.js';
import { getPath } from '../mapping/values.js';

/**
 * HRIS worker exports (Workday, BambooHR, SCIM enterprise users, or any CSV/JSON with a mapping
 * from config) into `hris_workers`. Every version of a worker is kept: a row per
 * (system, employee, updated_at), so a rehire is a later `active` row after a `terminated` one, and a
 * termination entered after its effective date keeps both dates (`termination_date`,
 * `termination_recorded_at`).
 */
export interface HrisOptions {
  /** A built-in mapping: `workday`, `bamboohr`, `scim`. Detected from the export when omitted. */
  preset?: string;
  /** A mapping from config (same format as the presets); wins over `preset`. */
  mapping?: unknown;
  /** The `source` column (default: the mapping's name). */
  sourceName?: string;
  /** When the export was taken: the version time of records that carry none. Files default to their modification time. */
  asOf?: string | Date;
}

type StoreLike = EventStore | { db: DuckDb };

const HrisRow = z.looseObject({
  employee_id: z.string({ error: 'employee id is empty' }).min(1),
  status: z.enum(['active', 'terminated', 'leave']),
  updated_at: z.string({ error: NO_VERSION_TIME }),
});

export const HRIS_PRESET_NAMES = Object.keys(HRIS_PRESETS);

function chooseMapping(opts: HrisOptions, detected: string | null, origin: string): HrisMapping {
  return chooseExportMapping('HRIS', opts, detected, origin, HRIS_PRESETS, (m) => parseMapping(HrisMappingSchema, m, 'hris.mapping'));
}

async function load(store: StoreLike, read: { records: SourceRecord[]; bad: BadRecord[]; header?: string[]; envelopeKey?: string }, origin: string, opts: HrisOptions): Promise<LoadResult> {
  // An empty export (no header, no records) is nothing to load, whatever its system.
  if (read.records.length === 0 && read.bad.length === 0 && opts.mapping === undefined && !opts.preset && !read.header) return emptyResult();
  const mapping = chooseMapping(opts, detectHrisPreset(read.header, read.envelopeKey, read.records[0]?.value), origin);
  const missing = read.header ? requiredColumnsMissing(mapping, read.header) : [];
  if (missing.length > 0) {
    throw new IdtrailError('input_invalid', `${origin}: the ${mapping.name} mapping reads ${missing.join(', ')}, which the header lacks`, {
      location: { file: origin, line: 1 },
      hint: `header is: ${read.header!.join(',')}; choose another --preset or adjust the mapping`,
    });
  }
  return loadExport(sqlDb(store), {
    table: 'hris_workers',
    source: opts.sourceName ?? mapping.name,
    quarantineSource: 'hris',
    stream: mapping.name,
    origin,
    records: read.records,
    bad: read.bad,
    fields: mapping.fields,
    asOf: asOfText(opts.asOf),
    rowSchema: HrisRow,
    required: mapping.required,
    finish: mapping.managerRef ? resolveManagers(mapping.managerRef) : undefined,
  });
}

/** For a CSV, the employee id and status columns must exist (one of their alternatives). */
function requiredColumnsMissing(mapping: HrisMapping, header: string[]): string[] {
  const missing: string[] = [];
  for (const col of ['employee_id', 'status'] as const) {
    const spec = mapping.fields[col];
    if (spec === undefined) continue;
    const from = typeof spec === 'string' ? [spec] : Array.isArray(spec) ? spec : typeof spec.from === 'string' ? [spec.from] : (spec.from ?? []);
    if (from.length > 0 && !from.some((p) => header.includes(p))) missing.push(from.join(' or '));
  }
  return missing;
}

/** Manager fields that hold the manager's record id: translate to that record's employee id. */
function resolveManagers(refPath: string) {
  return (mapped: { row: Record<string, unknown>; record: SourceRecord }[]) => {
    const byRef = new Map<string, string>();
    for (const m of mapped) {
      const ref = getPath(m.record.value, refPath);
      if (ref !== undefined && ref !== null && ref !== '') byRef.set(String(ref), String(m.row.employee_id));
    }
    for (const m of mapped) {
      const mgr = m.row.manager_employee_id;
      if (typeof mgr === 'string' && byRef.has(mgr)) m.row.manager_employee_id = byRef.get(mgr)!;
    }
  };
}

/** Worker records a caller already holds (an HRIS API page): objects as the vendor returns them. */
export async function loadHrisRecords(store: StoreLike, records: unknown[], opts: HrisOptions & { origin?: string; lines?: number[] } = {}): Promise<LoadResult> {
  const origin = opts.origin ?? 'hris';
  const src = records.map((value, i) => jsonRecord(opts.lines?.[i] ?? i + 1, value));
  return load(store, { records: src, bad: [] }, origin, opts);
}

/** One export file (CSV, JSON array, NDJSON, SCIM ListResponse, BambooHR report; gzip or not). */
export async function loadHrisFile(store: StoreLike, path: string, opts: HrisOptions = {}): Promise<LoadResult> {
  const { text } = await readExportFile(path);
  const read = readRecords(text, path);
  const asOf = opts.asOf ?? (await stat(path)).mtime;
  const result = await load(store, read, path, { ...opts, asOf });
  result.files = [path];
  return result;
}

/** A file, or every CSV/JSON file in a folder. */
export async function loadHrisPath(store: StoreLike, path: string, opts: HrisOptions = {}): Promise<LoadResult> {
  return loadFileOrFolder(path, (file) => loadHrisFile(store, file, opts));
}
