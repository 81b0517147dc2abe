import { END, START, itsmCurrent, itsmPresent } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Number of access-related audit findings raised in the window, by severity. The findings
 * register lands in itsm_records as `audit_finding` records (no table of their own): raised at
 * `opened_at`, severity in `severity` (High/Critical or 1 = high, Medium or 2 = medium, else low),
 * closed when `closed_at` is set. Access-related: category naming identity/access, or no category
 * (a register kept for access findings only).
 * Target: zero high findings, and fewer medium findings than in the same window a year before.
 * A window that ends before the register's first finding has no value: the register does not
 * cover it, and "zero findings" would be made up.
 */
const base = `f AS (
  SELECT record_id, short_description, category, state, severity, opened_at, closed_at, due_at,
    CASE WHEN regexp_matches(lower(coalesce(severity, '')), '^\\s*1|high|critical') THEN 'high'
      WHEN regexp_matches(lower(coalesce(severity, '')), '^\\s*2|medium|moderate') THEN 'medium'
      ELSE 'low' END AS level
  FROM (${itsmCurrent('audit_finding')})
  WHERE (category IS NULL OR regexp_matches(lower(category), 'access|identity|iam|privilege|account'))
    AND opened_at >= ${START} AND opened_at < ${END})`;

export const access_audit_findings: KpiDefinition = {
  id: 'access_audit_findings',
  title: 'Audit findings on access',
  unit: 'count',
  cadence: 'per_audit',
  target: { findings: { maxHigh: 0, mediumFewerThanMonthsAgo: 12 } },
  owner: 'IAM lead',
  needs: [{ id: 'itsm_records:audit_finding', sql: itsmPresent('audit_finding') }],
  emptyNeed: 'itsm_records:audit findings register covering the window',
  calculation:
    'Audit findings (itsm_records with record_type audit_finding) raised in the window whose category is access/identity related or empty. Severity: High/Critical/1 = high, Medium/Moderate/2 = medium, else low. Value = number of findings (none when the register holds no finding raised before the window end: it does not cover the window); details by severity and still open. Met when there is no high finding and fewer medium findings than in the window a year before.',
  valueSql: `WITH ${base}
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM (${itsmCurrent('audit_finding')}) WHERE opened_at < ${END}) THEN NULL ELSE CAST(count(*) AS DOUBLE) END AS value, CAST(count(*) FILTER (WHERE level IN ('high', 'medium')) AS DOUBLE) AS numerator, NULL::DOUBLE AS denominator,
  CAST(to_json({high: count(*) FILTER (WHERE level = 'high'), medium: count(*) FILTER (WHERE level = 'medium'), low: count(*) FILTER (WHERE level = 'low'), open: count(*) FILTER (WHERE closed_at IS NULL)}) AS VARCHAR) AS details
FROM f`,
  evidenceSql: `WITH ${base}
SELECT record_id, short_description, category, level, severity, state, opened_at, due_at, closed_at
FROM f ORDER BY CASE level WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, opened_at, record_id`,
};
