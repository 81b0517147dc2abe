import { END, START, itsmCurrent, itsmPresent, jsonDetails } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * The common issues a self-service portal can solve, and the ITSM categories and self-service
 * event kinds that name each one (ServiceNow `u_category`; portal `Kind`).
 */
const ISSUE_OF = `CASE
  WHEN k IN ('password_reset', 'password reset', 'forgot_password', 'sspr') THEN 'password_reset'
  WHEN k IN ('mfa_reset', 'mfa_enrolment', 'mfa_enrollment', 'mfa_registration', 'mfa') THEN 'mfa'
  WHEN k IN ('account_unlock', 'unlock') THEN 'account_unlock'
  WHEN k IN ('access_request', 'access request') THEN 'access_request'
  END`;

/**
 * Share of common identity issues (password reset, MFA enrolment/reset, account unlock, access
 * request) solved by self-service rather than by a ticket.
 * - Deflected: self-service portal events (`self_service` records) of those kinds in the window.
 * - Not deflected: ITSM requests in those categories opened in the window, whatever their
 *   channel — a request filed through the portal is still a ticket someone works.
 * - Target: a relative rise of at least 20 % against the value six months earlier (KPIS.md:
 *   +20–30 % over 6 months; 20 % is the floor).
 */
const base = `ss AS (
  SELECT record_id, 'self_service' AS via, coalesce(opened_at, closed_at, updated_at) AS occurred_at, requester, channel, lower(category) AS k FROM (${itsmCurrent('self_service')})),
tickets AS (
  SELECT record_id, 'ticket' AS via, opened_at AS occurred_at, requester, channel, lower(category) AS k FROM (${itsmCurrent('request')})),
issues AS (
  SELECT *, ${ISSUE_OF} AS issue FROM (SELECT * FROM ss UNION ALL SELECT * FROM tickets)
  WHERE occurred_at >= ${START} AND occurred_at < ${END})`;

export const ticket_deflection: KpiDefinition = {
  id: 'ticket_deflection',
  title: 'Ticket deflection rate',
  unit: 'ratio',
  cadence: 'monthly',
  target: { trend: 'up', against: 'months_ago', months: 6, minChange: 0.2, label: '+20% or more over 6 months' },
  owner: 'IT service desk',
  needs: [
    { id: 'itsm_records:self_service', sql: itsmPresent('self_service') },
    { id: 'itsm_records:requests', sql: itsmPresent('request') },
  ],
  emptyNeed: 'itsm_records:common issues in window',
  calculation:
    'Common issues = password reset, MFA enrolment/reset, account unlock, access request. Deflected = self-service portal events of those kinds in the window; not deflected = ITSM requests in those categories opened in the window (any channel). Value = deflected / (deflected + tickets). Met when at least 20% higher (relative) than six months earlier.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) FILTER (WHERE issue IS NOT NULL) = 0 THEN NULL
    ELSE count(*) FILTER (WHERE issue IS NOT NULL AND via = 'self_service') / count(*) FILTER (WHERE issue IS NOT NULL) END AS value,
  CAST(count(*) FILTER (WHERE issue IS NOT NULL AND via = 'self_service') AS DOUBLE) AS numerator,
  CAST(count(*) FILTER (WHERE issue IS NOT NULL) AS DOUBLE) AS denominator,
  ${jsonDetails(`{password_reset: count(*) FILTER (WHERE issue = 'password_reset' AND via = 'self_service'), mfa: count(*) FILTER (WHERE issue = 'mfa' AND via = 'self_service'), account_unlock: count(*) FILTER (WHERE issue = 'account_unlock' AND via = 'self_service'), access_request: count(*) FILTER (WHERE issue = 'access_request' AND via = 'self_service'), tickets: count(*) FILTER (WHERE issue IS NOT NULL AND via = 'ticket')}`)} AS details
FROM issues`,
  evidenceSql: `WITH ${base}
SELECT issue, via, count(*) AS issues, count(DISTINCT requester) AS people, min(occurred_at) AS first_at, max(occurred_at) AS last_at
FROM issues WHERE issue IS NOT NULL GROUP BY ALL ORDER BY issue, via`,
};
