import { duckType, findKey, type DuckType } from '../../detections/sigma/duck-types.js';
import type { Access } from '../../detections/sigma/pipelines.js';
import type { PreparedRule, RCond, RTest } from '../../detections/sigma/prepare.js';
import { withOp } from '../../detections/sigma/sigma-string.js';
import { compileRe, getKey, isObj, pairMatch, reSource, testText } from '../../detections/sigma/values.js';
import { baseRecord } from './bases.js';
import { sampleRegex } from './regex-sample.js';

/**
 * Builds, from a rule's own selections, a raw vendor record that the rule must match and one it must
 * not. A small solver picks, for every field the rule reads, a value (or its absence) so that the
 * condition tree evaluates to the wanted verdict on that assignment; the record is a whole base
 * record of the stream with those fields rewritten. The expected verdict comes from the assignment,
 * not from any compile target.
 */
type JsonVal = string | number | boolean | Record<string, unknown>;
type Assign = Map<string, JsonVal | null>; // key → value (null = absent)

interface Ctx {
  prepared: PreparedRule;
  keywords: Array<{ test: RTest; want: boolean }>;
}

function accessKey(a: Access): string {
  return JSON.stringify(a);
}

export function leafType(p: PreparedRule, a: Access): DuckType | null {
  if (a.kind !== 'path') return null;
  let fields: Array<{ name: string; type: DuckType }> | null = Object.entries(p.stream.columns).map(([name, t]) => ({ name, type: duckType(t) }));
  let t: DuckType | null = null;
  for (const seg of a.path) {
    const f: { name: string; type: DuckType } | undefined = fields ? findKey(fields, seg) : undefined;
    if (!f) return null;
    t = f.type;
    while (t.kind === 'list') t = t.of;
    fields = t.kind === 'struct' ? t.fields : null;
  }
  return t;
}

/** What the value reads as (text), given how it is written. */
function readText(v: JsonVal): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function mapped(a: Access, v: JsonVal): string {
  const t = readText(v);
  if (a.kind === 'path' && a.valueMap) return Object.prototype.hasOwnProperty.call(a.valueMap.map, t) ? a.valueMap.map[t]! : a.valueMap.otherwise;
  return t;
}

function leafHolds(a: Access, test: RTest, v: JsonVal | null, other?: JsonVal | null): boolean {
  if (test.kind === 'null') return v === null;
  if (test.kind === 'exists') return (v !== null) === test.value;
  if (v === null) return false;
  if (test.kind === 'fieldref') return other !== null && other !== undefined && pairMatch(test.op, test.cased, mapped(a, v), readText(other));
  return testText(test, mapped(a, v));
}

function ipFromHex(hex: string): string {
  if (hex.length === 8) return hex.match(/../g)!.map((h) => parseInt(h, 16)).join('.');
  return hex.match(/..../g)!.join(':');
}

function isoWithPart(part: string, n: number): string {
  const d = new Date(Date.UTC(2024, 2, 11, 9, 15, 32));
  if (part === 'minute') d.setUTCMinutes(n);
  if (part === 'hour') d.setUTCHours(n);
  if (part === 'day') d.setUTCDate(n);
  if (part === 'month') d.setUTCMonth(n - 1, 11);
  if (part === 'year') d.setUTCFullYear(n);
  if (part === 'week') {
    const jan4 = new Date(Date.UTC(2024, 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86_400_000);
    return new Date(monday.getTime() + (n - 1) * 7 * 86_400_000 + 3_600_000).toISOString().replace('.000', '');
  }
  return d.toISOString().replace('.000', '');
}

/** Values that make `test` true, best first. */
function candidates(p: PreparedRule, a: Access, test: RTest): JsonVal[] {
  const wrapObj = (v: string): JsonVal => v;
  let out: JsonVal[] = [];
  switch (test.kind) {
    case 'string': {
      const pat = withOp(test.value, test.op);
      const fill = (star: string) => pat.parts.map((x) => (typeof x === 'string' ? x : x.wildcard === '*' ? star : 'x')).join('');
      const base = [fill(''), fill('Zq')];
      const swapped = test.cased ? [] : base.map((s) => s.replace(/[a-z]/, (c) => c.toUpperCase()).replace(/^[A-Z]/, (c) => (s[0] === c ? c.toLowerCase() : c)));
      out = [...swapped, ...base].map(wrapObj);
      break;
    }
    case 'number':
      out = [test.value, String(test.value)];
      break;
    case 'bool':
      out = [test.value, String(test.value)];
      break;
    case 're': {
      const s = sampleRegex(test.pattern);
      out = [s, `pre${s}`, `${s}post`];
      break;
    }
    case 'cidr':
      out = [ipFromHex(test.low), ipFromHex(test.high)];
      break;
    case 'compare':
      out = [test.op === 'gt' ? test.value + 1 : test.op === 'lt' ? test.value - 1 : test.value];
      break;
    case 'timepart': {
      const n = test.test.op === 'gt' ? test.test.value + 1 : test.test.op === 'lt' ? test.test.value - 1 : test.test.value;
      out = [isoWithPart(test.part, n)];
      break;
    }
    case 'exists':
      out = ['present'];
      break;
    case 'fieldref':
      out = ['shared-value@example.com'];
      break;
    case 'null':
      out = [];
      break;
  }
  if (a.kind === 'path' && a.valueMap) {
    const vm = a.valueMap;
    const src: JsonVal[] = [];
    for (const [k, to] of Object.entries(vm.map)) if (test.kind !== 'null' && test.kind !== 'exists' && test.kind !== 'fieldref' && testText(test, to)) src.push(/^\d+$/.test(k) ? Number(k) : k);
    if (test.kind !== 'null' && test.kind !== 'exists' && test.kind !== 'fieldref' && testText(test, vm.otherwise)) src.push(50126);
    return src;
  }
  return out;
}

const NON_MATCH: JsonVal[] = ['zz-unrelated-value', 987654321, false, '1999-01-01T00:00:00Z'];

interface Leaf {
  key: string;
  access: Access;
  test: RTest;
  want: boolean;
  otherKey?: string;
  otherAccess?: Access;
}

/** DFS over the condition tree: every way to reach `want`, as lists of leaf requirements. */
function* paths(c: RCond, want: boolean, ctx: Ctx): Generator<Leaf[]> {
  switch (c.kind) {
    case 'const':
      if (c.value === want) yield [];
      return;
    case 'not':
      yield* paths(c.item, !want, ctx);
      return;
    case 'and':
    case 'or': {
      const conj = (c.kind === 'and') === want;
      const items = c.items;
      if (conj) {
        // every item must reach `want`
        function* all(i: number): Generator<Leaf[]> {
          if (i === items.length) {
            yield [];
            return;
          }
          let n = 0;
          for (const head of paths(items[i]!, want, ctx)) {
            for (const rest of all(i + 1)) {
              yield [...head, ...rest];
              if (++n > 64) return;
            }
          }
        }
        yield* all(0);
      } else {
        for (const item of c.items) yield* paths(item, want, ctx);
      }
      return;
    }
    case 'keyword':
      yield [{ key: '#keyword', access: { kind: 'const', value: '' }, test: c.test, want }];
      return;
    case 'field': {
      // the field reaches `want` through one of its candidates (want true) or through all of them
      const usable = c.access.filter((a) => a.kind !== 'const' || true);
      if (want || c.test.kind === 'null') {
        for (const a of usable) {
          if (c.test.kind === 'fieldref') {
            for (const b of c.test.other) yield [{ key: accessKey(a), access: a, test: c.test, want, otherKey: accessKey(b), otherAccess: b }];
          } else yield [{ key: accessKey(a), access: a, test: c.test, want }];
        }
        if (!want && c.test.kind === 'null') {
          // some candidate present
        }
      } else {
        yield c.access.map((a) => ({ key: accessKey(a), access: a, test: c.test, want, ...(c.test.kind === 'fieldref' ? { otherKey: accessKey(c.test.other[0]!), otherAccess: c.test.other[0]! } : {}) }));
      }
    }
  }
}

function solveLeaves(p: PreparedRule, leaves: Leaf[]): Assign | null {
  const byKey = new Map<string, Leaf[]>();
  for (const l of leaves) {
    if (l.access.kind === 'const') {
      if (l.key === '#keyword') continue;
      const holds = l.test.kind === 'null' ? false : l.test.kind === 'exists' ? l.test.value : l.test.kind === 'fieldref' ? false : testText(l.test, l.access.value);
      if (holds !== l.want) return null;
      continue;
    }
    let list = byKey.get(l.key);
    if (!list) byKey.set(l.key, (list = []));
    list.push(l);
  }
  const assign: Assign = new Map();
  // fieldref pairs first: both sides get the same value
  for (const l of leaves) {
    if (l.test.kind === 'fieldref' && l.want && l.otherKey) {
      assign.set(l.key, 'shared-value@example.com');
      assign.set(l.otherKey, 'shared-value@example.com');
    }
  }
  for (const [key, ls] of byKey) {
    const a = ls[0]!.access;
    const pool: Array<JsonVal | null> = [];
    if (assign.has(key)) pool.push(assign.get(key)!);
    // several string tests on one field: one value built from all of them (prefix, middles, suffix)
    const strs = ls.filter((l) => l.want && l.test.kind === 'string').map((l) => l.test as Extract<RTest, { kind: 'string' }>);
    if (strs.length > 1) {
      const fill = (t: Extract<RTest, { kind: 'string' }>) => t.value.parts.map((x) => (typeof x === 'string' ? x : x.wildcard === '*' ? '' : 'x')).join('');
      const pre = strs.filter((t) => t.op === 'startswith').map(fill).join('');
      const mid = strs.filter((t) => t.op === 'contains' || t.op === 'eq').map(fill).join(' ');
      const suf = strs.filter((t) => t.op === 'endswith').map(fill).join('');
      pool.push(`${pre}${mid}${suf}`, `${pre} ${mid} ${suf}`);
    }
    for (const l of ls) if (l.want || l.test.kind === 'null') pool.push(...candidates(p, a, l.want ? l.test : { kind: 'exists', value: true }));
    pool.push(null, ...NON_MATCH);
    const ok = pool.find((v) => ls.every((l) => leafHolds(a, l.test, v, l.otherKey ? assign.get(l.otherKey) ?? null : undefined) === l.want));
    if (ok === undefined) return null;
    assign.set(key, ok);
  }
  return assign;
}

function evalModel(c: RCond, assign: Assign, keywordsPresent: Set<string>): boolean {
  switch (c.kind) {
    case 'const':
      return c.value;
    case 'not':
      return !evalModel(c.item, assign, keywordsPresent);
    case 'and':
      return c.items.every((i) => evalModel(i, assign, keywordsPresent));
    case 'or':
      return c.items.some((i) => evalModel(i, assign, keywordsPresent));
    case 'keyword':
      return [...keywordsPresent].some((k) => testText({ ...c.test, ...(c.test.kind === 'string' && c.test.op === 'eq' ? { op: 'contains' as const } : {}) } as RTest, k));
    case 'field': {
      const t = c.test;
      const vals = c.access.map((a) => ({ a, v: a.kind === 'const' ? (a.value as JsonVal) : assign.get(accessKey(a)) ?? null }));
      if (t.kind === 'null') return vals.every((x) => x.v === null);
      if (t.kind === 'exists') return vals.some((x) => x.v !== null) === t.value;
      if (t.kind === 'fieldref') {
        const others = t.other.map((b) => assign.get(accessKey(b)) ?? null).filter((v): v is JsonVal => v !== null);
        return vals.some((x) => x.v !== null && others.some((o) => pairMatch(t.op, t.cased, mapped(x.a, x.v!), readText(o))));
      }
      return vals.some((x) => x.v !== null && testText(t, mapped(x.a, x.v)));
    }
  }
}

// ---- writing the record ----------------------------------------------------------------------

function deletePath(obj: unknown, path: string[]): void {
  if (Array.isArray(obj)) {
    for (const e of obj) deletePath(e, path);
    return;
  }
  if (!isObj(obj)) return;
  const [head, ...rest] = path;
  const keys = Object.keys(obj).filter((k) => k === head || k.toLowerCase() === head!.toLowerCase());
  for (const k of keys) {
    if (rest.length === 0) delete obj[k];
    else deletePath(obj[k], rest);
  }
}

export function writePath(p: PreparedRule, root: Record<string, unknown>, path: string[], value: JsonVal): void {
  let fields: Array<{ name: string; type: DuckType }> | null = Object.entries(p.stream.columns).map(([name, t]) => ({ name, type: duckType(t) }));
  let cur: Record<string, unknown> = root;
  path.forEach((seg, i) => {
    const f: { name: string; type: DuckType } | undefined = fields ? findKey(fields, seg) : undefined;
    const key = f?.name ?? (Object.keys(cur).find((k) => k.toLowerCase() === seg.toLowerCase()) ?? seg);
    const isList = f?.type.kind === 'list';
    let inner: DuckType | null = f ? f.type : null;
    while (inner && inner.kind === 'list') inner = inner.of;
    fields = inner && inner.kind === 'struct' ? inner.fields : null;
    const last = i === path.length - 1;
    if (last) {
      cur[key] = isList || Array.isArray(cur[key]) ? [value] : value;
      return;
    }
    let next = cur[key];
    if (Array.isArray(next)) {
      if (!isObj(next[0])) next.splice(0, next.length, {});
      next = next[0];
    } else if (!isObj(next)) {
      const o: Record<string, unknown> = {};
      cur[key] = isList ? [o] : o;
      next = o;
    }
    cur = next as Record<string, unknown>;
  });
}

function removeKeyed(obj: unknown, a: Extract<Access, { kind: 'keyed' }>): void {
  const walkTo = (o: unknown, path: string[]): unknown[] => {
    if (Array.isArray(o)) return o.flatMap((e) => walkTo(e, path));
    if (!isObj(o)) return [];
    if (path.length === 0) return [o];
    const v = getKey(o, path[0]!);
    if (path.length === 1) return [{ holder: o, key: path[0] }];
    return walkTo(v, path.slice(1));
  };
  for (const h of walkTo(obj, a.list) as Array<{ holder: Record<string, unknown>; key: string }>) {
    const list = getKey(h.holder, h.key);
    if (Array.isArray(list)) {
      const kept = list.filter((e) => !(isObj(e) && String(getKey(e, a.keyField)) === a.key));
      list.splice(0, list.length, ...kept);
    }
  }
}

function writeKeyed(p: PreparedRule, root: Record<string, unknown>, a: Extract<Access, { kind: 'keyed' }>, value: JsonVal): void {
  let cur: Record<string, unknown> = root;
  for (const [i, seg] of a.list.entries()) {
    const last = i === a.list.length - 1;
    let next = getKey(cur, seg);
    if (last) {
      if (!Array.isArray(next)) {
        next = [];
        cur[seg] = next;
      }
      (next as unknown[]).push({ [a.keyField]: a.key, [a.valueFields[0]!]: value });
      return;
    }
    if (Array.isArray(next)) {
      if (!isObj(next[0])) next.splice(0, next.length, {});
      next = next[0];
    } else if (!isObj(next)) {
      next = {};
      cur[seg] = next;
    }
    cur = next as Record<string, unknown>;
  }
  void p;
}

export interface Generated {
  record: Record<string, unknown>;
  expect: boolean;
  assign: Map<string, JsonVal | null>;
}

function allAccesses(c: RCond): Access[] {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.items.flatMap(allAccesses);
    case 'not':
      return allAccesses(c.item);
    case 'field':
      return [...c.access, ...(c.test.kind === 'fieldref' ? c.test.other : [])];
    default:
      return [];
  }
}

function build(p: PreparedRule, assign: Assign, keywords: Leaf[]): Generated['record'] {
  const record = structuredClone(baseRecord(p.stream.name));
  for (const a of allAccesses(p.cond)) {
    if (a.kind === 'path') deletePath(record, a.path);
    if (a.kind === 'keyed') removeKeyed(record, a);
  }
  for (const [key, v] of assign) {
    if (v === null) continue;
    const a = JSON.parse(key) as Access;
    if (a.kind === 'path') writePath(p, record, a.path, v);
    else if (a.kind === 'keyed') writeKeyed(p, record, a, v);
  }
  const present = keywords.filter((k) => k.want);
  if (present.length) {
    const t = present[0]!.test;
    if (t.kind === 'string') record.description = withOp(t.value, 'eq').parts.map((x) => (typeof x === 'string' ? x : '')).join('');
  }
  return record;
}

export function generate(p: PreparedRule, want: boolean, near?: Map<string, JsonVal | null>): Generated | null {
  let tries = 0;
  for (const leaves of paths(p.cond, want, { prepared: p, keywords: [] })) {
    if (++tries > 200) break;
    const assign = solveLeaves(p, leaves);
    if (!assign) continue;
    const kws = leaves.filter((l) => l.key === '#keyword');
    const present = new Set<string>();
    const kwPos = kws.find((k) => k.want);
    if (kwPos && kwPos.test.kind === 'string') present.add(withOp(kwPos.test.value, 'eq').parts.map((x) => (typeof x === 'string' ? x : '')).join(''));
    if (evalModel(p.cond, assign, present) !== want) continue;
    // a near miss: keep every value of the positive record that does not change the verdict
    if (near) {
      for (const [k, v] of near) {
        if (assign.has(k)) continue;
        assign.set(k, v);
        if (evalModel(p.cond, assign, present) !== want) assign.delete(k);
      }
    }
    // regular expressions must really match what the sampler produced
    if (leaves.some((l) => l.test.kind === 're' && l.want && !compileRe(reSource(l.test.pattern, l.test.flags)).matcher(readText(assign.get(l.key) as JsonVal)).find())) continue;
    return { record: build(p, assign, kws), expect: want, assign };
  }
  return null;
}
