import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { EventStore } from '../../store/event-store.js';
import type { DuckDb } from '../../store/duckdb/db.js';
import { parseMapping } from '../mapping/column-mapping.js';
import { asOfText, chooseExportMapping, loadExport, loadFileOrFolder, NO_VERSION_TIME } from '../mapping/export-loader.js';
import { detectItsmPreset, ITSM_PRESETS, ItsmMappingSchema, RECORD_TYPES, recordTypeFromName, type ItsmMapping } from '../mapping/itsm-presets.js';
import { jsonRecord, readExportFile, readRecords, type BadRecord, type SourceRecord } from '../mapping/records.js';
import { emptyResult, sqlDb, type LoadResult } from '../mapping/tables.js';

/**
 * ITSM exports into `itsm_records`: ServiceNow Table API responses, Jira search results, the IGA
 * access-review decisions CSV and the self-service portal CSV (or any export with a mapping from
 * config). A record is versioned by its update time, so re-exports add new versions and re-loading
 * the same export stores nothing.
 *
 * A change "caused an incident" when an incident of the same system points at it (ServiceNow
 * `caused_by`): after each load the flag is derived for every change of that system, so the order in
 * which incident and change exports are loaded does not matter.
 */
export interface ItsmOptions {
  /** A built-in mapping: `servicenow`, `jira`, `access_reviews`, `self_service`, `survey`, `audit_findings`. Detected when omitted. */
  preset?: string;
  /** A mapping from config (same format as the presets); wins over `preset`. */
  mapping?: unknown;
  /** The `source` column (default: the mapping's name). */
  sourceName?: string;
  /** Record type for records that do not carry one (default: from a ServiceNow table file name). */
  recordType?: string;
  /** When the export was taken: the version time of records that carry none. Files default to their modification time. */
  asOf?: string | Date;
}

type StoreLike = EventStore | { db: DuckDb };

export const ITSM_PRESET_NAMES = Object.keys(ITSM_PRESETS);

const ItsmRow = z.looseObject({
  record_id: z.string({ error: 'record id is empty' }).min(1),
  record_type: z.enum(RECORD_TYPES, { error: `record type must be one of ${RECORD_TYPES.join(', ')}` }),
  updated_at: z.string({ error: NO_VERSION_TIME }),
});

function chooseMapping(opts: ItsmOptions, detected: string | null, origin: string): ItsmMapping {
  return chooseExportMapping('ITSM', opts, detected, origin, ITSM_PRESETS, (m) => parseMapping(ItsmMappingSchema, m, 'itsm.mapping'));
}

async function load(store: StoreLike, read: { records: SourceRecord[]; bad: BadRecord[]; header?: string[]; envelopeKey?: string }, origin: string, opts: ItsmOptions): Promise<LoadResult> {
  // An empty export (no header, no records) is nothing to load, whatever its system.
  if (read.records.length === 0 && read.bad.length === 0 && opts.mapping === undefined && !opts.preset && !read.header) return emptyResult();
  const mapping = chooseMapping(opts, detectItsmPreset(read.header, read.envelopeKey, read.records[0]?.value), origin);
  const source = opts.sourceName ?? mapping.name;
  const recordType = opts.recordType ?? recordTypeFromName(basename(origin)) ?? undefined;
  const db = sqlDb(store);
  const result = await loadExport(db, {
    table: 'itsm_records',
    source,
    quarantineSource: 'itsm',
    stream: mapping.name,
    origin,
    records: read.records,
    bad: read.bad,
    fields: mapping.fields,
    attributes: mapping.attributes,
    fallbacks: recordType ? { record_type: recordType } : undefined,
    asOf: asOfText(opts.asOf),
    rowSchema: ItsmRow,
    required: mapping.required,
    finish: (mapped) => {
      // A change is known not to have caused an incident until an incident says otherwise.
      for (const m of mapped) if (m.row.record_type === 'change' && (m.row.caused_incident === undefined || m.row.caused_incident === null)) m.row.caused_incident = false;
    },
  });
  await linkCausedIncidents(db, source);
  return result;
}

/** Marks changes that an incident of the same system names as its cause (by sys_id or by number). */
export async function linkCausedIncidents(db: DuckDb, source: string): Promise<number> {
  return db.transaction(async (conn) => {
    const res = await conn.run(
      `UPDATE itsm_records AS c SET caused_incident = true
WHERE c.source = $1 AND c.record_type = 'change' AND coalesce(c.caused_incident, false) = false
  AND EXISTS (
    SELECT 1 FROM itsm_records i
    WHERE i.source = c.source AND i.record_type = 'incident'
      AND (i.related_record_id = c.record_id
           OR i.related_record_id = json_extract_string(c.attributes, '$.number')
           OR json_extract_string(i.attributes, '$.caused_by_number') = json_extract_string(c.attributes, '$.number')))`,
      [source],
    );
    return Number(res.rowsChanged);
  });
}

/** Records a caller already holds (a ServiceNow or Jira API page): objects as the vendor returns them. */
export async function loadItsmRecords(store: StoreLike, records: unknown[], opts: ItsmOptions & { origin?: string; lines?: number[]; envelopeKey?: string } = {}): Promise<LoadResult> {
  const origin = opts.origin ?? 'itsm';
  const src = records.map((value, i) => jsonRecord(opts.lines?.[i] ?? i + 1, value));
  return load(store, { records: src, bad: [], envelopeKey: opts.envelopeKey }, origin, opts);
}

/** One export file (ServiceNow `{"result"}`, Jira `{"issues"}`, CSV, NDJSON; gzip or not). */
export async function loadItsmFile(store: StoreLike, path: string, opts: ItsmOptions = {}): Promise<LoadResult> {
  const { text } = await readExportFile(path);
  const read = readRecords(text, path);
  const asOf = opts.asOf ?? (await stat(path)).mtime;
  const result = await load(store, read, path, { ...opts, asOf });
  result.files = [path];
  return result;
}

/** A file, or every CSV/JSON file in a folder (each detected on its own unless a preset is given). */
export async function loadItsmPath(store: StoreLike, path: string, opts: ItsmOptions = {}): Promise<LoadResult> {
  return loadFileOrFolder(path, (file) => loadItsmFile(store, file, opts));
}
