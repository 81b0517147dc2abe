import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore } from '../../store/event-store.js';
import type { DuckDb } from '../../store/duckdb/db.js';
import { addResults, emptyResult, sqlDb, tableCounts, type LoadResult, type TableName } from '../mapping/tables.js';
import { loadHrisPath } from './hris.js';
import { loadInventoryPath } from './inventory.js';
import { loadItsmPath } from './itsm.js';

/**
 * Loads the non-event part of a demo data folder: `inventory/`, `hris/`, `itsm/`, and the survey and
 * audit-findings registers in `survey/` and `audit/` (the layout of the demo generator). A part that is absent is skipped. The export time used for records that carry
 * no version time is the inventory snapshot time (or the labels' generation time), not the file
 * time, so that regenerating identical demo data and loading it again stores nothing new.
 */
export type NonEventCounts = Record<TableName, number> & {
  /** Rows now in each table (also spread at the top level: `counts.accounts`). */
  tables: Record<TableName, number>;
  /** What this load did, summed over every file. */
  load: LoadResult;
  quarantined: number;
};

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null)) !== null;
}

async function demoExportTime(dir: string): Promise<string | undefined> {
  for (const [file, key] of [
    [join(dir, 'inventory', 'snapshot.json'), 'snapshot_at'],
    [join(dir, 'labels.json'), 'generated_at'],
  ] as const) {
    try {
      const v = (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>)[key];
      if (typeof v === 'string') return v;
    } catch {
      /* absent or unreadable: try the next */
    }
  }
  return undefined;
}

export async function loadDemoNonEventData(store: EventStore | { db: DuckDb }, dir: string): Promise<NonEventCounts> {
  const db = sqlDb(store);
  const asOf = await demoExportTime(dir);
  let load = emptyResult();
  if (await exists(join(dir, 'inventory'))) load = addResults(load, await loadInventoryPath(store, join(dir, 'inventory')));
  if (await exists(join(dir, 'hris'))) load = addResults(load, await loadHrisPath(store, join(dir, 'hris'), { asOf }));
  // survey/ and audit/ are small ITSM-shaped registers (stakeholder survey, access audit findings)
  for (const sub of ['itsm', 'survey', 'audit']) {
    if (await exists(join(dir, sub))) load = addResults(load, await loadItsmPath(store, join(dir, sub), { asOf }));
  }
  const tables = await tableCounts(db);
  return { ...tables, tables, load, quarantined: load.quarantined };
}
