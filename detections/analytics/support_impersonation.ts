import type { Analytic } from './types.js';
import { eventHits } from './event-hits.js';
import { fmtClock } from '../engine/format.js';

/**
 * Vendor support or an admin acting as another user: Okta `user.session.impersonation.grant`,
 * `.initiate`, `.extend` (support access to the org), Google Workspace delegated admin "assume user".
 * After the 2022 Lapsus$ incident Okta recommends alerting on every impersonation session.
 */
export const analytic: Analytic = {
  id: 'support_impersonation',
  title: 'Support or admin impersonation session',
  severity: 'medium',
  tactics: ['privilege-escalation', 'defense-evasion'],
  techniques: ['T1134', 'T1078'],
  description: 'A support engineer or admin opened a session as another user (or was granted access to the org).',
  triage: 'Match it to a support case opened by your team. Without one, revoke the grant and review the session\'s actions.',
  falsePositives: ['Support cases opened by the IAM team (the grant is then expected)'],
  params: {},
  contextMinutes: () => 0,
  detect(db, win) {
    return eventHits(db, win, {
      where: `e.action = 'impersonation' AND e.outcome <> 'failure'`,
      user: `lower(coalesce(e.target_user_name, e.actor_name))`,
      extra: ['e.actor_name AS actor', 'e.native_type AS native_type'],
      bucket: 'event',
      explain: (rows) =>
        `${String(rows[0].native_type ?? 'impersonation')} by ${String(rows[0].actor ?? 'unknown')} ` +
        `for ${rows[0].usr ?? 'the org'} at ${fmtClock(rows[0].t, true)} UTC from ${rows[0].ip ?? 'unknown IP'}.`,
      details: (rows) => ({ actor: rows[0].actor, native_type: rows[0].native_type }),
    });
  },
};
