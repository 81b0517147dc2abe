import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';

it('stakeholder_csat: mean 1–5 score of survey responses in the quarter', async () => {
  const db = await openTestDb();
  const resp = (id: string, group: string, at: string, attributes: Record<string, unknown>) => ({
    record_id: id, record_type: 'survey_response', category: group, requester: `${id}@acme.example`, opened_at: at, closed_at: at, attributes,
  });
  await itsm(db, [
    resp('S1', 'app_owner', '2026-07-10T00:00:00Z', { score: 5 }),
    resp('S2', 'app_owner', '2026-08-10T00:00:00Z', { score: 4 }),
    resp('S3', 'it', '2026-08-11T00:00:00Z', { score: '4' }),
    resp('S4', 'it', '2026-09-12T00:00:00Z', { score: 3, comment: 'access requests take too long' }),
    resp('S5', 'helpdesk', '2026-09-13T00:00:00Z', { score: 5 }),
    resp('S6', 'it', '2026-09-14T00:00:00Z', { rating: 4 }),
    resp('S7', 'it', '2026-09-15T00:00:00Z', { score: 7 }), // outside the 1–5 scale
    resp('S8', 'helpdesk', '2026-10-02T00:00:00Z', { score: 1 }), // Q4
  ]);
  const r = await kpi(db, 'stakeholder_csat', '2026-Q3');
  // (5 + 4 + 4 + 3 + 5 + 4) / 6 = 25 / 6 = 4.1667 < 4.2.
  expect([r.numerator, r.denominator]).toEqual([25, 6]);
  expect(r.value).toBeCloseTo(25 / 6, 10);
  expect(r.met).toBe(false);
  expect(r.details).toEqual({
    by_group: { app_owner: { responses: 2, mean: 4.5 }, helpdesk: { responses: 1, mean: 5 }, it: { responses: 3, mean: 11 / 3 } },
  });
});
