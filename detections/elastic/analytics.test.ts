import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ElasticStore } from '../../store/elastic/store.js';
import { FakeElasticsearch } from '../../test/store/fake-elasticsearch.js';
import { loadInventoryPages } from '../../ingest/sources/inventory.js';
import { loadHrisRecords } from '../../ingest/sources/hris.js';
import { readCaseFile, type DetectionCase } from '../engine/case-runner.js';
import { evaluateAnalytics } from '../engine/evaluate.js';
import { parseAllowlist } from '../engine/allowlist.js';
import { parseParamOverrides } from '../engine/params-file.js';
import { ANALYTICS } from '../analytics/index.js';
import { ESQL_FORMS } from './analytics/index.js';
import { evaluateAnalyticsOnElastic } from './run-analytics.js';

/**
 * Every raw-vendor-event case of every analytic (detections/analytics/<id>.test.yml), ingested whole
 * into the DuckDB store and into the Elasticsearch store (in-memory cluster with the ES|QL subset
 * of fake-esql.ts): the ES|QL form plus its finishing step raise exactly the alerts the DuckDB form
 * raises — ids, entities, counts, evidence, explanations.
 */
const dir = join(import.meta.dirname, '../analytics');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.yml')).sort();

function span(c: DetectionCase): { from: Date; to: Date } {
  const out: number[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) out.push(Date.parse(v));
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach((x) => visit(x, depth + 1));
  };
  for (const e of c.events) visit(e.records, 0);
  for (const i of c.inventory ?? []) out.push(Date.parse(i.snapshot_at));
  const ts = out.filter((n) => Number.isFinite(n));
  return { from: new Date(Math.min(...ts) - 86_400_000), to: new Date(Math.max(...ts) + 86_400_000) };
}

/**
 * Lists whose order DuckDB leaves open (`list(DISTINCT …)`, hash aggregation) are compared as sets:
 * the same store disagrees with itself on their order from one run to the next.
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, canonical(x)]));
  return v;
}

describe('analytics: ES|QL forms', () => {
  it('every analytic has an ES|QL form and every form an analytic', () => {
    expect(Object.keys(ESQL_FORMS).sort()).toEqual(Object.keys(ANALYTICS).sort());
    for (const [id, f] of Object.entries(ESQL_FORMS)) expect(f.id).toBe(id);
  });
});

for (const f of files) {
  describe(`${f} on Elasticsearch`, async () => {
    const doc = await readCaseFile(join(dir, f));
    for (const c of doc.cases) {
      it(`${c.name}: same alerts as DuckDB`, async () => {
        const duck = await DuckDbStore.open(':memory:');
        const fake = new FakeElasticsearch();
        const es = await ElasticStore.open(null, { client: fake.client(), namespace: 'cases' });
        try {
          for (const inv of c.inventory ?? []) {
            await loadInventoryPages(duck, { source: inv.source as never, kind: inv.kind as never, tenant: inv.tenant, snapshotAt: inv.snapshot_at, items: inv.items, userId: inv.user_id, origin: `case:${c.name}` });
          }
          for (const h of c.hris ?? []) await loadHrisRecords(duck, h.records, { preset: h.preset, origin: `case:${c.name}` });
          for (const e of c.events) {
            const lines = e.records.map((r) => JSON.stringify(r));
            const a = await duck.ingestRecords(lines, { source: e.source, tenant: e.tenant, origin: `case:${c.name}` });
            const b = await es.ingestRecords(lines, { source: e.source, tenant: e.tenant, origin: `case:${c.name}` });
            expect(b.stored).toBe(a.stored);
            expect(b.normalized).toBe(a.normalized);
          }
          const { from, to } = span(c);
          const params = c.params ? parseParamOverrides({ [doc.detection]: c.params }) : undefined;
          const allowlist = c.allowlist ? parseAllowlist(c.allowlist) : undefined;
          const opts = { from, to, ids: [doc.detection], params, allowlist, now: to };
          const onDuck = await evaluateAnalytics(duck.db, opts);
          const onEs = await evaluateAnalyticsOnElastic(es, { ...opts, directory: duck.db });
          expect(canonical(onEs)).toEqual(canonical(onDuck));
          expect(onDuck.length).toBe(c.expect.alerts);
          // the events were selected inside the cluster, not copied wholesale
          if (c.events.some((e) => e.records.length > 0)) expect(fake.esqlQueries.length).toBeGreaterThan(0);
        } finally {
          await es.close();
          await duck.close();
        }
      });
    }
  });
}
