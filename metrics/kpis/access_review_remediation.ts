import { businessDaysSql } from '../period.js';
import { AS_OF, END, REMOVE_ACTIONS, START, TARGET_USER_KEYS, itsmCurrent, inList, itsmPresent, jsonDetails, nearestRank, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/** Review decisions that mean "take this access away". */
export const REVOKE_DECISIONS = ['revoke', 'revoked', 'remove', 'removed', 'deny', 'denied', 'reject', 'rejected'];

/**
 * Business days from a "remove" review decision to the access being removed, for revoke decisions
 * made in the window.
 * - Removed at: the earliest of the export's remediation time (`attributes.remediated_at`, else
 *   `resolved_at`) and the first successful group/role removal or deprovisioning event on the
 *   subject user (matched by login, email, employee id or account id) after the decision, for the
 *   reviewed entitlement when the event names one.
 * - Still open: measured up to the time of measurement (a lower bound on its delay) and flagged.
 * - Value = P90 (nearest rank); numerator = removed within 10 business days.
 */
const base = `decisions AS (
  SELECT record_id, coalesce(json_extract_string(attributes, '$.reviewer'), requester) AS reviewer, subject_user, decided_at,
    lower(coalesce(json_extract_string(attributes, '$.entitlement'), short_description)) AS entitlement,
    coalesce(TRY_CAST(json_extract_string(attributes, '$.remediated_at') AS TIMESTAMP), resolved_at) AS export_removed_at
  FROM (${itsmCurrent('access_review')})
  WHERE lower(trim(coalesce(decision, ''))) IN ${sqlList(REVOKE_DECISIONS)} AND decided_at >= ${START} AND decided_at < ${END}),
subject_keys AS (
  SELECT record_id, lower(subject_user) AS key FROM decisions WHERE subject_user IS NOT NULL
  UNION SELECT d.record_id, a.account_id FROM decisions d JOIN accounts a ON lower(a.login) = lower(d.subject_user)
  UNION SELECT d.record_id, a.account_id FROM decisions d JOIN accounts a ON lower(a.email) = lower(d.subject_user)
  UNION SELECT d.record_id, a.account_id FROM decisions d JOIN accounts a ON a.employee_id = d.subject_user),
removals AS (
  SELECT event_time, lower(coalesce(target_resource_name, privilege_name)) AS entitlement, ${TARGET_USER_KEYS} AS key
  FROM identity_events WHERE ${inList('action', REMOVE_ACTIONS)} AND outcome = 'success' AND event_time < ${AS_OF}),
event_removed AS (
  SELECT d.record_id, min(r.event_time) AS removed_at
  FROM decisions d JOIN subject_keys sk USING (record_id) JOIN removals r ON r.key = sk.key
  WHERE r.event_time >= d.decided_at AND (r.entitlement IS NULL OR d.entitlement IS NULL OR r.entitlement = d.entitlement)
  GROUP BY d.record_id),
judged AS (
  SELECT d.*, least(CASE WHEN d.export_removed_at < ${AS_OF} THEN d.export_removed_at END, e.removed_at) AS removed_at
  FROM decisions d LEFT JOIN event_removed e USING (record_id)),
timed AS (
  SELECT *, removed_at IS NULL AS still_open,
    ${businessDaysSql('decided_at', `coalesce(removed_at, ${AS_OF})`)} AS business_days
  FROM judged)`;

export const access_review_remediation: KpiDefinition = {
  id: 'access_review_remediation',
  title: 'Access review remediation SLA',
  unit: 'business_days',
  cadence: 'quarterly',
  target: { percentiles: [{ p: 90, max: 10 }] },
  owner: 'Identity governance',
  params: { sla_business_days: 10 },
  needs: [{ id: 'itsm_records:access_review_revoke', sql: itsmPresent('access_review', `lower(trim(coalesce(decision, ''))) IN ${sqlList(REVOKE_DECISIONS)}`) }],
  emptyNeed: 'itsm_records:access_review revoke decisions in window',
  calculation:
    'Revoke decisions (Revoke/Remove/Deny) made in the window. Removed at = earliest of the export\'s remediation time and the first successful group/role removal or deprovisioning event on the subject user after the decision (same entitlement when named). Business days (Mon–Fri) from decision to removal; still-open items count up to the time of measurement. Value = P90 (nearest rank); numerator = removed within 10 business days; denominator = revoke decisions.',
  valueSql: `WITH ${base}
SELECT ${nearestRank('business_days', 0.9)} AS value,
  CAST(count(*) FILTER (WHERE NOT still_open AND business_days <= CAST($sla_business_days AS BIGINT)) AS DOUBLE) AS numerator,
  CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{p50: ${nearestRank('business_days', 0.5)}, p75: ${nearestRank('business_days', 0.75)}, p90: ${nearestRank('business_days', 0.9)}, p95: ${nearestRank('business_days', 0.95)}, still_open: count(*) FILTER (WHERE still_open)}`)} AS details
FROM timed`,
  evidenceSql: `WITH ${base}
SELECT record_id, reviewer, subject_user, entitlement, decided_at, removed_at, still_open, business_days
FROM timed ORDER BY business_days DESC, record_id`,
};
