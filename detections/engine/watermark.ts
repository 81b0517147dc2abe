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
}

export async function readWatermark(db: DuckDb, name = WATERMARK_NAME): Promise<Watermark> {
  const row = await db.one<{ value: Date | null; state: string | null }>('SELECT value, CAST(state AS VARCHAR) AS state FROM watermarks WHERE name = $1', [name]);
  if (!row) return { value: null, ingestedUpTo: null };
  let ingestedUpTo: Date | null = null;
  try {
    const s = row.state ? (JSON.parse(row.state) as { ingested_up_to?: string }) : {};
    ingestedUpTo = s.ingested_up_to ? new Date(s.ingested_up_to) : null;
  } catch {
    ingestedUpTo = null;
  }
  return { value: row.value ? toDate(row.value) : null, ingestedUpTo };
}

export async function writeWatermark(db: DuckDb, wm: { value: Date; ingestedUpTo: Date | null }, name = WATERMARK_NAME): Promise<void> {
  await db.run(
    `INSERT INTO watermarks (name, value, state, updated_at) VALUES ($name, $value::TIMESTAMP, $state::JSON, now()::TIMESTAMP)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, state = excluded.state, updated_at = excluded.updated_at`,
    { name, value: ts(wm.value), state: JSON.stringify({ ingested_up_to: wm.ingestedUpTo?.toISOString() ?? null }) },
  );
}
