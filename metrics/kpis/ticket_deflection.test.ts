import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';

it('ticket_deflection: self-service resolutions over all common issues, up 20% over six months', async () => {
  const db = await openTestDb();
  let n = 0;
  const ss = (kind: string, at: string) => ({ record_id: `SS${++n}`, record_type: 'self_service', category: kind, channel: 'self-service', opened_at: at, requester: `u${n}@acme.example` });
  const ticket = (category: string, channel: string, at: string) => ({ record_id: `RITM${++n}`, record_type: 'request', category, channel, opened_at: at, requester: `u${n}@acme.example` });
  await itsm(db, [
    // November: 8 self-service (4 password resets, 2 MFA enrolments, 1 unlock, 1 access request) + 1 unrelated kind.
    ...['02', '05', '09', '20'].map((d) => ss('password_reset', `2026-11-${d}T09:00:00Z`)),
    ss('mfa_enrolment', '2026-11-03T09:00:00Z'), ss('mfa_enrolment', '2026-11-04T09:00:00Z'),
    ss('account_unlock', '2026-11-06T09:00:00Z'), ss('access_request', '2026-11-07T09:00:00Z'),
    ss('printer', '2026-11-08T09:00:00Z'),
    // November tickets for the same issues: 4 (a portal-filed request is still a ticket); 4 others not counted.
    ticket('password_reset', 'phone', '2026-11-10T09:00:00Z'), ticket('mfa_reset', 'portal', '2026-11-11T09:00:00Z'),
    ticket('access_request', 'self-service', '2026-11-12T09:00:00Z'), ticket('access_request', 'email', '2026-11-13T09:00:00Z'),
    ticket('hardware', 'phone', '2026-11-14T09:00:00Z'), ticket('hardware', 'phone', '2026-11-15T09:00:00Z'),
    ticket('software', 'portal', '2026-11-16T09:00:00Z'), ticket('sso_integration', 'portal', '2026-11-17T09:00:00Z'),
    // May (six months before): 2 self-service, 6 tickets.
    ss('password_reset', '2026-05-05T09:00:00Z'), ss('account_unlock', '2026-05-06T09:00:00Z'),
    ...['04', '05', '06', '07', '08', '11'].map((d) => ticket('password_reset', 'phone', `2026-05-${d}T09:00:00Z`)),
  ]);
  const r = await kpi(db, 'ticket_deflection', '2026-11');
  // 8 / (8 + 4) = 2/3. May: 2 / 8 = 0.25; 2/3 ≥ 0.25 × 1.2 = 0.3 → met.
  expect([r.numerator, r.denominator]).toEqual([8, 12]);
  expect(r.value).toBeCloseTo(2 / 3, 10);
  expect(r.details).toEqual({ password_reset: 4, mfa: 2, account_unlock: 1, access_request: 1, tickets: 4 });
  expect(r.met).toBe(true);
  expect(r.previousValue).toBeNull(); // October has nothing
  const may = await kpi(db, 'ticket_deflection', '2026-05');
  expect([may.value, may.met]).toEqual([0.25, null]); // nothing in November 2025 to compare with
});
