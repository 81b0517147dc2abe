import { jsonDetails, latestSnapshot } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Permanent privileged role assignments at the role snapshot of the window end (`latestSnapshot`:
 * per source and tenant, the latest before it, else the first in the 7 days after): kind `permanent`, `is_privileged`, in force (no end or an end after
 * the snapshot). Break-glass accounts keep standing Global Administrator by design (Microsoft's
 * emergency-access guidance) and are reported in details, not counted. Target: falling quarter
 * on quarter — compared with the value one quarter back (13 weeks, 3 months or 1 quarter).
 */
const base = `ra AS (${latestSnapshot('role_assignments')}),
acc AS (${latestSnapshot('accounts')}),
priv AS (
  SELECT r.*, a.login, a.display_name, coalesce(a.is_break_glass, false) AS is_break_glass
  FROM ra r LEFT JOIN acc a USING (source, tenant_id, account_id)
  WHERE r.is_privileged AND (r.end_at IS NULL OR r.end_at > r.snapshot_at))`;

export const privileged_standing_access: KpiDefinition = {
  id: 'privileged_standing_access',
  title: 'Privileged standing access count',
  unit: 'count',
  cadence: 'monthly',
  target: { trend: 'down', against: 'months_ago', months: 3, label: 'falling quarter on quarter' },
  owner: 'Identity governance',
  needs: [{ id: 'role_assignments', sql: `SELECT EXISTS (SELECT 1 FROM role_assignments) AS present` }],
  emptyNeed: 'role_assignments:snapshot at window end',
  calculation:
    'At the role_assignments snapshot at the window end (the latest before it, else the first in the 7 days after) (per source and tenant): assignments with kind = permanent and is_privileged, in force (end_at empty or after the snapshot), excluding break-glass accounts (shown in details). Value = their count; denominator = all privileged assignments in force. Met when lower than one quarter earlier (or zero).',
  valueSql: `WITH ${base}
SELECT CASE WHEN (SELECT count(*) FROM ra) = 0 THEN NULL
    ELSE CAST(count(*) FILTER (WHERE lower(kind) = 'permanent' AND NOT is_break_glass) AS DOUBLE) END AS value,
  CAST(count(*) FILTER (WHERE lower(kind) = 'permanent' AND NOT is_break_glass) AS DOUBLE) AS numerator,
  CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{break_glass_permanent: count(*) FILTER (WHERE lower(kind) = 'permanent' AND is_break_glass), eligible: count(*) FILTER (WHERE lower(kind) = 'eligible'), holders: count(DISTINCT (source, tenant_id, account_id)) FILTER (WHERE lower(kind) = 'permanent' AND NOT is_break_glass)}`)} AS details
FROM priv`,
  evidenceSql: `WITH ${base}
SELECT snapshot_at, source, tenant_id, assignment_id, account_id, login, display_name, role, scope, start_at, end_at, is_break_glass
FROM priv WHERE lower(kind) = 'permanent' ORDER BY is_break_glass, source, login, role, assignment_id`,
};
