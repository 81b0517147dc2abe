import { compileElasticsearch, compileMemory, EsUnsupported, type PreparedRule, type RuleMatch } from '../sigma/index.js';
import type { ElasticStore } from '../../store/elastic/store.js';
import { rawDataStream } from '../../store/elastic/templates.js';

export interface ElasticRuleRun {
  matches: RuleMatch[];
  /**
   * Rules that have no query DSL form, with the reason. With `memoryFallback` they still run: the
   * window's raw records of their stream are read and matched here by the in-memory matcher (the
   * one the DuckDB target is conformance-tested against), and their matches are in `matches`.
   */
  unsupported: { rule_id: string; reason: string }[];
}

type RawHit = { idtrail: { uid: string; tenant: string; batch: number }; '@timestamp': string; event?: { original?: string } };

/** Raw documents of a stream in the window matching a query, in `@timestamp`, uid order (search_after paging). */
export async function* rawHits(store: ElasticStore, stream: string, query: Record<string, unknown>, opts: { since: Date; until: Date; original?: boolean }): AsyncGenerator<RawHit> {
  let after: unknown[] | undefined;
  for (;;) {
    const resp = await store.client.search<RawHit>({
      index: rawDataStream(stream, store.ns),
      ignore_unavailable: true,
      size: PAGE,
      _source: ['idtrail.uid', 'idtrail.tenant', 'idtrail.batch', '@timestamp', ...(opts.original ? ['event.original'] : [])],
      query: { bool: { filter: [query, { range: { '@timestamp': { gte: opts.since.toISOString(), lt: opts.until.toISOString() } } }] } },
      sort: [{ '@timestamp': { order: 'asc' } }, { 'idtrail.uid': { order: 'asc' } }],
      ...(after ? { search_after: after as never } : {}),
    });
    const hits = resp.hits.hits;
    for (const h of hits) if (h._source) yield h._source;
    if (hits.length < PAGE) return;
    after = hits[hits.length - 1].sort as unknown[];
  }
}

const PAGE = 1000;

/**
 * Runs single-event Sigma rules inside the cluster: each rule's compiled query DSL against its raw
 * stream's data stream, limited to the window by `@timestamp`, paged with `search_after`. The matches
 * have the same shape as the DuckDB rule pack's (`runRulePack`), so alerts are built from them by the
 * same code whichever store holds the events.
 */
export async function runSigmaOnElastic(store: ElasticStore, rules: PreparedRule[], opts: { since: Date; until: Date; memoryFallback?: boolean }): Promise<ElasticRuleRun> {
  const matches: RuleMatch[] = [];
  const unsupported: ElasticRuleRun['unsupported'] = [];
  for (const prepared of rules) {
    const r = prepared.rule;
    const ruleId = r.id ?? r.name ?? r.title;
    let query: Record<string, unknown>;
    let predicate: ((record: unknown) => boolean) | null = null;
    try {
      query = compileElasticsearch(prepared).query as Record<string, unknown>;
    } catch (err) {
      if (!(err instanceof EsUnsupported)) throw err;
      unsupported.push({ rule_id: ruleId, reason: err.message });
      if (!opts.memoryFallback) continue;
      query = { match_all: {} };
      predicate = compileMemory(prepared);
    }
    for await (const src of rawHits(store, prepared.stream.name, query, { ...opts, original: predicate !== null })) {
      if (predicate) {
        let record: unknown;
        try {
          record = JSON.parse(src.event?.original ?? 'null');
        } catch {
          continue;
        }
        if (!predicate(record)) continue;
      }
      matches.push({
        rule_id: ruleId,
        rule_title: r.title,
        rule_author: r.author ?? null,
        level: r.level ?? null,
        tags: r.tags,
        raw_table: `raw_${prepared.stream.name}`,
        _uid: src.idtrail.uid,
        tenant: src.idtrail.tenant,
        event_time: src['@timestamp'] ?? null,
        batch: Number(src.idtrail.batch ?? 0),
      });
    }
  }
  return { matches, unsupported };
}
