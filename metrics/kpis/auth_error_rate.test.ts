import { expect, it } from 'vitest';
import { events, kpi, openTestDb } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('auth_error_rate: configuration and policy failures, not typos or MFA interrupts, against a 4-week baseline', async () => {
  const db = await openTestDb();
  const ok = (t: string) => ({ event_time: t, target_user_name: 'alice@acme.example' });
  const fail = (t: string, code: string | null, extra: Record<string, unknown> = {}) => ({ event_time: t, outcome: 'failure', status_code: code, target_user_name: 'bob@acme.example', ...extra });
  const okta = { source: 'okta', tenant_id: 'acme.okta.com' };
  await events(db, [
    // W47
    ok('2026-11-16T09:00:00Z'),
    ok('2026-11-17T09:00:00Z'),
    fail('2026-11-17T09:05:00Z', '50126'), // typo: an attempt, not a configuration failure
    fail('2026-11-17T09:10:00Z', '53003', { app_name: 'Salesforce' }), // Conditional Access block
    fail('2026-11-18T09:00:00Z', '50105', { app_name: 'Workday' }), // not assigned to the app
    fail('2026-11-18T09:05:00Z', '50074'), // MFA required: an interrupt, not counted at all
    { event_time: '2026-11-18T09:06:00Z', outcome: 'challenge', is_interrupt: true, target_user_name: 'bob@acme.example' },
    fail('2026-11-19T09:00:00Z', null, { ...okta, outcome_reason: 'INVALID_CREDENTIALS' }),
    fail('2026-11-19T09:05:00Z', null, { ...okta, outcome_reason: 'User is not assigned to this app', app_name: 'Jira' }),
    fail('2026-11-20T09:00:00Z', '7000112', { app_name: 'Legacy HR' }), // application disabled
    // W43: 1 of 4; W44: 0 of 2; W45: none; W46: 2 of 4.
    ok('2026-10-19T09:00:00Z'), ok('2026-10-20T09:00:00Z'), fail('2026-10-21T09:00:00Z', '50126'), fail('2026-10-22T09:00:00Z', '65001'),
    ok('2026-10-26T09:00:00Z'), fail('2026-10-27T09:00:00Z', '50126'),
    ok('2026-11-09T09:00:00Z'), ok('2026-11-10T09:00:00Z'), fail('2026-11-11T09:00:00Z', '700016'), fail('2026-11-12T09:00:00Z', '50011'),
  ]);
  const r = await kpi(db, 'auth_error_rate', '2026-W47');
  // Attempts (interrupts excluded): 2 ok + 50126 + 53003 + 50105 + INVALID_CREDENTIALS + not assigned + 7000112 = 8.
  // Configuration/policy: 53003, 50105, Okta "not assigned", 7000112 = 4 → 4 / 8 = 0.5.
  expect([r.numerator, r.denominator, r.value]).toEqual([4, 8, 0.5]);
  expect(r.details).toMatchObject({ failures: 6, user_or_other_failures: 2, interrupts: 2 });
  // Baseline = mean of W43 0.25, W44 0, W46 0.5 (W45 has no sign-ins) = 0.25; 0.5 > 0.25 → missed.
  expect(r.met).toBe(false);
  expect([r.previousValue, r.change]).toEqual([0.5, 0]);
  const relaxed = await kpi(db, 'auth_error_rate', '2026-W47', { targets: { auth_error_rate: { op: '<=', value: 0.5 } } });
  expect(relaxed.met).toBe(true);
  const ev = await evidenceRows(db, 'auth_error_rate', '2026-W47', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => x.status_code ?? x.outcome_reason).sort()).toEqual(['50105', '53003', '7000112', 'User is not assigned to this app']);
});
