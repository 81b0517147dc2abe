import { expect, it } from 'vitest';
import { accounts, events, itsm, kpi, openTestDb } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('access_review_remediation: business days from a revoke decision to the access being removed', async () => {
  const db = await openTestDb();
  const d = (id: string, decision: string, decided_at: string, subject_user: string, extra: Record<string, unknown> = {}) => ({
    record_id: id, record_type: 'access_review', decision, decided_at, subject_user, due_at: '2026-09-30T00:00:00Z', opened_at: '2026-06-30T00:00:00Z', ...extra,
  });
  await itsm(db, [
    d('D1', 'Revoke', '2026-09-03T10:00:00Z', 'alice@acme.example', { attributes: { entitlement: 'Salesforce Admin', remediated_at: '2026-09-07T10:00:00Z' } }), // Thu → Mon: 2
    d('D2', 'Revoke', '2026-09-01T10:00:00Z', 'bob@acme.example', { attributes: { entitlement: 'GitHub Admins' } }), // removal event Tue 15 Sep: 10
    d('D3', 'Remove', '2026-09-14T10:00:00Z', 'carol@acme.example', { attributes: { entitlement: 'AWS Prod' } }), // never removed: open until 1 Oct = 13
    d('D4', 'Revoke', '2026-07-01T09:00:00Z', 'dan@acme.example', { resolved_at: '2026-07-01T15:00:00Z' }), // same day: 0
    d('D5', 'Approve', '2026-09-01T10:00:00Z', 'erin@acme.example'),
    d('D6', 'Revoke', '2026-10-02T10:00:00Z', 'frank@acme.example'), // Q4
    // D7 names an employee id; the event on his account (Mon 10 Aug) beats the export's Fri 21 Aug: Mon 3 → Mon 10 = 5.
    d('D7', 'Revoke', '2026-08-03T10:00:00Z', 'E7', { attributes: { entitlement: 'Finance Share', remediated_at: '2026-08-21T10:00:00Z' } }),
  ]);
  await accounts(db, [{ snapshot_at: '2026-06-01T00:00:00Z', account_id: 'a7', login: 'gina@acme.example', employee_id: 'E7' }]);
  const rm = (t: string, who: Record<string, unknown>, group: string) => ({ event_time: t, event_class: 'account_change', action: 'group_remove_member', target_resource_name: group, ...who });
  await events(db, [
    rm('2026-08-20T10:00:00Z', { target_user_name: 'bob@acme.example' }, 'GitHub Admins'), // before the decision
    rm('2026-09-02T10:00:00Z', { target_user_name: 'bob@acme.example' }, 'Jira Users'), // another entitlement
    rm('2026-09-15T10:00:00Z', { target_user_name: 'Bob@acme.example' }, 'github admins'),
    rm('2026-08-10T10:00:00Z', { target_user_id: 'a7' }, 'Finance Share'),
  ]);
  const r = await kpi(db, 'access_review_remediation', '2026-Q3');
  // Business days: D4 0, D1 2, D7 5, D2 10, D3 13 (open). P90 = ⌈0.9·5⌉ = 5th = 13; P50 = 3rd = 5.
  expect(r.value).toBe(13);
  expect(r.details).toMatchObject({ p50: 5, p90: 13, still_open: 1 });
  expect([r.numerator, r.denominator]).toEqual([4, 5]); // removed within 10 business days: D4 D1 D7 D2
  expect(r.met).toBe(false);
  const ev = await evidenceRows(db, 'access_review_remediation', '2026-Q3', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => [x.record_id, x.business_days, x.still_open])).toEqual([
    ['D3', 13, true],
    ['D2', 10, false],
    ['D7', 5, false],
    ['D1', 2, false],
    ['D4', 0, false],
  ]);
});
