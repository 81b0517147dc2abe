/**
 * A small ES|QL evaluator for the in-memory Elasticsearch (`POST /_query`). It implements the
 * subset of the language idtrail sends, with the semantics the ES|QL reference documents, and
 * rejects everything else loudly rather than guessing:
 * - source commands: `FROM index[, index] [METADATA _id, _index]`;
 * - processing commands: WHERE, EVAL, STATS … BY (COUNT, COUNT_DISTINCT, SUM, MIN, MAX; several STATS in a row),
 *   MV_EXPAND, KEEP, SORT (ASC/DESC, nulls last on ASC), LIMIT;
 * - expressions: AND/OR/NOT with three-valued logic (a NULL condition drops the row), ==, !=, <,
 *   <=, >, >=, +, - (dates and time spans), IN (…), IS [NOT] NULL, LIKE; CASE, COALESCE, TO_LOWER,
 *   TO_DATETIME, DATE_TRUNC (fixed spans, from the epoch), MV_FIRST, MV_APPEND; string, number,
 *   time-span, boolean and NULL literals; dotted, `@timestamp` and backquoted field names. A
 *   multi-valued field where one value is needed is NULL, as ES|QL makes it.
 * Field values are what ES|QL reads from doc values: keyword fields with a normalizer come back
 * normalized (lower-cased), dates as ISO-8601 text.
 * It is a contract fixture, not Elasticsearch: the queries it accepts are also checked as golden
 * text, and the live suite runs them on a real cluster.
 */
export interface EsqlSource {
  /** documents of the named index (or data stream), with their ids */
  docs(index: string): { id: string; index: string; source: Record<string, unknown> }[] | null;
  /** the mapping type of a field: 'keyword' | 'lkw' (normalized keyword) | 'date' | 'long' | 'double' | 'boolean' | 'ip' | undefined */
  fieldType(index: string, field: string): string | undefined;
}

export class EsqlError extends Error {}

type Tok = { k: 'str' | 'num' | 'id' | 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      let s = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\') {
          const n = src[++i];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
          i++;
        } else s += src[i++];
      }
      if (src[i] !== '"') throw new EsqlError('unterminated string literal');
      i++;
      out.push({ k: 'str', v: s });
      continue;
    }
    if (c === '`') {
      let s = '';
      i++;
      while (i < src.length) {
        if (src[i] === '`' && src[i + 1] === '`') {
          s += '`';
          i += 2;
        } else if (src[i] === '`') break;
        else s += src[i++];
      }
      i++;
      out.push({ k: 'id', v: s });
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_@][A-Za-z0-9_.@]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>|\(|\)|,|=|\||\*|\+|-)/.exec(src.slice(i));
    if (op) {
      out.push({ k: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new EsqlError(`unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

type Expr =
  | { t: 'lit'; v: unknown }
  | { t: 'field'; name: string }
  | { t: 'call'; fn: string; args: Expr[] | '*' }
  | { t: 'bin'; op: string; a: Expr; b: Expr }
  | { t: 'not'; a: Expr }
  | { t: 'in'; a: Expr; list: Expr[] }
  | { t: 'isnull'; a: Expr; not: boolean }
  | { t: 'like'; a: Expr; pattern: string };

/** Time-span literals (`1 hour`, `7200000 milliseconds`) in milliseconds. */
const DURATIONS: Record<string, number> = {
  millisecond: 1, milliseconds: 1, ms: 1, second: 1000, seconds: 1000, minute: 60_000, minutes: 60_000,
  hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000,
};

type Duration = { duration: number };
const isDuration = (v: unknown): v is Duration => !!v && typeof v === 'object' && !Array.isArray(v) && 'duration' in (v as object);
/** A multi-valued value where a single value is required evaluates to NULL (ES|QL warns and nulls it). */
const sv = (v: unknown): unknown => (Array.isArray(v) ? null : v);

/** An ES|QL LIKE pattern: `*` any characters, `?` one, backslash escapes; the whole value must match. */
function likeRe(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'BY', 'ASC', 'DESC', 'METADATA', 'LIKE', 'RLIKE']);

class Parser {
  i = 0;
  constructor(private readonly toks: Tok[]) {}
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  atKw(kw: string): boolean {
    const t = this.peek();
    return !!t && t.k === 'id' && t.v.toUpperCase() === kw;
  }
  atOp(op: string): boolean {
    const t = this.peek();
    return !!t && t.k === 'op' && t.v === op;
  }
  take(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new EsqlError('unexpected end of query');
    return t;
  }
  expectOp(op: string): void {
    const t = this.take();
    if (t.k !== 'op' || t.v !== op) throw new EsqlError(`expected '${op}', got '${t.v}'`);
  }
  name(): string {
    const t = this.take();
    if (t.k !== 'id' || KEYWORDS.has(t.v.toUpperCase())) throw new EsqlError(`expected a name, got '${t.v}'`);
    return t.v;
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }
  skipAll(): void {
    this.i = this.toks.length;
  }
  expr(): Expr {
    return this.or();
  }
  or(): Expr {
    let a = this.and();
    while (this.atKw('OR')) {
      this.take();
      a = { t: 'bin', op: 'OR', a, b: this.and() };
    }
    return a;
  }
  and(): Expr {
    let a = this.not();
    while (this.atKw('AND')) {
      this.take();
      a = { t: 'bin', op: 'AND', a, b: this.not() };
    }
    return a;
  }
  not(): Expr {
    if (this.atKw('NOT')) {
      this.take();
      return { t: 'not', a: this.not() };
    }
    return this.cmp();
  }
  cmp(): Expr {
    const a = this.add();
    const t = this.peek();
    if (t?.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.take();
      return { t: 'bin', op: t.v, a, b: this.add() };
    }
    if (this.atKw('LIKE')) {
      this.take();
      const pat = this.take();
      if (pat.k !== 'str') throw new EsqlError('LIKE takes a string pattern');
      return { t: 'like', a, pattern: pat.v };
    }
    if (this.atKw('IN')) {
      this.take();
      this.expectOp('(');
      const list: Expr[] = [this.primary()];
      while (this.atOp(',')) {
        this.take();
        list.push(this.primary());
      }
      this.expectOp(')');
      return { t: 'in', a, list };
    }
    if (this.atKw('IS')) {
      this.take();
      const not = this.atKw('NOT');
      if (not) this.take();
      if (!this.atKw('NULL')) throw new EsqlError('expected NULL after IS');
      this.take();
      return { t: 'isnull', a, not };
    }
    if (this.atKw('RLIKE')) throw new EsqlError('fake ES|QL: RLIKE is not implemented');
    return a;
  }
  add(): Expr {
    let a = this.primary();
    while (this.atOp('+') || this.atOp('-')) {
      const op = this.take().v;
      a = { t: 'bin', op, a, b: this.primary() };
    }
    return a;
  }
  primary(): Expr {
    const t = this.take();
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'num') {
      const unit = this.peek();
      const ms = unit?.k === 'id' ? DURATIONS[unit.v.toLowerCase()] : undefined;
      if (ms !== undefined) {
        this.take();
        return { t: 'lit', v: { duration: Number(t.v) * ms } };
      }
      return { t: 'lit', v: Number(t.v) };
    }
    if (t.k === 'op' && t.v === '(') {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.k === 'id') {
      const up = t.v.toUpperCase();
      if (up === 'NULL') return { t: 'lit', v: null };
      if (up === 'TRUE') return { t: 'lit', v: true };
      if (up === 'FALSE') return { t: 'lit', v: false };
      if (this.atOp('(')) {
        this.take();
        if (this.atOp('*')) {
          this.take();
          this.expectOp(')');
          return { t: 'call', fn: up, args: '*' };
        }
        const args: Expr[] = [];
        if (!this.atOp(')')) {
          args.push(this.expr());
          while (this.atOp(',')) {
            this.take();
            args.push(this.expr());
          }
        }
        this.expectOp(')');
        return { t: 'call', fn: up, args };
      }
      return { t: 'field', name: t.v };
    }
    throw new EsqlError(`unexpected '${t.v}'`);
  }
}

type Row = Map<string, unknown>;

function cmpValues(x: unknown, y: unknown): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  const a = String(x);
  const b = String(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

const AGGS = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'MIN', 'MAX']);

function evaluate(e: Expr, row: Row): unknown {
  switch (e.t) {
    case 'lit':
      return e.v;
    case 'field': {
      if (!row.has(e.name)) throw new EsqlError(`Unknown column [${e.name}]`);
      return row.get(e.name);
    }
    case 'not': {
      const v = sv(evaluate(e.a, row));
      return v === null ? null : !v;
    }
    case 'like': {
      const v = sv(evaluate(e.a, row));
      return v === null ? null : likeRe(e.pattern).test(String(v));
    }
    case 'isnull': {
      const v = evaluate(e.a, row);
      return e.not ? v !== null : v === null;
    }
    case 'in': {
      const v = sv(evaluate(e.a, row));
      if (v === null) return null;
      let sawNull = false;
      for (const x of e.list) {
        const w = evaluate(x, row);
        if (w === null) sawNull = true;
        else if (cmpValues(v, w) === 0) return true;
      }
      return sawNull ? null : false;
    }
    case 'bin': {
      if (e.op === 'AND') {
        const a = evaluate(e.a, row);
        const b = evaluate(e.b, row);
        if (a === false || b === false) return false;
        return a === null || b === null ? null : true;
      }
      if (e.op === 'OR') {
        const a = evaluate(e.a, row);
        const b = evaluate(e.b, row);
        if (a === true || b === true) return true;
        return a === null || b === null ? null : false;
      }
      const a = sv(evaluate(e.a, row));
      const b = sv(evaluate(e.b, row));
      if (a === null || b === null) return null;
      if (e.op === '+' || e.op === '-') {
        const x = isDuration(a) ? a.duration : Number(a);
        const y = isDuration(b) ? b.duration : Number(b);
        return e.op === '+' ? x + y : x - y;
      }
      const c = cmpValues(a, b);
      return { '==': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[e.op];
    }
    case 'call': {
      const args = e.args === '*' ? [] : e.args;
      switch (e.fn) {
        case 'MV_FIRST': {
          const v = evaluate(args[0]!, row);
          return Array.isArray(v) ? (v[0] ?? null) : v;
        }
        case 'MV_APPEND': {
          const vs = args.flatMap((a) => {
            const v = evaluate(a, row);
            return v === null ? [] : Array.isArray(v) ? v : [v];
          });
          return vs.length === 0 ? null : vs.length === 1 ? vs[0] : vs;
        }
        case 'DATE_TRUNC': {
          const d = evaluate(args[0]!, row);
          const t = sv(evaluate(args[1]!, row));
          if (!isDuration(d)) throw new EsqlError('DATE_TRUNC takes a time span first');
          // fixed intervals round down from the epoch
          return t === null ? null : Math.floor(Number(t) / d.duration) * d.duration;
        }
        case 'TO_LOWER': {
          const v = sv(evaluate(args[0]!, row));
          return v === null ? null : String(v).toLowerCase();
        }
        case 'COALESCE':
          for (const a of args) {
            const v = evaluate(a, row);
            if (v !== null) return v;
          }
          return null;
        case 'CASE': {
          let k = 0;
          for (; k + 1 < args.length; k += 2) if (evaluate(args[k]!, row) === true) return evaluate(args[k + 1]!, row);
          return k < args.length ? evaluate(args[k]!, row) : null;
        }
        case 'TO_DATETIME': {
          const v = sv(evaluate(args[0]!, row));
          if (v === null) return null;
          if (typeof v === 'number') return v;
          const ms = Date.parse(String(v));
          if (Number.isNaN(ms)) throw new EsqlError(`cannot parse [${String(v)}] as a date`);
          return ms;
        }
        default:
          throw new EsqlError(`fake ES|QL: function ${e.fn} is not implemented`);
      }
    }
  }
}

function flatten(v: unknown): unknown {
  if (Array.isArray(v)) {
    const f = v.flat(Infinity).filter((x) => x !== null && x !== undefined);
    return f.length === 0 ? null : f.length === 1 ? f[0] : f;
  }
  return v === undefined ? null : v;
}

/** A dotted path into a document's `_source`; Elasticsearch flattens arrays of objects, at any depth. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = cur.flat(Infinity).flatMap((c) => (c && typeof c === 'object' ? [(c as Record<string, unknown>)[part]] : []));
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

/** Splits on `|` outside string literals and backquotes. */
function commands(query: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (q) {
      cur += c;
      if (c === '\\' && q === '"') cur += query[++i] ?? '';
      else if (c === q) q = null;
    } else if (c === '"' || c === '`') {
      q = c;
      cur += c;
    } else if (c === '/' && query[i + 1] === '/') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function runEsql(query: string, src: EsqlSource): { columns: { name: string; type: string }[]; values: unknown[][] } {
  const cmds = commands(query);
  let rows: Row[] = [];
  let columns: string[] = [];
  const types = new Map<string, string>();
  let dateFields = new Set<string>();
  let limited = false;
  for (const [n, text] of cmds.entries()) {
    // FROM's index patterns are not tokens of the expression language
    const p = new Parser(tokenize(/^FROM\s/i.test(text) ? 'FROM' : text));
    const cmd = p.name().toUpperCase();
    if (n === 0 && cmd !== 'FROM') throw new EsqlError('a query starts with FROM');
    switch (cmd) {
      case 'FROM': {
        // index patterns are unquoted and may hold '-', '.', '*': read them from the text
        const m = /^FROM\s+(.+?)(?:\s+METADATA\s+(.+))?$/is.exec(text);
        if (!m) throw new EsqlError('malformed FROM');
        const indices = m[1]!.split(',').map((x) => x.trim());
        const meta = (m[2] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
        p.skipAll();
        for (const m of meta) if (m !== '_id' && m !== '_index') throw new EsqlError(`fake ES|QL: METADATA ${m} is not implemented`);
        const fieldCache = new Map<string, string | undefined>();
        for (const index of indices) {
          const docs = src.docs(index);
          if (docs === null) throw new EsqlError(`Unknown index [${index}]`);
          for (const d of docs) {
            const row: Row = new Map();
            // columns are resolved lazily through a proxy map below
            const lookup = (name: string): unknown => {
              if (name === '_id' && meta.includes('_id')) return d.id;
              if (name === '_index' && meta.includes('_index')) return d.index;
              const key = `${index}\u0000${name}`;
              if (!fieldCache.has(key)) fieldCache.set(key, src.fieldType(index, name));
              const type = fieldCache.get(key);
              if (type === undefined) return undefined;
              let v = flatten(getPath(d.source, name));
              if (v === null) return null;
              if (type === 'date') {
                dateFields.add(name);
                v = Array.isArray(v) ? v.map((x) => Date.parse(String(x))) : Date.parse(String(v));
              } else if (type === 'lkw') v = Array.isArray(v) ? v.map((x) => String(x).toLowerCase()) : String(v).toLowerCase();
              else if (type === 'keyword' || type === 'ip') v = Array.isArray(v) ? v.map(String) : String(v);
              types.set(name, type === 'lkw' ? 'keyword' : type);
              return v;
            };
            rows.push(new Proxy(row, {
              get(target, prop) {
                if (prop === 'has') return (k: string) => target.has(k) || lookup(k) !== undefined;
                if (prop === 'get') return (k: string) => (target.has(k) ? target.get(k) : (lookup(k) ?? null));
                const v = Reflect.get(target, prop, target);
                return typeof v === 'function' ? v.bind(target) : v;
              },
            }));
          }
        }
        break;
      }
      case 'WHERE': {
        const e = p.expr();
        rows = rows.filter((r) => evaluate(e, r) === true);
        break;
      }
      case 'EVAL': {
        const defs: [string, Expr][] = [];
        do {
          if (defs.length) p.take();
          const name = p.name();
          p.expectOp('=');
          defs.push([name, p.expr()]);
        } while (p.atOp(','));
        for (const r of rows) for (const [name, e] of defs) r.set(name, evaluate(e, r));
        for (const [name] of defs) if (!columns.includes(name)) columns.push(name);
        break;
      }
      case 'STATS': {
        const aggs: [string, string, Expr | '*'][] = [];
        while (!p.done() && !p.atKw('BY')) {
          if (aggs.length) p.expectOp(',');
          const name = p.name();
          p.expectOp('=');
          const e = p.expr();
          if (e.t !== 'call' || !AGGS.has(e.fn)) throw new EsqlError(`fake ES|QL: aggregation ${JSON.stringify(e)} is not implemented`);
          aggs.push([name, e.fn, e.args === '*' ? '*' : e.args[0]!]);
        }
        const by: string[] = [];
        if (p.atKw('BY')) {
          p.take();
          by.push(p.name());
          while (p.atOp(',')) {
            p.take();
            by.push(p.name());
          }
        }
        const groups = new Map<string, Row[]>();
        for (const r of rows) {
          const key = JSON.stringify(by.map((b) => r.get(b)));
          groups.set(key, [...(groups.get(key) ?? []), r]);
        }
        const next: Row[] = [];
        for (const [key, list] of groups) {
          const row: Row = new Map();
          for (const [name, fn, arg] of aggs) {
            const vals = arg === '*' ? list.map(() => 1) : list.map((r) => evaluate(arg, r)).filter((v) => v !== null);
            if (fn === 'COUNT') row.set(name, vals.length);
            // exact here; Elasticsearch's is HyperLogLog++, exact in practice below its precision threshold
            else if (fn === 'COUNT_DISTINCT') row.set(name, new Set(vals.map((v) => JSON.stringify(v))).size);
            else if (fn === 'SUM') row.set(name, vals.length ? vals.reduce((s: number, v) => s + Number(v), 0) : null);
            else row.set(name, vals.length ? vals.reduce((m, v) => ((fn === 'MIN' ? cmpValues(v, m) < 0 : cmpValues(v, m) > 0) ? v : m)) : null);
            if (arg !== '*' && arg.t === 'field' && dateFields.has(arg.name) && (fn === 'MIN' || fn === 'MAX')) dateFields.add(name);
            types.set(name, fn === 'COUNT' ? 'long' : arg !== '*' && arg.t === 'field' ? (types.get(arg.name) ?? 'double') : 'long');
          }
          (JSON.parse(key) as unknown[]).forEach((v, i) => row.set(by[i]!, v));
          next.push(row);
        }
        rows = next;
        columns = [...aggs.map(([n]) => n), ...by];
        dateFields = new Set([...dateFields].filter((f) => columns.includes(f)));
        break;
      }
      case 'MV_EXPAND': {
        const col = p.name();
        const next: Row[] = [];
        for (const r of rows) {
          const v = r.get(col);
          if (!Array.isArray(v)) {
            next.push(r);
            continue;
          }
          for (const x of v) {
            const copy: Row = new Map([...columns.map((c) => [c, r.get(c)] as [string, unknown]), [col, x]]);
            // keep the row's other (lazily read) fields reachable
            next.push(new Proxy(copy, { get: (t, prop) => (prop === 'has' ? (k: string) => t.has(k) || r.has(k) : prop === 'get' ? (k: string) => (t.has(k) ? t.get(k) : r.get(k)) : (Reflect.get(t, prop, t) as (...a: unknown[]) => unknown).bind?.(t) ?? Reflect.get(t, prop, t)) }));
          }
        }
        rows = next;
        break;
      }
      case 'KEEP': {
        const keep = [p.name()];
        while (p.atOp(',')) {
          p.take();
          keep.push(p.name());
        }
        for (const k of keep) if (rows.length && !rows[0]!.has(k) && !columns.includes(k)) throw new EsqlError(`Unknown column [${k}]`);
        rows = rows.map((r) => new Map(keep.map((k) => [k, r.get(k) ?? null])));
        columns = keep;
        break;
      }
      case 'SORT': {
        const keys: [Expr, number][] = [];
        do {
          if (keys.length) p.take();
          const e = p.primary();
          let dir = 1;
          if (p.atKw('ASC')) p.take();
          else if (p.atKw('DESC')) {
            p.take();
            dir = -1;
          }
          keys.push([e, dir]);
        } while (p.atOp(','));
        rows = [...rows].sort((a, b) => {
          for (const [e, dir] of keys) {
            const x = evaluate(e, a);
            const y = evaluate(e, b);
            if (x === y) continue;
            // nulls sort as larger than any value
            if (x === null) return dir;
            if (y === null) return -dir;
            const c = cmpValues(x, y);
            if (c !== 0) return c * dir;
          }
          return 0;
        });
        break;
      }
      case 'LIMIT': {
        const t = p.take();
        if (t.k !== 'num') throw new EsqlError('LIMIT takes a number');
        if (Number(t.v) > 10_000) throw new EsqlError('LIMIT exceeds esql.query.result_truncation_max_size (10000)');
        rows = rows.slice(0, Number(t.v));
        limited = true;
        break;
      }
      default:
        throw new EsqlError(`fake ES|QL: command ${cmd} is not implemented`);
    }
    if (!p.done()) throw new EsqlError(`unexpected '${p.peek()!.v}' in ${cmd}`);
  }
  if (!limited) rows = rows.slice(0, 1000);
  if (columns.length === 0) throw new EsqlError('fake ES|QL: end the query with KEEP or STATS');
  const typeOf = (c: string) => (dateFields.has(c) || types.get(c) === 'date' ? 'date' : (types.get(c) ?? (c === '_id' || c === '_index' ? 'keyword' : 'keyword')));
  return {
    columns: columns.map((c) => ({ name: c, type: typeOf(c) })),
    values: rows.map((r) => columns.map((c) => {
      const v = r.get(c) ?? null;
      return v !== null && typeOf(c) === 'date' && typeof v === 'number' ? new Date(v).toISOString() : v;
    })),
  };
}
