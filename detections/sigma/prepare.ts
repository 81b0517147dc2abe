import { STREAMS, type RawStream } from '../../ingest/streams.js';
import { mapField, pipelineFor, PIPELINES, type Access, type Pipeline } from './pipelines.js';
import type { Cond, SigmaFilter, SigmaRule, ValueTest } from './types.js';

/**
 * A rule after its processing pipeline: Sigma field names replaced by candidate accesses on the
 * stream's stored fields, filters applied. This is what every compile target walks.
 */
export type RTest = Exclude<ValueTest, { kind: 'fieldref' }> | { kind: 'fieldref'; op: 'eq' | 'contains' | 'startswith' | 'endswith'; field: string; other: Access[]; cased: boolean };

export type RCond =
  | { kind: 'and'; items: RCond[] }
  | { kind: 'or'; items: RCond[] }
  | { kind: 'not'; item: RCond }
  | { kind: 'const'; value: boolean }
  | { kind: 'field'; field: string; access: Access[]; test: RTest }
  | { kind: 'keyword'; test: RTest };

export interface PreparedRule {
  rule: SigmaRule;
  pipeline: Pipeline;
  stream: RawStream;
  cond: RCond;
  /** filters (`filter:` documents) that were applied */
  filters: string[];
}

export type PrepareResult = { ok: true; prepared: PreparedRule } | { ok: false; status: 'unsupported' | 'error'; reason: string };

function resolve(c: Cond, p: Pipeline): RCond {
  switch (c.kind) {
    case 'and':
    case 'or':
      return { kind: c.kind, items: c.items.map((i) => resolve(i, p)) };
    case 'not':
      return { kind: 'not', item: resolve(c.item, p) };
    case 'const':
      return c;
    case 'keyword':
      if (c.test.kind === 'fieldref') throw new Error('fieldref needs a field');
      return { kind: 'keyword', test: c.test };
    case 'field': {
      const test: RTest = c.test.kind === 'fieldref' ? { ...c.test, other: mapField(p, c.test.field) } : c.test;
      return { kind: 'field', field: c.field, access: mapField(p, c.field), test };
    }
  }
}

function logsourceCovers(filterLs: SigmaFilter['logsource'], ruleLs: SigmaRule['logsource']): boolean {
  return (['product', 'service', 'category'] as const).every((k) => filterLs[k] === undefined || filterLs[k]?.toLowerCase() === ruleLs[k]?.toLowerCase());
}

export function filtersFor(rule: SigmaRule, filters: SigmaFilter[]): SigmaFilter[] {
  return filters.filter(
    (f) =>
      logsourceCovers(f.logsource, rule.logsource) &&
      (f.rules === 'any' || f.rules.some((r) => r === rule.id || (rule.name !== undefined && r === rule.name))),
  );
}

export function prepareRule(
  rule: SigmaRule,
  opts: { pipelines?: Pipeline[]; streams?: RawStream[]; filters?: SigmaFilter[] } = {},
): PrepareResult {
  if (rule.unresolved.length > 0) {
    return {
      ok: false,
      status: 'unsupported',
      reason: `unresolved placeholder${rule.unresolved.length > 1 ? 's' : ''} ${rule.unresolved.map((u) => `%${u}%`).join(', ')}: name ${rule.unresolved.length > 1 ? 'them' : 'it'} in the --placeholders file`,
    };
  }
  const pipeline = pipelineFor(rule.logsource, opts.pipelines ?? PIPELINES);
  const ls = [rule.logsource.product, rule.logsource.service, rule.logsource.category].filter(Boolean).join('/');
  if (!pipeline) return { ok: false, status: 'unsupported', reason: `no processing pipeline for logsource ${ls || '(empty)'}` };
  const stream = (opts.streams ?? STREAMS).find((s) => s.name === pipeline.stream);
  if (!stream) return { ok: false, status: 'unsupported', reason: `logsource ${ls} maps to raw stream '${pipeline.stream}', which is not in the stream registry` };
  const applied = filtersFor(rule, opts.filters ?? []);
  const unresolvedFilter = applied.find((f) => f.unresolved.length > 0);
  if (unresolvedFilter) {
    return { ok: false, status: 'unsupported', reason: `filter '${unresolvedFilter.title}' has unresolved placeholder(s) ${unresolvedFilter.unresolved.map((u) => `%${u}%`).join(', ')}` };
  }
  let cond = resolve(rule.cond, pipeline);
  // a filter's condition is ANDed to the rule's (spec: Sigma filters)
  if (applied.length) cond = { kind: 'and', items: [cond, ...applied.map((f) => resolve(f.cond, pipeline))] };
  return { ok: true, prepared: { rule, pipeline, stream, cond, filters: applied.map((f) => f.id ?? f.title) } };
}

/**
 * The one tree walk every compile target shares: a target is a table of how to write each node.
 */
export interface TargetTable<T> {
  and(items: T[]): T;
  or(items: T[]): T;
  not(item: T): T;
  constant(value: boolean): T;
  field(node: Extract<RCond, { kind: 'field' }>): T;
  keyword(test: RTest): T;
}

export function walkCond<T>(c: RCond, t: TargetTable<T>): T {
  switch (c.kind) {
    case 'and':
      return t.and(c.items.map((i) => walkCond(i, t)));
    case 'or':
      return t.or(c.items.map((i) => walkCond(i, t)));
    case 'not':
      return t.not(walkCond(c.item, t));
    case 'const':
      return t.constant(c.value);
    case 'field':
      return t.field(c);
    case 'keyword':
      return t.keyword(c.test);
  }
}

/** Keyword values are searched as substrings of the record's string values. */
export function keywordTest(t: RTest): RTest {
  return t.kind === 'string' && t.op === 'eq' ? { ...t, op: 'contains' } : t;
}
