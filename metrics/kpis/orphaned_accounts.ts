import { jsonDetails, latestSnapshot } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Enabled accounts with no owner and no HR record, at the latest accounts snapshot before the
 * window end (per source and tenant).
 * - HR record: any HR worker version (any status) whose employee id equals the account's, or whose
 *   work email equals the account's email or login. A terminated worker's enabled account is a
 *   leaver problem, not an orphan.
 * - Owned accounts are not orphans: service accounts, break-glass accounts and guests with an
 *   owner (the sponsor) recorded. Human workforce accounts are owned by their HR record.
 */
const base = `acc AS (${latestSnapshot('accounts')}),
hr_ids AS (SELECT DISTINCT employee_id FROM hris_workers),
hr_emails AS (SELECT DISTINCT lower(email) AS email FROM hris_workers WHERE email IS NOT NULL),
judged AS (
  SELECT a.*, nullif(trim(coalesce(a.owner, '')), '') IS NOT NULL AS has_owner,
    (a.employee_id IN (SELECT employee_id FROM hr_ids) OR lower(a.email) IN (SELECT email FROM hr_emails)
      OR lower(a.login) IN (SELECT email FROM hr_emails)) AS has_hr
  FROM acc a WHERE coalesce(a.enabled, false)),
rated AS (
  SELECT *, NOT coalesce(has_hr, false)
    AND NOT ((coalesce(is_service, false) OR coalesce(is_break_glass, false) OR lower(coalesce(user_type, '')) = 'guest') AND has_owner) AS orphaned
  FROM judged)`;

export const orphaned_accounts: KpiDefinition = {
  id: 'orphaned_accounts',
  title: 'Orphaned account count',
  unit: 'count',
  cadence: 'monthly',
  target: { op: '<=', value: 0 },
  owner: 'Identity governance',
  needs: [
    { id: 'accounts', sql: `SELECT EXISTS (SELECT 1 FROM accounts) AS present` },
    { id: 'hris_workers', sql: `SELECT EXISTS (SELECT 1 FROM hris_workers) AS present` },
  ],
  emptyNeed: 'accounts:snapshot at window end',
  calculation:
    'At the accounts snapshot at the window end (the latest before it, else the first in the 7 days after) (per source and tenant): enabled accounts with no HR record (no worker version with the same employee id, or a work email equal to the account email or login), excluding service, break-glass and guest accounts that have an owner. Value = their count; denominator = enabled accounts.',
  valueSql: `WITH ${base}
SELECT CASE WHEN (SELECT count(*) FROM acc) = 0 THEN NULL ELSE CAST(count(*) FILTER (WHERE orphaned) AS DOUBLE) END AS value,
  CAST(count(*) FILTER (WHERE orphaned) AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{service_without_owner: count(*) FILTER (WHERE orphaned AND coalesce(is_service, false)), human: count(*) FILTER (WHERE orphaned AND NOT coalesce(is_service, false))}`)} AS details
FROM rated`,
  evidenceSql: `WITH ${base}
SELECT snapshot_at, source, tenant_id, account_id, login, email, display_name, employee_id, user_type, is_service, owner, created_at, last_success_signin_at
FROM rated WHERE orphaned ORDER BY source, login, account_id`,
};
