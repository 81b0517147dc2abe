import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ElasticStore } from '../../store/elastic/store.js';
import { FakeElasticsearch } from '../../test/store/fake-elasticsearch.js';
import { fixtureLines } from '../../test/store/conformance.js';
import { buildRulePack, compileElasticsearch, loadRules, runRulePack } from '../sigma/index.js';
import { projectRoot } from '../../lib/paths.js';
import { runSigmaOnElastic } from './run-sigma.js';
import { esConnectionFromEnv } from '../../store/elastic/client.js';

const FEEDS: [string, string, string][] = [
  ['okta', 'acme.okta.com', 'okta/system_log.ndjson'],
  ['entra', 'contoso', 'entra/signins.ndjson'],
  ['entra', 'contoso', 'entra/directory_audits.ndjson'],
  ['google_workspace', 'C01abc', 'google_workspace/activities.ndjson'],
];

// The in-memory cluster evaluates term, terms, wildcard, prefix, regexp, range, exists and bool;
// rules whose query needs query_string or a script are compared only on a real cluster (live suite).
const FAKE_CAN_RUN = (q: unknown) => !/"(query_string|script)"/.test(JSON.stringify(q));

async function compareWithDuckDb(es: ElasticStore, canRun: (q: unknown) => boolean): Promise<void> {
    const root = projectRoot();
    const loaded = await loadRules([path.join(root, 'detections', 'rules'), path.resolve(root, '..', 'shared', 'sigma')]);
    const pack = buildRulePack(loaded);
    const duck = await DuckDbStore.open(':memory:');
    for (const [source, tenant, file] of FEEDS) {
      const lines = fixtureLines(file);
      await duck.ingestRecords(lines, { source, tenant, origin: file });
      await es.ingestRecords(lines, { source, tenant, origin: file });
    }
    const window = { since: new Date('2000-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') };
    const comparable = pack.rules.filter((r) => {
      try {
        return canRun(compileElasticsearch(r).query);
      } catch {
        return false;
      }
    });
    expect(comparable.length).toBeGreaterThan(100);
    const onDuck = await runRulePack(duck.db, comparable, window);
    const onEs = await runSigmaOnElastic(es, comparable, window);
    expect(onEs.unsupported).toEqual([]);
    const key = (m: { rule_id: string; _uid: string }) => `${m.rule_id} ${m._uid}`;
    expect(onEs.matches.map(key).sort()).toEqual(onDuck.matches.map(key).sort());
    // not vacuous: the catalogue's own rules fire on these fixtures
    expect(new Set(onDuck.matches.map((m) => m.rule_id)).size).toBeGreaterThan(2);
    await duck.close();
    await es.close();
}

describe('Sigma rules inside Elasticsearch', () => {
  it('match the same events as on DuckDB, rule by rule (contract, in-memory cluster)', async () => {
    await compareWithDuckDb(await ElasticStore.open(null, { client: new FakeElasticsearch().client(), namespace: 'sigma' }), FAKE_CAN_RUN);
  });

  // Opt-in: every rule with an Elasticsearch form, on a real cluster (ELASTICSEARCH_URL).
  it.skipIf(!process.env.ELASTICSEARCH_URL)('match the same events as on DuckDB on a live cluster — skipped unless ELASTICSEARCH_URL is set', async () => {
    const es = await ElasticStore.open(esConnectionFromEnv(), { namespace: `sigma${Date.now().toString(36)}` });
    await compareWithDuckDb(es, () => true);
  });
});
