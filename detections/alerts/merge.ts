import type { Alert } from './model.js';

/**
 * A repeated hit of an alert that is already stored: widen first/last seen, merge the evidence ids,
 * take the newer explanation, details, severity and suppression, and keep the triage state (an
 * acknowledged or closed alert is never reset to new). The count is the largest of the stored
 * count, the new count and the distinct evidence ids, so a re-run over the same window leaves it
 * unchanged and a burst split across two runs adds up.
 */
export function mergeAlert(old: Alert, hit: Alert, now: string): Alert {
  const evidence = [...new Set([...old.evidence_event_ids, ...hit.evidence_event_ids])];
  return {
    ...old,
    first_seen: Date.parse(hit.first_seen) < Date.parse(old.first_seen) ? hit.first_seen : old.first_seen,
    last_seen: Date.parse(hit.last_seen) > Date.parse(old.last_seen) ? hit.last_seen : old.last_seen,
    event_count: Math.max(old.event_count, hit.event_count, evidence.length),
    evidence_event_ids: evidence,
    explanation: hit.explanation,
    details: hit.details ?? {},
    severity: hit.severity,
    suppressed_by: hit.suppressed_by ?? null,
    updated_at: now,
  };
}
