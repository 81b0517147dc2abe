/** Number and time formatting for alert explanations ("9,870 km in 72 min = 8,225 km/h"). */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtKm(n: number): string {
  return `${fmtInt(n)} km`;
}

/** "09:02" in UTC, with the date when the hits span days. */
export function fmtClock(d: Date, withDate = false): string {
  const iso = d.toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

export function fmtDuration(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${fmtInt(n)} ${n === 1 ? word : pluralWord}`;
}

export function place(city: unknown, country: unknown): string {
  const c = typeof city === 'string' && city ? city : null;
  const k = typeof country === 'string' && country ? country : null;
  if (c && k) return `${c} (${k})`;
  return c ?? k ?? 'unknown location';
}

export function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  return new Date(String(v).replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : 'Z'));
}

export function asNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

export function uniq<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}
