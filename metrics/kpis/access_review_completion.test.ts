import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';

it('access_review_completion: decisions made by their due time, for items due in the quarter', async () => {
  const db = await openTestDb();
  const item = (id: string, due_at: string, decision: string | null, decided_at: string | null) => ({
    record_id: id, record_type: 'access_review', opened_at: '2026-06-15T00:00:00Z', due_at, decision, decided_at, requester: 'manager@acme.example', subject_user: 'alice@acme.example',
  });
  await itsm(db, [
    item('I1', '2026-09-15T00:00:00Z', 'Approve', '2026-09-10T10:00:00Z'), // on time
    item('I2', '2026-09-15T00:00:00Z', 'Revoke', '2026-09-15T00:00:00Z'), // exactly at the due time: on time
    item('I3', '2026-09-15T00:00:00Z', 'Approve', '2026-09-20T10:00:00Z'), // late
    item('I4', '2026-09-15T00:00:00Z', null, null), // overdue
    item('I5', '2026-10-15T00:00:00Z', null, null), // due in Q4
    item('I6', '2026-08-01T00:00:00Z', '', null), // empty decision = undecided → overdue
    item('I7', '2026-07-20T00:00:00Z', 'Approve', '2026-07-01T09:00:00Z'), // on time
  ]);
  const r = await kpi(db, 'access_review_completion', '2026-Q3');
  // Due in Q3: I1 I2 I3 I4 I6 I7 = 6; on time I1 I2 I7 = 3 → 0.5.
  expect([r.numerator, r.denominator, r.value]).toEqual([3, 6, 0.5]);
  expect(r.details).toEqual({ late: 1, overdue: 2, pending: 0 });
  expect(r.met).toBe(false);
  // Measured while Q3 is still open (1 Sep): I4 (undecided, due 15 Sep) is pending and not counted;
  // decided items count as they stand: on time I1 I2 I7 = 3 of I1 I2 I3 I6 I7 = 5.
  const open = await kpi(db, 'access_review_completion', '2026-Q3', { now: '2026-09-01T00:00:00Z' });
  expect([open.numerator, open.denominator]).toEqual([3, 5]);
});
