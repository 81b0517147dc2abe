import { RE2JS } from 're2js';
import { ipHex } from './ip.js';
import type { Access, Pipeline } from './pipelines.js';
import { globMatch, hasWildcards, plainText, withOp } from './sigma-string.js';
import type { RTest } from './prepare.js';
import type { TimePart } from './types.js';

/**
 * The in-memory definition of what a field's values are and how a test reads them. DuckDB and
 * Elasticsearch compile to the same semantics; the conformance suite holds them to it.
 *
 * Values of a path: walk the keys from the record (or the stream body); an array met on the way or at
 * the end stands for each of its elements (any-element semantics); null and missing are no value.
 * Each value is read as text: strings as they are, numbers in their shortest form, booleans as
 * `true`/`false`, objects and arrays as their compact JSON text.
 */
export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Exact key first, then the first key equal ignoring case. */
export function getKey(o: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(o, key)) return o[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function expand(vals: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of vals) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

export function walk(start: unknown, path: string[], exact = false): unknown[] {
  let cur: unknown[] = [start];
  for (const seg of path) {
    cur = expand(cur);
    const next: unknown[] = [];
    for (const v of cur) if (isObj(v)) next.push(exact ? (Object.prototype.hasOwnProperty.call(v, seg) ? v[seg] : undefined) : getKey(v, seg));
    cur = next;
  }
  // the last array stands for its elements; an empty one reads as itself ('[]')
  const out: unknown[] = [];
  for (const v of cur) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(v);
      else out.push(...v);
    } else out.push(v);
  }
  return out.filter((v) => v !== null && v !== undefined);
}

export function numText(n: number): string {
  return String(n);
}

export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

export function bodyOf(p: Pipeline, rootValue: unknown): unknown {
  return p.body ? p.body(rootValue) : rootValue;
}

/** Text values of one candidate access. */
export function accessValues(a: Access, p: Pipeline, record: unknown): string[] {
  if (a.kind === 'const') return [a.value];
  const start = a.scope === 'root' ? record : bodyOf(p, record);
  if (a.kind === 'path') {
    const vals = walk(start, a.path, a.exact).map(text);
    if (!a.valueMap) return vals;
    const vm = a.valueMap;
    return vals.map((t) => (Object.prototype.hasOwnProperty.call(vm.map, t) ? vm.map[t]! : vm.otherwise));
  }
  const elems = walk(start, a.list).filter(isObj);
  const out: string[] = [];
  for (const e of elems) {
    const k = getKey(e, a.keyField);
    if (k === null || k === undefined || text(k) !== a.key) continue;
    for (const vf of a.valueFields) out.push(...walk(e, [vf]).map(text));
  }
  return out;
}

export function fieldValues(access: Access[], p: Pipeline, record: unknown): string[] {
  return access.flatMap((a) => accessValues(a, p, record));
}

/** String leaves of the whole record (keyword search). */
export function stringLeaves(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringLeaves(x, out);
  else if (isObj(v)) for (const x of Object.values(v)) stringLeaves(x, out);
  return out;
}

export const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export const NUMBER_RE_SQL = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$';
/** ISO 8601 date-times accepted by the time-part modifiers (UTC unless an offset is given). */
export const ISO_TS_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$/;
export const ISO_TS_RE_SQL = '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?$';

export function toNumber(t: string): number | null {
  return NUMBER_RE.test(t) ? Number(t) : null;
}

/** The inline-flag prefix that both RE2 engines (re2js, DuckDB) read the same way. */
export function reSource(pattern: string, flags: { i: boolean; m: boolean; s: boolean }): string {
  const f = `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`;
  return f ? `(?${f})${pattern}` : pattern;
}

const reCache = new Map<string, RE2JS>();
/** Linear-time RE2 (re2js): no catastrophic backtracking whatever the rule's pattern. */
export function compileRe(source: string): RE2JS {
  let r = reCache.get(source);
  if (!r) {
    r = RE2JS.compile(source);
    reCache.set(source, r);
  }
  return r;
}

export function timePart(t: string, part: TimePart): number | null {
  if (!ISO_TS_RE.test(t)) return null;
  const norm = t.replace(' ', 'T');
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(norm);
  const ms = Date.parse(hasZone ? norm : `${norm}Z`);
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    case 'week': {
      // ISO-8601 week number (DuckDB `week()`)
      const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const dow = day.getUTCDay() || 7;
      day.setUTCDate(day.getUTCDate() + 4 - dow);
      const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
      return Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
    }
  }
}

export function compare(op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte', a: number, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** One value text against a test (tests that need the whole value set are handled by the caller). */
export function testText(test: RTest, t: string): boolean {
  switch (test.kind) {
    case 'string': {
      const pat = withOp(test.value, test.op);
      if (!hasWildcards(pat)) return test.cased ? t === plainText(pat) : t.toLowerCase() === plainText(pat).toLowerCase();
      if (test.cased) return globMatch(pat.parts, t);
      return globMatch(
        pat.parts.map((p) => (typeof p === 'string' ? p.toLowerCase() : p)),
        t.toLowerCase(),
      );
    }
    case 'number': {
      const n = toNumber(t);
      return n !== null && n === test.value;
    }
    case 'bool':
      return t.toLowerCase() === String(test.value);
    case 're':
      return compileRe(reSource(test.pattern, test.flags)).matcher(t).find();
    case 'cidr': {
      const h = ipHex(t, test.family);
      return h !== null && h >= test.low && h <= test.high;
    }
    case 'compare': {
      const n = toNumber(t);
      return n !== null && compare(test.op, n, test.value);
    }
    case 'timepart': {
      const n = timePart(t, test.part);
      return n !== null && compare(test.test.op, n, test.test.value);
    }
    case 'null':
    case 'exists':
    case 'fieldref':
      throw new Error(`${test.kind} is a test on the value set`);
  }
}

export function pairMatch(op: 'eq' | 'contains' | 'startswith' | 'endswith', cased: boolean, a: string, b: string): boolean {
  const x = cased ? a : a.toLowerCase();
  const y = cased ? b : b.toLowerCase();
  switch (op) {
    case 'eq':
      return x === y;
    case 'contains':
      return x.includes(y);
    case 'startswith':
      return x.startsWith(y);
    case 'endswith':
      return x.endsWith(y);
  }
}
