import { END, START, accountKeys, jsonDetails, latestSnapshot, signinsByAccount, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Methods that are not a second factor: the password itself, security questions, email (in Entra
 * email is registered for self-service password reset only and cannot satisfy MFA), and a
 * temporary access pass (a time-limited onboarding code, not an enrolment).
 */
export const NON_MFA_METHODS = ['password', 'email', 'security_question', 'securityquestion', 'question', 'temporary_access_pass'];

/**
 * Share of active human accounts enrolled in and enforced for MFA, at the inventory snapshot of
 * the window end (per source and tenant: the latest before it, else the first in the 7 days after).
 * - Population: enabled accounts that are not service accounts, not break-glass accounts and not
 *   guests (user_type Guest): the workforce. Counted per account (a person with an Okta and an
 *   Entra account is two accounts; each must be covered).
 * - Enrolled: at least one registered method other than password/email/security question in the
 *   latest auth_methods snapshot.
 * - Enforced: sign-in evidence does not contradict it — an account whose successful interactive
 *   sign-ins in the window that report an MFA result all report MFA not satisfied is not enforced.
 *   Accounts with no such sign-ins are judged on enrolment alone.
 */
const base = `acc AS (${latestSnapshot('accounts')}),
human AS (
  SELECT * FROM acc WHERE coalesce(enabled, false) AND NOT coalesce(is_service, false) AND NOT coalesce(is_break_glass, false)
    AND lower(coalesce(user_type, '')) <> 'guest'),
am AS (${latestSnapshot('auth_methods')}),
enrolled AS (
  SELECT source, tenant_id, account_id, string_agg(DISTINCT method, ',' ORDER BY method) AS methods
  FROM am WHERE lower(method) NOT IN ${sqlList(NON_MFA_METHODS)} GROUP BY ALL),
keys AS (${accountKeys('human')}),
si AS (${signinsByAccount('keys', `outcome = 'success' AND coalesce(is_interactive, true) AND mfa_satisfied IS NOT NULL AND event_time >= ${START} AND event_time < ${END}`, {
  signins: ['count(*)', 'sum'],
  mfa_signins: ['count(*) FILTER (WHERE mfa_satisfied)', 'sum'],
})}),
judged AS (
  SELECT h.source, h.tenant_id, h.account_id, h.login, h.user_type, en.methods,
    coalesce(si.signins, 0) AS signins, coalesce(si.mfa_signins, 0) AS mfa_signins,
    CASE WHEN en.account_id IS NULL THEN 'not_enrolled'
      WHEN coalesce(si.signins, 0) > 0 AND coalesce(si.mfa_signins, 0) = 0 THEN 'not_enforced'
      ELSE 'covered' END AS status
  FROM human h
  LEFT JOIN enrolled en USING (source, tenant_id, account_id)
  LEFT JOIN si USING (source, tenant_id, account_id))`;

export const mfa_coverage: KpiDefinition = {
  id: 'mfa_coverage',
  title: 'MFA coverage (workforce)',
  unit: 'ratio',
  cadence: 'monthly',
  target: { op: '>=', value: 0.98 },
  owner: 'IAM engineering',
  needs: [
    { id: 'accounts', sql: `SELECT EXISTS (SELECT 1 FROM accounts) AS present` },
    { id: 'auth_methods', sql: `SELECT EXISTS (SELECT 1 FROM auth_methods) AS present` },
  ],
  emptyNeed: 'accounts:active human accounts at window end',
  calculation:
    'At the accounts and auth_methods snapshots at the window end (the latest before it, else the first in the 7 days after) (per source and tenant): active human accounts = enabled, not service, not break-glass, not guest (per account, not per person). Covered = at least one registered method other than password, email or security question, and not contradicted by sign-ins: an account whose successful interactive sign-ins in the window that report MFA all report it not satisfied is not enforced. Value = covered / active human accounts.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE status = 'covered') / count(*) END AS value,
  CAST(count(*) FILTER (WHERE status = 'covered') AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{not_enrolled: count(*) FILTER (WHERE status = 'not_enrolled'), not_enforced: count(*) FILTER (WHERE status = 'not_enforced')}`)} AS details
FROM judged`,
  evidenceSql: `WITH ${base}
SELECT source, tenant_id, account_id, login, user_type, methods, signins, mfa_signins, status
FROM judged WHERE status <> 'covered' ORDER BY status, source, login, account_id`,
};
