import { CONFIG_POLICY_REASONS, CONFIG_POLICY_REASON_PATTERN, CONFIG_POLICY_STATUS_CODES, INTERRUPT_STATUS_CODES } from '../signin-codes.js';
import { END, SIGNIN, START, jsonDetails, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of sign-in attempts that failed for configuration or policy reasons (see signin-codes.ts):
 * Conditional Access blocks, unassigned users, missing consent, unknown or disabled apps, reply URL
 * mismatches … — not user typos (Entra 50126, Okta INVALID_CREDENTIALS) and not MFA interrupts.
 * - Attempts: sign-in events in the window with outcome success or failure that are not interrupts
 *   (`is_interrupt`, or an interrupt status code).
 * - Numerator: failed attempts whose status code or reason is a configuration/policy cause.
 * - Target: at or below the baseline, the mean of the previous four periods.
 */
const base = `si AS (
  SELECT *, (coalesce(is_interrupt, false) OR coalesce(status_code, '') IN ${sqlList(INTERRUPT_STATUS_CODES)}) AS interrupt,
    outcome = 'failure' AND (
      coalesce(status_code, '') IN ${sqlList(CONFIG_POLICY_STATUS_CODES)}
      OR upper(coalesce(outcome_reason, '')) IN ${sqlList(CONFIG_POLICY_REASONS)}
      OR (outcome_reason IS NOT NULL AND regexp_matches(lower(outcome_reason), '${CONFIG_POLICY_REASON_PATTERN}'))) AS config_failure
  FROM identity_events WHERE ${SIGNIN} AND event_time >= ${START} AND event_time < ${END}),
attempts AS (SELECT * FROM si WHERE NOT interrupt AND outcome IN ('success', 'failure'))`;

export const auth_error_rate: KpiDefinition = {
  id: 'auth_error_rate',
  title: 'Authentication error rate',
  unit: 'ratio',
  cadence: 'weekly',
  target: { trend: 'down', against: 'baseline', periods: 4, label: 'at or below the mean of the previous 4 periods' },
  owner: 'IAM engineering',
  needs: [{ id: 'identity_events:signins', sql: `SELECT EXISTS (SELECT 1 FROM identity_events WHERE ${SIGNIN}) AS present` }],
  emptyNeed: 'identity_events:signins in window',
  calculation:
    'Sign-in attempts in the window with outcome success or failure, excluding interrupts (is_interrupt, or Entra 50074/50076/50079/50072/50097/50125/50140/50199/16000/16001/16003). Numerator = failures whose status code or reason is a configuration/policy cause (Entra 53003 Conditional Access, 50105 not assigned, 65001 consent required, 700016 app not found, 50011 reply URL mismatch, 7000112 app disabled and the rest of signin-codes.ts; Okta policy denials and unassigned apps). User errors (Entra 50126, Okta INVALID_CREDENTIALS) count as attempts, not as configuration failures. Value = numerator / attempts. Met when at or below the mean of the previous 4 periods.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE config_failure) / count(*) END AS value,
  CAST(count(*) FILTER (WHERE config_failure) AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{failures: count(*) FILTER (WHERE outcome = 'failure'), user_or_other_failures: count(*) FILTER (WHERE outcome = 'failure' AND NOT config_failure), interrupts: (SELECT count(*) FROM si WHERE interrupt)}`)} AS details
FROM attempts`,
  evidenceSql: `WITH ${base}
SELECT source, status_code, outcome_reason, app_name, coalesce(target_user_name, actor_name) AS user_name,
  count(*) AS failures, min(event_time) AS first_seen, max(event_time) AS last_seen
FROM attempts WHERE config_failure GROUP BY ALL ORDER BY failures DESC, source, status_code, app_name, user_name`,
};
