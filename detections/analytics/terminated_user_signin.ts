import type { Analytic } from './types.js';
import { eventHits, fromWhere } from './event-hits.js';
import { USER } from './sql.js';
import { fmtClock, plural } from '../engine/format.js';

/**
 * A successful sign-in (interactive or not — a refresh token still honoured after termination is the
 * finding) by a user who, at the time of the sign-in, was
 * - terminated in the HRIS: a terminated worker version (statuses as the HRIS loader stores them:
 *   active, leave, terminated) whose termination date is before the
 *   sign-in day, with no later rehire (a later Active row hired on or before that day); or
 * - disabled/suspended in the IdP: an `account_disable`/`account_suspend` event before the sign-in
 *   without a later re-enable, or an inventory account disabled before it.
 * Sign-ins on the last working day itself are normal and do not fire.
 */
const HRIS_TERMINATED = `EXISTS (
  SELECT 1 FROM hris_workers h
  WHERE lower(h.status) = 'terminated' AND h.termination_date IS NOT NULL
    AND h.termination_date < CAST(e.event_time AS DATE)
    AND (lower(h.email) = ${USER}
         OR h.employee_id IN (SELECT a.employee_id FROM accounts a WHERE lower(a.login) = ${USER} OR lower(a.email) = ${USER}))
    AND NOT EXISTS (
      SELECT 1 FROM hris_workers r
      WHERE r.employee_id = h.employee_id AND lower(r.status) IN ('active', 'leave', 'leave of absence')
        AND r.hire_date > h.termination_date AND r.hire_date <= CAST(e.event_time AS DATE))
)`;

const IDP_DISABLED = `(
  EXISTS (
    SELECT 1 FROM identity_events d
    WHERE d.action IN ('account_disable', 'account_suspend', 'account_delete') AND d.outcome = 'success'
      AND lower(coalesce(d.target_user_name, '')) = ${USER} AND d.event_time < e.event_time
      AND NOT EXISTS (
        SELECT 1 FROM identity_events x
        WHERE x.action IN ('account_enable', 'account_unsuspend', 'account_create') AND x.outcome = 'success'
          AND lower(coalesce(x.target_user_name, '')) = ${USER}
          AND x.event_time > d.event_time AND x.event_time < e.event_time))
  OR EXISTS (
    SELECT 1 FROM accounts a
    WHERE (lower(a.login) = ${USER} OR lower(a.email) = ${USER}) AND a.enabled = false
      AND a.disabled_at IS NOT NULL AND a.disabled_at < e.event_time)
)`;

/**
 * Users who could be terminated or disabled at all (uncorrelated, small): sign-ins of everyone else
 * are never looked at, so the per-event checks above run over a handful of rows.
 */
const CANDIDATES = `(
  SELECT lower(h.email) AS usr FROM hris_workers h WHERE lower(h.status) = 'terminated' AND h.email IS NOT NULL
  UNION SELECT lower(a.login) FROM accounts a JOIN hris_workers h ON h.employee_id = a.employee_id AND lower(h.status) = 'terminated' WHERE a.login IS NOT NULL
  UNION SELECT lower(a.email) FROM accounts a JOIN hris_workers h ON h.employee_id = a.employee_id AND lower(h.status) = 'terminated' WHERE a.email IS NOT NULL
  UNION SELECT lower(d.target_user_name) FROM identity_events d WHERE d.action IN ('account_disable', 'account_suspend', 'account_delete') AND d.target_user_name IS NOT NULL
  UNION SELECT lower(coalesce(a.login, a.email)) FROM accounts a WHERE a.enabled = false
)`;

export const analytic: Analytic = {
  id: 'terminated_user_signin',
  title: 'Sign-in by a terminated or disabled user',
  severity: 'high',
  tactics: ['initial-access', 'persistence'],
  techniques: ['T1078', 'T1078.004'],
  description:
    'A user who had left the company (HRIS termination date passed) or whose account had been disabled signed in successfully: ' +
    'deprovisioning was late or incomplete, or someone else is using the account.',
  triage:
    'Disable the account and revoke refresh tokens/sessions in every IdP now. Then find why the leaver process missed it ' +
    '(late HRIS entry, a second account, a federated app with its own session) and what the session accessed.',
  falsePositives: ['Rehires whose new HRIS row is not loaded yet', 'Termination dates entered in advance and later reversed'],
  params: {},
  contextMinutes: () => 24 * 60,
  detect(db, win) {
    return eventHits(db, win, {
      fromSql: `(SELECT * FROM identity_events x
                 WHERE x.action = 'logon' AND x.outcome = 'success'
                   AND idt_user(x.event_class, x.actor_name, x.actor_type, x.target_user_name) IN (SELECT usr FROM ${CANDIDATES})) e`,
      where: `${USER} IS NOT NULL AND (${HRIS_TERMINATED} OR ${IDP_DISABLED})`,
      extra: [
        `(SELECT max(h.termination_date) FROM hris_workers h WHERE lower(h.status) = 'terminated' AND lower(h.email) = ${USER}) AS termination_date`,
        'e.is_interactive AS interactive',
      ],
      bucket: 'day',
      explain: (rows) => {
        const r = rows[0];
        const term = r.termination_date ? `terminated in HRIS on ${String(r.termination_date instanceof Date ? r.termination_date.toISOString().slice(0, 10) : r.termination_date)}` : 'disabled in the IdP';
        return `${r.usr} (${term}) signed in successfully: ${plural(rows.length, 'sign-in')}, first at ${fmtClock(r.t, true)} UTC from ` +
          `${fromWhere(r)}${r.app ? ` to ${r.app}` : ''}.`;
      },
      details: (rows) => ({ termination_date: rows[0].termination_date ?? null }),
    });
  },
};
