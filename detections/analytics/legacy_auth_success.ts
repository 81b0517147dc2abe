import type { Analytic } from './types.js';
import { list } from './types.js';
import { eventHits, fromWhere } from './event-hits.js';
import { fmtClock, plural, uniq } from '../engine/format.js';

/**
 * A successful sign-in over a legacy (basic-auth) protocol: IMAP, POP, SMTP AUTH, Exchange ActiveSync,
 * EWS/MAPI basic, "Other clients". Legacy protocols cannot do MFA, so a success means a password alone
 * was enough — the path of most password-spray compromises.
 */
export const analytic: Analytic = {
  id: 'legacy_auth_success',
  title: 'Successful sign-in over legacy authentication',
  severity: 'medium',
  tactics: ['initial-access', 'defense-evasion'],
  techniques: ['T1078.004', 'T1550'],
  description: 'A sign-in over a protocol that cannot do MFA (IMAP, POP3, SMTP AUTH, ActiveSync, EWS basic) succeeded.',
  triage:
    'Legacy auth should be blocked by Conditional Access / authentication policy. Find the client (user agent, ' +
    'protocol) and the IP: a hosting ASN or a country the user never signs in from means the password is ' +
    'compromised. Block legacy auth for the user or tenant and reset the password.',
  falsePositives: ['Old mail clients, printers and scanners using SMTP AUTH (move them to OAuth or an app password policy)'],
  params: {
    // Microsoft's list of legacy clientAppUsed values (Entra sign-in logs "Client app" filter); also
    // used by the SigmaHQ rule "Use of Legacy Authentication Protocols".
    legacy_client_apps: {
      default: [
        'Exchange ActiveSync', 'IMAP4', 'POP3', 'SMTP', 'Authenticated SMTP', 'MAPI Over HTTP', 'Other clients',
        'AutoDiscover', 'Exchange Web Services', 'Offline Address Book', 'Outlook Anywhere (RPC over HTTP)',
        'Reporting Web Services', 'Exchange Online PowerShell', 'Universal Outlook',
      ],
      description: 'client apps that count as legacy authentication when the normalizer did not flag it',
      source: 'Microsoft Entra sign-in logs: legacy authentication client apps',
    },
  },
  contextMinutes: () => 24 * 60,
  detect(db, win, p) {
    return eventHits(db, win, {
      where: `e.action = 'logon' AND e.outcome = 'success'
              AND (coalesce(e.is_legacy_auth, false) OR list_contains(CAST($legacy::JSON AS VARCHAR[]), e.client_app))`,
      params: { legacy: JSON.stringify(list(p, 'legacy_client_apps')) },
      extra: ['e.client_app AS client_app', 'e.auth_protocol AS protocol'],
      bucket: 'day',
      explain: (rows) => {
        const clients = uniq(rows.map((r) => (r.client_app ?? r.protocol ?? 'legacy client') as string));
        return `${plural(rows.length, 'successful legacy-auth sign-in')} for ${rows[0].usr} (${clients.join(', ')}), ` +
          `first at ${fmtClock(rows[0].t, true)} UTC from ${fromWhere(rows[0])}: no MFA is possible on these protocols.`;
      },
    });
  },
};
