import type { Client } from '@elastic/elasticsearch';
import { IdtrailError } from '../../lib/errors.js';
import { redactSecrets } from '../../lib/log.js';

/**
 * ES|QL over the REST API (`POST /_query` with `{"query": …}`; the answer is
 * `{columns: [{name, type}], values: [[…]]}`, one inner array per row, in column order).
 * Text values are written as ES|QL string literals (double quotes, backslash escapes), never
 * spliced in raw; identifiers come only from our own templates and registries.
 */
export interface EsqlColumn {
  name: string;
  type: string;
}

export interface EsqlResult {
  columns: EsqlColumn[];
  values: unknown[][];
}

/**
 * The most rows one ES|QL query returns: a query without LIMIT gets 1000, and no LIMIT may exceed
 * `esql.query.result_truncation_max_size` (10,000 by default). Reads page with a keyset instead.
 */
export const ESQL_MAX_ROWS = 10_000;

/** An ES|QL string literal. */
export function lit(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** An ES|QL datetime literal (ISO-8601 UTC). */
export function dt(d: Date): string {
  return `TO_DATETIME(${lit(d.toISOString())})`;
}

/** `field IN ("a", "b")` (FALSE for an empty list, which ES|QL would reject as a syntax error). */
export function inList(expr: string, values: string[]): string {
  return values.length === 0 ? 'FALSE' : `${expr} IN (${values.map(lit).join(', ')})`;
}

export async function esql(client: Client, query: string): Promise<EsqlResult> {
  try {
    const resp = (await client.esql.query({ query })) as unknown as EsqlResult;
    if (!resp || !Array.isArray(resp.columns) || !Array.isArray(resp.values)) {
      throw new IdtrailError('store_error', 'the ES|QL answer has no columns/values', { hint: 'the cluster must support ES|QL (Elasticsearch 8.11 or later)' });
    }
    return resp;
  } catch (err) {
    if (err instanceof IdtrailError) throw err;
    const e = err as { statusCode?: number; body?: { error?: { reason?: string } }; message?: string };
    const reason = e.body?.error?.reason ?? e.message ?? String(err);
    throw new IdtrailError('store_error', `ES|QL query failed${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${redactSecrets(String(reason))}`, {
      hint: e.statusCode === 400 ? `the query was:\n${query}` : undefined,
      cause: err,
    });
  }
}

/** The cluster refused the query itself (400: an unknown index or column, a syntax it does not know). */
export function isRejectedQuery(err: unknown): boolean {
  return err instanceof IdtrailError && (err.cause as { statusCode?: number } | undefined)?.statusCode === 400;
}

/** The rows of an ES|QL answer as objects keyed by column name. */
export function rowsOf(r: EsqlResult): Record<string, unknown>[] {
  return r.values.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i] ?? null])));
}
