import type { DuckDb } from '../../store/duckdb/db.js';
import { ts } from '../analytics/sql.js';
import { toDate } from './format.js';

/**
 * The detection watermark (table `watermarks`, name `detections`): the event time up to which the
 * last run looked, and the ingest time of the newest event it saw. The next run starts at
 * watermark − lookback, and earlier still if events arrived since with older event times.
 */
export const WATERMARK_NAME = 'detections';

export interface Watermark {
  value: Date | null;
  ingestedUpTo: Date | null;
  /**
   * The same as written (ISO-8601, microseconds when the writer gave them): ingest times are
   * TIMESTAMP (µs) and a Date keeps only ms, so "ingested after" compares against this text.
   */
  ingestedUpToText: string | null;
}

export async function readWatermark(db: DuckDb, name = WATERMARK_NAME): Promise<Watermark> {
  const row = await db.one<{ value: Date | null; state: string | null }>('SELECT value, CAST(state AS VARCHAR) AS state FROM watermarks WHERE name = $1', [name]);
  if (!row) return { value: null, ingestedUpTo: null, ingestedUpToText: null };
  let ingestedUpTo: Date | null = null;
  let ingestedUpToText: string | null = null;
  try {
    const s = row.state ? (JSON.parse(row.state) as { ingested_up_to?: string }) : {};
    ingestedUpTo = s.ingested_up_to ? new Date(s.ingested_up_to) : null;
    ingestedUpToText = ingestedUpTo && !Number.isNaN(ingestedUpTo.getTime()) ? (s.ingested_up_to ?? null) : null;
  } catch {
    ingestedUpTo = null;
  }
  return { value: row.value ? toDate(row.value) : null, ingestedUpTo, ingestedUpToText };
}

/** `ingestedUpTo` as a string: an ISO-8601 UTC time that may carry microseconds (see ingestTimeText). */
export async function writeWatermark(db: DuckDb, wm: { value: Date; ingestedUpTo: Date | string | null }, name = WATERMARK_NAME): Promise<void> {
  await db.run(
    `INSERT INTO watermarks (name, value, state, updated_at) VALUES ($name, $value::TIMESTAMP, $state::JSON, now()::TIMESTAMP)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, state = excluded.state, updated_at = excluded.updated_at`,
    { name, value: ts(wm.value), state: JSON.stringify({ ingested_up_to: typeof wm.ingestedUpTo === 'string' ? wm.ingestedUpTo : (wm.ingestedUpTo?.toISOString() ?? null) }) },
  );
}

/** SQL: a TIMESTAMP column or aggregate as ISO-8601 UTC text with microseconds. */
export const ingestTimeText = (expr: string): string => `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.%fZ')`;

/** An ISO-8601 UTC text (µs allowed) as a bound TIMESTAMP parameter value. */
export const tsText = (iso: string): string => iso.replace('T', ' ').replace(/Z$/, '');
