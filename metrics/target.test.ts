import { describe, expect, it } from 'vitest';
import { evaluateTarget, formatTarget, overrideTarget, referencesFor } from './target.js';

const m = (value: number | null, details: Record<string, unknown> = {}) => ({ value, details });

describe('targets', () => {
  it('compares thresholds with a tolerance for doubles', () => {
    expect(evaluateTarget({ op: '>=', value: 0.99 }, m(99 / 100), [])).toBe(true);
    expect(evaluateTarget({ op: '>=', value: 0.99 }, m(0.9899), [])).toBe(false);
    expect(evaluateTarget({ op: '<=', value: 0 }, m(0), [])).toBe(true);
    expect(evaluateTarget({ op: '>', value: 0.7 }, m(0.7), [])).toBe(false);
    expect(evaluateTarget({ op: '>=', value: 0.9 }, m(null), [])).toBeNull();
  });

  it('reads percentiles from the details and needs every one within its limit', () => {
    const t = { percentiles: [{ p: 50 as const, max: 10 }, { p: 90 as const, max: 20 }] };
    expect(evaluateTarget(t, m(8, { p50: 8, p90: 20 }), [])).toBe(true);
    expect(evaluateTarget(t, m(8, { p50: 8, p90: 21 }), [])).toBe(false);
    expect(evaluateTarget(t, m(8, { p50: 8 }), [])).toBeNull();
  });

  it('judges trends against the previous period, a baseline, or months back', () => {
    const down = { trend: 'down' as const };
    expect(referencesFor(down)).toEqual([{ kind: 'shift', n: -1 }]);
    expect(evaluateTarget(down, m(3), [m(5)])).toBe(true);
    expect(evaluateTarget(down, m(5), [m(5)])).toBe(false);
    expect(evaluateTarget(down, m(0), [])).toBe(true); // already at zero
    expect(evaluateTarget(down, m(2), [m(null)])).toBeNull();
    const base = { trend: 'down' as const, against: 'baseline' as const, periods: 3 };
    expect(referencesFor(base)).toHaveLength(3);
    expect(evaluateTarget(base, m(0.2), [m(0.1), m(0.3), m(null)])).toBe(true); // mean 0.2
    expect(evaluateTarget(base, m(0.21), [m(0.1), m(0.3)])).toBe(false);
    const up = { trend: 'up' as const, against: 'months_ago' as const, months: 6, minChange: 0.2 };
    expect(referencesFor(up)).toEqual([{ kind: 'months', months: 6 }]);
    expect(evaluateTarget(up, m(0.6), [m(0.5)])).toBe(true); // +20 %
    expect(evaluateTarget(up, m(0.59), [m(0.5)])).toBe(false);
    expect(formatTarget(up, 'ratio')).toBe('rising by >= 20% over 6 months');
  });

  it('checks mean hours per severity and audit findings', () => {
    const sev = { maxHoursBySeverity: { '1': 2, '2': 8 } };
    expect(evaluateTarget(sev, m(5, { by_severity: { '1': { mean_hours: 1.9 }, '3': { mean_hours: 50 } } }), [])).toBe(true);
    expect(evaluateTarget(sev, m(5, { by_severity: { '2': { mean_hours: 8.5 } } }), [])).toBe(false);
    expect(evaluateTarget(sev, m(5, { by_severity: { '4': { mean_hours: 1 } } }), [])).toBeNull();
    const f = { findings: { maxHigh: 0, mediumFewerThanMonthsAgo: 12 } };
    expect(evaluateTarget(f, m(2, { high: 0, medium: 2 }), [m(3, { medium: 3 })])).toBe(true);
    expect(evaluateTarget(f, m(3, { high: 0, medium: 3 }), [m(3, { medium: 3 })])).toBe(false);
    expect(evaluateTarget(f, m(1, { high: 1, medium: 0 }), [])).toBe(false);
    expect(evaluateTarget(f, m(0, { high: 0, medium: 0 }), [m(null)])).toBe(true);
  });

  it('overrides: a bare number keeps a threshold, anything else must be a whole target', () => {
    expect(overrideTarget({ op: '>=', value: 0.98 }, 0.95)).toEqual({ ok: true, target: { op: '>=', value: 0.95 } });
    expect(overrideTarget({ trend: 'down' }, 3)).toMatchObject({ ok: false });
    expect(overrideTarget({ op: '>=', value: 0.98 }, { op: '=>', value: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/not a target/) });
    expect(overrideTarget({ op: '>=', value: 0.98 }, { percentiles: [{ p: 90, max: 5 }] })).toEqual({ ok: true, target: { percentiles: [{ p: 90, max: 5 }] } });
  });
});
