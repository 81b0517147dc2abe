import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { migrate } from '../../store/duckdb/migrate.js';
import { loadHrisFile, loadHrisPath, loadHrisRecords } from './hris.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures/hris');

let store: { db: DuckDb };
beforeEach(async () => {
  const db = await DuckDb.open(':memory:');
  await migrate(db);
  store = { db };
});
afterEach(() => {
  store.db.close();
});

type Worker = {
  source: string;
  employee_id: string;
  email: string | null;
  display_name: string | null;
  status: string;
  worker_type: string | null;
  hire_date: unknown;
  termination_date: unknown;
  termination_recorded_at: Date | null;
  manager_employee_id: string | null;
  department: string | null;
  job_title: string | null;
  location: string | null;
  updated_at: Date;
};

async function workers(where = 'TRUE', params: unknown[] = []): Promise<Worker[]> {
  return store.db.all<Worker>(
    `SELECT source, employee_id, email, display_name, status, worker_type, strftime(hire_date, '%Y-%m-%d') AS hire_date,
            strftime(termination_date, '%Y-%m-%d') AS termination_date, termination_recorded_at, manager_employee_id, department, job_title, location, updated_at
     FROM hris_workers WHERE ${where} ORDER BY employee_id, updated_at`,
    params as never,
  );
}

describe('Workday worker history CSV (BOM, CRLF, quoted fields)', () => {
  it('keeps every version of every worker and quarantines bad rows with their line', async () => {
    const r = await loadHrisFile(store, join(FIX, 'workers.csv'));
    expect(r).toMatchObject({ received: 19, stored: 13, duplicates: 1, quarantined: 5 });
    expect(r.received).toBe(r.stored + r.duplicates + r.quarantined);
    const q = await store.db.all<{ source: string; stream: string; line_no: bigint; reason: string; raw_text: string; origin: string }>(
      `SELECT source, stream, line_no, reason, raw_text, origin FROM quarantine ORDER BY line_no`,
    );
    expect(q.map((x) => Number(x.line_no))).toEqual([16, 17, 18, 19, 20]);
    expect(q.every((x) => x.source === 'hris' && x.stream === 'workday' && x.origin === join(FIX, 'workers.csv'))).toBe(true);
    expect(q[0].reason).toMatch(/expected 13 fields.*got 12/);
    expect(q[0].raw_text.startsWith('E000888,')).toBe(true);
    expect(q[1].reason).toMatch(/hire_date: not a valid date: "2024-13-45"/);
    expect(q[2].reason).toMatch(/status: unknown value "Pensioned"/);
    expect(q[3].reason).toMatch(/employee_id/);
    expect(q[4].reason).toMatch(/unclosed quote/);
    // the line after the unclosed quote is read normally
    expect((await workers(`employee_id = 'E000892'`)).length).toBe(1);
  });

  it('reads quoted commas, doubled quotes and a line break inside quotes', async () => {
    await loadHrisFile(store, join(FIX, 'workers.csv'));
    const dana = (await workers(`employee_id = 'C000456'`))[0];
    expect(dana).toMatchObject({ display_name: 'Dana "DK" Kim', worker_type: 'contractor', status: 'active', department: 'Engineering (Berlin)' });
    const ana = await workers(`employee_id = 'E000123'`);
    expect(ana.map((a) => a.department)).toEqual(['Finance (Lisbon, PT)', 'IT Security (Lisbon, PT)']); // a mover
    expect(ana[1].job_title).toBe('Identity Engineer, IAM');
    const finn = await workers(`employee_id = 'E000610'`);
    expect(finn[2].job_title).toBe('Senior Support Agent\r\n(Tier 2)');
    expect((await workers(`employee_id = 'E000777'`))[0].status).toBe('leave');
  });

  it('keeps a rehire as a later active row after the termination', async () => {
    await loadHrisFile(store, join(FIX, 'workers.csv'));
    const finn = await workers(`employee_id = 'E000610'`);
    expect(finn.map((f) => [f.status, f.hire_date, f.termination_date, f.updated_at.toISOString()])).toEqual([
      ['active', '2019-03-01', null, '2019-03-01T08:00:00.000Z'],
      ['terminated', '2019-03-01', '2023-03-31', '2023-03-30T12:00:00.000Z'],
      ['active', '2024-04-01', null, '2024-03-20T10:00:00.000Z'],
    ]);
  });

  it('keeps both dates of a backdated termination', async () => {
    await loadHrisFile(store, join(FIX, 'workers.csv'));
    const carl = await workers(`employee_id = 'E000307' AND status = 'terminated'`);
    expect(carl).toHaveLength(1);
    expect(carl[0].termination_date).toBe('2026-10-15');
    expect(carl[0].termination_recorded_at!.toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });

  it('re-loading the same export stores nothing and keeps one quarantine row per bad record', async () => {
    await loadHrisFile(store, join(FIX, 'workers.csv'));
    const again = await loadHrisFile(store, join(FIX, 'workers.csv'));
    expect(again).toMatchObject({ stored: 0, duplicates: 14, quarantined: 5 });
    expect(Number((await store.db.one<{ n: bigint }>('SELECT count(*) AS n FROM hris_workers'))!.n)).toBe(13);
    expect(Number((await store.db.one<{ n: bigint }>('SELECT count(*) AS n FROM quarantine'))!.n)).toBe(5);
  });

  it('refuses a header the mapping cannot read, naming the missing columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hris-'));
    try {
      await writeFile(join(dir, 'other.csv'), 'Id,State,Changed\r\n1,Active,2024-01-01T00:00:00Z\r\n');
      await expect(loadHrisFile(store, join(dir, 'other.csv'), { preset: 'workday' })).rejects.toThrow(/Employee_ID or Worker_ID.*header lacks/);
      await expect(loadHrisFile(store, join(dir, 'other.csv'))).rejects.toThrow(/cannot tell which HRIS export/);
      await expect(loadHrisFile(store, join(dir, 'other.csv'), { preset: 'peoplesoft' })).rejects.toThrow(/unknown HRIS preset "peoplesoft"/);
      await writeFile(join(dir, 'empty.json'), '');
      expect(await loadHrisFile(store, join(dir, 'empty.json'))).toMatchObject({ received: 0, stored: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('BambooHR report JSON', () => {
  it('maps ids, resolves supervisors to employee numbers, reads 0000-00-00 as no date', async () => {
    const r = await loadHrisFile(store, join(FIX, 'bamboohr_report.json'));
    expect(r).toMatchObject({ received: 5, stored: 4, quarantined: 1 });
    const all = await workers();
    expect(all.every((w) => w.source === 'bamboohr')).toBe(true);
    const by = Object.fromEntries(all.map((w) => [w.employee_id, w]));
    expect(by.E000123).toMatchObject({ manager_employee_id: 'E000045', termination_date: null, worker_type: 'employee', status: 'active', email: 'ana.silva@acme.example' });
    expect(by.E000201).toMatchObject({ status: 'terminated', termination_date: '2026-11-20', worker_type: null });
    expect(by.C000456).toMatchObject({ worker_type: 'contractor', manager_employee_id: '999' }); // unknown supervisor id kept as given
    const q = await store.db.one<{ reason: string; line_no: bigint }>('SELECT reason, line_no FROM quarantine');
    expect(q!.reason).toMatch(/updated_at: not a date-time: "yesterday"/);
    const text = await readFile(join(FIX, 'bamboohr_report.json'), 'utf8');
    const lines = text.split('\n');
    const idLine = lines.findIndex((l) => l.includes('"id": "104"')); // 0-based; the opening brace is the line above
    expect(lines[idLine - 1].trim()).toBe('{');
    expect(Number(q!.line_no)).toBe(idLine); // 1-based line of that brace
  });
});

describe('SCIM ListResponse with the enterprise extension', () => {
  it('reads employeeNumber, department and manager from the extension and active as the status', async () => {
    const r = await loadHrisPath(store, join(FIX, 'scim_users.json'));
    expect(r).toMatchObject({ received: 5, stored: 4, quarantined: 1 });
    const by = Object.fromEntries((await workers()).map((w) => [w.employee_id, w]));
    expect(by.E000123).toMatchObject({ source: 'scim', department: 'IT Security', manager_employee_id: 'E000045', job_title: 'Identity Engineer', location: 'Lisbon', email: 'ana.silva@acme.example', worker_type: 'employee' });
    expect(by.E000201).toMatchObject({ status: 'terminated', location: 'Madrid' });
    expect(by.C000456).toMatchObject({ worker_type: 'contractor', manager_employee_id: null });
    expect(by.E000123.updated_at.toISOString()).toBe('2025-06-01T08:00:00.000Z');
    const q = await store.db.one<{ reason: string }>('SELECT reason FROM quarantine');
    expect(q!.reason).toMatch(/employee id is empty/);
  });

  it('takes in-memory SCIM resources from a caller, quarantining a record without a version time', async () => {
    const list = JSON.parse(await readFile(join(FIX, 'scim_users.json'), 'utf8'));
    const resources = list.Resources.slice(0, 2);
    const noMeta = { ...list.Resources[3], meta: undefined };
    const r = await loadHrisRecords(store, [...resources, noMeta], { preset: 'scim', origin: 'https://hr.acme.example/scim/v2/Users' });
    expect(r).toMatchObject({ received: 3, stored: 2, quarantined: 1 });
    const q = await store.db.one<{ reason: string; origin: string; line_no: bigint }>('SELECT reason, origin, line_no FROM quarantine');
    expect(q).toMatchObject({ origin: 'https://hr.acme.example/scim/v2/Users', reason: expect.stringMatching(/no version time/) });
    expect(Number(q!.line_no)).toBe(3);
    const withAsOf = await loadHrisRecords(store, [noMeta], { preset: 'scim', asOf: '2026-11-25T06:00:00Z' });
    expect(withAsOf.stored).toBe(1);
  });
});

describe('a column mapping from config', () => {
  const mapping = {
    name: 'hibob',
    fields: {
      employee_id: 'Employee Id',
      email: 'Email',
      display_name: 'Display name',
      status: { from: 'Lifecycle status', map: { Employed: 'active', Terminated: 'terminated', 'On leave': 'leave' } },
      worker_type: { from: 'Employment type', map: { Permanent: 'employee', Contractor: 'contractor' }, unmapped: 'keep' },
      hire_date: 'Start date',
      termination_date: 'Termination date',
      manager_employee_id: 'Reports to (id)',
      department: 'Department',
      updated_at: 'Last changed',
    },
  };

  it('maps any export by its own column names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hris-'));
    try {
      await writeFile(
        join(dir, 'bob.csv'),
        [
          'Employee Id,Email,Display name,Lifecycle status,Employment type,Start date,Termination date,Reports to (id),Department,Last changed',
          'E1,a@acme.example,A One,Employed,Permanent,01/02/2024,,E9,Ops,2024-02-01 09:00:00',
          'E2,b@acme.example,B Two,Terminated,Seasonal,2023-05-01,2024-06-30,E9,Ops,2024-07-01T10:00:00+02:00',
          'E3,c@acme.example,C Three,Alumni,Permanent,2023-05-01,,E9,Ops,2024-07-01T10:00:00Z',
        ].join('\n'),
      );
      const r = await loadHrisFile(store, join(dir, 'bob.csv'), { mapping });
      expect(r).toMatchObject({ stored: 2, quarantined: 1 });
      const by = Object.fromEntries((await workers()).map((w) => [w.employee_id, w]));
      expect(by.E1).toMatchObject({ source: 'hibob', hire_date: '2024-01-02', worker_type: 'employee', status: 'active' });
      expect(by.E2).toMatchObject({ worker_type: 'seasonal', termination_date: '2024-06-30' });
      expect(by.E2.updated_at.toISOString()).toBe('2024-07-01T08:00:00.000Z'); // offsets are converted to UTC
      const q = await store.db.one<{ reason: string; line_no: bigint }>('SELECT reason, line_no FROM quarantine');
      expect(Number(q!.line_no)).toBe(4);
      expect(q!.reason).toMatch(/"Alumni".*extend the mapping/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a mapping that names an unknown column or lacks the essentials, with the key path', async () => {
    await expect(loadHrisRecords(store, [], { mapping: { ...mapping, fields: { ...mapping.fields, salary: 'Salary' } } })).rejects.toMatchObject({ code: 'config_invalid' });
    await expect(loadHrisRecords(store, [], { mapping: { name: 'x', fields: { employee_id: 'Id' } } })).rejects.toThrow(/employee_id and fields.status/);
    await expect(loadHrisRecords(store, [], { mapping: { name: 'x', fields: { employee_id: 'Id', status: { from: 'S', as: 'upper' } } } })).rejects.toMatchObject({
      code: 'config_invalid',
      location: { path: expect.stringMatching(/^hris\.mapping\.fields\.status/) },
    });
  });
});
