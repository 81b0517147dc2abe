import type { IdentityEventColumn } from '../../store/schema.js';
import type { ACTIONS, EVENT_CLASSES, OUTCOMES } from '../../store/schema.js';

export type EventClass = (typeof EVENT_CLASSES)[number];
export type Action = (typeof ACTIONS)[number];
export type Outcome = (typeof OUTCOMES)[number];

/** One row of a vendor's type table: the vendor's event type → our class and action (and outcome, when the type alone decides it). */
export type TypeMapping = readonly [EventClass, Action] | readonly [EventClass, Action, Outcome];

/**
 * A vendor normalizer, as data. Each identity_events column is an SQL expression over the raw stream's
 * typed columns (table alias `r`), the unnested element (alias given by `each`), and the matched type
 * row `m` (`m.event_class`, `m.action`, `m.outcome`). The compiler (compile.ts) turns it into one
 * set-based INSERT … SELECT per ingest batch.
 *
 * Columns the mapping leaves out are NULL, except: the meta columns (event_uid, source, stream,
 * tenant_id, native_id, event_time, ingest_time, raw_table, raw_uid) come from the raw row;
 * event_class/action/outcome default to the type table (else 'other'/'other'/'unknown');
 * geo_* and src_asn/src_as_org are completed from the offline IP databases when the vendor gave none
 * (geo_source records which), and geo_country_iso2 may be a country name: it is mapped to ISO alpha-2.
 */
export interface Normalizer {
  /** Raw stream this maps (ingest/streams.ts). */
  stream: string;
  /** One identity event per element of this list column (e.g. Workspace `events`); event_uid gets `#<n>` when the list has several. */
  each?: { list: string; as: string };
  /** SQL giving the vendor's event type (→ native_type; the key of `types`). */
  typeKey: string;
  types: Record<string, TypeMapping>;
  columns: Partial<Record<IdentityEventColumn, string>>;
}

// ---- SQL snippet helpers shared by the vendor mappings (they build text, not queries) ----

/** SQL string literal of a constant from our own tables. */
export function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `expr IN ('a', 'b', …)` for a constant list. */
export function inList(expr: string, values: readonly string[]): string {
  return `${expr} IN (${values.map(lit).join(', ')})`;
}

/** A constant VARCHAR[] literal. */
export function listLit(values: readonly string[]): string {
  return `[${values.map(lit).join(', ')}]::VARCHAR[]`;
}

/** Empty list → NULL, so that "no scopes" and "not a consent" read the same. */
export function nonEmpty(listExpr: string): string {
  return `CASE WHEN len(${listExpr}) > 0 THEN ${listExpr} END`;
}

/**
 * JSON inside a string (Graph `modifiedProperties[].newValue`): the decoded scalar text, or the text
 * itself. Only error-free functions here: DuckDB may hoist a repeated subexpression out of a CASE
 * guard and evaluate it on every row.
 */
export function unquote(expr: string): string {
  const asJson = `try_cast(${expr} AS JSON)`;
  return `coalesce(CASE WHEN json_type(${asJson}) = 'VARCHAR' THEN json_extract_string(${asJson}, '$') END, ${expr})`;
}
