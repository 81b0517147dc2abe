import { ident, type DuckDb } from '../../store/duckdb/db.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import type { ElasticStore } from '../../store/elastic/store.js';
import { eventsDataStream, rawDataStream } from '../../store/elastic/templates.js';
import type { Alert } from '../alerts/model.js';
import { ANALYTICS } from '../analytics/index.js';
import { resolveParams } from '../analytics/types.js';
import { evaluateAnalytics, type EvaluateOptions } from '../engine/evaluate.js';
import { IdtrailError } from '../../lib/errors.js';
import { ESQL_FORMS } from './analytics/index.js';
import type { EsqlForm, EsqlRead, FormContext } from './analytics/form.js';
import { ESQL_MAX_ROWS, esql, lit, rowsOf } from './esql.js';
import { insertJsonRows, tableAsJson } from './local-rows.js';

/** Directory and HRIS tables the analytics join against; Elasticsearch holds events only. */
export const DIRECTORY_TABLES = ['accounts', 'auth_methods', 'role_assignments', 'hris_workers'] as const;

export interface ElasticAnalyticsOptions extends Omit<EvaluateOptions, 'analytics'> {
  /** A DuckDB holding the directory and HRIS tables (loaded with `ingest file --source inventory|hris`). */
  directory?: DuckDb;
  forms?: Record<string, EsqlForm>;
  /** Sees every ES|QL query sent, with the analytic it belongs to. */
  onQuery?: (id: string, query: string) => void;
  /** Rows per ES|QL read page (default and maximum: 10,000; tests page with less). */
  pageSize?: number;
}

/**
 * The full ES|QL text of one read: the window on `@timestamp`, the form's condition, a keyset
 * continuation after the last row of the previous page, sorted by time then event id. The rows
 * carry `_id` (the event id) only: values are taken from `_source` afterwards, because ES|QL
 * returns keyword doc values, which the store's lowercase normalizer has folded.
 */
export function readQuery(index: string, read: EsqlRead, after?: { t: string; uid: string }, pageSize: number = ESQL_MAX_ROWS): string {
  const time = [
    read.from ? `@timestamp >= TO_DATETIME(${lit(read.from.toISOString())})` : null,
    read.to ? `@timestamp <= TO_DATETIME(${lit(read.to.toISOString())})` : null,
  ].filter(Boolean);
  return [
    `FROM ${index} METADATA _id`,
    ...(time.length ? [`| WHERE ${time.join(' AND ')}`] : []),
    `| WHERE ${read.where}`,
    // inclusive: event ids are compared as the normalizer folded them, so two ids that differ only in
    // case share a key; re-reading the boundary key (and dropping ids already seen) skips neither
    ...(after ? [`| WHERE @timestamp > TO_DATETIME(${lit(after.t)}) OR (@timestamp == TO_DATETIME(${lit(after.t)}) AND identity.event_uid >= ${lit(after.uid)})`] : []),
    '| SORT @timestamp ASC, identity.event_uid ASC',
    '| KEEP _id, @timestamp, identity.event_uid',
    `| LIMIT ${pageSize}`,
  ].join('\n');
}

async function readIds(cx: FormContext, read: EsqlRead, pageSize: number): Promise<string[]> {
  const ids = new Set<string>();
  let after: { t: string; uid: string } | undefined;
  for (;;) {
    const rows = await cx.query(readQuery(cx.index, read, after, pageSize));
    const before = ids.size;
    for (const r of rows) ids.add(String(r._id));
    if (rows.length < pageSize || ids.size === before) return [...ids];
    const last = rows[rows.length - 1];
    after = { t: String(last['@timestamp']), uid: String(last['identity.event_uid']) };
  }
}

const FETCH = 1000;

/** `_source` of documents by id (the ids query works on data streams; `_id` is unique per event). */
async function sources(store: ElasticStore, index: string, ids: string[], fields: string[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < ids.length; i += FETCH) {
    const chunk = ids.slice(i, i + FETCH);
    const resp = await store.client.search<Record<string, unknown>>({ index, ignore_unavailable: true, size: chunk.length, _source: fields, query: { ids: { values: chunk } } });
    for (const h of resp.hits.hits) if (h._source) out.push(h._source);
  }
  return out;
}

async function clearEvents(db: DuckDb): Promise<void> {
  const tables = await db.all<{ raw_table: string }>('SELECT DISTINCT raw_table FROM identity_events');
  for (const t of tables) if (/^raw_[a-z0-9_]+$/.test(t.raw_table)) await db.run(`DELETE FROM ${ident(t.raw_table)}`);
  await db.run('DELETE FROM identity_events');
}

async function loadEvents(store: ElasticStore, local: DuckDb, ids: string[], rawRecords: boolean): Promise<void> {
  const docs = await sources(store, eventsDataStream(store.ns), ids, ['identity']);
  const events = docs.map((d) => d.identity as Record<string, unknown>);
  if (events.length) await insertJsonRows(local, 'identity_events', JSON.stringify(events));
  if (!rawRecords) return;
  const byTable = new Map<string, string[]>();
  for (const e of events) {
    const t = String(e.raw_table);
    if (!/^raw_[a-z0-9_]+$/.test(t)) continue;
    byTable.set(t, [...(byTable.get(t) ?? []), String(e.raw_uid)]);
  }
  for (const [table, uids] of byTable) {
    const raws = await sources(store, rawDataStream(table.slice(4), store.ns), [...new Set(uids)], ['idtrail', 'event.original', '@timestamp']);
    const rows = raws.map((r) => {
      const m = r.idtrail as Record<string, unknown>;
      return { _uid: m.uid, _tenant: m.tenant, _native_id: m.native_id, _event_time: r['@timestamp'], _ingest_time: m.ingest_time, _batch: m.batch, _json: JSON.parse(String((r.event as { original: string }).original)) };
    });
    if (rows.length) await insertJsonRows(local, table, JSON.stringify(rows));
  }
}

/**
 * The analytics on the Elasticsearch store: each analytic's ES|QL form selects (and narrows) its
 * events inside the cluster; the selected events go into an embedded in-memory DuckDB with the
 * directory tables, where the analytic's own query finishes the detection — the same code that runs
 * on the DuckDB store, so the alerts (ids, entities, counts) are the same.
 */
export async function evaluateAnalyticsOnElastic(store: ElasticStore, opts: ElasticAnalyticsOptions): Promise<Alert[]> {
  const forms = opts.forms ?? ESQL_FORMS;
  const ids = opts.ids ?? Object.keys(ANALYTICS);
  for (const id of ids) {
    if (!ANALYTICS[id]) throw new IdtrailError('usage', `unknown detection id: ${id}`, { hint: `known ids: ${Object.keys(ANALYTICS).join(', ')}` });
    if (!forms[id]) throw new IdtrailError('internal', `detection ${id} has no ES|QL form`, { location: { file: `detections/elastic/analytics/${id}.ts` } });
  }
  // Before the first ingest there is no data stream (and ES|QL rejects an unknown index); the
  // analytics still run, over no events (posture findings come from the directory tables alone).
  const hasEvents = await store.client.indices.exists({ index: eventsDataStream(store.ns) });
  const out: Alert[] = [];
  // One embedded database finishes every analytic of the run; it holds one analytic's events at a time.
  const local = await DuckDbStore.open(':memory:');
  try {
    for (const t of DIRECTORY_TABLES) {
      const rows = opts.directory ? await tableAsJson(opts.directory, t) : null;
      if (rows) await insertJsonRows(local.db, t, rows);
    }
    for (const id of ids) {
      const a = ANALYTICS[id];
      const params = resolveParams(a, opts.params?.[id]);
      const contextFrom = new Date(opts.from.getTime() - a.contextMinutes(params) * 60000);
      const cx: FormContext = {
        index: eventsDataStream(store.ns),
        query: async (q) => {
          opts.onQuery?.(id, q);
          return rowsOf(await esql(store.client, q));
        },
      };
      const reads = hasEvents ? await forms[id].reads(params, { from: opts.from, to: opts.to, contextFrom }, cx) : [];
      const selected = new Set<string>();
      for (const r of reads) for (const uid of await readIds(cx, r, Math.min(opts.pageSize ?? ESQL_MAX_ROWS, ESQL_MAX_ROWS))) selected.add(uid);
      await clearEvents(local.db);
      await loadEvents(store, local.db, [...selected], !!forms[id].rawRecords);
      out.push(...(await evaluateAnalytics(local.db, { ...opts, ids: [id], analytics: ANALYTICS })));
    }
  } finally {
    await local.close();
  }
  return out;
}
