import { END, SIGNIN, START, jsonDetails } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Count (value) and share (details.share = numerator / denominator) of sign-in attempts over
 * legacy protocols (IMAP, POP, SMTP AUTH, Exchange ActiveSync, MAPI, other clients): sign-in
 * events flagged `is_legacy_auth` by the normalizer, successes and failures alike (a password
 * spray over IMAP is legacy usage too). Target: falling towards zero period on period.
 */
const IN_WINDOW = `${SIGNIN} AND event_time >= ${START} AND event_time < ${END}`;
const base = `si AS (SELECT * FROM identity_events WHERE ${IN_WINDOW})`;

/**
 * The value counts sign-ins per (legacy flag, outcome) and reads user names only for legacy
 * sign-ins, so millions of modern sign-ins are counted without reading their names.
 */
const counted = `si AS (SELECT is_legacy_auth, outcome, count(*) AS n FROM identity_events WHERE ${IN_WINDOW} GROUP BY is_legacy_auth, outcome),
legacy_users AS (SELECT count(DISTINCT coalesce(target_user_name, actor_name)) AS users FROM identity_events WHERE ${IN_WINDOW} AND is_legacy_auth)`;

const sumOf = (filter?: string) => `CAST(coalesce(sum(n)${filter ? ` FILTER (WHERE ${filter})` : ''}, 0) AS BIGINT)`;

export const legacy_auth_usage: KpiDefinition = {
  id: 'legacy_auth_usage',
  title: 'Legacy authentication usage',
  unit: 'count',
  cadence: 'weekly',
  target: { trend: 'down', label: 'falling to near zero, period on period' },
  owner: 'Security architecture',
  needs: [{ id: 'identity_events:signins', sql: `SELECT EXISTS (SELECT 1 FROM identity_events WHERE ${SIGNIN}) AS present` }],
  emptyNeed: 'identity_events:signins in window',
  calculation:
    'Sign-in attempts (authentication/logon events, any outcome) in the window with is_legacy_auth = true. Value = their count; numerator = the same count, denominator = all sign-in attempts, details.share = numerator / denominator. Met when the count is zero or lower than the previous period.',
  valueSql: `WITH ${counted}
SELECT CASE WHEN ${sumOf()} = 0 THEN NULL ELSE CAST(${sumOf('is_legacy_auth')} AS DOUBLE) END AS value,
  CAST(${sumOf('is_legacy_auth')} AS DOUBLE) AS numerator, CAST(${sumOf()} AS DOUBLE) AS denominator,
  ${jsonDetails(`{share: CASE WHEN ${sumOf()} = 0 THEN NULL ELSE ${sumOf('is_legacy_auth')} / ${sumOf()} END, successes: ${sumOf(`is_legacy_auth AND outcome = 'success'`)}, users: (SELECT users FROM legacy_users)}`)} AS details
FROM si`,
  evidenceSql: `WITH ${base}
SELECT source, coalesce(target_user_name, actor_name) AS user_name, client_app, auth_protocol, outcome, src_ip,
  count(*) AS attempts, min(event_time) AS first_seen, max(event_time) AS last_seen
FROM si WHERE is_legacy_auth GROUP BY ALL ORDER BY attempts DESC, user_name, client_app, outcome, src_ip`,
};
