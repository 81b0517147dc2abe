import { expect, it } from 'vitest';
import { itsm, kpi, openTestDb } from '../testing.js';

it('iam_incident_mttr: mean hours to resolve IAM incidents, by severity', async () => {
  const db = await openTestDb();
  const inc = (id: string, priority: string | null, opened_at: string, resolved_at: string | null, extra: Record<string, unknown> = {}) => ({
    record_id: id, record_type: 'incident', category: 'identity', priority, opened_at, resolved_at, ...extra,
  });
  await itsm(db, [
    inc('I1', '1 - Critical', '2026-11-03T10:00:00Z', '2026-11-03T11:30:00Z'), // 1.5 h
    inc('I2', '1 - Critical', '2026-11-05T10:00:00Z', '2026-11-05T13:00:00Z'), // 3 h
    inc('I3', '2 - High', '2026-11-06T10:00:00Z', '2026-11-06T14:00:00Z'), // 4 h
    inc('I4', '2 - High', '2026-11-07T10:00:00Z', '2026-11-07T16:00:00Z'), // 6 h
    inc('I5', '4 - Low', '2026-11-08T00:00:00Z', '2026-11-10T00:00:00Z', { category: 'access' }), // 48 h
    // No priority, severity 2; closed but no resolved time: 2 h.
    inc('I8', null, '2026-11-10T08:00:00Z', null, { severity: '2 - Medium', closed_at: '2026-11-10T10:00:00Z' }),
    inc('I6', '1 - Critical', '2026-11-03T10:00:00Z', '2026-11-03T20:00:00Z', { category: 'network' }),
    inc('I7', '1 - Critical', '2026-11-30T23:00:00Z', '2026-12-01T01:00:00Z'),
  ]);
  const r = await kpi(db, 'iam_incident_mttr', '2026-11');
  // (1.5 + 3 + 4 + 6 + 48 + 2) / 6 = 64.5 / 6 = 10.75 h. Sev1 (1.5 + 3) / 2 = 2.25; Sev2 (4 + 6 + 2) / 3 = 4; Sev4 48.
  expect(r.value).toBeCloseTo(10.75, 10);
  expect([r.numerator, r.denominator]).toEqual([64.5, 6]);
  expect(r.details).toEqual({
    by_severity: { '1': { count: 2, mean_hours: 2.25 }, '2': { count: 3, mean_hours: 4 }, '4': { count: 1, mean_hours: 48 } },
  });
  expect(r.met).toBe(false); // Sev1 2.25 h > 2 h
  expect(r.target).toBe('Sev1 <= 2 h, Sev2 <= 8 h');
  const relaxed = await kpi(db, 'iam_incident_mttr', '2026-11', { targets: { iam_incident_mttr: { maxHoursBySeverity: { '1': 3, '2': 8 } } } });
  expect(relaxed.met).toBe(true);
});
