import { STREAMS, type RawStream } from '../../ingest/streams.js';
import { DuckDb } from '../../store/duckdb/db.js';
import { compileElasticsearch, EsUnsupported } from './compile-es.js';
import { compileCorrelationEsql } from './compile-esql.js';
import { compileDuckDb, SqlUnsupported } from './compile-sql.js';
import { compileCorrelationDuckDb } from './correlate.js';
import { compileMemory } from './match.js';
import { loadRules, type ParseOptions } from './parse.js';
import { prepareRule, type PreparedRule, type RCond } from './prepare.js';
import { ensureRawTable } from './raw-load.js';
import type { SigmaError } from './types.js';
import { compileRe, reSource } from './values.js';

/**
 * `rules check`: parse every rule and try every target. A rule that is not `ok` for a target says
 * exactly why (unresolved placeholder, regex syntax, unsupported feature of the target, …).
 */
export type TargetName = 'duckdb' | 'memory' | 'elasticsearch';
export type Status = 'ok' | 'unsupported' | 'error';

export interface RuleCheck {
  path: string;
  id: string | null;
  title?: string;
  kind: 'rule' | 'correlation' | 'invalid';
  status: Record<TargetName, Status>;
  reason?: string;
}

export interface CheckReport {
  total: number;
  targets: Record<TargetName, { ok: number; unsupported: number; error: number }>;
  rules: RuleCheck[];
}

function formatError(e: SigmaError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message} [${e.code}]`;
}

/** Every `re` of a prepared rule must compile with RE2 (linear-time; no backtracking constructs). */
export function checkRegexes(c: RCond): string | null {
  switch (c.kind) {
    case 'and':
    case 'or':
      for (const i of c.items) {
        const r = checkRegexes(i);
        if (r) return r;
      }
      return null;
    case 'not':
      return checkRegexes(c.item);
    case 'field':
    case 'keyword':
      if (c.test.kind === 're') {
        try {
          compileRe(reSource(c.test.pattern, c.test.flags));
        } catch (err) {
          return `regular expression /${c.test.pattern}/ is not RE2 syntax (${(err as Error).message}); look-arounds and back-references are not supported`;
        }
      }
      return null;
    default:
      return null;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

export async function checkRules(paths: string[], opts: ParseOptions & { streams?: RawStream[] } = {}): Promise<CheckReport> {
  const loaded = await loadRules(paths, opts);
  const streams = opts.streams ?? STREAMS;
  const db = await DuckDb.open(':memory:');
  try {
    for (const s of streams) await ensureRawTable(db, s);
    const out: RuleCheck[] = [];
    for (const e of loaded.errors) {
      out.push({ path: e.file, id: null, kind: 'invalid', status: { duckdb: 'error', memory: 'error', elasticsearch: 'error' }, reason: formatError(e) });
    }
    const byRef = new Map<string, PreparedRule>();
    for (const rule of loaded.rules) {
      const rc: RuleCheck = { path: rule.source.file, id: rule.id ?? null, title: rule.title, kind: 'rule', status: { duckdb: 'ok', memory: 'ok', elasticsearch: 'ok' } };
      const reasons: string[] = [];
      const p = prepareRule(rule, { streams, filters: loaded.filters });
      if (!p.ok) {
        rc.status = { duckdb: p.status, memory: p.status, elasticsearch: p.status };
        rc.reason = p.reason;
        out.push(rc);
        continue;
      }
      const prepared = p.prepared;
      const reErr = checkRegexes(prepared.cond);
      try {
        if (reErr) throw new Error(reErr);
        compileMemory(prepared);
      } catch (err) {
        rc.status.memory = 'error';
        reasons.push(`memory: ${message(err)}`);
      }
      try {
        if (reErr) throw new SqlUnsupported(reErr);
        const sql = compileDuckDb(prepared);
        await db.all(`EXPLAIN ${sql}`);
      } catch (err) {
        rc.status.duckdb = err instanceof SqlUnsupported ? 'unsupported' : 'error';
        reasons.push(`duckdb: ${message(err)}`);
      }
      try {
        compileElasticsearch(prepared);
      } catch (err) {
        rc.status.elasticsearch = err instanceof EsUnsupported ? 'unsupported' : 'error';
        reasons.push(`elasticsearch: ${message(err)}`);
      }
      if (rc.status.duckdb === 'ok' && rc.status.memory === 'ok') {
        if (rule.id) byRef.set(rule.id, prepared);
        if (rule.name) byRef.set(rule.name, prepared);
      }
      if (reasons.length) rc.reason = reasons.join('; ');
      out.push(rc);
    }
    for (const c of loaded.correlations) {
      const rc: RuleCheck = { path: c.source.file, id: c.id ?? null, title: c.title, kind: 'correlation', status: { duckdb: 'ok', memory: 'ok', elasticsearch: 'ok' } };
      const missing = c.rules.filter((r) => !byRef.has(r));
      if (missing.length) {
        const chained = missing.every((m) => loaded.correlations.some((o) => o.id === m || o.name === m));
        rc.status = chained ? { duckdb: 'unsupported', memory: 'ok', elasticsearch: 'unsupported' } : { duckdb: 'error', memory: 'error', elasticsearch: 'error' };
        rc.reason = chained
          ? `chains correlation(s) ${missing.join(', ')}: evaluated in memory only`
          : `references ${missing.join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not a loaded rule that runs`;
        out.push(rc);
        continue;
      }
      const refs = new Map(c.rules.map((r) => [r, byRef.get(r)!]));
      const reasons: string[] = [];
      try {
        await db.all(`EXPLAIN ${compileCorrelationDuckDb(c, refs)}`);
      } catch (err) {
        rc.status.duckdb = 'error';
        reasons.push(`duckdb: ${message(err)}`);
      }
      try {
        compileCorrelationEsql(c, refs);
      } catch (err) {
        rc.status.elasticsearch = err instanceof EsUnsupported ? 'unsupported' : 'error';
        reasons.push(`esql: ${message(err)}`);
      }
      if (reasons.length) rc.reason = reasons.join('; ');
      out.push(rc);
    }
    const targets = {} as CheckReport['targets'];
    for (const t of ['duckdb', 'memory', 'elasticsearch'] as const) {
      targets[t] = { ok: 0, unsupported: 0, error: 0 };
      for (const r of out) targets[t][r.status[t]]++;
    }
    return { total: out.length, targets, rules: out };
  } finally {
    db.close();
  }
}
