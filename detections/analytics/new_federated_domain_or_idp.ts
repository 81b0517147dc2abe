import type { Analytic } from './types.js';
import { eventHits } from './event-hits.js';
import { fmtClock } from '../engine/format.js';

/**
 * A new federated domain or identity provider: Entra "Set domain authentication", "Set federation
 * settings on domain", "Add unverified domain" + federation; Okta `system.idp.lifecycle.create` /
 * `.activate`; Google SSO profile changes. A rogue federation trust lets an attacker mint tokens for
 * any user (Solorigate / Golden SAML, Octo Tempest adding an IdP).
 */
export const analytic: Analytic = {
  id: 'new_federated_domain_or_idp',
  title: 'New federated domain or identity provider',
  severity: 'high',
  tactics: ['persistence', 'defense-evasion', 'privilege-escalation'],
  techniques: ['T1484.002'],
  description: 'A domain was switched to federated authentication or a new external identity provider was added or activated.',
  triage: 'Confirm a change ticket. Otherwise remove the trust, revoke tokens issued through it and investigate the admin who added it.',
  falsePositives: ['Planned IdP migrations and acquisitions (domain onboarding)'],
  params: {},
  contextMinutes: () => 0,
  detect(db, win) {
    return eventHits(db, win, {
      // Federation changes, and a domain becoming verified (the step before federating it). Adding an
      // unverified domain proves nothing yet; DirSync flag changes are sync configuration, not trust.
      where: `e.outcome = 'success' AND (
                (e.action = 'federation_change' AND coalesce(e.native_type, '') NOT IN ('Set DirSyncEnabled flag', 'system.idp.lifecycle.delete', 'system.idp.lifecycle.deactivate'))
                OR (e.action = 'domain_change' AND coalesce(e.native_type, '') IN ('Add verified domain', 'Verify domain')))`,
      user: `lower(e.actor_name)`,
      app: `coalesce(e.target_resource_name, e.app_name)`,
      extra: ['e.native_type AS native_type', 'e.target_resource_name AS target'],
      bucket: 'event',
      explain: (rows) =>
        `${rows[0].usr ?? 'An unknown actor'} performed ${String(rows[0].native_type ?? 'a federation change')} ` +
        `on ${String(rows[0].target ?? 'a domain/IdP')} at ${fmtClock(rows[0].t, true)} UTC.`,
      details: (rows) => ({ native_type: rows[0].native_type, target: rows[0].target }),
    });
  },
};
