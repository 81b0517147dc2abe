import type { Analytic } from './types.js';
import { eventHits } from './event-hits.js';
import { fmtClock, plural } from '../engine/format.js';

/**
 * A secret or certificate added to an application or service principal (Entra "Add service principal
 * credentials", "Update application – Certificates and secrets management"; Okta
 * `app.oauth2.client.lifecycle` key/secret events). Attackers with admin access add their own
 * credential to an app with broad Graph permissions to keep access (Solorigate, Midnight Blizzard).
 */
export const analytic: Analytic = {
  id: 'service_principal_credential_added',
  title: 'Credential added to a service principal or application',
  severity: 'medium',
  tactics: ['persistence', 'privilege-escalation'],
  techniques: ['T1098.001'],
  description: 'A client secret or certificate was added to an application or service principal.',
  triage: 'Check who added it and whether the app owner expects a rotation. Unknown credential on a privileged app: remove it and review the app\'s sign-ins.',
  falsePositives: ['Scheduled secret rotation by the app owner or an automation account'],
  params: {},
  contextMinutes: () => 24 * 60,
  detect(db, win) {
    return eventHits(db, win, {
      where: `e.action = 'app_credential_add' AND e.outcome = 'success'`,
      user: `lower(e.actor_name)`,
      app: `coalesce(e.target_resource_name, e.app_name, e.target_resource_id, e.app_id)`,
      bucket: 'day',
      entityKey: (r) => `${r.app ?? 'unknown'}`,
      explain: (rows) =>
        `${plural(rows.length, 'credential')} added to ${rows[0].app ?? 'an application'} by ${rows[0].usr ?? 'unknown'}, ` +
        `first at ${fmtClock(rows[0].t, true)} UTC.`,
    });
  },
};
