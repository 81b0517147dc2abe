import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { DuckDbStore } from './duckdb/store.js';
import { exportQuery, queryToArrow } from './export.js';

describe('export', () => {
  it('hands results over as Arrow IPC, Parquet and CSV', async () => {
    const store = await DuckDbStore.open(':memory:');
    await store.db.run(`INSERT INTO kpi_results (kpi_id, period, period_start, period_end, status, value, target, met, needs, computed_at)
      VALUES ('mfa_coverage', '2026-W47', '2026-11-16', '2026-11-23', 'ok', 0.985, '>= 98%', true, [], '2026-11-23 00:00:00'),
             ('stakeholder_csat', '2026-W47', '2026-11-16', '2026-11-23', 'no_data', NULL, '>= 4.2', NULL, ['survey export'], '2026-11-23 00:00:00')`);
    const ipc = await queryToArrow(store.db, 'SELECT kpi_id, value, met, needs FROM kpi_results ORDER BY kpi_id');
    const table = tableFromIPC(ipc);
    expect(table.numRows).toBe(2);
    expect(table.getChild('kpi_id')?.toArray()).toEqual(['mfa_coverage', 'stakeholder_csat']);
    expect(table.getChild('value')?.get(0)).toBeCloseTo(0.985);
    const empty = tableFromIPC(await queryToArrow(store.db, "SELECT kpi_id, value FROM kpi_results WHERE kpi_id = 'none'"));
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(['kpi_id', 'value']);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'idtrail-export-'));
    const pq = await exportQuery(store.db, 'kpi_results', 'parquet', path.join(dir, 'k.parquet'));
    expect(pq.rows).toBe(2);
    const back = await store.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet($1)`, [pq.out]);
    expect(Number(back[0].n)).toBe(2);
    const csv = await exportQuery(store.db, "SELECT kpi_id, status FROM kpi_results WHERE kpi_id = 'it''s'", 'csv', path.join(dir, 'k.csv'));
    expect(csv.rows).toBe(0);
    expect((await readFile(csv.out, 'utf8')).trim()).toBe('kpi_id,status');
    await expect(exportQuery(store.db, 'no_such_table', 'csv', path.join(dir, 'x.csv'))).rejects.toThrow(/no table or view named 'no_such_table'/);
    await expect(exportQuery(store.db, 'DROP TABLE alerts', 'csv', path.join(dir, 'x.csv'))).rejects.toThrow(/read-only query/);
    await store.close();
  });
});
