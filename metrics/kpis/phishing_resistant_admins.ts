import { END, SIGNIN, START, accountKeys, jsonDetails, latestSnapshot, signinsByAccount } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of privileged users using phishing-resistant MFA (FIDO2 security keys, passkeys, Windows
 * Hello for Business, certificate-based authentication).
 * - Privileged users: accounts holding a privileged role assignment of any kind (permanent,
 *   eligible, activated) in force at the role snapshot of the window end (`latestSnapshot`),
 *   excluding service accounts and disabled accounts. Counted per account.
 * - Using: a phishing-resistant method registered in the latest auth_methods snapshot, or a
 *   successful sign-in in the window whose methods were phishing-resistant.
 */
const base = `ra AS (${latestSnapshot('role_assignments')}),
priv AS (
  SELECT source, tenant_id, account_id, string_agg(DISTINCT role, ', ' ORDER BY role) AS roles
  FROM ra WHERE is_privileged AND (end_at IS NULL OR end_at > snapshot_at) GROUP BY ALL),
acc AS (${latestSnapshot('accounts')}),
admins AS (
  SELECT p.source, p.tenant_id, p.account_id, p.roles, a.login, a.email, a.display_name
  FROM priv p LEFT JOIN acc a USING (source, tenant_id, account_id)
  WHERE NOT coalesce(a.is_service, false) AND coalesce(a.enabled, true)),
am AS (${latestSnapshot('auth_methods')}),
pr_methods AS (
  SELECT source, tenant_id, account_id, string_agg(DISTINCT method, ',' ORDER BY method) AS pr_methods
  FROM am WHERE phishing_resistant GROUP BY ALL),
keys AS (${accountKeys('admins')}),
pr_signins AS (${signinsByAccount('keys', `outcome = 'success' AND phishing_resistant AND event_time >= ${START} AND event_time < ${END}`, { pr_signins: ['count(*)', 'sum'] })}),
judged AS (
  SELECT ad.source, ad.tenant_id, ad.account_id, ad.login, ad.display_name, ad.roles, m.pr_methods, coalesce(s.pr_signins, 0) AS pr_signins,
    (m.account_id IS NOT NULL OR coalesce(s.pr_signins, 0) > 0) AS phishing_resistant
  FROM admins ad
  LEFT JOIN pr_methods m USING (source, tenant_id, account_id)
  LEFT JOIN pr_signins s USING (source, tenant_id, account_id))`;

export const phishing_resistant_admins: KpiDefinition = {
  id: 'phishing_resistant_admins',
  title: 'Phishing-resistant MFA for admins',
  unit: 'ratio',
  cadence: 'monthly',
  target: { op: '>=', value: 0.9 },
  owner: 'Security architecture',
  needs: [
    { id: 'role_assignments:privileged', sql: `SELECT EXISTS (SELECT 1 FROM role_assignments WHERE is_privileged) AS present` },
    {
      id: 'auth_methods|identity_events:signin_methods',
      sql: `SELECT (EXISTS (SELECT 1 FROM auth_methods) OR EXISTS (SELECT 1 FROM identity_events WHERE ${SIGNIN} AND phishing_resistant IS NOT NULL)) AS present`,
    },
  ],
  emptyNeed: 'role_assignments:privileged holders at window end',
  calculation:
    'Privileged users = enabled, non-service accounts holding a privileged role assignment (permanent, eligible or activated) in force at the role_assignments snapshot at the window end (the latest before it, else the first in the 7 days after) (per account). Phishing-resistant = a phishing-resistant method (FIDO2, passkey, Windows Hello, certificate) in the latest auth_methods snapshot, or a successful phishing-resistant sign-in in the window. Value = phishing-resistant / privileged users.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE phishing_resistant) / count(*) END AS value,
  CAST(count(*) FILTER (WHERE phishing_resistant) AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{without: count(*) FILTER (WHERE NOT phishing_resistant)}`)} AS details
FROM judged`,
  evidenceSql: `WITH ${base}
SELECT source, tenant_id, account_id, login, display_name, roles, pr_methods, pr_signins, phishing_resistant
FROM judged ORDER BY phishing_resistant, source, login, account_id`,
};
