import { END, START, inList, jsonDetails } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Share of provisioning create/update/disable/delete operations that succeeded.
 * - Rows: identity_events with action provision_create/update/disable/delete in the window.
 * - Result: the provisioning status when the source gives one (Entra `provisioningStatusInfo.status`:
 *   success and warning succeeded, failure failed, skipped is out of scope and not counted), else
 *   the normalized outcome (success/failure; challenge and unknown are not counted).
 * - Each attempt counts: a failure retried successfully is one failure and one success.
 */
const base = `ops AS (
  SELECT *, CASE
      WHEN lower(provisioning_status) IN ('success', 'warning') THEN 'success'
      WHEN lower(provisioning_status) IN ('failure', 'failed', 'error') THEN 'failure'
      WHEN lower(provisioning_status) IN ('skipped') THEN 'skipped'
      ELSE outcome END AS result
  FROM identity_events
  WHERE ${inList('action', ['provision_create', 'provision_update', 'provision_disable', 'provision_delete'])}
    AND event_time >= ${START} AND event_time < ${END})`;

export const provisioning_success_rate: KpiDefinition = {
  id: 'provisioning_success_rate',
  title: 'Provisioning success rate',
  unit: 'ratio',
  cadence: 'weekly',
  target: { op: '>=', value: 0.99 },
  owner: 'IAM operations',
  needs: [
    {
      id: 'identity_events:provisioning',
      sql: `SELECT EXISTS (SELECT 1 FROM identity_events WHERE action IN ('provision_create', 'provision_update', 'provision_disable', 'provision_delete')) AS present`,
    },
  ],
  emptyNeed: 'identity_events:provisioning in window',
  calculation:
    'Provisioning events (action provision_create, provision_update, provision_disable, provision_delete) in the window. Succeeded: provisioning status success or warning (else outcome success). Failed: status failure (else outcome failure). Skipped and unknown results are not counted. Value = succeeded / (succeeded + failed).',
  valueSql: `WITH ${base}
SELECT CASE WHEN count(*) FILTER (WHERE result IN ('success', 'failure')) = 0 THEN NULL
    ELSE count(*) FILTER (WHERE result = 'success') / count(*) FILTER (WHERE result IN ('success', 'failure')) END AS value,
  CAST(count(*) FILTER (WHERE result = 'success') AS DOUBLE) AS numerator,
  CAST(count(*) FILTER (WHERE result IN ('success', 'failure')) AS DOUBLE) AS denominator,
  ${jsonDetails(`{failed: count(*) FILTER (WHERE result = 'failure'), skipped: count(*) FILTER (WHERE result = 'skipped'), not_counted: count(*) FILTER (WHERE result NOT IN ('success', 'failure', 'skipped'))}`)} AS details
FROM ops`,
  evidenceSql: `WITH ${base}
SELECT event_time, source, tenant_id, action, result, provisioning_status, outcome_reason, target_user_name, app_name, native_id
FROM ops WHERE result = 'failure' ORDER BY event_time, native_id`,
};
