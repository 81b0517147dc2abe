/**
 * Value readers shared by the export mappings: path lookup in vendor objects, and the time and
 * date formats the HRIS and ITSM vendors write. Every reader returns either a value, `null` for an
 * empty field, or a `ValueError` that names what is wrong (the caller quarantines the row).
 */

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/**
 * Reads `path` in `obj`. Segments are separated by dots, but a key that itself contains dots (the
 * SCIM extension URN `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`) is matched whole
 * first: at each level the longest run of segments that names an existing key wins.
 * `emails[primary=true]` picks the first element whose `primary` equals `true` (the key may be a
 * path: `issuelinks[type.name=Causes]`); `emails[0]` indexes.
 */
export function getPath(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(rec, path)) return rec[path];
  const parts = splitPath(path);
  for (let n = parts.length; n >= 1; n--) {
    const head = parts.slice(0, n).join('.');
    const rest = parts.slice(n).join('.');
    const value = readSegment(rec, head);
    if (value === undefined) continue;
    return rest === '' ? value : getPath(value, rest);
  }
  return undefined;
}

/** Splits on dots outside `[...]` (a selector may name a nested key: `issuelinks[type.name=Causes]`). */
function splitPath(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of path) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function readSegment(rec: Record<string, unknown>, segment: string): unknown {
  if (Object.prototype.hasOwnProperty.call(rec, segment)) return rec[segment];
  const m = /^(.*)\[([^\]]*)\]$/.exec(segment);
  if (!m) return undefined;
  const base = m[1] === '' ? rec : rec[m[1]];
  if (!Array.isArray(base)) return undefined;
  const selector = m[2];
  if (/^\d+$/.test(selector)) return base[Number(selector)];
  const eq = /^([^=]+)=(.*)$/.exec(selector);
  if (!eq) return undefined;
  return base.find((el) => el !== null && typeof el === 'object' && String(getPath(el, eq[1])) === eq[2]);
}

/** Empty strings, `null` and `undefined` are all "no value". */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/**
 * ServiceNow returns a reference field as `{ "display_value": ..., "value": ..., "link": ... }` when
 * asked with `sysparm_display_value=all` (every field, not just references), as a plain string
 * otherwise. `prefer` picks which half to read.
 */
export function unwrapReference(v: unknown, prefer: 'display' | 'value'): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  if (!('display_value' in o) && !('value' in o)) {
    // Jira objects: { name } / { displayName } / { value }
    return o.displayName ?? o.name ?? o.value ?? o.key ?? undefined;
  }
  const first = prefer === 'display' ? o.display_value : o.value;
  const second = prefer === 'display' ? o.value : o.display_value;
  return isBlank(first) ? second : first;
}

export function asText(v: unknown, field: string): string | null {
  if (isBlank(v)) return null;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ValueError(`${field}: expected text, got ${describe(v)}`);
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'f']);

export function asBool(v: unknown, field: string): boolean | null {
  if (isBlank(v)) return null;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  throw new ValueError(`${field}: expected true or false, got ${describe(v)}`);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A Date as the text DuckDB reads into a UTC `TIMESTAMP`. */
export function toSqlTimestamp(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Zero dates some HR systems write for "no date" (BambooHR returns `0000-00-00`). */
const ZERO_DATE = /^0{4}-0{2}-0{2}/;
/** Graph writes `0001-01-01T00:00:00Z` for a sign-in that never happened. */
const MIN_DATE = /^0001-01-01/;

/**
 * A point in time, to UTC. Accepts ISO-8601 with `Z` or an offset (`+01:00`, Jira's `+0000`),
 * ServiceNow's `YYYY-MM-DD HH:mm:ss` (always UTC in the Table API's `value`), a bare date (midnight
 * UTC) and epoch milliseconds. Text without an offset is read as UTC: exports write UTC.
 */
export function asTimestamp(v: unknown, field: string): string | null {
  if (isBlank(v)) return null;
  if (v instanceof Date) return toSqlTimestamp(v);
  if (typeof v === 'number' && Number.isFinite(v)) return toSqlTimestamp(new Date(v));
  if (typeof v !== 'string') throw new ValueError(`${field}: expected a date-time, got ${describe(v)}`);
  let s = v.trim();
  if (ZERO_DATE.test(s) || MIN_DATE.test(s)) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (!m) throw new ValueError(`${field}: not a date-time: ${describe(v)} (expected ISO-8601 or YYYY-MM-DD HH:mm:ss)`);
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = ''] = m;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) {
    throw new ValueError(`${field}: not a valid date-time: ${describe(v)}`);
  }
  if (zone && !/^(Z|z|UTC)$/.test(zone)) {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const offset = (Number(zm[2]) * 60 + Number(zm[3] ?? '0')) * 60_000;
    t += zm[1] === '+' ? -offset : offset;
  }
  s = toSqlTimestamp(new Date(t));
  return s;
}

/** A calendar date (`YYYY-MM-DD`); a date-time keeps its date part as written. Also `MM/DD/YYYY`. */
export function asDate(v: unknown, field: string): string | null {
  if (isBlank(v)) return null;
  if (typeof v !== 'string') throw new ValueError(`${field}: expected a date, got ${describe(v)}`);
  const s = v.trim();
  if (ZERO_DATE.test(s)) return null;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) {
    [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    throw new ValueError(`${field}: not a date: ${describe(v)} (expected YYYY-MM-DD)`);
  }
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new ValueError(`${field}: not a valid date: ${describe(v)}`);
  }
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}

export function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function laterOf(...ts: (string | null)[]): string | null {
  let best: string | null = null;
  for (const t of ts) if (t !== null && (best === null || t > best)) best = t;
  return best;
}

/** One line from a zod failure: `path: message; path: message`. */
export function zodReason(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(record)'}: ${i.message}`)
    .join('; ');
}

/** ISO-8601 durations as PIM writes them (`PT8H`, `P365D`, `P1Y`): milliseconds, calendar units approximated. */
export function isoDurationMs(d: string): number | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(d.trim());
  if (!m || d.trim() === 'P' || d.trim() === 'PT') return null;
  const [y, mo, w, day, h, mi, s] = m.slice(1).map((x) => (x ? Number(x) : 0));
  return ((((y * 365 + mo * 30 + w * 7 + day) * 24 + h) * 60 + mi) * 60 + s) * 1000;
}
