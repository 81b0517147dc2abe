import type { Analytic } from './types.js';
import { list } from './types.js';
import { eventHits } from './event-hits.js';
import { fmtClock } from '../engine/format.js';

/**
 * A privileged role assigned directly and permanently instead of being made eligible and activated
 * just-in-time (Entra "Add member to role" outside PIM; Okta `user.account.privilege.grant` and
 * `group.privilege.grant`). PIM's own operations (activations, eligible assignments, and "… in PIM
 * completed" events written by the MS-PIM service principal) are the sanctioned path and do not fire.
 */
export const analytic: Analytic = {
  id: 'admin_role_outside_pim',
  title: 'Admin role granted outside PIM',
  severity: 'high',
  tactics: ['persistence', 'privilege-escalation'],
  techniques: ['T1098', 'T1098.003'],
  description: 'A privileged directory role was granted as a standing assignment, bypassing just-in-time elevation and its approval.',
  triage:
    'Confirm a change ticket and who performed the grant. If none, remove the assignment, review what the grantee ' +
    'did with it, and check the granting admin account for compromise.',
  falsePositives: ['Break-glass accounts provisioned during a documented procedure', 'Tenants without PIM licences (tune `pim_actors`)'],
  params: {
    // Actors that are PIM itself: their role grants are the result of an approved PIM request.
    pim_actors: { default: ['MS-PIM', 'Azure AD PIM', 'Microsoft Entra Privileged Identity Management'], description: 'actor names of the PIM service', source: 'Entra audit logs: PIM operations are initiated by MS-PIM' },
  },
  contextMinutes: () => 0,
  detect(db, win, p) {
    return eventHits(db, win, {
      where: `e.action = 'role_grant' AND e.outcome = 'success' AND coalesce(e.privilege_is_admin, false)
              AND coalesce(e.assignment_kind, 'permanent') IN ('permanent', 'timebound')
              AND NOT list_contains(CAST($pim::JSON AS VARCHAR[]), coalesce(e.actor_name, ''))
              -- "… in PIM completed …" and "(PIM activation)" went through PIM; "outside of PIM" did not
              AND NOT regexp_matches(coalesce(e.native_type, ''), '(?i)(\\bin PIM\\b|PIM activation)')`,
      params: { pim: JSON.stringify(list(p, 'pim_actors')) },
      user: `lower(coalesce(e.target_user_name, e.target_resource_name))`,
      app: `e.privilege_name`,
      extra: ['e.actor_name AS actor', 'e.privilege_name AS role', 'e.assignment_kind AS kind'],
      bucket: 'event',
      explain: (rows) => {
        const r = rows[0];
        return `${String(r.actor ?? 'an unknown actor')} granted ${String(r.role ?? 'an admin role')} to ${r.usr ?? 'an account'} ` +
          `at ${fmtClock(r.t, true)} UTC as a ${String(r.kind ?? 'permanent')} assignment, not through PIM.`;
      },
      details: (rows) => ({ role: rows[0].role, granted_by: rows[0].actor, assignment_kind: rows[0].kind }),
    });
  },
};
