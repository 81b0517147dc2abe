import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';
import { ConditionError, parseCondition, resolveCondition } from './condition.js';
import { ModifierError, buildFieldCond, type Scalar } from './modifiers.js';
import type {
  Cond,
  CondExpr,
  CorrelationCondition,
  CorrelationType,
  DetectionItem,
  Logsource,
  Placeholders,
  RuleMeta,
  SigmaCorrelation,
  SigmaDocument,
  SigmaError,
  SigmaErrorCode,
  SigmaFilter,
  SigmaRule,
  SourceRef,
} from './types.js';

/**
 * Sigma YAML → typed documents. Every error is a value `{code, message, file, line, column}` pointing
 * at the YAML node that is wrong. A file may hold several documents (rules, correlations, filters);
 * `action: global` documents (Sigma v1 collections) are merged into the documents that follow.
 */
export interface ParseOptions {
  placeholders?: Placeholders;
}

export interface ParsedFile {
  file: string;
  documents: SigmaDocument[];
  errors: SigmaError[];
}

class Fail extends Error {
  constructor(readonly err: SigmaError) {
    super(err.message);
  }
}

interface Ctx {
  file: string;
  lc: LineCounter;
  placeholders?: Placeholders;
}

function pos(ctx: Ctx, node: Node | Pair | null | undefined, fallbackOffset = 0): { line: number; column: number } {
  const n = node && 'range' in node ? node : node && 'key' in node ? ((node.key as Node) ?? null) : null;
  const off = n?.range?.[0] ?? fallbackOffset;
  const p = ctx.lc.linePos(off);
  return { line: p.line, column: p.col };
}

function fail(ctx: Ctx, code: SigmaErrorCode, message: string, node?: Node | Pair | null, extraCol = 0): never {
  const p = pos(ctx, node);
  throw new Fail({ code, message, file: ctx.file, line: p.line, column: p.column + extraCol });
}

function getPair(map: Node | null | undefined, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((it) => isScalar(it.key) && String(it.key.value) === key) as Pair | undefined;
}

function str(ctx: Ctx, map: Node, key: string, required = false): string | undefined {
  const p = getPair(map, key);
  if (!p || p.value === null || (isScalar(p.value) && p.value.value === null)) {
    if (required) fail(ctx, 'rule_invalid', `missing required field '${key}'`, map);
    return undefined;
  }
  if (!isScalar(p.value)) fail(ctx, 'rule_invalid', `'${key}' must be a string`, p.value as Node);
  return String(p.value.value);
}

function strList(ctx: Ctx, map: Node, key: string): string[] {
  const p = getPair(map, key);
  if (!p || p.value === null) return [];
  if (isScalar(p.value)) return p.value.value === null ? [] : [String(p.value.value)];
  if (!isSeq(p.value)) fail(ctx, 'rule_invalid', `'${key}' must be a list of strings`, p.value as Node);
  return p.value.items.map((it) => {
    if (!isScalar(it)) fail(ctx, 'rule_invalid', `'${key}' must be a list of strings`, it as Node);
    return String(it.value);
  });
}

function meta(ctx: Ctx, map: Node): RuleMeta {
  const author = str(ctx, map, 'author');
  return {
    title: str(ctx, map, 'title', true)!,
    id: str(ctx, map, 'id'),
    name: str(ctx, map, 'name'),
    status: str(ctx, map, 'status'),
    description: str(ctx, map, 'description'),
    author,
    date: str(ctx, map, 'date'),
    modified: str(ctx, map, 'modified'),
    level: str(ctx, map, 'level'),
    tags: strList(ctx, map, 'tags'),
    references: strList(ctx, map, 'references'),
    falsepositives: strList(ctx, map, 'falsepositives'),
    fields: strList(ctx, map, 'fields'),
  };
}

function scalarValue(ctx: Ctx, node: unknown): Scalar {
  if (node === null || node === undefined) return null;
  if (!isScalar(node)) fail(ctx, 'value_invalid', 'a detection value must be a string, number, boolean or null (not a map or nested list)', node as Node);
  const v = node.value;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function detectionMap(ctx: Ctx, node: Node, unresolved: Set<string>): Cond {
  if (!isMap(node)) fail(ctx, 'rule_invalid', 'expected a map of field: value', node);
  const items: Cond[] = [];
  for (const pair of node.items) {
    if (!isScalar(pair.key)) fail(ctx, 'rule_invalid', 'a field name must be a plain string', pair.key as Node);
    const key = String(pair.key.value ?? '');
    const [fieldName, ...mods] = key.split('|');
    const values: Scalar[] = isSeq(pair.value) ? pair.value.items.map((it) => scalarValue(ctx, it)) : [scalarValue(ctx, pair.value)];
    if (isSeq(pair.value) && pair.value.items.length === 0) fail(ctx, 'value_invalid', `'${key}' has an empty list of values`, pair.value as Node);
    try {
      const r = buildFieldCond(fieldName === '' ? undefined : fieldName, mods, values, ctx.placeholders);
      r.unresolved.forEach((u) => unresolved.add(u));
      items.push(r.cond);
    } catch (err) {
      if (err instanceof ModifierError) fail(ctx, err.code, `${key}: ${err.message}`, pair.key as Node);
      if (err instanceof Error) fail(ctx, 'value_invalid', `${key}: ${err.message}`, pair.key as Node);
      throw err;
    }
  }
  if (items.length === 0) return { kind: 'const', value: true };
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

function detectionItem(ctx: Ctx, name: string, pair: Pair): DetectionItem {
  const node = pair.value as Node | null;
  const unresolved = new Set<string>();
  const p = pos(ctx, pair);
  let cond: Cond;
  if (node === null || (isScalar(node) && node.value === null)) {
    fail(ctx, 'rule_invalid', `detection '${name}' is empty`, pair);
  } else if (isMap(node)) {
    cond = detectionMap(ctx, node, unresolved);
  } else if (isSeq(node)) {
    if (node.items.length === 0) fail(ctx, 'rule_invalid', `detection '${name}' is an empty list`, node);
    const allMaps = node.items.every((it) => isMap(it));
    const noMaps = node.items.every((it) => !isMap(it) && !isSeq(it));
    if (allMaps) {
      const alts = node.items.map((it) => detectionMap(ctx, it as Node, unresolved));
      cond = alts.length === 1 ? alts[0]! : { kind: 'or', items: alts };
    } else if (noMaps) {
      const r = wrapModifier(ctx, () => buildFieldCond(undefined, [], node.items.map((it) => scalarValue(ctx, it)), ctx.placeholders), node);
      cond = r.cond;
    } else {
      fail(ctx, 'rule_invalid', `detection '${name}' mixes maps and plain values in one list`, node);
    }
  } else {
    cond = wrapModifier(ctx, () => buildFieldCond(undefined, [], [scalarValue(ctx, node)], ctx.placeholders), node).cond;
  }
  return { name, cond, line: p.line, column: p.column, unresolved: [...unresolved] };
}

function wrapModifier<T>(ctx: Ctx, f: () => T, node: Node): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof ModifierError) fail(ctx, err.code, err.message, node);
    throw err;
  }
}

interface DetectionBlock {
  detections: Record<string, DetectionItem>;
  conditions: CondExpr[];
  cond: Cond;
  unresolved: string[];
}

function detectionBlock(ctx: Ctx, block: Node, where: string, reserved: string[]): DetectionBlock {
  if (!isMap(block)) fail(ctx, 'rule_invalid', `'${where}' must be a map`, block);
  const detections: Record<string, DetectionItem> = {};
  for (const pair of block.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'condition' || key === 'timeframe' || reserved.includes(key)) continue;
    detections[key] = detectionItem(ctx, key, pair as Pair);
  }
  const condPair = getPair(block, 'condition');
  if (!condPair || condPair.value === null) fail(ctx, 'rule_invalid', `'${where}' has no 'condition'`, block);
  const condNodes: Node[] = isSeq(condPair.value) ? (condPair.value.items as Node[]) : [condPair.value as Node];
  if (getPair(block, 'timeframe')) {
    fail(ctx, 'rule_invalid', "'timeframe' inside detection is Sigma v1 aggregation syntax; write a correlation rule with 'timespan'", getPair(block, 'timeframe'));
  }
  const conditions: CondExpr[] = [];
  const conds: Cond[] = [];
  for (const cn of condNodes) {
    if (!isScalar(cn) || typeof cn.value !== 'string') fail(ctx, 'condition_syntax', 'a condition must be a string', cn);
    const src = cn.value;
    // column of the condition text: for plain and quoted scalars the text starts after any quote
    const quote = cn.type === 'QUOTE_DOUBLE' || cn.type === 'QUOTE_SINGLE' ? 1 : 0;
    try {
      const expr = parseCondition(src);
      conditions.push(expr);
      conds.push(resolveCondition(expr, detections, (name) => Math.max(0, src.indexOf(name))));
    } catch (err) {
      if (err instanceof ConditionError) fail(ctx, err.code, err.message, cn, err.offset + quote);
      throw err;
    }
  }
  const cond: Cond = conds.length === 1 ? conds[0]! : { kind: 'or', items: conds };
  const unresolved = new Set<string>();
  for (const d of Object.values(detections)) d.unresolved.forEach((u) => unresolved.add(u));
  return { detections, conditions, cond, unresolved: [...unresolved] };
}

function logsource(ctx: Ctx, map: Node, required: boolean): Logsource {
  const p = getPair(map, 'logsource');
  if (!p || !isMap(p.value)) {
    if (required) fail(ctx, 'rule_invalid', "missing required map 'logsource' (product/service/category)", p ?? map);
    return {};
  }
  const ls: Logsource = {};
  for (const k of ['product', 'service', 'category'] as const) {
    const v = str(ctx, p.value, k);
    if (v !== undefined) ls[k] = v;
  }
  return ls;
}

const TIMESPAN_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000, y: 365 * 86_400_000 };

export function parseTimespan(text: string): number | null {
  const m = /^(\d+)([smhdwMy])$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * TIMESPAN_UNITS[m[2]!]!;
}

const CORRELATION_TYPES: CorrelationType[] = ['event_count', 'value_count', 'value_sum', 'value_avg', 'temporal', 'temporal_ordered'];

function correlation(ctx: Ctx, map: Node, src: SourceRef): SigmaCorrelation {
  const cp = getPair(map, 'correlation')!;
  const c = cp.value as Node;
  if (!isMap(c)) fail(ctx, 'correlation_invalid', "'correlation' must be a map", cp);
  const type = str(ctx, c, 'type', true)!;
  if (!CORRELATION_TYPES.includes(type as CorrelationType)) {
    fail(ctx, 'correlation_invalid', `unknown correlation type '${type}' (known: ${CORRELATION_TYPES.join(', ')})`, getPair(c, 'type'));
  }
  const rules = strList(ctx, c, 'rules');
  if (rules.length === 0) fail(ctx, 'correlation_invalid', "a correlation needs 'rules' (names or ids of the rules it correlates)", c);
  const timespan = str(ctx, c, 'timespan', true)!;
  const timespanMs = parseTimespan(timespan);
  if (timespanMs === null || timespanMs <= 0) fail(ctx, 'correlation_invalid', `timespan '${timespan}' must be a number and a unit s, m, h, d, w, M or y (e.g. 15m)`, getPair(c, 'timespan'));
  const groupBy = strList(ctx, c, 'group-by');
  const conditions: CorrelationCondition[] = [];
  const condPair = getPair(c, 'condition');
  const ctype = type as CorrelationType;
  if (condPair && isMap(condPair.value)) {
    let field: string | undefined;
    for (const it of condPair.value.items) {
      const k = isScalar(it.key) ? String(it.key.value) : '';
      if (k === 'field') {
        field = isScalar(it.value) ? String(it.value.value) : undefined;
        continue;
      }
      if (!['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].includes(k)) fail(ctx, 'correlation_invalid', `unknown condition operator '${k}' (use gt, gte, lt, lte, eq, neq)`, it as Pair);
      const v = isScalar(it.value) ? Number(it.value.value) : NaN;
      if (!Number.isFinite(v)) fail(ctx, 'correlation_invalid', `condition '${k}' needs a number`, it.value as Node);
      conditions.push({ op: k as CorrelationCondition['op'], value: v });
    }
    if (field !== undefined) for (const cc of conditions) cc.field = field;
    if ((ctype === 'value_count' || ctype === 'value_sum' || ctype === 'value_avg') && field === undefined) {
      fail(ctx, 'correlation_invalid', `a ${ctype} condition needs 'field'`, condPair);
    }
  } else if (condPair) {
    fail(ctx, 'correlation_invalid', "correlation 'condition' must be a map such as {gte: 10}", condPair);
  }
  if (conditions.length === 0) {
    if (ctype === 'temporal' || ctype === 'temporal_ordered') conditions.push({ op: 'gte', value: rules.length });
    else fail(ctx, 'correlation_invalid', `a ${ctype} correlation needs a 'condition' such as {gte: 10}`, c);
  }
  const aliases: Record<string, Record<string, string>> = {};
  const ap = getPair(c, 'aliases');
  if (ap && isMap(ap.value)) {
    for (const it of ap.value.items) {
      const alias = isScalar(it.key) ? String(it.key.value) : '';
      if (!isMap(it.value)) fail(ctx, 'correlation_invalid', `alias '${alias}' must map rule names to fields`, it as Pair);
      aliases[alias] = {};
      for (const r of it.value.items) aliases[alias]![String((r.key as { value: unknown }).value)] = String((r.value as { value: unknown }).value);
    }
  }
  const gp = getPair(c, 'generate');
  const generate = !!(gp && isScalar(gp.value) && gp.value.value === true);
  return { ...meta(ctx, map), type: 'correlation', correlationType: ctype, rules, groupBy, timespan, timespanMs: timespanMs!, conditions, aliases, generate, source: src };
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return over;
}

function parseDoc(ctx: Ctx, doc: Document.Parsed, index: number): SigmaDocument {
  const map = doc.contents as Node;
  const p = pos(ctx, map);
  const src: SourceRef = { file: ctx.file, line: p.line, column: p.column, doc: index };
  if (!isMap(map)) fail(ctx, 'rule_invalid', 'a Sigma document must be a YAML map', map);
  if (getPair(map, 'correlation')) return correlation(ctx, map, src);
  const fp = getPair(map, 'filter');
  if (fp) {
    const f = fp.value as Node;
    if (!isMap(f)) fail(ctx, 'rule_invalid', "'filter' must be a map with 'rules', detection identifiers and 'condition'", fp);
    const rp = getPair(f, 'rules');
    let rules: string[] | 'any';
    if (rp && isScalar(rp.value) && String(rp.value.value).toLowerCase() === 'any') rules = 'any';
    else rules = strList(ctx, f, 'rules');
    if (rules !== 'any' && rules.length === 0) fail(ctx, 'rule_invalid', "a filter needs 'rules': a list of rule ids/names, or 'any'", f);
    const block = detectionBlock(ctx, f, 'filter', ['rules']);
    return { ...meta(ctx, map), type: 'filter', logsource: logsource(ctx, map, false), rules, ...block, source: src };
  }
  const dp = getPair(map, 'detection');
  if (!dp) fail(ctx, 'rule_invalid', "missing required map 'detection'", map);
  const ls = logsource(ctx, map, true);
  const block = detectionBlock(ctx, dp.value as Node, 'detection', []);
  const rule: SigmaRule = { ...meta(ctx, map), type: 'rule', logsource: ls, ...block, source: src };
  return rule;
}

export function parseRuleText(text: string, file = '<text>', opts: ParseOptions = {}): ParsedFile {
  const lc = new LineCounter();
  const ctx: Ctx = { file, lc, placeholders: opts.placeholders };
  const out: ParsedFile = { file, documents: [], errors: [] };
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false }) as Document.Parsed[];
  } catch (err) {
    out.errors.push({ code: 'yaml_syntax', message: (err as Error).message, file, line: 1, column: 1 });
    return out;
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  let global: unknown;
  docs.forEach((doc, i) => {
    const e = doc.errors[0];
    if (e) {
      const p = lc.linePos(e.pos[0]);
      out.errors.push({ code: 'yaml_syntax', message: e.message.split('\n')[0]!, file, line: p.line, column: p.col });
      return;
    }
    if (doc.contents === null) return;
    try {
      const js = doc.toJS() as Record<string, unknown> | null;
      if (js && js.action === 'global') {
        global = deepMerge(global, Object.fromEntries(Object.entries(js).filter(([k]) => k !== 'action')));
        return;
      }
      if (global !== undefined && js) {
        // merge the global part in, keeping this document's node positions for its own keys
        const merged = deepMerge(global, js);
        const mdoc = doc.clone();
        mdoc.contents = mdoc.createNode(merged) as never;
        out.documents.push(parseDoc(ctx, mdoc as Document.Parsed, i));
        return;
      }
      out.documents.push(parseDoc(ctx, doc, i));
    } catch (err) {
      if (err instanceof Fail) out.errors.push(err.err);
      else out.errors.push({ code: 'rule_invalid', message: (err as Error).message, file, line: 1, column: 1 });
    }
  });
  if (out.documents.length === 0 && out.errors.length === 0) out.errors.push({ code: 'rule_invalid', message: 'the file holds no Sigma document', file, line: 1, column: 1 });
  return out;
}

export async function parseRuleFile(path: string, opts: ParseOptions = {}): Promise<ParsedFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { file: path, documents: [], errors: [{ code: 'file_unreadable', message: `cannot read ${path}: ${(err as Error).message}`, file: path, line: 0, column: 0 }] };
  }
  return parseRuleText(text, path, opts);
}

/** Rule files under the given paths (`.yml`/`.yaml`, test files `*.test.yml` left out), sorted. */
export async function findRuleFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(p: string): Promise<void> {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const e of (await readdir(p)).sort()) await walk(join(p, e));
    } else if (/\.ya?ml$/.test(p) && !/\.test\.ya?ml$/.test(p)) {
      out.push(p);
    }
  }
  for (const p of paths) await walk(p);
  return out;
}

export interface LoadedRules {
  files: ParsedFile[];
  rules: SigmaRule[];
  correlations: SigmaCorrelation[];
  filters: SigmaFilter[];
  errors: SigmaError[];
}

export async function loadRules(paths: string[], opts: ParseOptions = {}): Promise<LoadedRules> {
  const files: ParsedFile[] = [];
  const errors: SigmaError[] = [];
  for (const p of paths) {
    try {
      await stat(p);
    } catch {
      errors.push({ code: 'file_unreadable', message: `no such file or directory: ${p}`, file: p, line: 0, column: 0 });
    }
  }
  for (const f of await findRuleFiles(paths.filter((p) => !errors.some((e) => e.file === p)))) files.push(await parseRuleFile(f, opts));
  const docs = files.flatMap((f) => f.documents);
  return {
    files,
    rules: docs.filter((d): d is SigmaRule => d.type === 'rule'),
    correlations: docs.filter((d): d is SigmaCorrelation => d.type === 'correlation'),
    filters: docs.filter((d): d is SigmaFilter => d.type === 'filter'),
    errors: [...errors, ...files.flatMap((f) => f.errors)],
  };
}
