import { CONFIG_POLICY_REASONS, CONFIG_POLICY_REASON_PATTERN, CONFIG_POLICY_STATUS_CODES, INTERRUPT_STATUS_CODES } from '../signin-codes.js';
import { END, SIGNIN, START, jsonDetails, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/** An interrupt: flagged by the normalizer, or an interrupt status code. */
const INTERRUPT = `(coalesce(is_interrupt, false) OR coalesce(status_code, '') IN ${sqlList(INTERRUPT_STATUS_CODES)})`;

/** A failure whose status code or reason is a configuration or policy cause. */
const CONFIG_FAILURE = `outcome = 'failure' AND (
      coalesce(status_code, '') IN ${sqlList(CONFIG_POLICY_STATUS_CODES)}
      OR upper(coalesce(outcome_reason, '')) IN ${sqlList(CONFIG_POLICY_REASONS)}
      OR (outcome_reason IS NOT NULL AND regexp_matches(lower(outcome_reason), '${CONFIG_POLICY_REASON_PATTERN}')))`;

const IN_WINDOW = `${SIGNIN} AND event_time >= ${START} AND event_time < ${END}`;

/**
 * The value counts sign-ins per distinct (outcome, status code, reason, interrupt flag) — a few
 * dozen groups however many events — and classifies the groups, not every event. The counts are
 * taken with FILTER clauses rather than a WHERE over the groups: DuckDB would push such a WHERE
 * below the GROUP BY and classify every event again.
 */
const counted = `si AS (
  SELECT *, ${INTERRUPT} AS interrupt, ${CONFIG_FAILURE} AS config_failure FROM (
    SELECT outcome, status_code, outcome_reason, is_interrupt, count(*) AS n
    FROM identity_events WHERE ${IN_WINDOW} GROUP BY outcome, status_code, outcome_reason, is_interrupt))`;

/** An attempt: success or failure, not an interrupt. */
const ATTEMPT = `NOT interrupt AND outcome IN ('success', 'failure')`;

/** Row by row, for the evidence (which names apps and users). */
const base = `si AS (
  SELECT *, ${INTERRUPT} AS interrupt, ${CONFIG_FAILURE} AS config_failure
  FROM identity_events WHERE ${IN_WINDOW}),
attempts AS (SELECT * FROM si WHERE NOT interrupt AND outcome IN ('success', 'failure'))`;

const sumOf = (filter: string) => `CAST(coalesce(sum(n) FILTER (WHERE ${filter}), 0) AS BIGINT)`;
const attempts = (and?: string) => sumOf(and ? `${ATTEMPT} AND ${and}` : ATTEMPT);

/**
 * Share of sign-in attempts that failed for configuration or policy reasons (see signin-codes.ts):
 * Conditional Access blocks, unassigned users, missing consent, unknown or disabled apps, reply URL
 * mismatches … — not user typos (Entra 50126, Okta INVALID_CREDENTIALS) and not MFA interrupts.
 * - Attempts: sign-in events in the window with outcome success or failure that are not interrupts
 *   (`is_interrupt`, or an interrupt status code).
 * - Numerator: failed attempts whose status code or reason is a configuration/policy cause.
 * - Target: at or below the baseline, the mean of the previous four periods.
 */
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
  valueSql: `WITH ${counted}
SELECT CASE WHEN ${attempts()} = 0 THEN NULL ELSE ${attempts('config_failure')} / ${attempts()} END AS value,
  CAST(${attempts('config_failure')} AS DOUBLE) AS numerator, CAST(${attempts()} AS DOUBLE) AS denominator,
  ${jsonDetails(`{failures: ${attempts(`outcome = 'failure'`)}, user_or_other_failures: ${attempts(`outcome = 'failure' AND NOT config_failure`)}, interrupts: ${sumOf('interrupt')}}`)} AS details
FROM si`,
  evidenceSql: `WITH ${base}
SELECT source, status_code, outcome_reason, app_name, coalesce(target_user_name, actor_name) AS user_name,
  count(*) AS failures, min(event_time) AS first_seen, max(event_time) AS last_seen
FROM attempts WHERE config_failure GROUP BY ALL ORDER BY failures DESC, source, status_code, app_name, user_name`,
};
