import { expect, it } from 'vitest';
import { events, kpi, openTestDb } from '../testing.js';
import { evidenceRows } from '../evidence.js';

it('legacy_auth_usage: count and share of legacy-protocol sign-ins, falling week on week', async () => {
  const db = await openTestDb();
  const modern = (t: string) => ({ event_time: t, target_user_name: 'alice@acme.example', client_app: 'Browser', is_legacy_auth: false });
  const legacy = (t: string, extra: Record<string, unknown> = {}) => ({ event_time: t, target_user_name: 'bob@acme.example', client_app: 'IMAP4', is_legacy_auth: true, ...extra });
  await events(db, [
    // W47 (16–22 Nov): 7 modern + 3 legacy (two failed IMAP attempts, one successful SMTP AUTH).
    ...['16', '17', '17', '18', '19', '20', '22'].map((d) => modern(`2026-11-${d}T10:00:00Z`)),
    legacy('2026-11-17T03:00:00Z', { outcome: 'failure', status_code: '50126' }),
    legacy('2026-11-17T03:01:00Z', { outcome: 'failure', status_code: '50126' }),
    legacy('2026-11-19T08:00:00Z', { target_user_name: 'printer@acme.example', client_app: 'Authenticated SMTP' }),
    // Not sign-ins / not this week.
    { event_time: '2026-11-18T10:00:00Z', action: 'token_refresh', event_class: 'session', is_legacy_auth: true },
    legacy('2026-11-23T00:00:00Z'),
    // W46: 3 modern + 5 legacy.
    ...['09', '10', '11'].map((d) => modern(`2026-11-${d}T10:00:00Z`)),
    ...['09', '10', '11', '12', '13'].map((d) => legacy(`2026-11-${d}T10:00:00Z`)),
  ]);
  const r = await kpi(db, 'legacy_auth_usage', '2026-W47');
  expect([r.value, r.numerator, r.denominator]).toEqual([3, 3, 10]);
  expect(r.details).toMatchObject({ share: 0.3, successes: 1, users: 2 });
  expect([r.previousValue, r.change]).toEqual([5, -2]);
  expect(r.met).toBe(true); // 3 < 5
  const w46 = await kpi(db, 'legacy_auth_usage', '2026-W46');
  expect([w46.value, w46.met]).toEqual([5, null]); // nothing before W46 to compare with
  const ev = await evidenceRows(db, 'legacy_auth_usage', '2026-W47', { now: new Date('2027-01-01T00:00:00Z') });
  expect(ev.rows.map((x) => [x.user_name, x.client_app, x.outcome, x.attempts])).toEqual([
    ['bob@acme.example', 'IMAP4', 'failure', 2],
    ['printer@acme.example', 'Authenticated SMTP', 'success', 1],
  ]);
});
