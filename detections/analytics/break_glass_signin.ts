import type { Analytic } from './types.js';
import { list } from './types.js';
import { eventHits, fromWhere } from './event-hits.js';
import { fmtClock, plural } from '../engine/format.js';

/**
 * Any sign-in attempt by an emergency-access (break-glass) account. Microsoft's guidance for
 * emergency access accounts is to alert on every sign-in, successful or not. Accounts are recognised
 * by the inventory flag (`accounts.is_break_glass`) or by login pattern.
 */
export const analytic: Analytic = {
  id: 'break_glass_signin',
  title: 'Break-glass account sign-in',
  severity: 'high',
  tactics: ['initial-access', 'privilege-escalation'],
  techniques: ['T1078', 'T1078.004'],
  description: 'An emergency-access account was used. These accounts bypass Conditional Access and must only be used in an outage or a scheduled drill.',
  triage:
    'Confirm an outage or a scheduled drill with the account owner. If neither, treat it as a compromise of a ' +
    'Global Administrator: rotate the credential and FIDO2 keys, review every audit event of the session.',
  falsePositives: ['Scheduled drills (add an allowlist entry of kind user with the drill window as expiry)'],
  params: {
    // Microsoft "Manage emergency access accounts": monitor sign-in logs of these accounts and alert on any.
    login_patterns: {
      default: ['breakglass%', 'break-glass%', 'break_glass%', 'emergency-access%', 'emergencyaccess%'],
      description: 'LIKE patterns of break-glass logins (in addition to the inventory flag)',
      source: 'Microsoft Entra: manage emergency access accounts',
    },
  },
  contextMinutes: () => 24 * 60,
  detect(db, win, p) {
    const user = `idt_user(e.event_class, e.actor_name, e.actor_type, e.target_user_name)`;
    return eventHits(db, win, {
      where: `e.action = 'logon' AND e.outcome IN ('success', 'failure')
              AND (len(list_filter(CAST($patterns::JSON AS VARCHAR[]), lambda pat: ${user} LIKE pat)) > 0
                   OR EXISTS (SELECT 1 FROM accounts a WHERE a.is_break_glass AND (lower(a.login) = ${user} OR lower(a.email) = ${user})))`,
      params: { patterns: JSON.stringify(list(p, 'login_patterns').map((s) => s.toLowerCase())) },
      extra: ['e.outcome AS outcome', 'e.app_name AS app_name'],
      bucket: 'day',
      explain: (rows) => {
        const ok = rows.filter((r) => r.outcome === 'success').length;
        return `Break-glass account ${rows[0].usr}: ${plural(rows.length, 'sign-in attempt')} (${ok} successful), first at ` +
          `${fmtClock(rows[0].t, true)} UTC from ${fromWhere(rows[0])}${rows[0].app ? ` to ${rows[0].app}` : ''}.`;
      },
      severity: (rows) => (rows.some((r) => r.outcome === 'success') ? 'critical' : 'high'),
    });
  },
};
