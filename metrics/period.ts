import { IdtrailError } from '../lib/errors.js';

/**
 * Reporting periods: ISO weeks (`2026-W47`, Monday 00:00 UTC to the next Monday), calendar months
 * (`2026-11`) and quarters (`2026-Q3`). Every period is a half-open UTC interval [start, end).
 */
export type Grain = 'week' | 'month' | 'quarter';

/** How often a KPI is reported (KPIS.md). `per_audit` is measured over a quarter. */
export type Cadence = 'weekly' | 'monthly' | 'quarterly' | 'per_audit';

export interface Period {
  grain: Grain;
  /** `2026-W47`, `2026-11` or `2026-Q3` */
  label: string;
  start: Date;
  /** exclusive */
  end: Date;
}

/** The interval a KPI is measured over for a period (see `windowFor`). */
export interface Window {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

function utc(y: number, m0: number, d: number): Date {
  return new Date(Date.UTC(y, m0, d));
}

/** Monday 00:00 UTC of ISO week 1 of `isoYear` (the week that holds 4 January). */
function isoWeekOneMonday(isoYear: number): Date {
  const jan4 = utc(isoYear, 0, 4);
  const dow = (jan4.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(jan4.getTime() - dow * DAY_MS);
}

function isoWeeksInYear(isoYear: number): number {
  return Math.round((isoWeekOneMonday(isoYear + 1).getTime() - isoWeekOneMonday(isoYear).getTime()) / (7 * DAY_MS));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function weekPeriod(isoYear: number, week: number): Period {
  const start = new Date(isoWeekOneMonday(isoYear).getTime() + (week - 1) * 7 * DAY_MS);
  return { grain: 'week', label: `${isoYear}-W${pad(week)}`, start, end: new Date(start.getTime() + 7 * DAY_MS) };
}

export function monthPeriod(year: number, month: number): Period {
  return { grain: 'month', label: `${year}-${pad(month)}`, start: utc(year, month - 1, 1), end: utc(year, month, 1) };
}

export function quarterPeriod(year: number, quarter: number): Period {
  return {
    grain: 'quarter',
    label: `${year}-Q${quarter}`,
    start: utc(year, (quarter - 1) * 3, 1),
    end: utc(year, quarter * 3, 1),
  };
}

/** Parses `2026-W47`, `2026-11` or `2026-Q3`; a bad label is a usage error that shows the accepted forms. */
export function parsePeriod(label: string): Period {
  const text = label.trim();
  let m = /^(\d{4})-W(\d{2})$/i.exec(text);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > isoWeeksInYear(year)) {
      throw new IdtrailError('usage', `ISO year ${year} has no week ${week} (it has ${isoWeeksInYear(year)})`);
    }
    return weekPeriod(year, week);
  }
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw new IdtrailError('usage', `month must be 01–12, got ${JSON.stringify(label)}`);
    return monthPeriod(Number(m[1]), month);
  }
  m = /^(\d{4})-Q([1-4])$/i.exec(text);
  if (m) return quarterPeriod(Number(m[1]), Number(m[2]));
  throw new IdtrailError('usage', `not a period: ${JSON.stringify(label)}`, {
    hint: 'use an ISO week (2026-W47), a month (2026-11) or a quarter (2026-Q3)',
  });
}

/** The period of the given grain that contains `at`. */
export function periodContaining(at: Date, grain: Grain): Period {
  const y = at.getUTCFullYear();
  if (grain === 'month') return monthPeriod(y, at.getUTCMonth() + 1);
  if (grain === 'quarter') return quarterPeriod(y, Math.floor(at.getUTCMonth() / 3) + 1);
  const day = utc(y, at.getUTCMonth(), at.getUTCDate());
  // ISO year of a date = the year of its week's Thursday.
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - isoWeekOneMonday(isoYear).getTime()) / (7 * DAY_MS)) + 1;
  return weekPeriod(isoYear, week);
}

/** The period `n` steps of its own grain away (negative = earlier). */
export function shiftPeriod(p: Period, n: number): Period {
  if (p.grain === 'week') return periodContaining(new Date(p.start.getTime() + n * 7 * DAY_MS), 'week');
  const months = p.grain === 'month' ? n : 3 * n;
  return periodContaining(utc(p.start.getUTCFullYear(), p.start.getUTCMonth() + months, 1), p.grain);
}

/** The period of the same grain that contains the day `months` calendar months before this one's start. */
export function periodMonthsBack(p: Period, months: number): Period {
  const s = p.start;
  return periodContaining(utc(s.getUTCFullYear(), s.getUTCMonth() - months, Math.min(s.getUTCDate(), 28)), p.grain);
}

const GRAIN_RANK: Record<Grain, number> = { week: 1, month: 2, quarter: 3 };
const CADENCE_RANK: Record<Cadence, number> = { weekly: 1, monthly: 2, quarterly: 3, per_audit: 3 };

/**
 * The measurement window of a KPI for a period. When the period is at least as long as the KPI's
 * cadence, the window is the period. When it is shorter (a monthly KPI in the weekly table), the
 * window is the trailing cadence ending where the period ends, so each weekly row carries a rolling
 * value that is comparable week to week: 28 days for monthly KPIs and 91 days (13 weeks) for
 * quarterly ones in a week; the three months ending with the month for quarterly KPIs in a month.
 */
export function windowFor(p: Period, cadence: Cadence): Window {
  if (CADENCE_RANK[cadence] <= GRAIN_RANK[p.grain]) return { start: p.start, end: p.end };
  if (p.grain === 'week') {
    const days = cadence === 'monthly' ? 28 : 91;
    return { start: new Date(p.end.getTime() - days * DAY_MS), end: p.end };
  }
  // month period, quarterly cadence
  return { start: utc(p.start.getUTCFullYear(), p.start.getUTCMonth() - 2, 1), end: p.end };
}

/** The last day of the period, for DATE columns (the period's end is exclusive). */
export function lastDay(p: Period): string {
  return new Date(p.end.getTime() - DAY_MS).toISOString().slice(0, 10);
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * SQL for business days elapsed from timestamp `a` to timestamp `b`: the number of weekdays
 * (Monday–Friday; no holiday calendar) d with date(a) < d ≤ date(b). A request on Friday that goes
 * live on Monday took 1 business day; the same day is 0; Friday to the Friday after is 5.
 * Closed form, so it stays a vectorised expression: weekdays in [Monday 1970-01-05, d) is
 * 5·⌊n/7⌋ + min(n mod 7, 5) with n = d − 1970-01-05, and the result is W(b+1) − W(a+1).
 * `a` and `b` must be SQL expressions we write ourselves (column names), never user input.
 */
export function businessDaysSql(a: string, b: string): string {
  const w = (x: string) =>
    `(5 * floor(date_diff('day', DATE '1970-01-05', CAST(${x} AS DATE) + 1) / 7) + least(((date_diff('day', DATE '1970-01-05', CAST(${x} AS DATE) + 1) % 7) + 7) % 7, 5))`;
  return `(${w(b)} - ${w(a)})`;
}
