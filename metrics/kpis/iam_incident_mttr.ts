import { END, IAM_CATEGORIES, START, itsmCurrent, itsmPresent, jsonDetails, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Mean time to resolve IAM incidents, in hours, overall (value) and by severity (details).
 * - IAM incidents: incident records with an identity/access category resolved in the window
 *   (resolved_at, else closed_at).
 * - Severity: the leading digit of the ServiceNow priority (`1 - Critical` = Sev1), falling back to
 *   the severity field: priority is what the IAM on-call is paged on.
 * - Time to resolve: resolved − opened, in hours.
 */
/**
 * Mean hours from whole seconds summed exactly (integers) and divided once: a mean of DOUBLE hours
 * summed by parallel threads depends on the order the rows arrive in, and would change in the
 * last digit from run to run.
 */
const MEAN_HOURS = `sum(seconds) / (3600.0 * count(seconds))`;

const base = `inc AS (
  SELECT record_id, short_description, priority, severity, opened_at, coalesce(resolved_at, closed_at) AS resolved,
    coalesce(nullif(regexp_extract(coalesce(priority, ''), '^\\s*(?:P|Sev)?\\s*(\\d)', 1), ''), nullif(regexp_extract(coalesce(severity, ''), '^\\s*(?:P|Sev)?\\s*(\\d)', 1), ''), '?') AS sev
  FROM (${itsmCurrent('incident')})
  WHERE lower(category) IN ${sqlList(IAM_CATEGORIES)} AND opened_at IS NOT NULL
    AND coalesce(resolved_at, closed_at) >= ${START} AND coalesce(resolved_at, closed_at) < ${END}),
timed AS (SELECT *, date_diff('second', opened_at, resolved) AS seconds, date_diff('second', opened_at, resolved) / 3600.0 AS hours FROM inc),
by_sev AS (SELECT sev, count(*) AS n, ${MEAN_HOURS} AS mean_hours FROM timed GROUP BY sev)`;

export const iam_incident_mttr: KpiDefinition = {
  id: 'iam_incident_mttr',
  title: 'IAM incident MTTR',
  unit: 'hours',
  cadence: 'monthly',
  target: { maxHoursBySeverity: { '1': 2, '2': 8 } },
  owner: 'IAM operations',
  needs: [{ id: 'itsm_records:iam_incidents', sql: itsmPresent('incident', `lower(category) IN ${sqlList(IAM_CATEGORIES)}`) }],
  emptyNeed: 'itsm_records:iam incidents resolved in window',
  calculation:
    'Incident records with an identity/access category resolved (resolved_at, else closed_at) in the window. Hours from opened to resolved. Severity = leading digit of the priority (1 - Critical = Sev1), else of the severity field. Value = mean hours over all; details.by_severity = mean per severity. Met when each severity named in the target is within its limit.',
  valueSql: `WITH ${base}
SELECT (SELECT ${MEAN_HOURS} FROM timed) AS value,
  (SELECT sum(seconds) / 3600.0 FROM timed) AS numerator,
  (SELECT CAST(count(*) AS DOUBLE) FROM timed) AS denominator,
  CAST(to_json({by_severity: (SELECT map_from_entries(list({k: sev, v: {count: n, mean_hours: mean_hours}} ORDER BY sev)) FROM by_sev)}) AS VARCHAR) AS details`,
  evidenceSql: `WITH ${base}
SELECT record_id, short_description, priority, severity, sev, opened_at, resolved AS resolved_at, round(hours, 3) AS hours
FROM timed ORDER BY sev, hours DESC, record_id`,
};
