import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';

it('iam_change_failure_rate: IAM changes that caused an incident or a rollback', async () => {
  const db = await openTestDb();
  const ch = (id: string, extra: Record<string, unknown> = {}) => ({
    record_id: id, record_type: 'change_request', category: 'identity', state: 'Closed', opened_at: '2026-11-01T00:00:00Z', closed_at: '2026-11-10T00:00:00Z', caused_incident: false, rolled_back: false, ...extra,
  });
  await itsm(db, [
    ch('CH1'), ch('CH4'), ch('CH5'), ch('CH6'), ch('CH7'), ch('CH8'),
    ch('CH2', { rolled_back: true }),
    ch('CH3', { caused_incident: null }), // named by INC1 below
    ch('CH9', { attributes: { number: 'CHG0001009' } }), // named by its number in INC2
    ch('CH10', { category: 'hardware', rolled_back: true }),
    ch('CH11', { state: 'Cancelled', rolled_back: true }),
    ch('CH12', { closed_at: '2026-10-20T00:00:00Z', rolled_back: true }),
    { record_id: 'INC1', record_type: 'incident', category: 'identity', opened_at: '2026-11-11T00:00:00Z', related_record_id: 'CH3' },
    { record_id: 'INC2', record_type: 'incident', category: 'access', opened_at: '2026-11-12T00:00:00Z', related_record_id: 'CHG0001009' },
  ]);
  const r = await kpi(db, 'iam_change_failure_rate', '2026-11');
  // Closed IAM changes in November: CH1–CH9 = 9; failed: CH2 (rollback), CH3 and CH9 (incidents) = 3.
  expect([r.numerator, r.denominator]).toEqual([3, 9]);
  expect(r.value).toBeCloseTo(1 / 3, 10);
  expect(r.details).toEqual({ rolled_back: 1, caused_incident: 2 });
  expect(r.met).toBe(false);
});
