import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('sso_integration_lead_time: business days from request to go-live, P50 and P90 by nearest rank', async () => {
  const db = await openTestDb();
  const req = (id: string, opened_at: string, extra: Record<string, unknown>) => ({ record_id: id, record_type: 'request', category: 'sso_integration', opened_at, ...extra });
  await itsm(db, [
    // R1 twice: the later version (go-live Mon 9 Nov 15:00) wins. Mon 2 → Mon 9 = 5 business days.
    req('R1', '2026-11-02T10:00:00Z', { updated_at: '2026-11-03T00:00:00Z', attributes: { u_go_live_at: '2026-11-30 10:00:00' } }),
    req('R1', '2026-11-02T10:00:00Z', { updated_at: '2026-11-09T16:00:00Z', attributes: { u_go_live_at: '2026-11-09 15:00:00' } }),
    // R2 (kept under ServiceNow's table name): Fri 30 Oct → Tue 3 Nov = 2 (Mon, Tue).
    req('R2', '2026-10-30T10:00:00Z', { record_type: 'sc_req_item', attributes: { u_go_live_at: '2026-11-03 09:00:00' } }),
    // R3: Mon 5 Oct → Fri 20 Nov = 4 + 6 × 5 = 34.
    req('R3', '2026-10-05T10:00:00Z', { attributes: { u_go_live_at: '2026-11-20 12:00:00' } }),
    // R4: no go-live field; resolved Wed 18 Nov. Wed 4 → Wed 18 = 10.
    req('R4', '2026-11-04T10:00:00Z', { state: 'Closed Complete', resolved_at: '2026-11-18T10:00:00Z' }),
    // Not counted: closed incomplete, live in December, another category.
    req('R5', '2026-11-10T10:00:00Z', { state: 'Closed Incomplete', closed_at: '2026-11-12T10:00:00Z' }),
    req('R6', '2026-11-16T10:00:00Z', { attributes: { u_go_live_at: '2026-12-02 10:00:00' } }),
    req('R7', '2026-11-02T10:00:00Z', { category: 'software', resolved_at: '2026-11-03T10:00:00Z' }),
  ]);
  const r = await kpi(db, 'sso_integration_lead_time', '2026-11');
  // Sorted: 2, 5, 10, 34. P50 = ⌈0.5·4⌉ = 2nd = 5; P90 = ⌈0.9·4⌉ = 4th = 34.
  expect(r.value).toBe(5);
  expect(r.details).toMatchObject({ p50: 5, p90: 34, integrations: 4 });
  expect(r.denominator).toBe(4);
  expect(r.met).toBe(false); // P90 34 > 20
  expect(r.target).toBe('P50 <= 10 business days, P90 <= 20 business days');
  const ev = await evidenceRows(db, 'sso_integration_lead_time', '2026-11', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => [x.record_id, x.business_days])).toEqual([['R3', 34], ['R4', 10], ['R1', 5], ['R2', 2]]);
  const loose = await kpi(db, 'sso_integration_lead_time', '2026-11', { targets: { sso_integration_lead_time: { percentiles: [{ p: 50, max: 10 }, { p: 90, max: 40 }] } } });
  expect(loose.met).toBe(true);
});
