import { END, IAM_CATEGORIES, START, itsmCurrent, itsmPresent, jsonDetails, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of IAM changes that caused an incident or a rollback.
 * - IAM changes: change records with an identity/access category, closed in the window;
 *   cancelled changes are not counted.
 * - Failed: marked as having caused an incident, marked rolled back (ServiceNow `u_rolled_back`),
 *   or named by an incident's "caused by change" (`related_record_id` = the change's id or number).
 *   A close code of "unsuccessful" alone is not a failure in this definition.
 */
const base = `changes AS (
  SELECT * FROM (${itsmCurrent('change')})
  WHERE lower(category) IN ${sqlList(IAM_CATEGORIES)} AND closed_at >= ${START} AND closed_at < ${END}
    AND NOT regexp_matches(lower(coalesce(state, '')), 'cancel')),
incidents AS (SELECT record_id AS incident_id, related_record_id FROM (${itsmCurrent('incident')}) WHERE related_record_id IS NOT NULL),
judged AS (
  SELECT c.record_id, json_extract_string(c.attributes, '$.number') AS number, c.short_description, c.state, c.opened_at, c.closed_at,
    coalesce(c.caused_incident, false) AS caused_incident, coalesce(c.rolled_back, false) AS rolled_back,
    (SELECT string_agg(i.incident_id, ' ' ORDER BY i.incident_id) FROM incidents i
      WHERE i.related_record_id = c.record_id OR i.related_record_id = json_extract_string(c.attributes, '$.number')) AS incidents
  FROM changes c),
rated AS (SELECT *, caused_incident OR rolled_back OR incidents IS NOT NULL AS failed FROM judged)`;

export const iam_change_failure_rate: KpiDefinition = {
  id: 'iam_change_failure_rate',
  title: 'IAM change failure rate',
  unit: 'ratio',
  cadence: 'monthly',
  target: { op: '<=', value: 0.05 },
  owner: 'IAM engineering',
  needs: [{ id: 'itsm_records:iam_changes', sql: itsmPresent('change', `lower(category) IN ${sqlList(IAM_CATEGORIES)}`) }],
  emptyNeed: 'itsm_records:iam changes closed in window',
  calculation:
    'Change records with an identity/access category closed in the window (cancelled excluded). Failed = caused_incident, rolled_back, or referenced by an incident\'s caused-by change. Value = failed / closed IAM changes.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE failed) / count(*) END AS value,
  CAST(count(*) FILTER (WHERE failed) AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{rolled_back: count(*) FILTER (WHERE rolled_back), caused_incident: count(*) FILTER (WHERE caused_incident OR incidents IS NOT NULL)}`)} AS details
FROM rated`,
  evidenceSql: `WITH ${base}
SELECT record_id, number, short_description, state, opened_at, closed_at, caused_incident, rolled_back, incidents, failed
FROM rated ORDER BY failed DESC, closed_at, record_id`,
};
