import { describe, expect, it } from 'vitest';
import { FakeElasticsearch } from '../../test/store/fake-elasticsearch.js';
import { fixtureLines } from '../../test/store/conformance.js';
import { ElasticStore } from './store.js';
import { eventsDataStream, rawDataStream } from './templates.js';
import { esConnectionFromEnv } from './client.js';

describe('Elasticsearch store contract', () => {
  it('writes raw events into per-stream data streams with the vendor fields at the top level, and ECS + identity.* events', async () => {
    const es = new FakeElasticsearch();
    const store = await ElasticStore.open(null, { client: es.client(), namespace: 'test' });
    const lines = fixtureLines('okta/system_log.ndjson');
    const r = await store.ingestRecords(lines, { source: 'okta', tenant: 'acme.okta.com', origin: 'test' });
    const raw = es.docs(rawDataStream('okta_system_log', 'test'));
    expect(raw.length).toBe(r.stored);
    const first = JSON.parse(lines[0]) as { uuid: string; eventType: string };
    const doc = raw.find((d) => (d.idtrail as { native_id: string }).native_id === first.uuid)!;
    expect(doc.eventType).toBe(first.eventType);
    expect(typeof doc['@timestamp']).toBe('string');
    expect(JSON.parse((doc.event as { original: string }).original)).toEqual(JSON.parse(lines[0]));
    const events = es.docs(eventsDataStream('test'));
    expect(events.length).toBe(r.normalized);
    const ev = events[0] as { event: { kind: string; dataset: string }; identity: { source: string } };
    expect(ev.event).toMatchObject({ kind: 'event', dataset: 'idtrail.events' });
    expect(ev.identity.source).toBe('okta');
    // the templates were installed before the first write, with the lowercase normalizer for Sigma
    expect(JSON.stringify(es.templates.get('idtrail-raw-test'))).toContain('idtrail_lowercase');
    await store.close();
  });

  it('retries bulk items rejected with 429 and whole requests rejected with 429', async () => {
    const es = new FakeElasticsearch();
    const store = await ElasticStore.open(null, { client: es.client(), namespace: 'retry' });
    es.itemRejections = 3;
    es.requestRejections = 1;
    const lines = fixtureLines('google_workspace/activities.ndjson');
    const r = await store.ingestRecords(lines, { source: 'google_workspace', tenant: 'C01abc', origin: 'test' });
    expect(r.stored + r.quarantined).toBe(lines.length);
    expect(r.stored).toBeGreaterThan(0);
    expect(es.itemRejections).toBe(0);
    expect(es.requestRejections).toBe(0);
    await store.close();
  });

  it('quarantines an event that the cluster rejects, with the reason', async () => {
    const es = new FakeElasticsearch();
    const store = await ElasticStore.open(null, { client: es.client(), namespace: 'strict' });
    // make the okta raw stream strict, as a cluster admin might
    const t = es.templates.get('idtrail-raw-strict') as { template: { mappings: Record<string, unknown> } };
    t.template.mappings = { dynamic: 'strict', properties: { '@timestamp': { type: 'date' }, event: { type: 'object' }, idtrail: { type: 'object' } } };
    const lines = fixtureLines('okta/system_log.ndjson').slice(0, 2);
    const r = await store.ingestRecords(lines, { source: 'okta', tenant: 'acme.okta.com', origin: 'test' });
    expect(r).toMatchObject({ received: 2, stored: 0, quarantined: 2 });
    const q = es.docs('idtrail-strict-quarantine');
    expect(q.map((d) => d.reason)).toEqual(['rejected_by_elasticsearch:strict_dynamic_mapping_exception', 'rejected_by_elasticsearch:strict_dynamic_mapping_exception']);
    expect(JSON.parse(String(q[0].raw_text))).toEqual(JSON.parse(lines[0]));
    await store.close();
  });

  it('takes credentials from the environment, never from the URL', () => {
    expect(() => esConnectionFromEnv({}, {})).toThrow(/no Elasticsearch URL/);
    expect(() => esConnectionFromEnv({ url: 'https://elastic:hunter2@es:9200' }, {})).toThrow(/not in the URL/);
    try {
      esConnectionFromEnv({ url: 'https://elastic:hunter2@es:9200' }, {});
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('hunter2');
    }
    const c = esConnectionFromEnv({}, { ELASTICSEARCH_URL: 'https://es:9200/', ELASTICSEARCH_API_KEY: 'a2V5OnNlY3JldA==' });
    expect(c).toMatchObject({ url: 'https://es:9200', apiKey: 'a2V5OnNlY3JldA==' });
  });
});
