import { AS_OF, DISABLE_ACTIONS, END, START, TARGET_USER_KEYS, accountKeys, inList, jsonDetails, sqlList, workerAccounts } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of leavers whose accounts were ALL disabled within the policy window (24 h) of termination.
 * - Leavers: distinct (employee_id, termination_date) from HR worker versions with status
 *   Terminated — employees and contingent workers alike. A rehire (a later Active version) does
 *   not undo the earlier termination: that leaving is still measured.
 * - Termination time: the end of the termination date (HR's termination date is the last day
 *   worked; 00:00 UTC the next day). When the termination was entered later than that (a backdated
 *   termination), the clock starts when HR recorded it (`termination_recorded_at`): IT cannot act
 *   on a termination it has not been told about. Such leavers are flagged `backdated`.
 * - A leaver's accounts: by employee id, or the work email equal to the account email or login,
 *   in every source; service accounts are never a person's account. Leavers with no account are
 *   not counted (reported in details).
 * - Disabled at: the earliest of the first successful disable/suspend/delete event for the account
 *   on or after the start of the termination date, and the first account snapshot on or after that
 *   day showing it disabled (its `disabled_at`, else the snapshot time).
 * - On time: every account disabled no later than clock start + 24 h. Late: an account disabled
 *   after the deadline or still enabled once the deadline has passed. Pending (deadline not yet
 *   reached, not all disabled) is not counted.
 * - A window measures the leavers whose termination date falls in it — or, for a backdated
 *   termination, whose recording does (the week HR told IT).
 */
const base = `terms AS (
  SELECT employee_id, termination_date, any_value(email) AS email, any_value(display_name) AS display_name,
    any_value(worker_type) AS worker_type, min(termination_recorded_at) AS recorded_at
  FROM hris_workers WHERE lower(status) = 'terminated' AND termination_date IS NOT NULL
  GROUP BY employee_id, termination_date),
leavers AS (
  SELECT *, CAST(termination_date AS TIMESTAMP) + INTERVAL 1 DAY AS term_end,
    greatest(CAST(termination_date AS TIMESTAMP) + INTERVAL 1 DAY, coalesce(recorded_at, CAST(termination_date AS TIMESTAMP))) AS clock_start
  FROM terms),
flagged AS (SELECT *, coalesce(recorded_at > term_end, false) AS backdated FROM leavers),
measured AS (
  SELECT *, clock_start + to_hours(CAST($sla_hours AS BIGINT)) AS deadline
  FROM flagged
  WHERE CASE WHEN backdated THEN recorded_at ELSE CAST(termination_date AS TIMESTAMP) END >= ${START}
    AND CASE WHEN backdated THEN recorded_at ELSE CAST(termination_date AS TIMESTAMP) END < ${END}),
wa AS (${workerAccounts('measured')}),
la AS (SELECT m.employee_id, m.termination_date, wa.source, wa.tenant_id, wa.account_id FROM measured m JOIN wa USING (employee_id)),
acc AS (SELECT DISTINCT a.source, a.tenant_id, a.account_id, a.login, a.email FROM accounts a SEMI JOIN la USING (source, tenant_id, account_id)),
keys AS (${accountKeys('acc')}),
dis_ev AS (
  SELECT DISTINCT k.source, k.tenant_id, k.account_id, e.event_time
  FROM (SELECT source, tenant_id, event_time, ${TARGET_USER_KEYS} AS key FROM identity_events
        WHERE ${inList('action', DISABLE_ACTIONS)} AND outcome = 'success' AND event_time < ${AS_OF}) e
  JOIN keys k USING (source, key)),
dis_snap AS (
  SELECT source, tenant_id, account_id, snapshot_at, coalesce(disabled_at, snapshot_at) AS t
  FROM accounts WHERE enabled = false AND snapshot_at < ${AS_OF}),
ev_first AS (
  SELECT la.employee_id, la.termination_date, la.source, la.tenant_id, la.account_id, min(d.event_time) AS t
  FROM la JOIN dis_ev d ON d.source = la.source AND d.tenant_id = la.tenant_id AND d.account_id = la.account_id
    AND d.event_time >= CAST(la.termination_date AS TIMESTAMP)
  GROUP BY la.employee_id, la.termination_date, la.source, la.tenant_id, la.account_id),
snap_first AS (
  SELECT la.employee_id, la.termination_date, la.source, la.tenant_id, la.account_id, min(s.t) AS t
  FROM la JOIN dis_snap s ON s.source = la.source AND s.tenant_id = la.tenant_id AND s.account_id = la.account_id
    AND s.snapshot_at >= CAST(la.termination_date AS TIMESTAMP)
  GROUP BY la.employee_id, la.termination_date, la.source, la.tenant_id, la.account_id),
per_account AS (
  SELECT la.employee_id, la.termination_date, la.source, la.tenant_id, la.account_id, least(e.t, s.t) AS disabled_at
  FROM la
  LEFT JOIN ev_first e ON e.employee_id = la.employee_id AND e.termination_date = la.termination_date AND e.source = la.source
    AND e.tenant_id = la.tenant_id AND e.account_id = la.account_id
  LEFT JOIN snap_first s ON s.employee_id = la.employee_id AND s.termination_date = la.termination_date AND s.source = la.source
    AND s.tenant_id = la.tenant_id AND s.account_id = la.account_id),
judged AS (
  SELECT m.employee_id, m.display_name, m.email, m.worker_type, m.termination_date, m.recorded_at, m.backdated,
    m.clock_start, m.deadline, count(p.account_id) AS accounts,
    count(p.account_id) FILTER (WHERE p.disabled_at IS NOT NULL AND p.disabled_at <= m.deadline) AS disabled_in_time,
    max(p.disabled_at) AS last_disabled_at,
    list(p.source || ':' || p.account_id ORDER BY p.source, p.account_id) FILTER (WHERE p.disabled_at IS NULL OR p.disabled_at > m.deadline) AS late_accounts,
    CASE WHEN count(p.account_id) = 0 THEN 'no_account'
      WHEN count(p.account_id) FILTER (WHERE p.disabled_at IS NOT NULL AND p.disabled_at <= m.deadline) = count(p.account_id) THEN 'on_time'
      WHEN ${AS_OF} <= m.deadline AND count(p.account_id) FILTER (WHERE p.disabled_at IS NOT NULL AND p.disabled_at > m.deadline) = 0 THEN 'pending'
      ELSE 'late' END AS status
  FROM measured m LEFT JOIN per_account p ON p.employee_id = m.employee_id AND p.termination_date = m.termination_date
  GROUP BY m.employee_id, m.display_name, m.email, m.worker_type, m.termination_date, m.recorded_at, m.backdated, m.clock_start, m.deadline)`;

export const leaver_disablement_sla: KpiDefinition = {
  id: 'leaver_disablement_sla',
  title: 'Leaver disablement SLA compliance',
  unit: 'ratio',
  cadence: 'weekly',
  target: { op: '>=', value: 0.99 },
  owner: 'IAM operations',
  params: { sla_hours: 24 },
  needs: [
    { id: 'hris_workers:terminations', sql: `SELECT EXISTS (SELECT 1 FROM hris_workers WHERE lower(status) = 'terminated') AS present` },
    {
      id: 'accounts|identity_events:account_disable',
      sql: `SELECT (EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM identity_events WHERE action IN ${sqlList(DISABLE_ACTIONS)})) AS present`,
    },
  ],
  emptyNeed: 'hris_workers:leavers in window',
  calculation:
    'Leavers = distinct (employee, termination date) with HR status Terminated (employees and contractors; a later rehire does not undo it). Clock starts at the end of the termination date, or when HR recorded the termination if later (backdated). Accounts are matched by employee id or work email (= account email or login) in every source; service accounts excluded. An account is disabled at the earliest successful disable/suspend/delete event on or after the termination date, or the first snapshot from that day showing it disabled. On time = every account disabled by clock start + 24 h. Leavers of a window: termination date in the window (backdated: recorded in the window). Value = on time / (on time + late); pending (deadline not reached) and leavers with no account are not counted.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) FILTER (WHERE status IN ('on_time', 'late')) = 0 THEN NULL
    ELSE count(*) FILTER (WHERE status = 'on_time') / count(*) FILTER (WHERE status IN ('on_time', 'late')) END AS value,
  CAST(count(*) FILTER (WHERE status = 'on_time') AS DOUBLE) AS numerator,
  CAST(count(*) FILTER (WHERE status IN ('on_time', 'late')) AS DOUBLE) AS denominator,
  ${jsonDetails(`{late: count(*) FILTER (WHERE status = 'late'), pending: count(*) FILTER (WHERE status = 'pending'), no_account: count(*) FILTER (WHERE status = 'no_account'), backdated: count(*) FILTER (WHERE backdated)}`)} AS details
FROM judged`,
  evidenceSql: `WITH ${base}
SELECT employee_id, display_name, email, worker_type, termination_date, recorded_at AS termination_recorded_at, backdated,
  clock_start, deadline, accounts, disabled_in_time, last_disabled_at, array_to_string(late_accounts, ' ') AS late_accounts, status
FROM judged ORDER BY CASE status WHEN 'late' THEN 0 WHEN 'pending' THEN 1 WHEN 'no_account' THEN 2 ELSE 3 END, termination_date, employee_id`,
};
