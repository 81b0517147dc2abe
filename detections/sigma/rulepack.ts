import { STREAMS, rawTable, type RawStream } from '../../ingest/streams.js';
import type { DuckDb } from '../../store/duckdb/db.js';
import { AccessCache, compileDuckDbWhere, qid } from './compile-sql.js';
import { correlateDuckDb, type CorrelationAlert } from './correlate.js';
import type { LoadedRules } from './parse.js';
import { prepareRule, type PreparedRule } from './prepare.js';
import type { SigmaCorrelation } from './types.js';

/**
 * Many rules over one stream cost one scan: a rule pack is one SELECT per raw table that computes,
 * for each row, the list of rules it matches (every rule's predicate is a column expression over the
 * typed columns, so DuckDB evaluates them all in the same pass).
 */
export interface RuleMatch {
  rule_id: string;
  rule_title: string;
  /** Detection Rule License: alerts carry the rule's author */
  rule_author: string | null;
  level: string | null;
  tags: string[];
  raw_table: string;
  _uid: string;
  tenant: string;
  event_time: string | null;
  batch: number;
}

export interface PackedCorrelation {
  correlation: SigmaCorrelation;
  refs: Map<string, PreparedRule>;
}

export interface RulePack {
  rules: PreparedRule[];
  correlations: PackedCorrelation[];
  skipped: Array<{ id: string | null; title: string; file: string; reason: string }>;
}

/** Prepare every loaded rule (filters applied) and resolve correlation references. */
export function buildRulePack(loaded: Pick<LoadedRules, 'rules' | 'correlations' | 'filters'>, streams: RawStream[] = STREAMS): RulePack {
  const rules: PreparedRule[] = [];
  const skipped: RulePack['skipped'] = [];
  const byRef = new Map<string, PreparedRule>();
  for (const r of loaded.rules) {
    const p = prepareRule(r, { streams, filters: loaded.filters });
    if (!p.ok) {
      skipped.push({ id: r.id ?? null, title: r.title, file: r.source.file, reason: p.reason });
      continue;
    }
    rules.push(p.prepared);
    if (r.id) byRef.set(r.id, p.prepared);
    if (r.name) byRef.set(r.name, p.prepared);
  }
  const correlations: PackedCorrelation[] = [];
  for (const c of loaded.correlations) {
    const refs = new Map<string, PreparedRule>();
    const missing = c.rules.filter((ref) => {
      const p = byRef.get(ref);
      if (p) refs.set(ref, p);
      return !p;
    });
    if (missing.length) {
      const chained = missing.filter((m) => loaded.correlations.some((o) => o.id === m || o.name === m));
      skipped.push({
        id: c.id ?? null,
        title: c.title,
        file: c.source.file,
        reason: chained.length
          ? `references correlation(s) ${chained.join(', ')}: chained correlations run in memory over the inner correlation alerts (alertsAsEvents + correlateMemory), not in a DuckDB rule pack`
          : `references rule(s) ${missing.join(', ')} that are not loaded or cannot run`,
      });
      continue;
    }
    correlations.push({ correlation: c, refs });
  }
  return { rules, correlations, skipped };
}

export interface PackQuery {
  stream: RawStream;
  rawTable: string;
  rules: PreparedRule[];
  sql: string;
}

/**
 * One SELECT per raw table: `_uid, _tenant, _event_time, _batch, _rules` where `_rules` lists the
 * indexes (into `rules`) of the rules the row matches. Bound parameters: `$since`, `$until`
 * (event time, half-open) and, when `batch` is set, `$batch`.
 */
export function compileRulePack(rules: PreparedRule[], streams: RawStream[] = STREAMS, opts: { batch?: boolean } = {}): PackQuery[] {
  const out: PackQuery[] = [];
  for (const stream of streams) {
    const mine = rules.filter((r) => r.stream.name === stream.name);
    if (mine.length === 0) continue;
    const cache = new AccessCache();
    const cases = mine.map((r, i) => `CASE WHEN ${compileDuckDbWhere(r, cache)} THEN ${i} END`);
    const table = rawTable(stream);
    const where = [`_event_time >= $since`, `_event_time < $until`, ...(opts.batch ? ['_batch = $batch'] : [])].join(' AND ');
    // each distinct field access once per row (inner projection), every rule reads the columns; the
    // body JSON is parsed only on rows where an access that reads it can find something
    const bodyExpr = `list_transform([_json], lambda j: list_transform([json_keys(j)], lambda k: (${stream.body}))[1])[1]`;
    const guards = cache.bodyGuards;
    const body = !stream.body || !cache.usesBody ? '' : guards.every((g): g is string => g !== null) ? `, CASE WHEN ${guards.join(' OR ')} THEN ${bodyExpr} END AS _b` : `, ${bodyExpr} AS _b`;
    const ck = cache.caselessColumns();
    const scan = `SELECT *${ck.map((c) => `, ${c.expr} AS ${c.alias}`).join('')} FROM ${qid(table)} WHERE ${where}`;
    const base = body ? `SELECT *${body} FROM (${scan})` : scan;
    const inner = `SELECT *${cache.columns.map((c) => `, ${c.expr} AS ${c.alias}`).join('')} FROM (${base})`;
    const sql = `SELECT _uid, _tenant, _event_time, _batch, _rules FROM (SELECT _uid, _tenant, _event_time, _batch, list_filter([${cases.join(',\n  ')}], lambda i: i IS NOT NULL) AS _rules FROM (${inner})) WHERE len(_rules) > 0`;
    out.push({ stream, rawTable: table, rules: mine, sql });
  }
  return out;
}

export interface RulePackResult {
  matches: RuleMatch[];
  correlations: CorrelationAlert[];
  skipped: RulePack['skipped'];
}

async function tableExists(db: DuckDb, table: string): Promise<boolean> {
  return !!(await db.one(`SELECT 1 AS x FROM information_schema.tables WHERE table_name = $1`, [table]));
}

/** Run a rule pack over the raw tables for events with `since <= event time < until`. */
export async function runRulePack(db: DuckDb, pack: RulePack | PreparedRule[], opts: { since: Date; until: Date; batch?: number; streams?: RawStream[] }): Promise<RulePackResult> {
  const p: RulePack = Array.isArray(pack) ? { rules: pack, correlations: [], skipped: [] } : pack;
  const matches: RuleMatch[] = [];
  for (const q of compileRulePack(p.rules, opts.streams ?? STREAMS, { batch: opts.batch !== undefined })) {
    if (!(await tableExists(db, q.rawTable))) continue;
    const params: Record<string, Date | number> = { since: opts.since, until: opts.until };
    if (opts.batch !== undefined) params.batch = opts.batch;
    // Planning a pack's SELECT costs more than scanning a short window: a table with no row in the
    // window (most streams of an incremental run) is skipped on a zone-map-pruned probe.
    const probe = `SELECT 1 AS x FROM ${qid(q.rawTable)} WHERE _event_time >= $since AND _event_time < $until${opts.batch !== undefined ? ' AND _batch = $batch' : ''} LIMIT 1`;
    if (!(await db.one(probe, params as never))) continue;
    const rows = await db.all<{ _uid: string; _tenant: string; _event_time: Date | null; _batch: bigint; _rules: number[] }>(q.sql, params as never);
    for (const row of rows) {
      for (const i of row._rules) {
        const r = q.rules[Number(i)]!.rule;
        matches.push({
          rule_id: r.id ?? r.name ?? r.title,
          rule_title: r.title,
          rule_author: r.author ?? null,
          level: r.level ?? null,
          tags: r.tags,
          raw_table: q.rawTable,
          _uid: row._uid,
          tenant: row._tenant,
          event_time: row._event_time ? row._event_time.toISOString() : null,
          batch: Number(row._batch),
        });
      }
    }
  }
  const correlations: CorrelationAlert[] = [];
  for (const c of p.correlations) {
    const tables = [...new Set([...c.refs.values()].map((r) => rawTable(r.stream)))];
    let present = true;
    for (const t of tables) if (!(await tableExists(db, t))) present = false;
    if (!present) continue;
    correlations.push(...(await correlateDuckDb(db, c.correlation, c.refs, { since: opts.since, until: opts.until })));
  }
  return { matches, correlations, skipped: p.skipped };
}
