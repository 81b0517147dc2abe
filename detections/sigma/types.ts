/**
 * The typed Sigma rule (spec v2.x) and its condition tree, as produced by `parse.ts`.
 * Everything here is plain data: pipelines rewrite field names in it, and every compile target
 * (DuckDB SQL, Elasticsearch, the in-memory matcher) walks the same tree.
 */

/** An error is a value with a code and a location until the CLI boundary. */
export type SigmaErrorCode =
  | 'yaml_syntax'
  | 'rule_invalid'
  | 'condition_syntax'
  | 'unknown_identifier'
  | 'modifier_unknown'
  | 'modifier_invalid'
  | 'value_invalid'
  | 'regex_unsupported'
  | 'placeholder_unresolved'
  | 'logsource_unsupported'
  | 'correlation_invalid'
  | 'file_unreadable';

export interface SigmaError {
  code: SigmaErrorCode;
  message: string;
  file: string;
  line: number;
  column: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: SigmaError };

/** One piece of a Sigma string: literal text or a wildcard (`*` any run, `?` one character). */
export type StrPart = string | { wildcard: '*' | '?' };

/** A Sigma string value after escape processing (`\*`, `\?`, `\\` are literal). */
export interface SigmaString {
  parts: StrPart[];
}

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * A test on one field value. Value lists are expanded before this point: a field with a list of
 * values is an Or (or an And with `all`) of single-value tests.
 */
export type ValueTest =
  /** string pattern: equality (with wildcards), contains, startswith, endswith */
  | { kind: 'string'; op: 'eq' | 'contains' | 'startswith' | 'endswith'; value: SigmaString; cased: boolean }
  /** a number from the rule: loose equality with numeric strings */
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  /** RE2 regular expression with search (not full-match) semantics */
  | { kind: 're'; pattern: string; flags: { i: boolean; m: boolean; s: boolean } }
  | { kind: 'cidr'; cidr: string; family: 4 | 6; low: string; high: string }
  | { kind: 'compare'; op: CompareOp; value: number }
  /** field is missing or null (`field: null`) */
  | { kind: 'null' }
  | { kind: 'exists'; value: boolean }
  /** the field's value equals (or contains, …) another field's value */
  | { kind: 'fieldref'; op: 'eq' | 'contains' | 'startswith' | 'endswith'; field: string; cased: boolean }
  /** a part of a timestamp value compared to a number */
  | { kind: 'timepart'; part: TimePart; test: { op: 'eq' | CompareOp; value: number } };

/** The condition tree. */
export type Cond =
  | { kind: 'and'; items: Cond[] }
  | { kind: 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'const'; value: boolean }
  | { kind: 'field'; field: string; test: ValueTest; negate?: boolean }
  /** field-less keyword search: matches any scalar value of the event */
  | { kind: 'keyword'; test: ValueTest };

/** A detection identifier as written (`selection: {...}`), already turned into a tree. */
export interface DetectionItem {
  name: string;
  cond: Cond;
  line: number;
  column: number;
  /** placeholders (`%name%`) referenced through `expand` that the values file did not resolve */
  unresolved: string[];
}

/** The parsed `condition:` expression before identifiers are substituted. */
export type CondExpr =
  | { kind: 'and' | 'or'; items: CondExpr[] }
  | { kind: 'not'; item: CondExpr }
  | { kind: 'ref'; name: string }
  | { kind: 'of'; quantifier: 'all' | number; pattern: string };

export interface Logsource {
  product?: string;
  service?: string;
  category?: string;
}

export interface RuleMeta {
  title: string;
  id?: string;
  name?: string;
  status?: string;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  level?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  fields: string[];
}

export interface SourceRef {
  file: string;
  line: number;
  column: number;
  /** index of the YAML document inside the file */
  doc: number;
}

export interface SigmaRule extends RuleMeta {
  type: 'rule';
  logsource: Logsource;
  detections: Record<string, DetectionItem>;
  conditions: CondExpr[];
  /** the condition tree with identifiers substituted (condition list = OR) */
  cond: Cond;
  unresolved: string[];
  source: SourceRef;
}

export type CorrelationType = 'event_count' | 'value_count' | 'value_sum' | 'value_avg' | 'temporal' | 'temporal_ordered';

export interface CorrelationCondition {
  op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
  value: number;
  /** value_count / value_sum / value_avg: the field counted or summed */
  field?: string;
}

export interface SigmaCorrelation extends RuleMeta {
  type: 'correlation';
  correlationType: CorrelationType;
  /** names or ids of the referenced rules, in order (order matters for temporal_ordered) */
  rules: string[];
  groupBy: string[];
  /** window length in milliseconds */
  timespanMs: number;
  timespan: string;
  conditions: CorrelationCondition[];
  /** alias → (rule name/id → field in that rule's events) */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
  source: SourceRef;
}

export interface SigmaFilter extends RuleMeta {
  type: 'filter';
  logsource: Logsource;
  /** rule ids/names the filter applies to, or 'any' */
  rules: string[] | 'any';
  detections: Record<string, DetectionItem>;
  cond: Cond;
  unresolved: string[];
  source: SourceRef;
}

export type SigmaDocument = SigmaRule | SigmaCorrelation | SigmaFilter;

/** Placeholder name → values, from the user's `--placeholders` file. */
export type Placeholders = Record<string, string[]>;
