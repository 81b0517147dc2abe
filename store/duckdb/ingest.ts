// Placeholder signatures; the ingest pipeline replaces these bodies.
import type { Checkpoint, IngestContext, IngestResult } from '../event-store.js';
import type { DuckDb } from './db.js';
import { ensureRawTables as ensureStreamTables } from './raw-tables.js';

export async function ensureRawTables(db: DuckDb): Promise<void> {
  await ensureStreamTables(db);
}
export async function ingestRecords(_db: DuckDb, _records: string[], _ctx: IngestContext): Promise<IngestResult> {
  throw new Error('ingestRecords: not implemented yet');
}
export async function getCheckpoint(_db: DuckDb, _s: string, _t: string, _st: string): Promise<Checkpoint | null> {
  return null;
}
export async function countEvents(db: DuckDb): Promise<Record<string, number>> {
  const rows = await db.all<{ source: string; n: bigint }>('SELECT source, count(*) AS n FROM identity_events GROUP BY source ORDER BY source');
  return Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
}
export async function countQuarantine(db: DuckDb): Promise<number> {
  const row = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM quarantine');
  return Number(row?.n ?? 0);
}
