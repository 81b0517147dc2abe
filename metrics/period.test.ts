import { describe, expect, it } from 'vitest';
import { businessDaysSql, parsePeriod, periodContaining, periodMonthsBack, shiftPeriod, windowFor } from './period.js';
import { openTestDb } from './testing.js';

const iso = (d: Date) => d.toISOString().slice(0, 10);

describe('periods', () => {
  it('parses ISO weeks (Monday start, week 1 holds 4 January), months and quarters', () => {
    const w = parsePeriod('2026-W47');
    expect([iso(w.start), iso(w.end)]).toEqual(['2026-11-16', '2026-11-23']);
    // 1 Jan 2026 is a Thursday, so week 1 starts Mon 29 Dec 2025 and 2026 has 53 weeks.
    expect(iso(parsePeriod('2026-W01').start)).toBe('2025-12-29');
    expect(iso(parsePeriod('2026-W53').start)).toBe('2026-12-28');
    expect(() => parsePeriod('2027-W53')).toThrow(/no week 53/);
    expect(periodContaining(new Date('2027-01-01T12:00:00Z'), 'week').label).toBe('2026-W53');
    expect(periodContaining(new Date('2026-11-22T23:59:59Z'), 'week').label).toBe('2026-W47');
    const m = parsePeriod('2026-11');
    expect([iso(m.start), iso(m.end)]).toEqual(['2026-11-01', '2026-12-01']);
    const q = parsePeriod('2026-Q3');
    expect([iso(q.start), iso(q.end)]).toEqual(['2026-07-01', '2026-10-01']);
    expect(() => parsePeriod('2026-13')).toThrow(/01–12/);
    expect(() => parsePeriod('last week')).toThrow(expect.objectContaining({ code: 'usage', hint: expect.stringMatching(/2026-W47/) }));
  });

  it('shifts periods and measures slower cadences over a trailing window', () => {
    expect(shiftPeriod(parsePeriod('2026-W01'), -1).label).toBe('2025-W52');
    expect(shiftPeriod(parsePeriod('2026-01'), -1).label).toBe('2025-12');
    expect(shiftPeriod(parsePeriod('2026-Q1'), -1).label).toBe('2025-Q4');
    // Three months before Mon 16 Nov is Sun 16 Aug, the last day of W33.
    expect(periodMonthsBack(parsePeriod('2026-W47'), 3).label).toBe('2026-W33');
    const w = parsePeriod('2026-W47');
    expect(windowFor(w, 'weekly')).toEqual({ start: w.start, end: w.end });
    // 28 days back from Mon 23 Nov = Mon 26 Oct; 91 days back = Mon 24 Aug.
    expect(iso(windowFor(w, 'monthly').start)).toBe('2026-10-26');
    expect(iso(windowFor(w, 'quarterly').start)).toBe('2026-08-24');
    expect(iso(windowFor(parsePeriod('2026-11'), 'quarterly').start)).toBe('2026-09-01');
    expect(iso(windowFor(parsePeriod('2026-Q3'), 'weekly').start)).toBe('2026-07-01');
  });

  it('counts business days Monday to Friday across weekends', async () => {
    const db = await openTestDb();
    const bd = async (a: string, b: string) =>
      Number((await db.one<{ n: number }>(`SELECT ${businessDaysSql('CAST($a AS TIMESTAMP)', 'CAST($b AS TIMESTAMP)')} AS n`, { a, b }))!.n);
    // 20 Nov 2026 is a Friday.
    expect(await bd('2026-11-20T17:00:00Z', '2026-11-23T09:00:00Z')).toBe(1); // Fri → Mon: Monday only
    expect(await bd('2026-11-20T09:00:00Z', '2026-11-20T18:00:00Z')).toBe(0); // same day
    expect(await bd('2026-11-20T09:00:00Z', '2026-11-27T09:00:00Z')).toBe(5); // a week
    expect(await bd('2026-11-21T09:00:00Z', '2026-11-22T09:00:00Z')).toBe(0); // Sat → Sun
    expect(await bd('2026-11-21T09:00:00Z', '2026-11-23T09:00:00Z')).toBe(1); // Sat → Mon
    expect(await bd('2026-11-19T09:00:00Z', '2026-11-24T09:00:00Z')).toBe(3); // Thu → Tue: Fri, Mon, Tue
    expect(await bd('2026-11-02T09:00:00Z', '2026-11-30T09:00:00Z')).toBe(20); // four weeks
    expect(await bd('1969-12-26T09:00:00Z', '1970-01-05T09:00:00Z')).toBe(6); // Fri 26 Dec 1969 → Mon 5 Jan 1970, before the formula's origin
    db.close();
  });
});
