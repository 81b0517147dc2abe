import { businessDaysSql } from '../period.js';
import { END, START, itsmCurrent, itsmPresent, jsonDetails, nearestRank } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Business days from an SSO integration request being opened to the application going live in
 * production, for the integrations that went live in the window.
 * - Requests: ITSM requested items with category `sso_integration` (ServiceNow `u_category`).
 * - Go-live: the request's `u_go_live_at` (attributes `u_go_live_at` or `go_live_at`); when the
 *   export has none, the time the request was resolved or closed — unless it was closed incomplete,
 *   skipped or cancelled, which is no go-live at all.
 * - Business days: Monday–Friday, no holidays, counted as weekdays d with open date < d ≤ go-live date.
 * - Value: the P50 (nearest rank); P90 is in the details. Percentiles are nearest-rank.
 */
const base = `req AS (SELECT * FROM (${itsmCurrent('request')}) WHERE lower(category) IN ('sso_integration', 'sso integration', 'sso')),
live AS (
  SELECT source, record_id, short_description, requester, state, opened_at,
    coalesce(
      TRY_CAST(json_extract_string(attributes, '$.u_go_live_at') AS TIMESTAMP),
      TRY_CAST(json_extract_string(attributes, '$.go_live_at') AS TIMESTAMP),
      CASE WHEN regexp_matches(lower(coalesce(state, '')), 'incomplete|skipped|cancel') THEN NULL ELSE coalesce(resolved_at, closed_at) END
    ) AS go_live_at
  FROM req),
done AS (
  SELECT *, ${businessDaysSql('opened_at', 'go_live_at')} AS business_days FROM live
  WHERE opened_at IS NOT NULL AND go_live_at >= ${START} AND go_live_at < ${END})`;

export const sso_integration_lead_time: KpiDefinition = {
  id: 'sso_integration_lead_time',
  title: 'SSO integration lead time',
  unit: 'business_days',
  cadence: 'monthly',
  target: { percentiles: [{ p: 50, max: 10 }, { p: 90, max: 20 }] },
  owner: 'IAM engineering',
  needs: [{ id: 'itsm_records:sso_integration', sql: itsmPresent('request', "lower(category) IN ('sso_integration', 'sso integration', 'sso')") }],
  emptyNeed: 'itsm_records:sso_integration live in window',
  calculation:
    'Business days (Mon–Fri, no holidays; weekdays after the open date up to and including the go-live date) from an ITSM request with category sso_integration being opened to its production go-live (u_go_live_at, else the time it was resolved or closed when not closed incomplete/skipped/cancelled), for the integrations that went live in the window. Value = P50 (nearest rank); P90 in details.',
  valueSql: `WITH ${base}
SELECT ${nearestRank('business_days', 0.5)} AS value, NULL::DOUBLE AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{p50: ${nearestRank('business_days', 0.5)}, p75: ${nearestRank('business_days', 0.75)}, p90: ${nearestRank('business_days', 0.9)}, p95: ${nearestRank('business_days', 0.95)}, integrations: count(*), max_business_days: max(business_days)}`)} AS details
FROM done`,
  evidenceSql: `WITH ${base}
SELECT record_id, short_description, requester, state, opened_at, go_live_at, business_days
FROM done ORDER BY business_days DESC, record_id`,
};
