import { AS_OF, END, START, itsmCurrent, itsmPresent, jsonDetails } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of access review decisions completed on time: review items (IGA certification export,
 * `access_review` records) due in the window; on time = a decision (Approve/Revoke) made at or
 * before the due time. Items decided late or still undecided after their due time are not on
 * time; items not yet due at the time of measurement and not yet decided are not counted.
 */
const base = `items AS (
  SELECT *, nullif(trim(coalesce(decision, '')), '') AS decided,
    json_extract_string(attributes, '$.campaign_name') AS campaign
  FROM (${itsmCurrent('access_review')}) WHERE due_at >= ${START} AND due_at < ${END}),
judged AS (
  SELECT *, CASE
      WHEN decided IS NOT NULL AND decided_at IS NOT NULL AND decided_at <= due_at THEN 'on_time'
      WHEN decided IS NOT NULL THEN 'late'
      WHEN due_at < ${AS_OF} THEN 'overdue'
      ELSE 'pending' END AS status
  FROM items)`;

export const access_review_completion: KpiDefinition = {
  id: 'access_review_completion',
  title: 'Access review completion rate',
  unit: 'ratio',
  cadence: 'quarterly',
  target: { op: '>=', value: 0.95 },
  owner: 'Identity governance',
  needs: [{ id: 'itsm_records:access_review', sql: itsmPresent('access_review') }],
  emptyNeed: 'itsm_records:access_review due in window',
  calculation:
    'Access review items (record_type access_review) with due_at in the window. On time = a decision recorded with decided_at <= due_at. Late = decided after due; overdue = undecided past due. Value = on time / (on time + late + overdue); items not yet due and undecided are not counted.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) FILTER (WHERE status <> 'pending') = 0 THEN NULL
    ELSE count(*) FILTER (WHERE status = 'on_time') / count(*) FILTER (WHERE status <> 'pending') END AS value,
  CAST(count(*) FILTER (WHERE status = 'on_time') AS DOUBLE) AS numerator,
  CAST(count(*) FILTER (WHERE status <> 'pending') AS DOUBLE) AS denominator,
  ${jsonDetails(`{late: count(*) FILTER (WHERE status = 'late'), overdue: count(*) FILTER (WHERE status = 'overdue'), pending: count(*) FILTER (WHERE status = 'pending')}`)} AS details
FROM judged`,
  evidenceSql: `WITH ${base}
SELECT record_id, campaign, coalesce(json_extract_string(attributes, '$.reviewer'), requester) AS reviewer, subject_user, short_description AS entitlement, decision, decided_at, due_at, status
FROM judged WHERE status <> 'on_time' ORDER BY status, due_at, record_id`,
};
