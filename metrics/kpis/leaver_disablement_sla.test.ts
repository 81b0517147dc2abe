import { beforeAll, describe, expect, it } from 'vitest';
import type { DuckDb } from '../../store/duckdb/db.js';
import { accounts, events, kpi, openTestDb, workers } from '../testing.js';
import { evidenceRows } from '../evidence.js';

// Week 2026-W47 = Monday 16 Nov 2026 00:00 UTC to Monday 23 Nov 00:00. SLA 24 h from the end of the
// termination date (or from when HR recorded it, if later).
describe('leaver_disablement_sla', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await openTestDb();
    await workers(db, [
      // Alice: last day Mon 16 Nov → clock Tue 17 00:00, deadline Wed 18 00:00. Two accounts.
      { employee_id: 'E1', email: 'alice@acme.example', status: 'Active', hire_date: '2020-01-06', updated_at: '2020-01-06T00:00:00Z' },
      { employee_id: 'E1', email: 'alice@acme.example', status: 'Terminated', termination_date: '2026-11-16', termination_recorded_at: '2026-11-10T09:00:00Z', updated_at: '2026-11-10T09:00:00Z' },
      // Bob: last day Tue 17 → deadline Thu 19 00:00; disabled according to a snapshot on Wed 18 12:00.
      { employee_id: 'E2', email: 'bob@acme.example', status: 'Terminated', termination_date: '2026-11-17', termination_recorded_at: '2026-11-15T09:00:00Z', updated_at: '2026-11-15T09:00:00Z' },
      // Carol, a contractor: last day Wed 18 (recorded that morning) → deadline Fri 20 00:00.
      { employee_id: 'C3', email: 'carol@acme.example', worker_type: 'Contingent Worker', status: 'Terminated', termination_date: '2026-11-18', termination_recorded_at: '2026-11-18T08:00:00Z', updated_at: '2026-11-18T08:00:00Z' },
      // Dan: backdated — last day 2 Nov, entered only on Wed 18 15:00 → clock 18 Nov 15:00, deadline Thu 19 15:00.
      { employee_id: 'E4', email: 'dan@acme.example', status: 'Terminated', termination_date: '2026-11-02', termination_recorded_at: '2026-11-18T15:00:00Z', updated_at: '2026-11-18T15:00:00Z' },
      // Erin: terminated (last day Thu 19 → deadline Sat 21 00:00), then rehired on Sat 21: still a leaver this week.
      { employee_id: 'E5', email: 'erin@acme.example', status: 'Active', hire_date: '2025-01-06', updated_at: '2025-01-06T00:00:00Z' },
      { employee_id: 'E5', email: 'erin@acme.example', status: 'Terminated', hire_date: '2025-01-06', termination_date: '2026-11-19', termination_recorded_at: '2026-11-19T09:00:00Z', updated_at: '2026-11-19T09:00:00Z' },
      { employee_id: 'E5', email: 'erin@acme.example', status: 'Active', hire_date: '2026-11-21', updated_at: '2026-11-21T09:00:00Z' },
      // Frank: last day Fri 20 → deadline Sun 22 00:00; never disabled.
      { employee_id: 'E6', email: 'frank@acme.example', status: 'Terminated', termination_date: '2026-11-20', termination_recorded_at: '2026-11-20T09:00:00Z', updated_at: '2026-11-20T09:00:00Z' },
      // Gina: last day Sun 22 (in W47) → clock Mon 23 00:00, deadline Tue 24: still pending when W47 is measured.
      { employee_id: 'E7', email: 'gina@acme.example', status: 'Terminated', termination_date: '2026-11-22', termination_recorded_at: '2026-11-20T09:00:00Z', updated_at: '2026-11-20T09:00:00Z' },
      // Hank: has no account anywhere: not counted.
      { employee_id: 'E8', email: 'hank@acme.example', status: 'Terminated', termination_date: '2026-11-18', termination_recorded_at: '2026-11-18T09:00:00Z', updated_at: '2026-11-18T09:00:00Z' },
    ]);
    const snap = '2026-11-10T00:00:00Z';
    await accounts(db, [
      { snapshot_at: snap, account_id: 'a-alice', login: 'alice@acme.example', email: 'alice@acme.example', employee_id: 'E1' },
      { snapshot_at: snap, source: 'okta', tenant_id: 'acme.okta.com', account_id: 'o-alice', login: 'alice@acme.example', email: 'alice@acme.example' },
      { snapshot_at: snap, account_id: 'a-bob', login: 'bob@acme.example', employee_id: 'E2' },
      // Bob's service account carries his employee id and is never disabled: service accounts are not a leaver's accounts.
      { snapshot_at: snap, account_id: 'svc-bob', login: 'svc-build@acme.example', employee_id: 'E2', is_service: true, owner: 'bob@acme.example' },
      { snapshot_at: snap, account_id: 'a-carol', login: 'carol@acme.example', email: 'carol@acme.example' },
      { snapshot_at: snap, account_id: 'a-dan', login: 'dan@acme.example', employee_id: 'E4' },
      { snapshot_at: snap, account_id: 'a-erin', login: 'erin@acme.example', employee_id: 'E5' },
      { snapshot_at: snap, account_id: 'a-frank', login: 'frank@acme.example', employee_id: 'E6' },
      { snapshot_at: snap, account_id: 'a-gina', login: 'gina@acme.example', employee_id: 'E7' },
      // Bob disabled, seen by the snapshot of Wed 18 12:00 (no disabled_at in the export).
      { snapshot_at: '2026-11-18T12:00:00Z', account_id: 'a-bob', login: 'bob@acme.example', employee_id: 'E2', enabled: false },
    ]);
    const disable = { event_class: 'account_change', action: 'account_disable', actor_type: 'user', actor_name: 'admin@acme.example' };
    await events(db, [
      { ...disable, event_time: '2026-11-17T09:00:00Z', target_user_id: 'a-alice' }, // on time
      // 10 h late. Stored by a file import that knew no tenant ('default'): matched by source and account id.
      { ...disable, event_time: '2026-11-18T10:00:00Z', source: 'okta', tenant_id: 'default', action: 'account_suspend', target_user_id: 'o-alice' },
      { ...disable, event_time: '2026-11-19T20:00:00Z', target_user_name: 'Carol@acme.example' }, // by login, before Fri 00:00
      { ...disable, event_time: '2026-11-19T10:00:00Z', target_user_id: 'a-dan' }, // 19 h after HR entered it
      { ...disable, event_time: '2026-11-20T06:00:00Z', target_user_id: 'a-erin' },
      { ...disable, event_time: '2026-11-21T10:00:00Z', action: 'account_enable', target_user_id: 'a-erin' }, // rehire
      { ...disable, event_time: '2026-11-21T10:00:00Z', outcome: 'failure', target_user_id: 'a-frank' }, // a failed disable is not a disable
    ]);
  });

  it('counts each leaver once, all accounts, from the later of termination and its recording', async () => {
    const r = await kpi(db, 'leaver_disablement_sla', '2026-W47');
    // on time: Bob, Carol, Dan (backdated), Erin (rehired later) = 4; late: Alice (Okta 10 h late), Frank (never) = 2;
    // pending: Gina.
    expect(r.status).toBe('ok');
    expect(r.numerator).toBe(4);
    expect(r.denominator).toBe(6);
    expect(r.value).toBeCloseTo(4 / 6, 10);
    expect(r.met).toBe(false); // 66.7% < 99%
    expect(r.details).toMatchObject({ late: 2, pending: 1, no_account: 1, backdated: 1 });
    expect(r.previousValue).toBeNull(); // nobody left in W46: Dan's 2 Nov termination belongs to W47, when it was recorded
    const ev = await evidenceRows(db, 'leaver_disablement_sla', '2026-W47', { now: new Date('2027-01-01T00:00:00Z') });
    const late = ev.rows.filter((x) => x.status === 'late').map((x) => [x.employee_id, x.late_accounts]);
    expect(late).toEqual([
      ['E1', 'okta:o-alice'],
      ['E6', 'entra:a-frank'],
    ]);
    expect(ev.rows.find((x) => x.employee_id === 'E4')).toMatchObject({ backdated: true, status: 'on_time', clock_start: '2026-11-18T15:00:00.000Z' });
    expect(ev.rows.find((x) => x.employee_id === 'E7')).toMatchObject({ status: 'pending', deadline: '2026-11-24T00:00:00.000Z' });
  });

  it('leaves leavers whose deadline has not passed as pending while the week is open', async () => {
    // Measured on Thu 19 Nov 12:00: Alice late (Okta at 18 Nov 10:00 > 18 Nov 00:00), Bob and Dan on time;
    // Carol (deadline 20 Nov, disable not yet happened), Erin, Frank and Gina pending.
    const r = await kpi(db, 'leaver_disablement_sla', '2026-W47', { now: '2026-11-19T12:00:00Z' });
    expect(r.numerator).toBe(2);
    expect(r.denominator).toBe(3);
    expect(r.details).toMatchObject({ late: 1, pending: 4 });
  });

  it('takes a policy window from config', async () => {
    // 48 h: Alice's Okta account (34 h after the clock) is now on time; Frank's deadline becomes
    // Mon 23 Nov 00:00, the end of the week = the time of measurement, so he is pending (with Gina) → 5 of 5.
    const r = await kpi(db, 'leaver_disablement_sla', '2026-W47', { config: { kpis: { params: { leaver_disablement_sla: { sla_hours: 48 } } } } });
    expect([r.numerator, r.denominator]).toEqual([5, 5]);
    expect(r.details).toMatchObject({ late: 0, pending: 2 });
    expect(r.met).toBe(true);
  });
});
