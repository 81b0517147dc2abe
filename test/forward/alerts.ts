import type { Alert } from '../../detections/alerts/model.js';
import { stableAlertId } from '../../detections/alerts/alert-id.js';

/**
 * Alerts shaped like the ones the detections raise (DESIGN.md §4–5): the four named detections,
 * with explanations carrying the numbers, real evidence-id shapes (Okta `uuid`, Entra sign-in `id`),
 * and text with the characters that forwarding formats must escape.
 */
function base(over: Partial<Alert> & Pick<Alert, 'rule_id' | 'rule_title' | 'entity' | 'first_seen' | 'last_seen'>): Alert {
  const bucket = over.first_seen.slice(0, 13);
  return {
    alert_id: stableAlertId(over.rule_id, over.entity, bucket),
    rule_author: 'idtrail',
    rule_kind: 'analytic',
    severity: 'medium',
    tactics: [],
    techniques: [],
    tenant_id: null,
    event_count: 1,
    evidence_event_ids: [],
    explanation: '',
    details: {},
    status: 'new',
    resolution: null,
    status_note: null,
    suppressed_by: null,
    created_at: '2026-11-20T10:20:00.000Z',
    updated_at: '2026-11-20T10:20:00.000Z',
    ...over,
  };
}

export function impossibleTravel(): Alert {
  return base({
    rule_id: 'impossible_travel',
    rule_title: 'Impossible travel between successful interactive sign-ins',
    severity: 'high',
    tactics: ['initial_access', 'persistence', 'privilege_escalation', 'defense_evasion'],
    techniques: ['T1078.004'],
    entity: { user: 'anna.schmidt@contoso.com', ip: '103.152.220.14', app: 'Office 365 Exchange Online' },
    tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    first_seen: '2026-11-20T09:02:11.000Z',
    last_seen: '2026-11-20T10:14:37.000Z',
    event_count: 2,
    evidence_event_ids: ['4c1f0a3e-6d5b-4c8a-9a7e-2f1b0c9d8e70', 'b7e2c915-03aa-4f61-8d2c-5e9a1f4b6c30'],
    explanation: '2 sign-ins: Berlin 09:02 → Singapore 10:14, 9,870 km in 72 min = 8,225 km/h',
    details: { distance_km: 9870, minutes: 72, speed_kmh: 8225, from: { city: 'Berlin', country: 'DE' }, to: { city: 'Singapore', country: 'SG' } },
  });
}

export function mfaFatigue(): Alert {
  return base({
    rule_id: 'mfa_fatigue',
    rule_title: 'MFA push bombing | denials followed by an accepted push',
    rule_kind: 'sigma_correlation',
    severity: 'critical',
    tactics: ['credential_access'],
    techniques: ['T1621'],
    entity: { user: 'j.doe@example.com', ip: '2001:db8:85a3::8a2e:370:7334', app: 'Okta Dashboard' },
    tenant_id: 'example.okta.com',
    first_seen: '2026-11-20T03:10:02.000Z',
    last_seen: '2026-11-20T03:16:40.000Z',
    event_count: 7,
    evidence_event_ids: Array.from({ length: 7 }, (_, i) => `a1b2c3d4-0000-11ef-9a1b-00000000000${i}`),
    // Newlines, '=', '\', '|', quotes and ']' all appear in real explanations and must survive every format.
    explanation:
      '6 push denials (user.mfa.okta_verify.deny_push) in 6 min, then 1 accepted push\nthreshold: denials>=5 in 10 min; path C:\\okta\\push | "ratio=6/1" [burst]\r\nüser: Jürgen Groß 東京',
    details: { denials: 6, accepted: 1, window_minutes: 10 },
  });
}

export function riskyConsent(): Alert {
  return base({
    rule_id: 'risky_oauth_consent',
    rule_title: 'Risky OAuth consent to an unknown application',
    rule_kind: 'analytic',
    severity: 'high',
    tactics: ['credential_access'],
    techniques: ['T1528'],
    entity: { user: 'lee.park@contoso.com', ip: '198.51.100.23', app: 'Mail Sync Pro = "free"' },
    tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    first_seen: '2026-11-19T22:41:09.000Z',
    last_seen: '2026-11-19T22:41:09.000Z',
    event_count: 1,
    evidence_event_ids: ['Directory_2b7e1c0e-4d2f-4a7b-9a55-1f3c7e8d9a10_QX7Y8_123456789'],
    explanation: 'Non-admin consent to unknown app "Mail Sync Pro" with offline_access + Mail.ReadWrite + Files.Read.All',
    details: { scopes: ['offline_access', 'Mail.ReadWrite', 'Files.Read.All'] },
  });
}

export function dormantPrivileged(): Alert {
  return base({
    rule_id: 'dormant_privileged_account',
    rule_title: 'Dormant privileged account signs in',
    rule_kind: 'analytic',
    severity: 'high',
    tactics: ['defense_evasion', 'persistence', 'privilege_escalation', 'initial_access'],
    techniques: ['T1078'],
    entity: { user: 'svc-legacy-admin@contoso.com', ip: '203.0.113.77', app: null },
    first_seen: '2026-11-18T07:00:00.000Z',
    last_seen: '2026-11-18T07:00:00.000Z',
    event_count: 1,
    evidence_event_ids: ['5e0c2b3a-9f41-4b7d-8e2a-0c6d1f9a7b21'],
    explanation: 'Global Administrator with no successful sign-in for 97 days (threshold 45) signed in from 203.0.113.77',
  });
}

/** `n` distinct alerts: the four above plus password-spray alerts over consecutive hours. */
export function alertSet(n = 12): Alert[] {
  const out: Alert[] = [impossibleTravel(), mfaFatigue(), riskyConsent(), dormantPrivileged()];
  for (let i = 0; out.length < n; i++) {
    const hour = String(i % 24).padStart(2, '0');
    const day = 10 + Math.floor(i / 24);
    out.push(
      base({
        rule_id: 'password_spray',
        rule_title: 'Password spray from one source across many accounts',
        rule_kind: 'analytic',
        severity: 'medium',
        tactics: ['credential_access'],
        techniques: ['T1110.003'],
        entity: { user: null, ip: `185.220.101.${(i % 250) + 1}`, app: 'Microsoft Azure PowerShell' },
        first_seen: `2026-11-${day}T${hour}:05:00.000Z`,
        last_seen: `2026-11-${day}T${hour}:25:00.000Z`,
        event_count: 40 + i,
        evidence_event_ids: [`e${i}-1`, `e${i}-2`, `e${i}-3`],
        explanation: `${40 + i} failed sign-ins (AADSTS50126) against ${20 + i} accounts in 20 min from 185.220.101.${(i % 250) + 1}`,
      }),
    );
  }
  return out.slice(0, n);
}
