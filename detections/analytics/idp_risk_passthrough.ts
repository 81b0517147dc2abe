import type { Analytic } from './types.js';
import { list } from './types.js';
import { eventHits, fromWhere } from './event-hits.js';
import { fmtClock, plural, uniq } from '../engine/format.js';

/**
 * The identity provider's own risk verdicts, passed through as alerts: Okta ThreatInsight
 * `security.threat.detected`, Okta risk events, Entra ID Protection risky sign-ins
 * (`riskLevelDuringSignIn`/`riskLevelAggregated` medium or high, `riskState` atRisk) and risk detections.
 */
export const analytic: Analytic = {
  id: 'idp_risk_passthrough',
  title: 'Identity provider risk detection',
  severity: 'medium',
  tactics: ['initial-access', 'credential-access'],
  techniques: ['T1078', 'T1110'],
  description: 'The IdP flagged a sign-in or an IP as risky (ThreatInsight, ID Protection). Grouped per user (or IP) per day.',
  triage: 'Read the IdP\'s risk reasons. A high-risk successful sign-in is handled like a compromise; a blocked ThreatInsight request needs no action unless it repeats.',
  falsePositives: ['Risk scores raised by new devices or travel (the IdP\'s own false positives)'],
  params: {
    // Sign-ins carrying the IdP's HIGH risk verdict. Medium is left to the IdP's own policies: Okta rates
    // every sign-in from a new city MEDIUM (a business trip), and Microsoft's recommended sign-in risk
    // policy blocks or steps up at high. Explicit risk detections (ThreatInsight, riskDetections) always pass.
    risk_levels: { default: ['high'], description: 'sign-in risk levels passed through', source: 'Microsoft Entra ID Protection: recommended sign-in risk policy at high' },
  },
  contextMinutes: () => 24 * 60,
  detect(db, win, p) {
    return eventHits(db, win, {
      where: `e.action = 'risk_detected' OR (e.action = 'logon' AND list_contains(CAST($levels::JSON AS VARCHAR[]), lower(e.risk_level)))`,
      params: { levels: JSON.stringify(list(p, 'risk_levels').map((s) => s.toLowerCase())) },
      extra: ['lower(e.risk_level) AS level', 'e.risk_reasons AS reasons', 'e.outcome AS outcome'],
      bucket: 'day',
      entityKey: (r) => r.usr ?? r.ip ?? 'unknown',
      explain: (rows) => {
        const reasons = uniq(rows.flatMap((r) => (Array.isArray(r.reasons) ? (r.reasons as string[]) : [])));
        const levels = uniq(rows.map((r) => r.level).filter(Boolean));
        return `${plural(rows.length, 'IdP risk event')} for ${rows[0].usr ?? rows[0].ip ?? 'unknown'} (level ${levels.join('/') || 'n/a'}` +
          `${reasons.length ? `; ${reasons.slice(0, 5).join(', ')}` : ''}), first at ${fmtClock(rows[0].t, true)} UTC from ${fromWhere(rows[0])}.`;
      },
      severity: (rows) => (rows.some((r) => r.level === 'high' && r.outcome === 'success') ? 'high' : undefined),
    });
  },
};
