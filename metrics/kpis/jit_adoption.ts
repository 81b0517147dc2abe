import { END, START, accountKeys, jsonDetails, latestSnapshot } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of privileged access exercised through just-in-time activation rather than standing.
 * The unit is a (account, privileged role) pair, so that repeated activations and activations
 * seen both as an event and as an activated assignment count once:
 * - JIT pairs: an activation in the window — a successful `role_activate` event, or an `activated`
 *   privileged assignment instance in any role snapshot whose active interval overlaps the window.
 * - Standing pairs: a `permanent` privileged assignment in force at the role snapshot of the window
 *   end (`latestSnapshot`); break-glass accounts excluded (standing by design).
 * - A pair both standing and activated counts as standing.
 * Value = JIT pairs / (JIT ∪ standing pairs).
 */
// An activation event is told apart by its rowid (event_uid is the key, so the two go together):
// the rowid costs nothing to read, where event_uid is a unique string in every row of the window.
const base = `acc_all AS (SELECT DISTINCT source, tenant_id, account_id, login, email FROM accounts),
keys AS (${accountKeys('acc_all')}),
act_ev AS (
  SELECT rowid AS event_row, source, tenant_id, event_time, lower(privilege_name) AS role, coalesce(target_user_id, actor_id) AS fallback_id,
    unnest([target_user_id, lower(target_user_name), actor_id, lower(actor_name)]) AS key
  FROM identity_events
  WHERE action = 'role_activate' AND outcome = 'success' AND coalesce(privilege_is_admin, true) AND privilege_name IS NOT NULL
    AND event_time >= ${START} AND event_time < ${END}),
act_ev_acc AS (
  SELECT event_row, source, coalesce(m.tenant_id, ev_tenant) AS tenant_id, role, coalesce(m.account_id, fallback_id) AS account_id, activated_at FROM (
    SELECT e.event_row, e.source, e.role, any_value(e.tenant_id) AS ev_tenant, any_value(e.fallback_id) AS fallback_id, min(e.event_time) AS activated_at,
      min(CASE WHEN k.account_id IS NOT NULL THEN {tenant_id: k.tenant_id, account_id: k.account_id} END) AS m
    FROM act_ev e LEFT JOIN keys k USING (source, key) GROUP BY e.event_row, e.source, e.role)),
act_snap AS (
  SELECT source, tenant_id, account_id, lower(role) AS role, coalesce(start_at, snapshot_at) AS activated_at
  FROM role_assignments
  WHERE is_privileged AND lower(kind) = 'activated' AND snapshot_at < ${END}
    AND coalesce(start_at, snapshot_at) < ${END} AND coalesce(end_at, snapshot_at) >= ${START}),
jit AS (
  SELECT source, tenant_id, account_id, role, count(*) AS activations, max(activated_at) AS last_activation FROM (
    SELECT source, tenant_id, account_id, role, activated_at FROM act_ev_acc UNION SELECT source, tenant_id, account_id, role, activated_at FROM act_snap)
  GROUP BY ALL),
ra AS (${latestSnapshot('role_assignments')}),
bg AS (SELECT DISTINCT source, tenant_id, account_id FROM accounts WHERE is_break_glass),
standing AS (
  SELECT DISTINCT r.source, r.tenant_id, r.account_id, lower(r.role) AS role FROM ra r
  WHERE r.is_privileged AND lower(r.kind) = 'permanent' AND (r.end_at IS NULL OR r.end_at > r.snapshot_at)
    AND NOT EXISTS (SELECT 1 FROM bg WHERE bg.source = r.source AND bg.tenant_id = r.tenant_id AND bg.account_id = r.account_id)),
pairs AS (
  SELECT coalesce(s.source, j.source) AS source, coalesce(s.tenant_id, j.tenant_id) AS tenant_id,
    coalesce(s.account_id, j.account_id) AS account_id, coalesce(s.role, j.role) AS role,
    CASE WHEN s.account_id IS NOT NULL THEN 'standing' ELSE 'jit' END AS mode,
    coalesce(j.activations, 0) AS activations, j.last_activation
  FROM standing s FULL OUTER JOIN jit j ON s.source = j.source AND s.tenant_id = j.tenant_id AND s.account_id = j.account_id AND s.role = j.role)`;

export const jit_adoption: KpiDefinition = {
  id: 'jit_adoption',
  title: 'JIT elevation adoption',
  unit: 'ratio',
  cadence: 'monthly',
  target: { op: '>=', value: 0.7 },
  owner: 'Identity governance',
  needs: [
    { id: 'role_assignments:privileged', sql: `SELECT EXISTS (SELECT 1 FROM role_assignments WHERE is_privileged) AS present` },
    {
      id: 'identity_events:role_activate|role_assignments:activated',
      sql: `SELECT (EXISTS (SELECT 1 FROM identity_events WHERE action = 'role_activate') OR EXISTS (SELECT 1 FROM role_assignments WHERE lower(kind) = 'activated')) AS present`,
    },
  ],
  emptyNeed: 'role_assignments:privileged pairs in window',
  calculation:
    'Unit = (account, privileged role) pair. JIT pairs: a successful role_activate event in the window, or an activated privileged assignment instance (any snapshot) active during the window. Standing pairs: permanent privileged assignments in force at the latest snapshot at the window end (the latest before it, else the first in the 7 days after), break-glass excluded; a pair that is both counts as standing. Value = JIT pairs / all pairs.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE mode = 'jit') / count(*) END AS value,
  CAST(count(*) FILTER (WHERE mode = 'jit') AS DOUBLE) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{standing: count(*) FILTER (WHERE mode = 'standing'), activations: sum(activations)}`)} AS details
FROM pairs`,
  evidenceSql: `WITH ${base}
SELECT source, tenant_id, account_id, role, mode, activations, last_activation
FROM pairs ORDER BY mode DESC, source, account_id, role`,
};
