import type { RawStream } from '../../ingest/streams.js';
import { EsUnsupported, canonicalPath, esIndex, luceneRegex } from './compile-es.js';
import { fieldFor, valueField } from './correlate.js';
import { mapField, type Access, type Pipeline } from './pipelines.js';
import { keywordTest, walkCond, type PreparedRule, type RCond, type RTest, type TargetTable } from './prepare.js';
import { hasWildcards, plainText, withOp } from './sigma-string.js';
import type { SigmaCorrelation } from './types.js';
import { testText } from './values.js';

/**
 * ES|QL: single-event rules as `FROM <index> | WHERE …`, and correlations. ES|QL has no sliding
 * window over time, so a correlation counts over buckets of twice the timespan on two grids shifted
 * by one timespan (`MV_APPEND` + `MV_EXPAND`): every window of length `timespan` lies wholly inside
 * one bucket of one grid, so no burst that straddles a boundary is missed; a bucket may also gather
 * events up to 2×timespan apart (over-count). DuckDB and the in-memory matcher are exact.
 */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
function fid(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function canonical(stream: RawStream, path: string[]): { name: string; object: boolean } {
  const c = canonicalPath(stream, path);
  return { name: c.path.join('.'), object: !!c.leaf && (c.leaf.kind === 'struct' || c.leaf.kind === 'json') };
}

function fieldNames(p: Pipeline, stream: RawStream, a: Extract<Access, { kind: 'path' }>): Array<{ name: string; object: boolean }> {
  if (a.scope === 'root') return [{ name: a.path.join('.'), object: false }];
  const c = canonical(stream, a.path);
  return [c, ...(p.bodyUnder ? [{ name: `${p.bodyUnder.join('.')}.${c.name}`, object: c.object }] : [])];
}

const OPS = { eq: '==', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
const PARTS = { minute: 'minute_of_hour', hour: 'hour_of_day', day: 'day_of_month', month: 'month_of_year', year: 'year' } as const;

function testEsql(f: string, t: RTest): string {
  switch (t.kind) {
    case 'string': {
      const pat = withOp(t.value, t.op);
      const subject = t.cased ? f : `TO_LOWER(${f})`;
      const norm = (s: string) => (t.cased ? s : s.toLowerCase());
      if (!hasWildcards(pat)) return `${subject} == ${q(norm(plainText(pat)))}`;
      const like = pat.parts.map((p) => (typeof p === 'string' ? norm(p).replace(/[\\*?]/g, (m) => `\\${m}`) : p.wildcard)).join('');
      return `${subject} LIKE ${q(like)}`;
    }
    case 'number':
      return `TO_DOUBLE(${f}) == ${t.value}`;
    case 'bool':
      return `TO_LOWER(TO_STRING(${f})) == ${q(String(t.value))}`;
    case 're':
      if (t.flags.i) throw new EsUnsupported('ES|QL RLIKE has no case-insensitive flag');
      return `${f} RLIKE ${q(luceneRegex(t.pattern, t.flags))}`;
    case 'cidr':
      return `CIDR_MATCH(TO_IP(${f}), ${q(t.cidr)})`;
    case 'compare':
      return `TO_DOUBLE(${f}) ${OPS[t.op]} ${t.value}`;
    case 'timepart':
      if (t.part === 'week') throw new EsUnsupported('ES|QL DATE_EXTRACT has no ISO week-of-year');
      return `DATE_EXTRACT(${q(PARTS[t.part])}, TO_DATETIME(${f})) ${OPS[t.test.op]} ${t.test.value}`;
    default:
      throw new EsUnsupported(`${t.kind} is a test on the value set`);
  }
}

function or(items0: string[]): string {
  if (items0.includes('TRUE')) return 'TRUE';
  const items = items0.filter((i) => i !== 'FALSE');
  return items.length === 0 ? 'FALSE' : items.length === 1 ? items[0]! : `(${items.join(' OR ')})`;
}
function and(items0: string[]): string {
  if (items0.includes('FALSE')) return 'FALSE';
  const items = items0.filter((i) => i !== 'TRUE');
  return items.length === 0 ? 'TRUE' : items.length === 1 ? items[0]! : `(${items.join(' AND ')})`;
}

function accessEsql(p: Pipeline, stream: RawStream, a: Access, t: RTest, each: (f: string) => string): string {
  if (a.kind === 'const') {
    if (t.kind === 'null') return 'FALSE';
    if (t.kind === 'exists') return t.value ? 'TRUE' : 'FALSE';
    return testText(t, a.value) ? 'TRUE' : 'FALSE';
  }
  if (a.kind === 'keyed') {
    const list = canonical(stream, a.list).name;
    return and([`${fid(`${list}.${a.keyField}`)} == ${q(a.key)}`, or(a.valueFields.map((vf) => each(fid(`${list}.${vf}`))))]);
  }
  if (a.valueMap) throw new EsUnsupported('mapped values (e.g. Status from errorCode) are not generated for ES|QL');
  const names = fieldNames(p, stream, a);
  if (names.some((n) => n.object) && t.kind !== 'null' && t.kind !== 'exists') throw new EsUnsupported(`'${names[0]!.name}' holds an object; ES|QL cannot match its JSON text`);
  return or(names.map((n) => each(fid(n.name))));
}

function fieldEsql(p: Pipeline, stream: RawStream, node: Extract<RCond, { kind: 'field' }>): string {
  const t = node.test;
  switch (t.kind) {
    case 'null':
      return `NOT ${or(node.access.map((a) => accessEsql(p, stream, a, t, (f) => `${f} IS NOT NULL`)))}`;
    case 'exists': {
      const any = or(node.access.map((a) => accessEsql(p, stream, a, t, (f) => `${f} IS NOT NULL`)));
      return t.value ? any : `NOT ${any}`;
    }
    case 'fieldref': {
      if (t.op !== 'eq') throw new EsUnsupported('ES|QL fieldref supports equality only');
      const a = node.access.flatMap((x) => (x.kind === 'path' ? fieldNames(p, stream, x) : []));
      const b = t.other.flatMap((x) => (x.kind === 'path' ? fieldNames(p, stream, x) : []));
      return or(a.flatMap((x) => b.map((y) => (t.cased ? `${fid(x.name)} == ${fid(y.name)}` : `TO_LOWER(${fid(x.name)}) == TO_LOWER(${fid(y.name)})`))));
    }
    default:
      return or(node.access.map((a) => accessEsql(p, stream, a, t, (f) => testEsql(f, t))));
  }
}

function esqlTable(p: Pipeline, stream: RawStream): TargetTable<string> {
  return {
    and,
    or,
    not: (item) => (item === 'TRUE' ? 'FALSE' : item === 'FALSE' ? 'TRUE' : `NOT ${item}`),
    constant: (v) => (v ? 'TRUE' : 'FALSE'),
    field: (node) => fieldEsql(p, stream, node),
    keyword: (test) => {
      const t = keywordTest(test);
      if (t.kind !== 'string') throw new EsUnsupported('keyword searches support string values only');
      const pat = withOp(t.value, t.op);
      return `QSTR(${q(pat.parts.map((x) => (typeof x === 'string' ? x.replace(/[+\-=&|><!(){}[\]^"~*?:\\/\s]/g, (m) => `\\${m}`) : x.wildcard)).join(''))})`;
    },
  };
}

export function compileEsqlWhere(prepared: PreparedRule): string {
  return walkCond(prepared.cond, esqlTable(prepared.pipeline, prepared.stream));
}

export function compileEsql(prepared: PreparedRule, opts: { index?: string } = {}): string {
  return `FROM ${opts.index ?? esIndex(prepared.stream)}\n| WHERE ${compileEsqlWhere(prepared)}`;
}

function timeExpr(p: PreparedRule): string {
  const names = p.pipeline.time.flatMap((t) => [t, ...(p.pipeline.bodyUnder ? [`${p.pipeline.bodyUnder.join('.')}.${t}`] : [])]);
  return names.length === 1 ? `TO_DATETIME(${fid(names[0]!)})` : `TO_DATETIME(COALESCE(${names.map(fid).join(', ')}))`;
}

function firstOf(p: PreparedRule, field: string): string {
  const names = mapField(p.pipeline, field).flatMap((a) => (a.kind === 'path' && !a.valueMap ? fieldNames(p.pipeline, p.stream, a).map((n) => n.name) : []));
  if (names.length === 0) throw new EsUnsupported(`group-by field '${field}' has no plain field in ES|QL`);
  return names.length === 1 ? `MV_FIRST(${fid(names[0]!)})` : `COALESCE(${names.map((n) => `MV_FIRST(${fid(n)})`).join(', ')})`;
}

/** ES|QL for a correlation over its prepared base rules (see the module comment for the windowing). */
export function compileCorrelationEsql(corr: SigmaCorrelation, refs: Map<string, PreparedRule>): string {
  if (corr.correlationType === 'temporal_ordered') throw new EsUnsupported('ES|QL cannot order events inside a bucket: temporal_ordered runs on DuckDB and in memory');
  const ps = corr.rules.map((r) => {
    const p = refs.get(r);
    if (!p) throw new EsUnsupported(`correlation references '${r}', which is not a loaded rule`);
    return [r, p] as const;
  });
  const indices = [...new Set(ps.map(([, p]) => esIndex(p.stream)))];
  const conds = ps.map(([r, p]) => [r, `(${compileEsqlWhere(p)})`] as const);
  const span = corr.timespanMs;
  const lines = [
    `// ${corr.correlationType} '${corr.title}': buckets of 2×${corr.timespan} on two grids shifted by ${corr.timespan} (no burst is split; may over-count)`,
    `FROM ${indices.join(', ')}`,
    `| WHERE ${conds.map(([, c]) => c).join(' OR ')}`,
    `| EVAL _rule = CASE(${conds.map(([r, c]) => `${c}, ${q(r)}`).join(', ')}, NULL)`,
    `| EVAL _t = ${ps.length === 1 ? timeExpr(ps[0]![1]) : `CASE(${conds.map(([, c], i) => `${c}, ${timeExpr(ps[i]![1])}`).join(', ')}, NULL)`}`,
    ...corr.groupBy.map((g, i) => `| EVAL g${i} = ${ps.length === 1 ? firstOf(ps[0]![1], fieldFor(corr, g, ps[0]![0], ps[0]![1].rule)) : `CASE(${conds.map(([r, c], k) => `${c}, ${firstOf(ps[k]![1], fieldFor(corr, g, r, ps[k]![1].rule))}`).join(', ')}, NULL)`}`),
  ];
  const vf = valueField(corr);
  if (vf) lines.push(`| EVAL _v = ${ps.length === 1 ? firstOf(ps[0]![1], fieldFor(corr, vf, ps[0]![0], ps[0]![1].rule)) : `CASE(${conds.map(([r, c], k) => `${c}, ${firstOf(ps[k]![1], fieldFor(corr, vf, r, ps[k]![1].rule))}`).join(', ')}, NULL)`}`);
  lines.push(`| EVAL _bucket = MV_APPEND(DATE_TRUNC(${2 * span} milliseconds, _t), DATE_TRUNC(${2 * span} milliseconds, _t + ${span} milliseconds) - ${span} milliseconds)`);
  lines.push('| MV_EXPAND _bucket');
  const metric = {
    event_count: 'COUNT(*)',
    value_count: 'COUNT_DISTINCT(_v)',
    value_sum: 'SUM(TO_DOUBLE(_v))',
    value_avg: 'AVG(TO_DOUBLE(_v))',
    temporal: 'COUNT_DISTINCT(_rule)',
  }[corr.correlationType];
  const by = ['_bucket', ...corr.groupBy.map((_g, i) => `g${i}`)].join(', ');
  lines.push(`| STATS _metric = ${metric}, first_seen = MIN(_t), last_seen = MAX(_t), event_count = COUNT(*) BY ${by}`);
  const ops = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' } as const;
  lines.push(`| WHERE ${corr.conditions.map((c) => `_metric ${ops[c.op]} ${c.value}`).join(' AND ')}`);
  return lines.join('\n');
}
