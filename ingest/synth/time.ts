/** Time helpers: every time in the generator is epoch milliseconds, UTC. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** `2026-11-02T08:15:02.123Z` (Okta `published`, Workspace `id.time`). */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2026-11-02T08:15:02Z` (Graph `createdDateTime`, CloudTrail `eventTime`). */
export function isoSec(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
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
