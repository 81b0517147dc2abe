/**
 * The raw stream registry: one entry per vendor source stream. Each raw event is kept losslessly in
 * `raw_<name>` (the whole vendor JSON in `_json`) and, beside it, as typed DuckDB columns named after
 * the vendor's own top-level keys (`columns`), so that Sigma rules and normalizers reach nested fields
 * at columnar speed (`"actor"."alternateId"`, `list_filter("target", t -> ...)`) instead of re-parsing
 * JSON text. A field that the typed schema does not cover is still reachable through `_json`.
 *
 * Meta columns of every raw table (all prefixed `_`):
 *   _uid VARCHAR PRIMARY KEY   -- `${source}:${tenant}:${native id}`: re-ingesting is a no-op
 *   _tenant VARCHAR            -- tenant id
 *   _native_id VARCHAR         -- the vendor's event id
 *   _event_time TIMESTAMP      -- UTC event time
 *   _ingest_time TIMESTAMP     -- when it was stored
 *   _batch BIGINT              -- ingest batch number (normalization and incremental detection key on it)
 *   _json JSON                 -- the whole vendor event, as received (envelope included)
 *
 * Adding a vendor stream = one entry in STREAMS (and its normalizer mapping): shared code never
 * branches on a stream name.
 */
export type SourceName = 'okta' | 'entra' | 'google_workspace' | 'aws' | 'azure' | 'm365' | 'gcp' | 'onelogin' | 'duo';

export interface RawStream {
  /** Stream name, also the suffix of its table: `raw_${name}`. */
  name: string;
  source: SourceName;
  /** DuckDB types of the typed projection, keyed by the vendor's top-level JSON key. */
  columns: Record<string, string>;
  /**
   * SQL predicate over a JSON value `j` that says a record of this source belongs to this stream
   * (a source such as `entra` exports sign-ins, audits and provisioning in the same file format).
   */
  match: string;
  /**
   * SQL expression over `j` giving the object whose keys map onto `columns` (for envelope shapes,
   * e.g. the Azure Monitor diagnostic export keeps the Graph object under `properties`). Default `j`.
   */
  body?: string;
  /** SQL expression over `j` giving the vendor id (VARCHAR). */
  nativeId: string;
  /** SQL expression over `j` giving the event time (TIMESTAMP, UTC). */
  eventTime: string;
}

export function rawTable(stream: RawStream | string): string {
  return `raw_${typeof stream === 'string' ? stream : stream.name}`;
}

export const RAW_META_COLUMNS: Record<string, string> = {
  _uid: 'VARCHAR NOT NULL',
  _tenant: 'VARCHAR NOT NULL',
  _native_id: 'VARCHAR NOT NULL',
  _event_time: 'TIMESTAMP',
  _ingest_time: 'TIMESTAMP NOT NULL',
  _batch: 'BIGINT NOT NULL',
  _json: 'JSON NOT NULL',
};
