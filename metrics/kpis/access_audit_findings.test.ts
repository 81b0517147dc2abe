import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';

it('access_audit_findings: findings by severity; zero high and fewer medium than a year before', async () => {
  const db = await openTestDb();
  const f = (id: string, severity: string, opened_at: string, category: string | null = 'access') => ({
    record_id: id, record_type: 'audit_finding', severity, category, opened_at, short_description: `finding ${id}`,
  });
  await itsm(db, [
    // 2026-Q3: 1 high, 3 medium (one with no category), 1 low; a finance finding not counted.
    f('F1', 'High', '2026-07-15T00:00:00Z'),
    f('F2', '2 - Medium', '2026-08-01T00:00:00Z', 'identity'),
    f('F3', 'Medium', '2026-08-02T00:00:00Z'),
    f('F6', 'medium', '2026-09-01T00:00:00Z', null),
    f('F4', 'Low', '2026-09-02T00:00:00Z'),
    f('F5', 'High', '2026-09-03T00:00:00Z', 'finance'),
    // 2025-Q3: 4 medium. 2026-Q2: 1 medium; 2025-Q2: 2 medium.
    ...['01', '02', '03', '04'].map((d) => f(`P${d}`, 'Medium', `2025-08-${d}T00:00:00Z`)),
    f('F7', 'Medium', '2026-05-01T00:00:00Z'),
    f('P05', 'Medium', '2025-05-01T00:00:00Z'), f('P06', 'Medium', '2025-05-02T00:00:00Z'),
  ]);
  const q3 = await kpi(db, 'access_audit_findings', '2026-Q3');
  expect(q3.value).toBe(5);
  expect(q3.details).toEqual({ high: 1, medium: 3, low: 1, open: 5 });
  expect(q3.met).toBe(false); // a high finding
  const q2 = await kpi(db, 'access_audit_findings', '2026-Q2');
  expect([q2.value, q2.met]).toEqual([1, true]); // no high; 1 medium < 2 a year before
  expect(q2.target).toBe('high <= 0; fewer medium than 12 months before');
  // 2025-Q1 ends before the register's first finding (1 May 2025): not covered, no value.
  const q1 = await kpi(db, 'access_audit_findings', '2025-Q1');
  expect(q1).toMatchObject({ status: 'no_data', value: null, needs: ['itsm_records:audit findings register covering the window'] });
  // 2025-Q4 is covered and had no finding: zero is a value.
  const q4 = await kpi(db, 'access_audit_findings', '2025-Q4');
  expect([q4.status, q4.value, q4.met]).toEqual(['ok', 0, true]);
});
