import type { ElasticStore } from '../../store/elastic/store.js';
import { compileCorrelationEsql, compileElasticsearch, compileMemory, corrEventOf, correlateMemory, EsUnsupported, type CorrelationAlert, type CorrEvent, type RulePack } from '../sigma/index.js';
import type { SigmaCorrelation } from '../sigma/types.js';
import { ESQL_MAX_ROWS, esql, isRejectedQuery, lit, rowsOf } from './esql.js';
import { logger } from '../../lib/log.js';
import { rawDataStream } from '../../store/elastic/templates.js';
import { rawHits } from './run-sigma.js';

type Packed = RulePack['correlations'][number];

/** ES|QL rejects a FROM naming a data stream that does not exist yet (nothing ingested for it). */
async function allExist(store: ElasticStore, packed: Packed): Promise<boolean> {
  for (const p of new Set([...packed.refs.values()].map((x) => rawDataStream(x.stream.name, store.ns)))) {
    if (!(await store.client.indices.exists({ index: p }))) return false;
  }
  return true;
}

/**
 * The compiled ES|QL of a correlation, limited to the run window on `@timestamp` (the raw
 * documents' event time, which is what the DuckDB target windows on).
 */
export function correlationQuery(packed: Packed, ns: string, opts: { since: Date; until: Date }): string {
  const lines = compileCorrelationEsql(packed.correlation, packed.refs).split('\n');
  const at = lines.findIndex((l) => l.startsWith('FROM '));
  // the compiler names the generic per-stream index; the store writes one data stream per stream and namespace
  const streams = [...new Set([...packed.refs.values()].map((p) => rawDataStream(p.stream.name, ns)))];
  lines[at] = `FROM ${streams.join(', ')}`;
  lines.splice(at + 1, 0, `| WHERE @timestamp >= TO_DATETIME(${lit(opts.since.toISOString())}) AND @timestamp < TO_DATETIME(${lit(opts.until.toISOString())})`);
  const groups = packed.correlation.groupBy.map((_g, i) => `g${i}`);
  // only the candidate groups are needed, each once; without LIMIT ES|QL would return 1000 rows at most
  if (groups.length) lines.push(`| STATS BY ${groups.join(', ')}`, `| LIMIT ${ESQL_MAX_ROWS}`);
  else lines.push('| STATS n = COUNT(*)', '| WHERE n > 0', `| LIMIT ${ESQL_MAX_ROWS}`);
  return lines.join('\n');
}

/**
 * ES|QL counts over buckets of twice the timespan on two shifted grids: every sliding window lies
 * inside one bucket, so a bucket's count, distinct count or distinct-rule count is at least the
 * window's. With only `gt`/`gte` conditions on those metrics, the groups ES|QL returns are
 * therefore a superset of the groups that can fire; any other condition (lt, eq, sums, averages)
 * is not monotone in the bucket, and the exact step reads every group. Distinct counts rely on
 * COUNT_DISTINCT being exact below its precision threshold (3000 by default; Elasticsearch counts
 * exactly there, short of a 32-bit hash collision between two values of one group).
 */
export function narrowingIsSound(corr: SigmaCorrelation): boolean {
  return ['event_count', 'value_count', 'temporal'].includes(corr.correlationType) && corr.conditions.every((c) => c.op === 'gt' || c.op === 'gte');
}

/** Group values as ES|QL returns them: from keyword doc values, lower-cased by the store's normalizer. */
const groupKey = (g: Array<string | null>): string => JSON.stringify(g.map((v) => (v === null ? null : v.toLowerCase())));

/**
 * Correlation rules inside the cluster: the compiled ES|QL finds the candidate groups (when that
 * narrowing is sound); then the referenced rules' matching raw records of those groups are read
 * (query DSL, or the in-memory matcher for a rule without one) and the exact sliding windows are
 * computed here — the same windows and merge as the DuckDB target, so the same alerts.
 */
export async function runCorrelationsOnElastic(
  store: ElasticStore,
  pack: RulePack,
  opts: { since: Date; until: Date; onQuery?: (query: string) => void },
): Promise<CorrelationAlert[]> {
  const out: CorrelationAlert[] = [];
  for (const packed of pack.correlations) {
    const corr = packed.correlation;
    let candidates: Set<string> | null = null;
    let compiled: string | null = null;
    try {
      compiled = correlationQuery(packed, store.ns, opts);
    } catch (err) {
      if (!(err instanceof EsUnsupported)) throw err;
    }
    if (compiled && narrowingIsSound(corr) && (await allExist(store, packed))) {
      opts.onQuery?.(compiled);
      let rows: Record<string, unknown>[] | null = null;
      try {
        rows = rowsOf(await esql(store.client, compiled));
      } catch (err) {
        // A field no document has brought into the mapping yet is an unknown column to ES|QL. The
        // narrowing is only a shortcut: without it every group is read, and the result is the same.
        if (!isRejectedQuery(err)) throw err;
        logger().child({ component: 'elastic-correlations' }).warn({ rule: corr.id ?? corr.title, err: (err as Error).message }, 'correlation ES|QL refused by the cluster; reading every group');
      }
      // a truncated answer is no superset: read every group then
      if (rows && rows.length < ESQL_MAX_ROWS) candidates = new Set(rows.map((r) => JSON.stringify(corr.groupBy.map((_g, i) => (r[`g${i}`] === null || r[`g${i}`] === undefined ? null : String(r[`g${i}`]).toLowerCase())))));
      if (candidates?.size === 0) continue;
    }
    const events: CorrEvent[] = [];
    for (const ref of corr.rules) {
      const prepared = packed.refs.get(ref);
      if (!prepared) continue;
      let query: Record<string, unknown> = { match_all: {} };
      let predicate: ((r: unknown) => boolean) | null = null;
      try {
        query = compileElasticsearch(prepared).query as Record<string, unknown>;
      } catch (err) {
        if (!(err instanceof EsUnsupported)) throw err;
        predicate = compileMemory(prepared);
      }
      for await (const src of rawHits(store, prepared.stream.name, query, { since: opts.since, until: opts.until, original: true })) {
        let record: unknown;
        try {
          record = JSON.parse(src.event?.original ?? 'null');
        } catch {
          continue;
        }
        if (predicate && !predicate(record)) continue;
        const e = corrEventOf(corr, ref, prepared, record, src.idtrail.uid);
        if (!e) continue;
        // the DuckDB target windows on the stored event time, which is the document's @timestamp
        e.time = Date.parse(src['@timestamp']);
        if (candidates && !candidates.has(groupKey(e.group))) continue;
        events.push(e);
      }
    }
    out.push(...correlateMemory(corr, events));
  }
  return out;
}
