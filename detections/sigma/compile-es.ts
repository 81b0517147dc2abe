import type { RawStream } from '../../ingest/streams.js';
import { duckType, findKey, type DuckType } from './duck-types.js';
import type { Access, Pipeline } from './pipelines.js';
import { keywordTest, walkCond, type PreparedRule, type RCond, type RTest, type TargetTable } from './prepare.js';
import { hasWildcards, plainText, withOp } from './sigma-string.js';
import { testText } from './values.js';

/**
 * The Elasticsearch targets. Documents are the raw vendor records as received, one index per raw
 * stream (`idtrail-raw-<stream>` unless the caller names another). Arrays of objects are flattened by
 * Elasticsearch, so any-element semantics hold; a key/value pair that must sit in one array element
 * (Workspace parameters) is approximated unless the index maps that array as `nested`.
 *
 * Term, wildcard and prefix queries set `case_insensitive: true` (ES ≥ 7.10): `keyword` fields are
 * otherwise case-sensitive where Sigma is not.
 */
export class EsUnsupported extends Error {}

export type EsQuery = Record<string, unknown>;

export function esIndex(stream: RawStream | string): string {
  return `idtrail-raw-${typeof stream === 'string' ? stream : stream.name}`;
}

/** Canonical key names from the typed schema (ES field names are case-sensitive). */
export function canonicalPath(stream: RawStream, path: string[]): { path: string[]; leaf: DuckType | null } {
  const cols = Object.entries(stream.columns).map(([name, t]) => ({ name, type: duckType(t) }));
  const out: string[] = [];
  let fields: Array<{ name: string; type: DuckType }> | null = cols;
  let leaf: DuckType | null = null;
  for (const seg of path) {
    const f: { name: string; type: DuckType } | undefined = fields ? findKey(fields, seg) : undefined;
    if (!f) {
      out.push(seg);
      fields = null;
      leaf = null;
      continue;
    }
    out.push(f.name);
    let t: DuckType = f.type;
    while (t.kind === 'list') t = t.of;
    leaf = t;
    fields = t.kind === 'struct' ? t.fields : null;
  }
  return { path: out, leaf };
}

interface EsField {
  name: string;
  /** the value there is an object (contains on it searches its sub-fields) */
  object: boolean;
}

function accessFields(p: Pipeline, stream: RawStream, a: Extract<Access, { kind: 'path' }>): EsField[] {
  if (a.scope === 'root') return [{ name: a.path.join('.'), object: false }];
  const c = canonicalPath(stream, a.path);
  const object = !!c.leaf && (c.leaf.kind === 'struct' || c.leaf.kind === 'json');
  const name = c.path.join('.');
  return [{ name, object }, ...(p.bodyUnder ? [{ name: `${p.bodyUnder.join('.')}.${name}`, object }] : [])];
}

function esWildcardEscape(s: string): string {
  return s.replace(/[\\*?]/g, (m) => `\\${m}`);
}

function queryStringEscape(s: string): string {
  return s.replace(/[+\-=&|><!(){}[\]^"~*?:\\/\s]/g, (m) => `\\${m}`);
}

/** RE2 search pattern → Lucene regexp (anchored full match), or unsupported. */
export function luceneRegex(pattern: string, flags: { m: boolean; s: boolean }): string {
  if (flags.m) throw new EsUnsupported("Lucene regular expressions have no multi-line mode ('m' flag)");
  if (/\(\?|\\[bBAzZpPQE1-9]/.test(pattern)) throw new EsUnsupported(`regular expression /${pattern}/ uses syntax Lucene does not support (groups with '?', \\b, \\p, back-references)`);
  let body = pattern;
  let start = '.*';
  let end = '.*';
  if (body.startsWith('^')) {
    start = '';
    body = body.slice(1);
  }
  if (body.endsWith('$') && !body.endsWith('\\$')) {
    end = '';
    body = body.slice(0, -1);
  }
  if (/(^|[^\\])[$^]/.test(body)) throw new EsUnsupported(`regular expression /${pattern}/ has anchors inside; Lucene matches whole values only`);
  const classes: Record<string, string> = { d: '[0-9]', D: '[^0-9]', w: '[A-Za-z0-9_]', W: '[^A-Za-z0-9_]', s: '[ \\t\\n\\r\\f]', S: '[^ \\t\\n\\r\\f]' };
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[i + 1] ?? '';
      i++;
      if (classes[n] && !inClass) out += classes[n];
      else if (classes[n] && inClass) out += classes[n].slice(1, -1);
      else out += `\\${n}`;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === ']') inClass = false;
    // Lucene operators that are literals in RE2
    if (!inClass && '@&<>~#"'.includes(c)) out += `\\${c}`;
    else if (c === '.' && !inClass && !flags.s) out += '[^\\n]';
    else out += c;
  }
  return `${start}${out}${end}`;
}

function stringQuery(field: EsField, t: Extract<RTest, { kind: 'string' }>): EsQuery {
  const pat = withOp(t.value, t.op);
  const ci = t.cased ? {} : { case_insensitive: true };
  if (field.object) {
    const text = plainText(t.value);
    if (/["{}:\[\]]/.test(text)) throw new EsUnsupported(`'${field.name}' holds an object; matching its JSON text ('${text}') has no Elasticsearch equivalent`);
    return { query_string: { fields: [`${field.name}.*`], query: `*${queryStringEscape(text)}*`, analyze_wildcard: true } };
  }
  if (!hasWildcards(pat)) return { term: { [field.name]: { value: plainText(pat), ...ci } } };
  const ps = pat.parts;
  if (ps.length === 2 && typeof ps[0] === 'string' && typeof ps[1] === 'object' && ps[1].wildcard === '*') {
    return { prefix: { [field.name]: { value: ps[0], ...ci } } };
  }
  const value = ps.map((p) => (typeof p === 'string' ? esWildcardEscape(p) : p.wildcard)).join('');
  return { wildcard: { [field.name]: { value, ...ci } } };
}

function testQuery(field: EsField, t: RTest): EsQuery {
  switch (t.kind) {
    case 'string':
      return stringQuery(field, t);
    case 'number':
      return { term: { [field.name]: t.value } };
    case 'bool':
      return { term: { [field.name]: t.value } };
    case 're':
      return { regexp: { [field.name]: { value: luceneRegex(t.pattern, t.flags), flags: 'ALL', ...(t.flags.i ? { case_insensitive: true } : {}) } } };
    case 'cidr':
      return { term: { [field.name]: t.cidr } };
    case 'compare':
      return { range: { [field.name]: { [t.op]: t.value } } };
    case 'timepart':
      throw new EsUnsupported(`the '${t.part}' modifier needs a script over a date field; not generated for Elasticsearch`);
    default:
      throw new EsUnsupported(`${t.kind} is a test on the value set`);
  }
}

const MATCH_ALL: EsQuery = { match_all: {} };
const MATCH_NONE: EsQuery = { match_none: {} };

function or(items: EsQuery[]): EsQuery {
  const real = items.filter((i) => i !== MATCH_NONE);
  if (real.some((i) => i === MATCH_ALL)) return MATCH_ALL;
  if (real.length === 0) return MATCH_NONE;
  return real.length === 1 ? real[0]! : { bool: { should: real, minimum_should_match: 1 } };
}
function and(items: EsQuery[]): EsQuery {
  const real = items.filter((i) => i !== MATCH_ALL);
  if (real.some((i) => i === MATCH_NONE)) return MATCH_NONE;
  if (real.length === 0) return MATCH_ALL;
  return real.length === 1 ? real[0]! : { bool: { filter: real } };
}
function not(item: EsQuery): EsQuery {
  if (item === MATCH_ALL) return MATCH_NONE;
  if (item === MATCH_NONE) return MATCH_ALL;
  return { bool: { must_not: [item] } };
}

function accessQuery(p: Pipeline, stream: RawStream, a: Access, q: (f: EsField) => EsQuery, t: RTest): EsQuery {
  if (a.kind === 'const') {
    if (t.kind === 'null') return MATCH_NONE;
    if (t.kind === 'exists') return t.value ? MATCH_ALL : MATCH_NONE;
    return testText(t, a.value) ? MATCH_ALL : MATCH_NONE;
  }
  if (a.kind === 'keyed') {
    const list = canonicalPath(stream, a.list).path.join('.');
    const prefixes = [list, ...(p.bodyUnder ? [`${p.bodyUnder.join('.')}.${list}`] : [])];
    return or(
      prefixes.map((l) =>
        and([{ term: { [`${l}.${a.keyField}`]: a.key } }, or(a.valueFields.map((vf) => q({ name: `${l}.${vf}`, object: false })))]),
      ),
    );
  }
  if (a.valueMap) {
    // a mapped value (Status from errorCode): the test holds for a known set of source values
    if (t.kind === 'null' || t.kind === 'exists' || t.kind === 'fieldref') throw new EsUnsupported(`${t.kind} on a mapped value is not generated for Elasticsearch`);
    const vm = a.valueMap;
    const keys = Object.keys(vm.map);
    const hit = keys.filter((k) => testText(t, vm.map[k]!));
    const miss = keys.filter((k) => !testText(t, vm.map[k]!));
    const fields = accessFields(p, stream, a);
    if (testText(t, vm.otherwise)) return or(fields.map((f) => and([{ exists: { field: f.name } }, ...(miss.length ? [not({ terms: { [f.name]: miss } })] : [])])));
    return hit.length ? or(fields.map((f) => ({ terms: { [f.name]: hit } }))) : MATCH_NONE;
  }
  return or(accessFields(p, stream, a).map(q));
}

function fieldQuery(p: Pipeline, stream: RawStream, node: Extract<RCond, { kind: 'field' }>): EsQuery {
  const t = node.test;
  const existsQ = (f: EsField) => ({ exists: { field: f.name } });
  switch (t.kind) {
    case 'null':
      return not(or(node.access.map((a) => accessQuery(p, stream, a, existsQ, { kind: 'exists', value: true }))));
    case 'exists': {
      const any = or(node.access.map((a) => accessQuery(p, stream, a, existsQ, t)));
      return t.value ? any : not(any);
    }
    case 'fieldref': {
      const fa = node.access.flatMap((a) => (a.kind === 'path' ? accessFields(p, stream, a) : []));
      const fb = t.other.flatMap((a) => (a.kind === 'path' ? accessFields(p, stream, a) : []));
      if (!fa.length || !fb.length) throw new EsUnsupported('fieldref needs plain field paths in Elasticsearch');
      const op = { eq: 'equals', contains: 'contains', startswith: 'startsWith', endswith: 'endsWith' }[t.op];
      const lower = t.cased ? '' : '.toLowerCase()';
      const clauses = fa.flatMap((a) =>
        fb.map((b) => ({
          script: {
            script: {
              lang: 'painless',
              source: `if (!doc.containsKey(params.a) || !doc.containsKey(params.b)) { return false; } for (def x : doc[params.a]) { for (def y : doc[params.b]) { if (x.toString()${lower}.${op}(y.toString()${lower})) { return true; } } } return false;`,
              params: { a: `${a.name}.keyword`, b: `${b.name}.keyword` },
            },
          },
        })),
      );
      return or(clauses);
    }
    default:
      return or(node.access.map((a) => accessQuery(p, stream, a, (f) => testQuery(f, t), t)));
  }
}

function esTable(p: Pipeline, stream: RawStream): TargetTable<EsQuery> {
  return {
    and,
    or,
    not,
    constant: (v) => (v ? MATCH_ALL : MATCH_NONE),
    field: (node) => fieldQuery(p, stream, node),
    keyword: (test) => {
      const t = keywordTest(test);
      if (t.kind !== 'string') throw new EsUnsupported('keyword searches support string values only');
      const pat = withOp(t.value, t.op);
      const q = pat.parts.map((x) => (typeof x === 'string' ? queryStringEscape(x) : x.wildcard)).join('');
      return { query_string: { query: q, default_field: '*', analyze_wildcard: true } };
    },
  };
}

/** Elasticsearch query DSL (`{ query: … }`) for a prepared rule. Throws EsUnsupported with a reason. */
export function compileElasticsearch(prepared: PreparedRule, opts: { index?: string } = {}): { index: string; query: EsQuery } {
  const query = walkCond(prepared.cond, esTable(prepared.pipeline, prepared.stream));
  return { index: opts.index ?? esIndex(prepared.stream), query: { bool: { filter: [query] } } };
}
