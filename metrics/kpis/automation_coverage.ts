import { AUTOMATED_ACTOR_TYPES, END, HUMAN_ACTOR_TYPES, START, inList, jsonDetails, sqlList } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/** Joiner/mover/leaver and access changes. */
export const JML_ACCESS_ACTIONS = [
  'account_create', 'account_update', 'account_enable', 'account_disable', 'account_suspend', 'account_unsuspend', 'account_delete',
  'group_add_member', 'group_remove_member', 'role_grant', 'role_revoke', 'role_eligible_add', 'role_eligible_remove',
  'provision_create', 'provision_update', 'provision_disable', 'provision_delete',
];

/**
 * Share of joiner/mover/leaver and access changes done by automation rather than by hand.
 * - Changes: successful account lifecycle, group, role and provisioning events in the window.
 *   JIT self-activation is not a change here.
 * - Automated: a provisioning-class event (a sync engine wrote it), an actor whose type is a
 *   service/app/system principal (Okta `SystemPrincipal`, Entra app-initiated), or Entra Connect's
 *   directory synchronization account (a user object named `Sync_…` or "On-Premises Directory
 *   Synchronization Service Account", which Entra reports as a user).
 * - Manual: an actor of type user/admin otherwise. Changes with no actor type are not counted
 *   (details.unknown_actor).
 */
const base = `ch AS (
  SELECT *, CASE
      WHEN event_class = 'provisioning' OR lower(coalesce(actor_type, '')) IN ${sqlList(AUTOMATED_ACTOR_TYPES)}
        OR regexp_matches(lower(coalesce(actor_name, '')), '^(sync_|adtoaadsyncserviceaccount|on-premises directory synchronization)') THEN 'automated'
      WHEN lower(coalesce(actor_type, '')) IN ${sqlList(HUMAN_ACTOR_TYPES)} THEN 'manual'
      ELSE 'unknown' END AS how
  FROM identity_events
  WHERE ${inList('action', JML_ACCESS_ACTIONS)} AND outcome = 'success' AND event_time >= ${START} AND event_time < ${END})`;

export const automation_coverage: KpiDefinition = {
  id: 'automation_coverage',
  title: 'Automation coverage',
  unit: 'ratio',
  cadence: 'quarterly',
  target: { op: '>', value: 0.7 },
  owner: 'IAM engineering',
  needs: [
    { id: 'identity_events:lifecycle_and_access_changes', sql: `SELECT EXISTS (SELECT 1 FROM identity_events WHERE action IN ${sqlList(JML_ACCESS_ACTIONS)}) AS present` },
  ],
  emptyNeed: 'identity_events:lifecycle and access changes in window',
  calculation:
    'Successful account lifecycle, group, role and provisioning events in the window. Automated = provisioning-class event, actor type service/app/system principal, or the directory sync account (Sync_…); manual = actor type user/admin. Value = automated / (automated + manual); changes without an actor type are not counted.',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) FILTER (WHERE how <> 'unknown') = 0 THEN NULL
    ELSE count(*) FILTER (WHERE how = 'automated') / count(*) FILTER (WHERE how <> 'unknown') END AS value,
  CAST(count(*) FILTER (WHERE how = 'automated') AS DOUBLE) AS numerator,
  CAST(count(*) FILTER (WHERE how <> 'unknown') AS DOUBLE) AS denominator,
  ${jsonDetails(`{manual: count(*) FILTER (WHERE how = 'manual'), unknown_actor: count(*) FILTER (WHERE how = 'unknown')}`)} AS details
FROM ch`,
  evidenceSql: `WITH ${base}
SELECT how, action, actor_type, actor_name, count(*) AS changes, min(event_time) AS first_seen, max(event_time) AS last_seen
FROM ch GROUP BY ALL ORDER BY how, changes DESC, action, actor_name`,
};
