import { compileElasticsearch, EsUnsupported, type PreparedRule, type RuleMatch } from '../sigma/index.js';
import type { ElasticStore } from '../../store/elastic/store.js';
import { rawDataStream } from '../../store/elastic/templates.js';

export interface ElasticRuleRun {
  matches: RuleMatch[];
  /** Rules that have no Elasticsearch form, with the reason. */
  unsupported: { rule_id: string; reason: string }[];
}

const PAGE = 1000;

/**
 * Runs single-event Sigma rules inside the cluster: each rule's compiled query DSL against its raw
 * stream's data stream, limited to the window by `@timestamp`, paged with `search_after`. The matches
 * have the same shape as the DuckDB rule pack's (`runRulePack`), so alerts are built from them by the
 * same code whichever store holds the events.
 */
export async function runSigmaOnElastic(store: ElasticStore, rules: PreparedRule[], opts: { since: Date; until: Date }): Promise<ElasticRuleRun> {
  const matches: RuleMatch[] = [];
  const unsupported: ElasticRuleRun['unsupported'] = [];
  for (const prepared of rules) {
    const r = prepared.rule;
    const ruleId = r.id ?? r.name ?? r.title;
    let query: Record<string, unknown>;
    try {
      query = compileElasticsearch(prepared).query as Record<string, unknown>;
    } catch (err) {
      if (err instanceof EsUnsupported) {
        unsupported.push({ rule_id: ruleId, reason: err.message });
        continue;
      }
      throw err;
    }
    const index = rawDataStream(prepared.stream.name, store.ns);
    let after: unknown[] | undefined;
    for (;;) {
      const resp = await store.client.search<{ idtrail: { uid: string; tenant: string; batch: number }; '@timestamp': string }>({
        index,
        ignore_unavailable: true,
        size: PAGE,
        _source: ['idtrail.uid', 'idtrail.tenant', 'idtrail.batch', '@timestamp'],
        query: { bool: { filter: [query, { range: { '@timestamp': { gte: opts.since.toISOString(), lt: opts.until.toISOString() } } }] } },
        sort: [{ '@timestamp': { order: 'asc' } }, { 'idtrail.uid': { order: 'asc' } }],
        ...(after ? { search_after: after as never } : {}),
      });
      const hits = resp.hits.hits;
      for (const h of hits) {
        const src = h._source!;
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
      if (hits.length < PAGE) break;
      after = hits[hits.length - 1].sort as unknown[];
    }
  }
  return { matches, unsupported };
}
