import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { migrate } from '../../store/duckdb/migrate.js';
import { loadDemoNonEventData } from './demo-exports.js';
import { FILE_LOADERS } from './file-loaders.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures');

/** A demo data folder in the generator's layout, built from the fixtures. */
async function demoDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'demo-'));
  await cp(join(FIX, 'inventory'), join(dir, 'inventory'), { recursive: true });
  await mkdir(join(dir, 'hris'));
  await cp(join(FIX, 'hris', 'workers.csv'), join(dir, 'hris', 'workers.csv'));
  await cp(join(FIX, 'itsm'), join(dir, 'itsm'), { recursive: true });
  await rm(join(dir, 'itsm', 'jira_search.json'));
  await cp(join(FIX, 'itsm', 'survey'), join(dir, 'survey'), { recursive: true });
  await cp(join(FIX, 'itsm', 'audit'), join(dir, 'audit'), { recursive: true });
  await writeFile(join(dir, 'labels.json'), JSON.stringify({ seed: 1, generated_at: '2026-11-25T06:30:00Z', window: {}, scenarios: [] }));
  return dir;
}

describe('loadDemoNonEventData', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await demoDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads inventory, HRIS and ITSM exports of a demo folder and is a no-op the second time, even after the files are rewritten', async () => {
    const db = await DuckDb.open(':memory:');
    try {
      await migrate(db);
      const first = await loadDemoNonEventData({ db }, dir);
      expect(first.tables).toEqual({ accounts: 14, auth_methods: 19, role_assignments: 13, hris_workers: 13, itsm_records: 24 });
      expect(first.quarantined).toBe(6 + 5 + 5 + 1);
      expect(first.accounts).toBe(14);
      expect(first.load.received).toBe(first.load.stored + first.load.duplicates + first.load.quarantined + first.load.skipped);
      // regenerated demo data has new file times; the export time comes from the data, so nothing changes
      const later = new Date('2030-01-01T00:00:00Z');
      for (const f of ['hris/workers.csv', 'itsm/access_reviews.csv', 'itsm/incident.json']) await utimes(join(dir, f), later, later);
      const second = await loadDemoNonEventData({ db }, dir);
      expect(second.tables).toEqual(first.tables);
      expect(second.load.stored).toBe(0);
      const q = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM quarantine');
      expect(Number(q!.n)).toBe(17);
      const pending = await db.one<{ u: Date }>(`SELECT updated_at AS u FROM itsm_records WHERE record_id = 'CMP-2026Q4/ITEM-0004'`);
      expect(pending!.u.toISOString()).toBe('2026-11-25T06:00:00.000Z'); // the inventory snapshot time
    } finally {
      db.close();
    }
  });

  it('skips parts that are absent', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'demo-empty-'));
    const db = await DuckDb.open(':memory:');
    try {
      await migrate(db);
      const r = await loadDemoNonEventData({ db }, empty);
      expect(r.tables).toEqual({ accounts: 0, auth_methods: 0, role_assignments: 0, hris_workers: 0, itsm_records: 0 });
    } finally {
      db.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('FILE_LOADERS', () => {
  it('has the export sources, each loading a file or a folder', async () => {
    expect(Object.keys(FILE_LOADERS)).toEqual(expect.arrayContaining(['inventory', 'hris', 'itsm']));
    const db = await DuckDb.open(':memory:');
    try {
      await migrate(db);
      const store = { db, capabilities: { sql: true, bulkFiles: true } } as never;
      const inv = await FILE_LOADERS.inventory(store, join(FIX, 'inventory', 'okta_users.json'), {});
      expect(inv).toMatchObject({ stored: 7, quarantined: 1, normalized: 0 });
      const hris = await FILE_LOADERS.hris(store, join(FIX, 'hris', 'scim_users.json'), { preset: 'scim' });
      expect(hris).toMatchObject({ stored: 4, quarantined: 1 });
      const itsm = await FILE_LOADERS.itsm(store, join(FIX, 'itsm', 'self_service.csv'), { preset: 'self_service' });
      expect(itsm).toMatchObject({ stored: 4, quarantined: 1, streams: { itsm_records: 4 } });
      await expect(FILE_LOADERS.itsm({ capabilities: { sql: false, bulkFiles: false } } as never, join(FIX, 'itsm', 'self_service.csv'), {})).rejects.toThrow(/SQL tables/);
    } finally {
      db.close();
    }
  });
});
