import { businessDaysSql } from '../period.js';
import { AS_OF, END, GRANT_ACTIONS, REMOVE_ACTIONS, START, TARGET_USER_KEYS, accountKeys, inList, jsonDetails, sqlList, workerAccounts } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of movers whose access matches the new role within 5 business days.
 * - Movers: consecutive HR versions of a worker (ordered by `updated_at`), both not Terminated,
 *   whose department or job title differ. The move happens at the new version's `updated_at`
 *   (the export carries no effective date). A rehire (Terminated → Active) is not a move.
 * - With a birthright policy (config `kpis.birthright: { <department>: [entitlements] }`), the
 *   mover is accurate when, between the start of the move day and 5 business days after it, every
 *   entitlement of the new department that the old one lacked was granted (group add, role grant,
 *   provisioning create) and every entitlement of the old department that the new one lacks was
 *   removed, matched by group/role/app name. A department the policy does not name requires nothing.
 * - Without a policy, the proxy is that at least one access change (grant or removal) for the
 *   mover's accounts was recorded in that time; `details.policy` says which rule was used.
 * - Movers with no matched account are not counted; movers still inside their 5 days and not yet
 *   accurate are pending and not counted.
 */
const inSla = (moved: string, at: string) => `${at} >= CAST(${moved} AS DATE) AND ${businessDaysSql(moved, at)} <= CAST($sla_business_days AS BIGINT)`;

const base = `hist AS (
  SELECT employee_id, display_name, status, department, job_title, updated_at,
    lag(status) OVER w AS prev_status, lag(department) OVER w AS prev_department, lag(job_title) OVER w AS prev_job_title
  FROM hris_workers WINDOW w AS (PARTITION BY employee_id ORDER BY updated_at)),
moves AS (
  SELECT employee_id, display_name, updated_at AS moved_at, prev_department, department, prev_job_title, job_title FROM hist
  WHERE prev_status IS NOT NULL AND lower(status) <> 'terminated' AND lower(prev_status) <> 'terminated'
    AND (department IS DISTINCT FROM prev_department OR job_title IS DISTINCT FROM prev_job_title)
    AND updated_at >= ${START} AND updated_at < ${END}),
policy AS (
  SELECT DISTINCT lower(department) AS department, lower(entitlement) AS entitlement
  FROM (SELECT unnest(from_json(CAST($policy AS VARCHAR), '[{"department":"VARCHAR","entitlement":"VARCHAR"}]'), recursive := true))),
wa AS (${workerAccounts('moves')}),
ma AS (SELECT m.employee_id, m.moved_at, wa.source, wa.tenant_id, wa.account_id FROM moves m JOIN wa USING (employee_id)),
acc AS (SELECT DISTINCT a.source, a.tenant_id, a.account_id, a.login, a.email FROM accounts a SEMI JOIN ma USING (source, tenant_id, account_id)),
keys AS (${accountKeys('acc')}),
changes AS (
  SELECT DISTINCT k.source, k.tenant_id, k.account_id, e.event_time, e.action, e.entitlement
  FROM (SELECT source, tenant_id, event_time, action, lower(coalesce(target_resource_name, privilege_name)) AS entitlement, ${TARGET_USER_KEYS} AS key
        FROM identity_events WHERE ${inList('action', [...GRANT_ACTIONS, ...REMOVE_ACTIONS])} AND outcome = 'success' AND event_time < ${AS_OF}) e
  JOIN keys k USING (source, key)),
mc AS (
  SELECT ma.employee_id, ma.moved_at, c.event_time, c.action, c.entitlement,
    c.action IN ${sqlList(GRANT_ACTIONS)} AS is_grant
  FROM ma JOIN changes c USING (source, tenant_id, account_id)
  WHERE ${inSla('ma.moved_at', 'c.event_time')}),
need AS (
  SELECT m.employee_id, m.moved_at, p.entitlement, true AS is_grant FROM moves m JOIN policy p ON p.department = lower(m.department)
  WHERE NOT EXISTS (SELECT 1 FROM policy q WHERE q.department = lower(m.prev_department) AND q.entitlement = p.entitlement)
  UNION ALL
  SELECT m.employee_id, m.moved_at, p.entitlement, false AS is_grant FROM moves m JOIN policy p ON p.department = lower(m.prev_department)
  WHERE NOT EXISTS (SELECT 1 FROM policy q WHERE q.department = lower(m.department) AND q.entitlement = p.entitlement)),
missing AS (
  SELECT n.* FROM need n
  WHERE NOT EXISTS (SELECT 1 FROM mc WHERE mc.employee_id = n.employee_id AND mc.moved_at = n.moved_at AND mc.is_grant = n.is_grant AND mc.entitlement = n.entitlement)),
account_counts AS (SELECT employee_id, moved_at, count(DISTINCT account_id) AS accounts FROM ma GROUP BY employee_id, moved_at),
change_counts AS (SELECT employee_id, moved_at, count(*) AS changes FROM mc GROUP BY employee_id, moved_at),
missing_lists AS (
  SELECT employee_id, moved_at, list(CASE WHEN is_grant THEN '+' ELSE '-' END || entitlement ORDER BY entitlement) AS missing_changes
  FROM missing GROUP BY employee_id, moved_at),
judged AS (
  SELECT m.*, (SELECT count(*) FROM policy) > 0 AS has_policy,
    coalesce(ac.accounts, 0) AS accounts, coalesce(cc.changes, 0) AS changes_in_sla, ml.missing_changes,
    ${businessDaysSql('m.moved_at', AS_OF)} AS business_days_elapsed
  FROM moves m
  LEFT JOIN account_counts ac ON ac.employee_id = m.employee_id AND ac.moved_at = m.moved_at
  LEFT JOIN change_counts cc ON cc.employee_id = m.employee_id AND cc.moved_at = m.moved_at
  LEFT JOIN missing_lists ml ON ml.employee_id = m.employee_id AND ml.moved_at = m.moved_at),
rated AS (
  SELECT *, CASE
      WHEN accounts = 0 THEN 'no_account'
      WHEN (has_policy AND coalesce(len(missing_changes), 0) = 0) OR (NOT has_policy AND changes_in_sla > 0) THEN 'accurate'
      WHEN business_days_elapsed < CAST($sla_business_days AS BIGINT) THEN 'pending'
      ELSE 'inaccurate' END AS status
  FROM judged)`;

export const mover_accuracy: KpiDefinition = {
  id: 'mover_accuracy',
  title: 'Mover accuracy rate',
  unit: 'ratio',
  cadence: 'monthly',
  target: { op: '>=', value: 0.95 },
  owner: 'Identity governance',
  params: { sla_business_days: 5 },
  needs: [
    {
      id: 'hris_workers:history',
      sql: `SELECT EXISTS (SELECT 1 FROM hris_workers GROUP BY employee_id HAVING count(*) > 1) AS present`,
    },
    {
      id: 'identity_events:group_role_changes',
      sql: `SELECT EXISTS (SELECT 1 FROM identity_events WHERE action IN ${sqlList([...GRANT_ACTIONS, ...REMOVE_ACTIONS])}) AS present`,
    },
  ],
  emptyNeed: 'hris_workers:movers in window',
  calculation:
    'Movers = consecutive HR versions (not Terminated) whose department or job title changed; the move is at the new version\'s updated_at. With a birthright policy (kpis.birthright: department → entitlements) a mover is accurate when every entitlement the new department adds was granted and every one it drops was removed (group/role/provisioning events on the mover\'s accounts, matched by name) from the move day to 5 business days (Mon–Fri) after. Without a policy, at least one group/role change on the mover\'s accounts in that time (a proxy; details.policy says which). Value = accurate / (accurate + inaccurate); pending movers and movers with no account are not counted.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) FILTER (WHERE status IN ('accurate', 'inaccurate')) = 0 THEN NULL
    ELSE count(*) FILTER (WHERE status = 'accurate') / count(*) FILTER (WHERE status IN ('accurate', 'inaccurate')) END AS value,
  CAST(count(*) FILTER (WHERE status = 'accurate') AS DOUBLE) AS numerator,
  CAST(count(*) FILTER (WHERE status IN ('accurate', 'inaccurate')) AS DOUBLE) AS denominator,
  ${jsonDetails(`{policy: CASE WHEN (SELECT count(*) FROM policy) > 0 THEN 'birthright' ELSE 'observed_change' END, pending: count(*) FILTER (WHERE status = 'pending'), no_account: count(*) FILTER (WHERE status = 'no_account')}`)} AS details
FROM rated`,
  evidenceSql: `WITH ${base}
SELECT employee_id, display_name, moved_at, prev_department, department, prev_job_title, job_title, accounts, changes_in_sla,
  array_to_string(missing_changes, ' ') AS missing_changes, status
FROM rated ORDER BY CASE status WHEN 'inaccurate' THEN 0 WHEN 'pending' THEN 1 WHEN 'no_account' THEN 2 ELSE 3 END, moved_at, employee_id`,
};
