import { expect, it } from 'vitest';
import { events, kpi, openTestDb } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('provisioning_success_rate: succeeded over succeeded + failed, skipped not counted', async () => {
  const db = await openTestDb();
  const p = (t: string, action: string, status: string | null, outcome = 'success') => ({
    event_time: t, event_class: 'provisioning', action, provisioning_status: status, outcome, actor_type: 'service_principal', target_user_name: 'alice@acme.example', app_name: 'Salesforce',
  });
  await events(db, [
    ...['16', '17', '18', '19', '20'].map((d) => p(`2026-11-${d}T10:00:00Z`, 'provision_create', 'success')),
    p('2026-11-18T11:00:00Z', 'provision_update', 'warning'), // succeeded with a warning
    p('2026-11-18T12:00:00Z', 'provision_disable', 'failure', 'failure'),
    p('2026-11-19T12:00:00Z', 'provision_delete', null, 'failure'), // no status: the outcome decides
    p('2026-11-19T13:00:00Z', 'provision_create', 'skipped', 'unknown'),
    p('2026-11-19T14:00:00Z', 'provision_create', 'skipped', 'unknown'),
    p('2026-11-19T15:00:00Z', 'provision_other', 'success'), // not create/update/disable/delete
    p('2026-11-23T10:00:00Z', 'provision_create', 'failure', 'failure'), // next week
  ]);
  const r = await kpi(db, 'provisioning_success_rate', '2026-W47');
  // 5 creates + 1 update (warning) = 6 succeeded; disable + delete = 2 failed → 6 / 8.
  expect([r.numerator, r.denominator, r.value]).toEqual([6, 8, 0.75]);
  expect(r.details).toMatchObject({ failed: 2, skipped: 2 });
  expect(r.met).toBe(false);
  const ev = await evidenceRows(db, 'provisioning_success_rate', '2026-W47', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => x.action)).toEqual(['provision_disable', 'provision_delete']);
  // The week before has provisioning data in the store but none in its window: no_data for that week.
  const w46 = await kpi(db, 'provisioning_success_rate', '2026-W46');
  expect(w46).toMatchObject({ status: 'no_data', value: null, needs: ['identity_events:provisioning in window'] });
});
