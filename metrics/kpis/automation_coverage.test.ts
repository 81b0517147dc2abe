import { expect, it } from 'vitest';
import { events, kpi, openTestDb } from '../testing.js';

it('automation_coverage: changes by sync/service principals over changes by people', async () => {
  const db = await openTestDb();
  const e = (t: string, action: string, actor_type: string | null, extra: Record<string, unknown> = {}) => ({
    event_time: t, event_class: 'account_change', action, actor_type, actor_name: 'admin@acme.example', target_user_name: 'alice@acme.example', ...extra,
  });
  await events(db, [
    e('2026-07-02T10:00:00Z', 'provision_create', null, { event_class: 'provisioning', actor_name: null }), // written by the sync engine
    e('2026-07-03T10:00:00Z', 'provision_update', null, { event_class: 'provisioning', actor_name: null }),
    e('2026-07-04T10:00:00Z', 'account_create', 'SystemPrincipal', { source: 'okta', tenant_id: 'acme.okta.com', actor_name: 'Okta System' }),
    e('2026-08-04T10:00:00Z', 'group_add_member', 'ServicePrincipal', { actor_name: 'Workday to Entra provisioning' }),
    e('2026-08-05T10:00:00Z', 'account_disable', 'User', { actor_name: 'Sync_DC01_8f2a1c@acme.onmicrosoft.com' }), // Entra Connect's sync account
    e('2026-09-01T10:00:00Z', 'role_grant', 'User'), // by hand
    e('2026-09-02T10:00:00Z', 'account_update', 'user'),
    e('2026-09-03T10:00:00Z', 'group_remove_member', null), // no actor type: not counted
    e('2026-09-04T10:00:00Z', 'role_activate', 'User'), // self-activation is not a change
    e('2026-09-05T10:00:00Z', 'account_create', 'SystemPrincipal', { outcome: 'failure' }),
    e('2026-10-02T10:00:00Z', 'role_grant', 'User'), // Q4
  ]);
  const r = await kpi(db, 'automation_coverage', '2026-Q3');
  // Automated 5 (2 provisioning, Okta system, service principal, sync account); manual 2 → 5 / 7.
  expect([r.numerator, r.denominator]).toEqual([5, 7]);
  expect(r.value).toBeCloseTo(5 / 7, 10);
  expect(r.details).toEqual({ manual: 2, unknown_actor: 1 });
  expect(r.met).toBe(true); // 71.4% > 70%
  expect(r.target).toBe('> 70%');
});
