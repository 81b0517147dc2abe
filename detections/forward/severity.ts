import type { Severity } from '../alerts/model.js';

/**
 * One severity, each format's scale.
 * - risk score: Elastic Security's default severity → risk_score mapping (21/47/73/99).
 * - OCSF severity_id: 1 Informational … 5 Critical.
 * - CEF Severity 0–10 (ArcSight: 0–3 low, 4–6 medium, 7–8 high, 9–10 very high).
 * - syslog severity (RFC 5424 §6.2.1): 2 critical, 3 error, 4 warning, 5 notice, 6 informational.
 */
export const SEVERITY_SCALES: Record<Severity, { riskScore: number; ocsf: number; cef: number; syslog: number }> = {
  informational: { riskScore: 1, ocsf: 1, cef: 1, syslog: 6 },
  low: { riskScore: 21, ocsf: 2, cef: 3, syslog: 5 },
  medium: { riskScore: 47, ocsf: 3, cef: 5, syslog: 4 },
  high: { riskScore: 73, ocsf: 4, cef: 8, syslog: 3 },
  critical: { riskScore: 99, ocsf: 5, cef: 10, syslog: 2 },
};

export function scale(s: Severity) {
  return SEVERITY_SCALES[s] ?? SEVERITY_SCALES.medium;
}
