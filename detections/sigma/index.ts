/**
 * The Sigma engine's entry points. Parse (`parseRuleText`, `parseRuleFile`, `loadRules`), prepare a
 * rule for its logsource (`prepareRule`), then compile it to a target (`compileDuckDb`,
 * `compileElasticsearch`, `compileEsql`, `compileMemory`/`matchEvent`) or run many rules at once
 * (`buildRulePack`, `compileRulePack`, `runRulePack`). `compileRule` bundles everything a detection
 * needs, the rule's author included (the Detection Rule License requires alerts to carry it).
 */
import { compileElasticsearch, EsUnsupported, type EsQuery } from './compile-es.js';
import { compileEsql } from './compile-esql.js';
import { compileDuckDb, compileDuckDbWhere } from './compile-sql.js';
import { compileMemory, type EventPredicate } from './match.js';
import type { PreparedRule } from './prepare.js';

export { parseRuleFile, parseRuleText, loadRules, findRuleFiles, type ParsedFile, type LoadedRules, type ParseOptions } from './parse.js';
export { prepareRule, type PreparedRule, type PrepareResult } from './prepare.js';
export { compileDuckDb, compileDuckDbWhere } from './compile-sql.js';
export { compileElasticsearch, esIndex, EsUnsupported, type EsQuery } from './compile-es.js';
export { compileEsql, compileCorrelationEsql } from './compile-esql.js';
export { compileMemory, matchEvent, type EventPredicate } from './match.js';
export { buildRulePack, compileRulePack, runRulePack, type RuleMatch, type RulePack, type RulePackResult } from './rulepack.js';
export { alertsAsEvents, correlateMemory, correlateDuckDb, compileCorrelationDuckDb, corrEventOf, type CorrelationAlert, type CorrEvent } from './correlate.js';
export { checkRules, type CheckReport, type RuleCheck } from './check.js';
export { loadPlaceholders, parsePlaceholders } from './placeholders.js';
export { runRuleTestFile, findTestFiles, type CaseResult } from './rule-tests.js';
export { PIPELINES, pipelineFor, type Pipeline } from './pipelines.js';
export { loadRawRecords } from './raw-load.js';
export type * from './types.js';

export interface CompiledRule {
  id: string;
  title: string;
  /** the rule's author: alerts must carry it (DRL 1.1) */
  author: string | null;
  level: string | null;
  tags: string[];
  references: string[];
  falsepositives: string[];
  stream: string;
  rawTable: string;
  duckdb: { sql: string; where: string };
  memory: EventPredicate;
  elasticsearch: { index: string; query: EsQuery } | { unsupported: string };
  esql: string | { unsupported: string };
}

export function compileRule(prepared: PreparedRule): CompiledRule {
  const r = prepared.rule;
  const es = (() => {
    try {
      return compileElasticsearch(prepared);
    } catch (err) {
      if (err instanceof EsUnsupported) return { unsupported: err.message };
      throw err;
    }
  })();
  const esql = (() => {
    try {
      return compileEsql(prepared);
    } catch (err) {
      if (err instanceof EsUnsupported) return { unsupported: err.message };
      throw err;
    }
  })();
  return {
    id: r.id ?? r.name ?? r.title,
    title: r.title,
    author: r.author ?? null,
    level: r.level ?? null,
    tags: r.tags,
    references: r.references,
    falsepositives: r.falsepositives,
    stream: prepared.stream.name,
    rawTable: `raw_${prepared.stream.name}`,
    duckdb: { sql: compileDuckDb(prepared), where: compileDuckDbWhere(prepared) },
    memory: compileMemory(prepared),
    elasticsearch: es,
    esql,
  };
}
