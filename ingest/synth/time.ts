/** Time helpers: every time in the generator is epoch milliseconds, UTC. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** `YYYY-MM-DDT` per UTC day number: every event of a day shares it, so it is formatted once. */
const dayPrefixes = new Map<number, string>();

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `YYYY-MM-DDTHH:MM:SS` of a whole-millisecond time in years 1000–9999, as `toISOString` writes it. */
function isoBase(ms: number): string {
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    if (dayPrefixes.size >= 4096) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  const s = Math.floor((ms - day * DAY) / 1000);
  return `${prefix}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** Years the day-prefix formatting covers (the generator's window always lies inside). */
const FAST_FROM = Date.UTC(1000, 0, 1);
const FAST_TO = Date.UTC(9999, 11, 31);

/** `2026-11-02T08:15:02.123Z` (Okta `published`, Workspace `id.time`). */
export function isoMs(ms: number): string {
  // A Date drops the fraction of a millisecond toward zero.
  const whole = Math.trunc(ms);
  if (!(whole >= FAST_FROM && whole < FAST_TO)) return new Date(ms).toISOString();
  const frac = whole - Math.floor(whole / 1000) * 1000;
  return `${isoBase(whole)}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/** `2026-11-02T08:15:02Z` (Graph `createdDateTime`, CloudTrail `eventTime`). */
export function isoSec(ms: number): string {
  const whole = Math.floor(ms / 1000) * 1000;
  if (!(whole >= FAST_FROM && whole < FAST_TO)) return new Date(whole).toISOString().replace('.000Z', 'Z');
  return `${isoBase(whole)}Z`;
}

/** `2026-11-02T08:15:02.1234567Z`: Graph directory audits carry seven fractional digits. */
export function iso7(ms: number, extra = 0): string {
  const base = new Date(ms).toISOString().slice(0, 23);
  return `${base}${String(extra % 10000).padStart(4, '0')}Z`;
}

/** `YYYY-MM-DD`. */
export function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ServiceNow's `YYYY-MM-DD HH:mm:ss` (UTC). */
export function snow(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** Day of week in a UTC offset: 0 = Sunday. */
export function localDow(ms: number, tzHours: number): number {
  return new Date(ms + tzHours * HOUR).getUTCDay();
}

/** The UTC instant of local `hour` (fractional) on the local date that contains `dayStartUtc + 12h`. */
export function localTime(dayStartUtc: number, tzHours: number, hour: number): number {
  return dayStartUtc + hour * HOUR - tzHours * HOUR;
}

export function isWeekend(ms: number, tzHours = 0): boolean {
  const d = localDow(ms, tzHours);
  return d === 0 || d === 6;
}

/** Adds business days (Mon–Fri, UTC) to a time. */
export function addBusinessDays(ms: number, n: number): number {
  let t = ms;
  let left = n;
  while (left > 0) {
    t += DAY;
    if (!isWeekend(t)) left--;
  }
  return t;
}
