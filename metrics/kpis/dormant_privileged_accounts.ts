import { AS_OF, END, SIGNIN, accountKeys, jsonDetails, latestSnapshot, signinsByAccount } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Privileged accounts with no successful sign-in for more than 30 days (value), and more than 60
 * (details.over_60), as of the window end (or now, while the window is open).
 * - Privileged accounts: enabled accounts holding a privileged role assignment of any kind
 *   (permanent, eligible, activated) in force at the latest role snapshot — Entra PIM's "stale
 *   accounts in a privileged role" counts eligible holders too. Break-glass accounts are meant to
 *   stay unused and are not counted.
 * - Last successful sign-in: the later of the inventory's `last_success_signin_at` and the last
 *   successful sign-in event of the last 61 days (older ones cannot change a count); an account that never signed in is dated from its creation.
 * - 30 days is KPIS.md's threshold (CIS uses 45 and the dormant-account detection follows that).
 */
const REF = `least(${END}, ${AS_OF})`;
const base = `ra AS (${latestSnapshot('role_assignments')}),
acc AS (${latestSnapshot('accounts')}),
holders AS (
  SELECT source, tenant_id, account_id, string_agg(DISTINCT role, ', ' ORDER BY role) AS roles, string_agg(DISTINCT lower(kind), ',' ORDER BY lower(kind)) AS kinds
  FROM ra WHERE is_privileged AND (end_at IS NULL OR end_at > snapshot_at) GROUP BY ALL),
priv AS (
  SELECT h.*, a.login, a.email, a.display_name, a.created_at, a.last_success_signin_at
  FROM holders h LEFT JOIN acc a USING (source, tenant_id, account_id)
  WHERE coalesce(a.enabled, true) AND NOT coalesce(a.is_break_glass, false)),
keys AS (${accountKeys('priv')}),
last_ev AS (${signinsByAccount(
  'keys',
  // Sign-ins older than the longer threshold cannot change a count: only that much history is read.
  `outcome = 'success' AND event_time < ${REF} AND event_time >= ${REF} - to_days(CAST($long_dormant_days AS INTEGER) + 1)`,
  { last_event: ['max(event_time)', 'max'] },
)}),
judged AS (
  SELECT p.*, greatest(p.last_success_signin_at, l.last_event) AS last_success,
    date_diff('second', coalesce(greatest(p.last_success_signin_at, l.last_event), p.created_at, TIMESTAMP '1970-01-01'), ${REF}) / 86400.0 AS idle_days
  FROM priv p LEFT JOIN last_ev l USING (source, tenant_id, account_id))`;

export const dormant_privileged_accounts: KpiDefinition = {
  id: 'dormant_privileged_accounts',
  title: 'Dormant privileged account count',
  unit: 'count',
  cadence: 'monthly',
  target: { op: '<=', value: 0 },
  owner: 'Security architecture',
  params: { dormant_days: 30, long_dormant_days: 60 },
  needs: [
    { id: 'role_assignments:privileged', sql: `SELECT EXISTS (SELECT 1 FROM role_assignments WHERE is_privileged) AS present` },
    {
      id: 'accounts|identity_events:signins',
      sql: `SELECT (EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM identity_events WHERE ${SIGNIN})) AS present`,
    },
  ],
  emptyNeed: 'role_assignments:privileged holders at window end',
  calculation:
    'Enabled, non-break-glass accounts holding a privileged role assignment (any kind) in force at the role snapshot at the window end (the latest before it, else the first in the 7 days after). Last successful sign-in = later of accounts.last_success_signin_at and the last successful sign-in event; never signed in = dated from creation. Value = accounts idle for more than 30 days at the window end (or now while open); details.over_60 = idle more than 60 days.',
  valueSql: `WITH ${base}
SELECT CASE WHEN (SELECT count(*) FROM ra) = 0 THEN NULL ELSE CAST(count(*) FILTER (WHERE idle_days > CAST($dormant_days AS DOUBLE)) AS DOUBLE) END AS value,
  CAST(count(*) FILTER (WHERE idle_days > CAST($dormant_days AS DOUBLE)) AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{over_60: count(*) FILTER (WHERE idle_days > CAST($long_dormant_days AS DOUBLE)), never_signed_in: count(*) FILTER (WHERE last_success IS NULL)}`)} AS details
FROM judged`,
  evidenceSql: `WITH ${base}
SELECT source, tenant_id, account_id, login, display_name, roles, kinds, created_at, last_success, round(idle_days, 2) AS idle_days,
  idle_days > CAST($long_dormant_days AS DOUBLE) AS over_60
FROM judged WHERE idle_days > CAST($dormant_days AS DOUBLE) ORDER BY idle_days DESC, source, login, account_id`,
};
