import type { RawStream } from '../../ingest/streams.js';
import { duckType, findKey, type DuckType } from './duck-types.js';
import type { Access } from './pipelines.js';
import { keywordTest, walkCond, type PreparedRule, type RCond, type RTest, type TargetTable } from './prepare.js';
import { hasWildcards, plainText, withOp } from './sigma-string.js';
import { ISO_TS_RE_SQL, NUMBER_RE_SQL, reSource } from './values.js';

/**
 * The DuckDB target: a prepared rule → a boolean SQL expression over one row of `raw_<stream>`.
 * Paths the registry's typed columns cover compile to struct access and list lambdas; the rest read
 * `_json`. Semantics are those of values.ts (any element of an array, case-insensitive by default,
 * numbers loosely equal to numeric strings, `re` is a search, not a full match). Rule values are
 * written as escaped SQL string literals (the SQL text is self-contained so that a rule pack can be
 * stored and reviewed); identifiers come only from the stream registry.
 */
export class SqlUnsupported extends Error {}

export function lit(s: string): string {
  if (s.includes('\u0000')) throw new SqlUnsupported('a value contains a NUL character');
  return `'${s.replace(/'/g, "''")}'`;
}

export function qid(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Values of one access: a VARCHAR (scalar, NULL = none) or a VARCHAR[] (list, NULLs = none). */
interface Vals {
  kind: 'scalar' | 'list';
  expr: string;
}

const INT_TYPES = new Set(['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'HUGEINT', 'UHUGEINT']);
const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL']);

/** Shortest text of a double, as JavaScript writes it for integral values (3, not 3.0). */
function numText(d: string): string {
  return `(CASE WHEN isfinite(${d}) AND ${d} = trunc(${d}) AND abs(${d}) < 1e21 THEN CAST(CAST(${d} AS HUGEINT) AS VARCHAR) ELSE CAST(${d} AS VARCHAR) END)`;
}

function scalarText(expr: string, t: DuckType): string | null {
  if (t.kind !== 'scalar') return null;
  if (t.name === 'VARCHAR' || t.name === 'TEXT' || t.name === 'STRING') return expr;
  if (INT_TYPES.has(t.name) || t.name === 'BOOLEAN') return `CAST(${expr} AS VARCHAR)`;
  if (FLOAT_TYPES.has(t.name)) return numText(expr);
  return null;
}

// ---- JSON mode: lists of JSON values ------------------------------------------------------------

function jexpand(l: string): string {
  return `flatten(list_transform(${l}, lambda v: CASE WHEN json_type(v) = 'ARRAY' THEN json_extract(v, '$[*]') ELSE [v] END))`;
}

function jsonKeyPath(key: string): string | null {
  if (/["\\]/.test(key)) return null;
  return `$."${key}"`;
}

/** The value under `key` of a JSON object `v` (exact key, else the first key equal ignoring case). */
function jgetOne(v: string, key: string, exact = false): string {
  const p = jsonKeyPath(key);
  if (p === null) return 'NULL::JSON';
  if (exact) return `json_extract(${v}, ${lit(p)})`;
  return `(CASE WHEN json_type(${v}) <> 'OBJECT' THEN NULL WHEN json_exists(${v}, ${lit(p)}) THEN json_extract(${v}, ${lit(p)}) ELSE json_extract(${v}, '$."' || list_filter(json_keys(${v}), lambda k: lower(k) = ${lit(key.toLowerCase())})[1] || '"') END)`;
}

function jget(l: string, key: string, exact = false): string {
  return `list_transform(${jexpand(l)}, lambda v: ${jgetOne('v', key, exact)})`;
}

function jtext(v: string): string {
  return `(CASE WHEN ${v} IS NULL OR json_type(${v}) = 'NULL' THEN NULL WHEN json_type(${v}) = 'DOUBLE' THEN ${numText(`CAST(${v} AS DOUBLE)`)} ELSE json_extract_string(${v}, '$') END)`;
}

/** The last expansion keeps an empty array as itself, so that it reads as '[]'. */
function jexpandLast(l: string): string {
  return `flatten(list_transform(${l}, lambda v: CASE WHEN json_type(v) = 'ARRAY' AND json_array_length(v) > 0 THEN json_extract(v, '$[*]') ELSE [v] END))`;
}

function jfinal(l: string): Vals {
  return { kind: 'list', expr: `list_filter(list_transform(${jexpandLast(l)}, lambda v: ${jtext('v')}), lambda v: v IS NOT NULL)` };
}

function jwalk(l: string, path: string[], exact = false): string {
  let cur = l;
  for (const seg of path) cur = jget(cur, seg, exact);
  return cur;
}

/** While a rule pack compiles, the body JSON is a column of its inner projection. */
let bodyColumn: string | null = null;

function bodyJson(stream: RawStream): string {
  if (!stream.body) return '_json';
  if (bodyColumn) return bodyColumn;
  // the registry's body expression reads `j` (the record) and `k` (its top-level keys)
  return `list_transform([_json], lambda j: list_transform([json_keys(j)], lambda k: (${stream.body}))[1])[1]`;
}

// ---- typed mode ---------------------------------------------------------------------------------

interface Typed {
  expr: string;
  type: DuckType;
  list: boolean;
}

function texpand(c: Typed): Typed {
  let { expr, type, list } = c;
  while (type.kind === 'list') {
    expr = list ? `flatten(${expr})` : expr;
    list = true;
    type = type.of;
  }
  return { expr, type, list };
}

type Step = { k: 'typed'; c: Typed } | { k: 'json'; l: string } | { k: 'none' } | { k: 'uncovered' };

function tget(c0: Typed, seg: string, exact: boolean): Step {
  const c = texpand(c0);
  if (c.type.kind === 'struct') {
    const f = exact ? c.type.fields.find((x) => x.name === seg) : findKey(c.type.fields, seg);
    if (!f) return { k: 'uncovered' };
    const expr = c.list ? `list_transform(${c.expr}, lambda x: struct_extract(x, ${lit(f.name)}))` : `struct_extract(${c.expr}, ${lit(f.name)})`;
    return { k: 'typed', c: { expr, type: f.type, list: c.list } };
  }
  if (c.type.kind === 'json') {
    const l = c.list ? c.expr : `[${c.expr}]`;
    return { k: 'json', l: jget(l, seg, exact) };
  }
  if (c.type.kind === 'scalar') return { k: 'none' };
  return { k: 'uncovered' };
}

/** Walk a path from the typed columns; null when the typed schema does not cover it. */
function typedWalk(stream: RawStream, path: string[], exact = false): Step {
  const cols = Object.entries(stream.columns).map(([name, t]) => ({ name, type: t }));
  const first = exact ? cols.find((c) => c.name === path[0]) : findKey(cols, path[0]!);
  if (!first) return { k: 'uncovered' };
  let step: Step = { k: 'typed', c: { expr: qid(first.name), type: duckType(first.type), list: false } };
  for (const seg of path.slice(1)) {
    if (step.k === 'typed') step = tget(step.c, seg, exact);
    else if (step.k === 'json') step = { k: 'json', l: jget(step.l, seg, exact) };
    else return step;
  }
  return step;
}

function finalTyped(c0: Typed): Vals | null {
  if (c0.type.kind === 'list') {
    // an empty array reads as '[]': exact only for one array (not a flattened list of arrays)
    if (c0.list || c0.type.of.kind !== 'scalar') return c0.type.of.kind === 'json' && !c0.list ? jfinal(`[to_json(${c0.expr})]`) : null;
    const t = scalarText('x', c0.type.of);
    if (t === null) return null;
    return { kind: 'list', expr: `(CASE WHEN len(${c0.expr}) = 0 THEN ['[]'] ELSE ${t === 'x' ? c0.expr : `list_transform(${c0.expr}, lambda x: ${t})`} END)` };
  }
  const c = texpand(c0);
  if (c.type.kind === 'json') return jfinal(c.list ? c.expr : `[${c.expr}]`);
  if (c.list) {
    const t = scalarText('x', c.type);
    if (t === null) return null;
    return { kind: 'list', expr: t === 'x' ? c.expr : `list_transform(${c.expr}, lambda x: ${t})` };
  }
  const t = scalarText(c.expr, c.type);
  return t === null ? null : { kind: 'scalar', expr: t };
}

const NONE: Vals = { kind: 'scalar', expr: 'NULL::VARCHAR' };

function pathVals(stream: RawStream, scope: 'body' | 'root', path: string[], exact = false): Vals {
  if (scope === 'body') {
    const step = typedWalk(stream, path, exact);
    if (step.k === 'none') return NONE;
    if (step.k === 'json') return jfinal(step.l);
    if (step.k === 'typed') {
      const v = finalTyped(step.c);
      if (v) return v;
    }
    return jfinal(jwalk(`[${bodyJson(stream)}]`, path, exact));
  }
  return jfinal(jwalk('[_json]', path, exact));
}

function keyedVals(stream: RawStream, a: Extract<Access, { kind: 'keyed' }>): Vals {
  // typed: the list elements are structs holding the key field and the value fields
  if (a.scope === 'body') {
    const step = typedWalk(stream, a.list);
    if (step.k === 'typed') {
      const c = texpand(step.c);
      if (c.type.kind === 'struct') {
        const kf = findKey(c.type.fields, a.keyField);
        const vfs = a.valueFields.map((vf) => findKey((c.type as Extract<DuckType, { kind: 'struct' }>).fields, vf));
        const kText = kf ? scalarText(`struct_extract(e, ${lit(kf.name)})`, kf.type) : null;
        if (kf && kText && vfs.every(Boolean)) {
          const elems = c.list ? c.expr : `[${c.expr}]`;
          const filtered = `list_filter(${elems}, lambda e: ${kText} = ${lit(a.key)})`;
          const parts: string[] = [];
          let ok = true;
          for (const vf of vfs) {
            const inner: Typed = { expr: `list_transform(${filtered}, lambda e: struct_extract(e, ${lit(vf!.name)}))`, type: vf!.type, list: true };
            const v = finalTyped(inner);
            if (!v) ok = false;
            else parts.push(v.kind === 'list' ? v.expr : `[${v.expr}]`);
          }
          if (ok) return { kind: 'list', expr: parts.length === 1 ? parts[0]! : `list_concat(${parts.join(', ')})` };
        }
      }
    }
  }
  const start = a.scope === 'root' ? '[_json]' : `[${bodyJson(stream)}]`;
  const elems = jexpand(jwalk(start, a.list));
  const filtered = `list_filter(${elems}, lambda e: ${jtext(jgetOne('e', a.keyField))} = ${lit(a.key)})`;
  const parts = a.valueFields.map((vf) => jfinal(jget(filtered, vf)).expr);
  return { kind: 'list', expr: parts.length === 1 ? parts[0]! : `list_concat(${parts.join(', ')})` };
}

export function accessVals(stream: RawStream, a: Access): Vals {
  if (a.kind === 'const') return { kind: 'scalar', expr: lit(a.value) };
  if (a.kind === 'keyed') return keyedVals(stream, a);
  const v = pathVals(stream, a.scope, a.path, a.exact);
  if (!a.valueMap) return v;
  const vm = a.valueMap;
  const mapExpr = (x: string) =>
    `(CASE ${Object.entries(vm.map)
      .map(([k, to]) => `WHEN ${x} = ${lit(k)} THEN ${lit(to)}`)
      .join(' ')} WHEN ${x} IS NULL THEN NULL ELSE ${lit(vm.otherwise)} END)`;
  return v.kind === 'scalar' ? { kind: 'scalar', expr: mapExpr(v.expr) } : { kind: 'list', expr: `list_transform(${v.expr}, lambda m: ${mapExpr('m')})` };
}

// ---- value tests ------------------------------------------------------------------------------

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

const V4_SQL = '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])([.](25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$';

/** SQL twin of ip.ts: IPv4/IPv6 text → fixed-width lowercase hex, NULL when not an address. */
function ipHexSql(x: string, family: 4 | 6): string {
  if (family === 4) {
    return `list_transform([${x}], lambda s: CASE WHEN regexp_full_match(s, ${lit(V4_SQL)}) THEN array_to_string(list_transform(string_split(s, '.'), lambda o: lpad(lower(to_hex(CAST(o AS INTEGER))), 2, '0')), '') END)[1]`;
  }
  const halves = "string_split(s, '::')";
  const head = `CASE WHEN split_part(s, '::', 1) = '' THEN []::VARCHAR[] ELSE string_split(split_part(s, '::', 1), ':') END`;
  const tail = `CASE WHEN len(${halves}) = 2 AND ${halves}[2] <> '' THEN string_split(${halves}[2], ':') ELSE []::VARCHAR[] END`;
  const missing = '(8 - len(p.hd) - len(p.tl))';
  const groups = `list_concat(p.hd, list_transform(range(CASE WHEN p.two THEN ${missing} ELSE 0 END), lambda i: '0'), p.tl)`;
  const hex = `list_transform([${groups}], lambda g: CASE WHEN len(list_filter(g, lambda q: length(q) < 1 OR length(q) > 4)) = 0 THEN array_to_string(list_transform(g, lambda q: lpad(q, 4, '0')), '') END)[1]`;
  const parts = `list_transform([{'hd': ${head}, 'tl': ${tail}, 'two': len(${halves}) = 2}], lambda p: CASE WHEN (CASE WHEN p.two THEN ${missing} >= 1 ELSE len(p.hd) = 8 END) THEN ${hex} END)[1]`;
  return `list_transform([lower(${x})], lambda s: CASE WHEN regexp_full_match(s, '^[0-9a-f:]+$') AND contains(s, ':') AND len(${halves}) <= 2 THEN ${parts} END)[1]`;
}

function numOf(x: string): string {
  return `TRY_CAST(CASE WHEN regexp_full_match(${x}, ${lit(NUMBER_RE_SQL)}) THEN ${x} END AS DOUBLE)`;
}

const SQL_OPS = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function sqlNum(n: number): string {
  if (!Number.isFinite(n)) throw new SqlUnsupported(`number ${n} is not finite`);
  return `CAST(${lit(String(n))} AS DOUBLE)`;
}

/** A test on one text value `x` (SQL boolean, NULL when `x` is NULL). */
export function testSql(t: RTest, x: string): string {
  switch (t.kind) {
    case 'string': {
      const pat = withOp(t.value, t.op);
      const subject = t.cased ? x : `lower(${x})`;
      const norm = (s: string) => (t.cased ? s : s.toLowerCase());
      if (!hasWildcards(pat)) return `(${subject} = ${lit(norm(plainText(pat)))})`;
      const ps = pat.parts;
      const star = (i: number) => typeof ps[i] === 'object' && (ps[i] as { wildcard: string }).wildcard === '*';
      if (ps.length === 3 && star(0) && star(2) && typeof ps[1] === 'string') return `contains(${subject}, ${lit(norm(ps[1]))})`;
      if (ps.length === 2 && typeof ps[0] === 'string' && star(1)) return `starts_with(${subject}, ${lit(norm(ps[0]))})`;
      if (ps.length === 2 && star(0) && typeof ps[1] === 'string') return `ends_with(${subject}, ${lit(norm(ps[1]))})`;
      if (ps.length === 1 && star(0)) return `(${x} IS NOT NULL)`;
      const like = ps.map((p) => (typeof p === 'string' ? likeEscape(norm(p)) : p.wildcard === '*' ? '%' : '_')).join('');
      return `(${subject} LIKE ${lit(like)} ESCAPE '\\')`;
    }
    case 'number':
      return `(${numOf(x)} = ${sqlNum(t.value)})`;
    case 'bool':
      return `(lower(${x}) = ${lit(String(t.value))})`;
    case 're':
      return `regexp_matches(${x}, ${lit(reSource(t.pattern, t.flags))})`;
    case 'cidr':
      return `(${ipHexSql(x, t.family)} BETWEEN ${lit(t.low)} AND ${lit(t.high)})`;
    case 'compare':
      return `(${numOf(x)} ${SQL_OPS[t.op]} ${sqlNum(t.value)})`;
    case 'timepart':
      return `(date_part(${lit(t.part)}, TRY_CAST(CASE WHEN regexp_full_match(${x}, ${lit(ISO_TS_RE_SQL)}) THEN ${x} END AS TIMESTAMPTZ)) ${SQL_OPS[t.test.op]} ${sqlNum(t.test.value)})`;
    case 'null':
    case 'exists':
    case 'fieldref':
      throw new SqlUnsupported(`${t.kind} is a test on the value set`);
  }
}

function anyOf(v: Vals, pred: (x: string) => string): string {
  if (v.kind === 'scalar') return `coalesce(${pred(v.expr)}, false)`;
  return `coalesce(len(list_filter(${v.expr}, lambda v: ${pred('v')})) > 0, false)`;
}

function nonEmpty(v: Vals): string {
  if (v.kind === 'scalar') return `(${v.expr} IS NOT NULL)`;
  return `coalesce(len(list_filter(${v.expr}, lambda v: v IS NOT NULL)) > 0, false)`;
}

function asList(v: Vals): string {
  return v.kind === 'list' ? v.expr : `[${v.expr}]`;
}

function pairSql(op: 'eq' | 'contains' | 'startswith' | 'endswith', cased: boolean, a: string, b: string): string {
  const x = cased ? a : `lower(${a})`;
  const y = cased ? b : `lower(${b})`;
  switch (op) {
    case 'eq':
      return `(${x} = ${y})`;
    case 'contains':
      return `contains(${x}, ${y})`;
    case 'startswith':
      return `starts_with(${x}, ${y})`;
    case 'endswith':
      return `ends_with(${x}, ${y})`;
  }
}

function or(items: string[]): string {
  if (items.length === 0) return 'false';
  return items.length === 1 ? items[0]! : `(${items.join(' OR ')})`;
}
function and(items: string[]): string {
  if (items.length === 0) return 'true';
  return items.length === 1 ? items[0]! : `(${items.join(' AND ')})`;
}

/** Keys whose JSON text can only differ from their plain spelling by `\\u` escapes. */
const PLAIN_KEY = /^[A-Za-z0-9_@$#:. -]+$/;

const RECORD_TEXT = 'CAST(_json AS VARCHAR)';

/**
 * The JSON text an access parses and the keys it looks up there: the record (a path the typed
 * columns do not cover, or an envelope path) or a typed JSON column (the rest of the path below it).
 * Null when the access parses no JSON or its keys could be spelled otherwise.
 */
function jsonLookup(stream: RawStream, a: Access, readsRecord: boolean): { text: string; keys: string[]; exact: boolean } | null {
  if (a.kind === 'const') return null;
  const exact = a.kind === 'path' && a.exact === true;
  let found: { text: string; keys: string[] } | null = null;
  if (a.kind === 'keyed') {
    if (readsRecord) found = { text: RECORD_TEXT, keys: [...a.list, a.keyField] };
  } else if (readsRecord) {
    found = { text: RECORD_TEXT, keys: a.path };
  } else if (a.scope === 'body') {
    // the first typed JSON value on the path: the rest of the path is looked up in its text
    const cols = Object.entries(stream.columns).map(([name, t]) => ({ name, type: t }));
    const first = exact ? cols.find((c) => c.name === a.path[0]) : findKey(cols, a.path[0]!);
    let c: Typed | null = first ? { expr: qid(first.name), type: duckType(first.type), list: false } : null;
    for (let i = 1; c && i < a.path.length; i++) {
      const e = texpand(c);
      if (e.type.kind === 'json') {
        found = e.list ? null : { text: `CAST(${e.expr} AS VARCHAR)`, keys: a.path.slice(i) };
        break;
      }
      const step = tget(c, a.path[i]!, exact);
      c = step.k === 'typed' ? step.c : null;
    }
  }
  if (!found || found.keys.length === 0 || !found.keys.every((k) => PLAIN_KEY.test(k))) return null;
  return { ...found, exact };
}

const READS_RECORD = /\b_json\b|\b_b\b/;

/**
 * Shared access expressions of a rule pack: each distinct field access is computed once per row in
 * an inner projection (`_a0`, `_a1`, …) and every rule of the pack reads the column. An access that
 * parses the record JSON (a path the typed columns do not cover) runs only on rows whose text can
 * hold its keys (see `guard`); elsewhere it has no values, as it would after the parse.
 */
export class AccessCache {
  readonly columns: Array<{ alias: string; expr: string }> = [];
  private readonly byKey = new Map<string, Vals>();
  /** set when the projection below the access columns provides the body JSON as `_b` */
  usesBody = false;
  /** guards of the accesses that read `_b`; null in the list = one access reads it unguarded */
  readonly bodyGuards: Array<string | null> = [];
  /**
   * Keys looked up ignoring case, per JSON text: one RE2 pass per row lists the ones the text holds
   * (`alias`, computed below the body and access columns), instead of one pass per key.
   */
  readonly caseless = new Map<string, { alias: string; keys: Set<string> }>();

  /** The `_ck` columns: every case-insensitive key occurrence in a text, lower-cased. */
  caselessColumns(): Array<{ alias: string; expr: string }> {
    return [...this.caseless.entries()].map(([text, { alias, keys }]) => {
      const alt = [...keys].map((k) => k.replace(/[.$]/g, (m) => `\\${m}`)).join('|');
      return { alias, expr: `list_transform(regexp_extract_all(${text}, ${lit(`"((?i:${alt}))"`)}, 1), lambda s: lower(s))` };
    });
  }

  /**
   * A necessary condition for an access that parses JSON to find anything: every key on its path
   * appears in the JSON text as a quoted string (in any case when the lookup ignores case), or the
   * text holds a `\u` escape (a key may be written with escapes). Scanning text is far cheaper than
   * parsing it, and most records lack most envelope and fallback keys.
   */
  private guard(stream: RawStream, a: Access, readsRecord: boolean): string | null {
    const l = jsonLookup(stream, a, readsRecord);
    if (!l) return null;
    let ck: string | null = null;
    if (!l.exact) {
      let entry = this.caseless.get(l.text);
      if (!entry) {
        entry = { alias: `_ck${this.caseless.size}`, keys: new Set() };
        this.caseless.set(l.text, entry);
      }
      for (const k of l.keys) entry.keys.add(k.toLowerCase());
      ck = entry.alias;
    }
    const tests = [...new Set(l.keys)].map((k) => (ck ? `list_contains(${ck}, ${lit(k.toLowerCase())})` : `contains(${l.text}, ${lit(`"${k}"`)})`));
    return `(${tests.join(' AND ')} OR contains(${l.text}, '\\u')${ck ? ` OR ${nonAscii(l.text)}` : ''})`;
  }

  get(stream: RawStream, a: Access): Vals {
    return this.column(stream, a, null);
  }
  /** The access's values on rows where `where` holds; none elsewhere. */
  getWhere(stream: RawStream, a: Access, where: string): Vals {
    return this.column(stream, a, where);
  }
  private column(stream: RawStream, a: Access, where: string | null): Vals {
    if (a.kind === 'const') return accessVals(stream, a);
    const key = JSON.stringify(a) + (where ? `|where ${where}` : '');
    let v = this.byKey.get(key);
    if (!v) {
      bodyColumn = stream.body ? '_b' : null;
      let raw: Vals;
      try {
        raw = accessVals(stream, a);
      } finally {
        bodyColumn = null;
      }
      let expr = raw.expr;
      const readsRecord = READS_RECORD.test(raw.expr);
      if (readsRecord || raw.expr.includes('json_')) {
        const keys = this.guard(stream, a, readsRecord);
        const guard = where ? (keys ? `${where} AND ${keys}` : where) : keys;
        if (guard) expr = `(CASE WHEN ${guard} THEN ${raw.expr} ELSE ${raw.kind === 'list' ? '[]::VARCHAR[]' : 'NULL::VARCHAR'} END)`;
        if (stream.body && /\b_b\b/.test(raw.expr)) {
          this.usesBody = true;
          this.bodyGuards.push(guard);
        }
      }
      const alias = `_a${this.columns.length}`;
      this.columns.push({ alias, expr });
      v = { kind: raw.kind, expr: alias };
      this.byKey.set(key, v);
    }
    return v;
  }
}

/**
 * A body path whose typed value is an object or an array of objects (e.g. Graph `status`,
 * `networkLocationDetails`). Where the typed value shows an object (an array whose every element
 * is one: see isObject), the record holds an object there.
 * Such a value reads as the object's JSON text, which starts with `{` and ends with `}` (an empty
 * array reads '[]'), so most tests are decided from the typed column alone and the record JSON is
 * parsed only where the typed column is NULL.
 */
interface ObjectForm {
  present: string;
  /** the typed value is an array: '[]' when empty */
  emptyList: string | null;
}

function objectForm(stream: RawStream, a: Access): ObjectForm | null {
  if (a.kind !== 'path' || a.scope !== 'body' || a.valueMap) return null;
  const step = typedWalk(stream, a.path, a.exact);
  if (step.k !== 'typed' || step.c.list) return null;
  const { expr, type } = step.c;
  if (type.kind === 'struct') {
    const obj = isObject(type, expr);
    return obj ? { present: obj, emptyList: null } : null;
  }
  if (type.kind === 'list' && type.of.kind === 'struct') {
    const obj = isObject(type.of, 'e');
    return obj ? { present: `(${expr} IS NOT NULL AND len(list_filter(${expr}, lambda e: NOT coalesce(${obj}, false))) = 0)`, emptyList: `(len(${expr}) = 0)` } : null;
  }
  return null;
}

/**
 * json_transform turns any non-object into a struct of NULL fields (lists stay strict: NULL unless
 * an array), so a struct value is known to come from an object only when one of its non-struct fields
 * holds something. An object with none of the typed keys reads as unknown (the JSON decides).
 */
function isObject(type: Extract<DuckType, { kind: 'struct' }>, expr: string): string | null {
  const fields = type.fields.filter((f) => f.type.kind !== 'struct');
  if (!fields.length) return null;
  return `(${expr} IS NOT NULL AND (${fields.map((f) => `struct_extract(${expr}, ${lit(f.name)}) IS NOT NULL`).join(' OR ')}))`;
}

/** Whether test `t` can hold for the JSON text of an object; null when only the text can tell. */
function objectTextVerdict(t: RTest): boolean | null {
  switch (t.kind) {
    case 'string': {
      const ps = withOp(t.value, t.op).parts;
      const first = ps[0];
      const last = ps[ps.length - 1];
      if (typeof first === 'string' && first.length > 0 && !first.startsWith('{')) return false;
      if (typeof last === 'string' && last.length > 0 && !last.endsWith('}')) return false;
      return ps.length === 0 ? false : null;
    }
    case 'number':
    case 'compare':
    case 'bool':
    case 'cidr':
    case 'timepart':
      // not a number, boolean, address or timestamp
      return false;
    case 'null':
    case 'exists':
      return true;
    default:
      return null;
  }
}

/**
 * Characters a JSON serializer writes as themselves inside a string, and that structure or number
 * formatting cannot produce (no quotes, separators or brackets; not only digits, signs, points and
 * exponents): a literal made of them and matched in the object's text matches the record text too.
 */
const VERBATIM = /^[A-Za-z0-9 _.;!?@#$%&*()+=<>|~^'`-]+$/;
const NUMBER_CHARS = /^[0-9.eE+-]*$/;

/** Case-insensitive matching may fold non-ASCII letters in ways RE2 does not: such texts always pass. */
const nonAscii = (text: string): string => `strlen(${text}) <> length(${text})`;

/**
 * For a string test on an object's JSON text: a necessary condition over the record text (the
 * object's text is a re-serialization of part of it), from the test's longest literal part; null when
 * the test has no such part.
 */
function literalGuard(t: RTest): string | null {
  if (t.kind !== 'string') return null;
  const parts = withOp(t.value, t.op).parts.filter((p): p is string => typeof p === 'string' && VERBATIM.test(p) && !NUMBER_CHARS.test(p));
  if (!parts.length) return null;
  const longest = parts.reduce((a, b) => (b.length > a.length ? b : a));
  const found = t.cased
    ? `contains(${RECORD_TEXT}, ${lit(longest)})`
    : `(regexp_matches(${RECORD_TEXT}, ${lit(`(?i)${longest.replace(/[\\^$.|?*+()[\]{}]/g, (m) => `\\${m}`)}`)}) OR ${nonAscii(RECORD_TEXT)})`;
  return `(${found} OR contains(${RECORD_TEXT}, '\\u'))`;
}

function fieldSql(node: Extract<RCond, { kind: 'field' }>, stream: RawStream, cache?: AccessCache): string {
  const get = (a: Access) => (cache ? cache.get(stream, a) : accessVals(stream, a));
  const t = node.test;
  if (cache && t.kind !== 'fieldref') {
    // per access: the test over its values (`any`) and whether it has a value (`some`)
    const parts = node.access.map((a) => {
      const form = objectForm(stream, a);
      const verdict = form ? objectTextVerdict(t) : null;
      const literal = form && verdict === null ? literalGuard(t) : null;
      if (!form || (verdict === null && literal === null)) {
        const v = get(a);
        return { some: nonEmpty(v), any: t.kind === 'null' || t.kind === 'exists' ? 'false' : anyOf(v, (x) => testSql(t, x)) };
      }
      const absent = `NOT coalesce(${form.present}, false)`;
      if (verdict === null) {
        // the object's text is needed, but only where the record text holds the test's literal
        const v = cache.getWhere(stream, a, `(${absent} OR ${literal})`);
        return { some: nonEmpty(v), any: anyOf(v, (x) => testSql(t, x)) };
      }
      const rest = cache.getWhere(stream, a, absent);
      const emptyHit = form.emptyList && t.kind !== 'null' && t.kind !== 'exists' ? `coalesce(${testSql(t, "'[]'")}, false)` : 'false';
      const objHit = form.emptyList ? `(CASE WHEN ${form.emptyList} THEN ${emptyHit} ELSE ${verdict} END)` : String(verdict);
      return {
        some: `(${form.present} OR ${nonEmpty(rest)})`,
        any: t.kind === 'null' || t.kind === 'exists' ? 'false' : `(CASE WHEN ${form.present} THEN ${objHit} ELSE ${anyOf(rest, (x) => testSql(t, x))} END)`,
      };
    });
    switch (t.kind) {
      case 'null':
        return `NOT ${or(parts.map((p) => p.some))}`;
      case 'exists':
        return t.value ? or(parts.map((p) => p.some)) : `NOT ${or(parts.map((p) => p.some))}`;
      default:
        return or(parts.map((p) => p.any));
    }
  }
  const vals = node.access.map(get);
  switch (t.kind) {
    case 'null':
      return `NOT ${or(vals.map(nonEmpty))}`;
    case 'exists':
      return t.value ? or(vals.map(nonEmpty)) : `NOT ${or(vals.map(nonEmpty))}`;
    case 'fieldref': {
      const others = t.other.map(get);
      const b = others.length === 1 ? asList(others[0]!) : `list_concat(${others.map(asList).join(', ')})`;
      return or(vals.map((v) => `coalesce(len(list_filter(${asList(v)}, lambda fa: len(list_filter(${b}, lambda fb: ${pairSql(t.op, t.cased, 'fa', 'fb')})) > 0)) > 0, false)`));
    }
    default:
      return or(vals.map((v) => anyOf(v, (x) => testSql(t, x))));
  }
}

function sqlTable(stream: RawStream, cache?: AccessCache): TargetTable<string> {
  return {
    and,
    or,
    not: (item) => `(NOT ${item})`,
    constant: (v) => (v ? 'true' : 'false'),
    field: (node) => fieldSql(node, stream, cache),
    keyword: (test) => {
      // string values anywhere in the record as received
      const t = keywordTest(test);
      return `EXISTS (SELECT 1 FROM json_tree(_json) AS kw WHERE kw.type = 'VARCHAR' AND ${testSql(t, "json_extract_string(kw.value, '$')")})`;
    },
  };
}

/** The WHERE expression of a prepared rule over its raw table. */
export function compileDuckDbWhere(prepared: PreparedRule, cache?: AccessCache): string {
  return walkCond(prepared.cond, sqlTable(prepared.stream, cache));
}

/** A runnable query: the matching rows of the rule's raw table (meta columns and the record). */
export function compileDuckDb(prepared: PreparedRule): string {
  return `SELECT _uid, _tenant, _native_id, _event_time, _batch, _json FROM ${qid(`raw_${prepared.stream.name}`)} WHERE ${compileDuckDbWhere(prepared)}`;
}
