import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDb } from '../../store/duckdb/db.js';
import { accounts, events, kpi, openTestDb, workers } from '../testing.js';
import { evidenceRows } from '../evidence.js';

// Month 2026-11, measured at its end (Tue 1 Dec). SLA: 5 business days (Mon–Fri) after the move day.
describe('mover_accuracy', () => {
  let db: DuckDb;
  const NOW = new Date('2027-01-01T00:00:00Z');
  beforeAll(async () => {
    db = await openTestDb();
    const v = (id: string, email: string, department: string, job_title: string, updated_at: string, extra: Record<string, unknown> = {}) => ({
      employee_id: id, email, department, job_title, updated_at, status: 'Active', ...extra,
    });
    await workers(db, [
      // Alice: Engineering → Sales on Mon 2 Nov.
      v('M1', 'alice@acme.example', 'Engineering', 'Engineer', '2024-01-01T00:00:00Z'),
      v('M1', 'alice@acme.example', 'Sales', 'Account Executive', '2026-11-02T10:00:00Z'),
      // Bob: new title in Sales on Thu 5 Nov; his only access change is on Fri 13 Nov = 6 business days later.
      v('M2', 'bob@acme.example', 'Sales', 'Account Executive', '2024-01-01T00:00:00Z'),
      v('M2', 'bob@acme.example', 'Sales', 'Sales Manager', '2026-11-05T10:00:00Z'),
      // Carol, a contractor: Engineering → Finance on Fri 6 Nov 16:00; ERP group added Fri 13 Nov = 5 business days.
      v('M3', 'carol@acme.example', 'Engineering', 'Contractor', '2024-01-01T00:00:00Z', { worker_type: 'Contingent Worker' }),
      v('M3', 'carol@acme.example', 'Finance', 'Contractor', '2026-11-06T16:00:00Z', { worker_type: 'Contingent Worker' }),
      // Dan: rehired into another department — a joiner, not a mover.
      v('M4', 'dan@acme.example', 'Engineering', 'Engineer', '2024-01-01T00:00:00Z'),
      v('M4', 'dan@acme.example', 'Engineering', 'Engineer', '2026-10-01T00:00:00Z', { status: 'Terminated', termination_date: '2026-09-30' }),
      v('M4', 'dan@acme.example', 'Sales', 'Account Executive', '2026-11-10T00:00:00Z'),
      // Erin: Engineering → Sales on Fri 27 Nov: only 2 business days (30 Nov, 1 Dec) before the month ends → pending.
      v('M5', 'erin@acme.example', 'Engineering', 'Engineer', '2024-01-01T00:00:00Z'),
      v('M5', 'erin@acme.example', 'Sales', 'Account Executive', '2026-11-27T10:00:00Z'),
      // Frank moved but has no account: not counted.
      v('M6', 'frank@acme.example', 'Engineering', 'Engineer', '2024-01-01T00:00:00Z'),
      v('M6', 'frank@acme.example', 'Finance', 'Analyst', '2026-11-16T10:00:00Z'),
      // Gina: only her location changed — not a move.
      v('M7', 'gina@acme.example', 'Sales', 'Account Executive', '2024-01-01T00:00:00Z', { location: 'London' }),
      v('M7', 'gina@acme.example', 'Sales', 'Account Executive', '2026-11-11T10:00:00Z', { location: 'Paris' }),
      // Hank moved in October: outside the month.
      v('M8', 'hank@acme.example', 'Engineering', 'Engineer', '2024-01-01T00:00:00Z'),
      v('M8', 'hank@acme.example', 'Sales', 'Account Executive', '2026-10-20T10:00:00Z'),
    ]);
    const snap = '2026-10-01T00:00:00Z';
    await accounts(db, [
      { snapshot_at: snap, account_id: 'a1', login: 'alice@acme.example', employee_id: 'M1' },
      { snapshot_at: snap, account_id: 'b1', login: 'bob@acme.example', employee_id: 'M2' },
      { snapshot_at: snap, account_id: 'c1', login: 'carol.ext@acme.example', email: 'carol@acme.example' },
      { snapshot_at: snap, account_id: 'd1', login: 'dan@acme.example', employee_id: 'M4' },
      { snapshot_at: snap, account_id: 'e1', login: 'erin@acme.example', employee_id: 'M5' },
      { snapshot_at: snap, account_id: 'g1', login: 'gina@acme.example', employee_id: 'M7' },
    ]);
    const ch = (t: string, action: string, group: string, who: Record<string, unknown>) => ({
      event_time: t, event_class: 'account_change', action, target_resource_type: 'group', target_resource_name: group, actor_type: 'user', ...who,
    });
    await events(db, [
      ch('2026-11-04T10:00:00Z', 'group_add_member', 'sales-crm', { target_user_id: 'a1' }),
      ch('2026-11-06T10:00:00Z', 'group_remove_member', 'eng-github', { target_user_name: 'alice@acme.example' }),
      ch('2026-11-13T10:00:00Z', 'role_grant', 'Sales Manager', { target_user_id: 'b1' }),
      ch('2026-11-13T15:00:00Z', 'group_add_member', 'finance-erp', { target_user_id: 'c1' }),
      ch('2026-11-11T10:00:00Z', 'group_add_member', 'sales-crm', { target_user_id: 'd1' }),
    ]);
  });

  it('without a policy: an access change within 5 business days', async () => {
    const r = await kpi(db, 'mover_accuracy', '2026-11');
    // Accurate: Alice (changes on 4 and 6 Nov), Carol (5th business day). Inaccurate: Bob (6th business day).
    // Pending: Erin. No account: Frank. Not movers: Dan (rehire), Gina (location), Hank (October).
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.value).toBeCloseTo(2 / 3, 10);
    expect(r.details).toEqual({ policy: 'observed_change', pending: 1, no_account: 1 });
    const ev = await evidenceRows(db, 'mover_accuracy', '2026-11', { now: NOW });
    expect(ev.rows.map((x) => [x.employee_id, x.status])).toEqual([
      ['M2', 'inaccurate'],
      ['M5', 'pending'],
      ['M6', 'no_account'],
      ['M1', 'accurate'],
      ['M3', 'accurate'],
    ]);
  });

  it('with a birthright policy: every entitlement added and removed', async () => {
    const config = { kpis: { birthright: { Engineering: ['eng-github'], Sales: ['sales-crm'], Finance: ['finance-erp'] } } };
    const r = await kpi(db, 'mover_accuracy', '2026-11', { config });
    // Alice: +sales-crm and −eng-github done → accurate. Bob: same department, nothing required → accurate.
    // Carol: +finance-erp done but eng-github never removed → inaccurate. Erin pending; Frank no account.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.details).toMatchObject({ policy: 'birthright' });
    const ev = await evidenceRows(db, 'mover_accuracy', '2026-11', { now: NOW, config });
    // missing_changes lists entitlements by name: + to grant, − to remove.
    expect(ev.rows.map((x) => [x.employee_id, x.status, x.missing_changes])).toEqual([
      ['M3', 'inaccurate', '-eng-github'],
      ['M5', 'pending', '-eng-github +sales-crm'],
      ['M6', 'no_account', '-eng-github +finance-erp'],
      ['M1', 'accurate', null],
      ['M2', 'accurate', null],
    ]);
  });
});
