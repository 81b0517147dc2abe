import { describe, expect, it } from 'vitest';
import { mergeLines, mergeRecords, planLanes } from './lanes.js';
import type { LineRun } from './sink.js';

function run(lines: [number, string][]): LineRun {
  const bytes = Buffer.from(lines.map(([, l]) => `${l}\n`).join(''));
  return { t: Float64Array.from(lines.map(([t]) => t)), lens: Uint32Array.from(lines.map(([, l]) => Buffer.byteLength(l) + 1)), bytes };
}

describe('generator lanes', () => {
  it('split the simulated days (the day before the window to the day after) into two contiguous, non-empty ranges', () => {
    for (const days of [7, 8, 14, 30, 31, 90, 400]) {
      const end = Date.UTC(2026, 10, 23);
      const [a, b] = planLanes({ users: 2000, days, seed: 1, end }, 2);
      expect(a.from).toBe(-1);
      expect(b.to).toBe(days);
      expect(b.from).toBe(a.to + 1);
      expect(a.to).toBeGreaterThanOrEqual(a.from);
      // about half the weekdays each (lane 0 a little more: the other lane's thread starts later)
      const weekdays = (from: number, to: number) => {
        let n = 0;
        for (let d = Math.max(from, 0); d <= Math.min(to, days - 1); d++) if (![0, 6].includes(new Date(end - (days - d) * 86_400_000).getUTCDay())) n++;
        return n;
      };
      const [wa, wb] = [weekdays(a.from, a.to), weekdays(b.from, b.to)];
      expect(Math.abs(wa - wb), `${days} days: ${wa} and ${wb} weekdays`).toBeLessThanOrEqual(2 + 0.08 * (wa + wb));
    }
    expect(planLanes({ users: 2000, days: 30, seed: 1, end: Date.UTC(2026, 10, 23) }, 1)).toEqual([{ from: -1, to: 30 }]);
  });

  it('merge a flush by time, the first lane first on a tie, with lines of any length and characters', () => {
    const a = run([[1, '{"a":1}'], [3, '{"a":"é"}'], [3, '{"a":3}'], [9, '{"a":9}']]);
    const b = run([[0, '{"b":0}'], [3, '{"b":"漢字"}'], [4, '{"b":4}'], [5, '{"b":5}'], [10, '{"b":10}']]);
    const text = Buffer.concat(mergeLines(a, b)).toString('utf8');
    expect(text).toBe(['{"b":0}', '{"a":1}', '{"a":"é"}', '{"a":3}', '{"b":"漢字"}', '{"b":4}', '{"b":5}', '{"a":9}', '{"b":10}', ''].join('\n'));
    expect(Buffer.concat(mergeLines(a, undefined)).equals(Buffer.from(a.bytes))).toBe(true);
    expect(Buffer.concat(mergeLines(undefined, b)).equals(Buffer.from(b.bytes))).toBe(true);
    const rec = (t: number, line: string) => ({ t, seq: 0, line });
    expect(mergeRecords([rec(1, 'a1'), rec(2, 'a2')], [rec(1, 'b1'), rec(3, 'b3')]).map((r) => r.line)).toEqual(['a1', 'b1', 'a2', 'b3']);
  });
});
