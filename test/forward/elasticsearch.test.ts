import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { forwardPending } from '../../detections/forward/outbox.js';
import { parseSinkUrl, type ElasticsearchSinkSpec } from '../../detections/forward/url.js';
import { elasticsearchSink } from '../../detections/forward/elasticsearch.js';
import { FakeElasticsearch } from './es-server.js';
import { alertSet } from './alerts.js';

// The mock checks `instanceof` against the CommonJS build of the client, so its errors come from there.
const require = createRequire(import.meta.url);
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
type MockPattern = import('@elastic/elasticsearch-mock').MockPattern;
const Mock = require('@elastic/elasticsearch-mock') as new () => {
  add(pattern: MockPattern, resolver: (params: MockPattern) => unknown): void;
  getConnection(): never;
};

const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';
const DS = 'logs-idtrail.alerts-default';
const later = (ms: number) => () => new Date(Date.now() + ms);
const noJitter = { backoff: { baseMs: 1000, capMs: 60_000 }, random: () => 0 };

let es: FakeElasticsearch | undefined;
afterEach(async () => {
  await es?.stop();
  es = undefined;
  delete process.env.ELASTICSEARCH_API_KEY;
  delete process.env.ELASTICSEARCH_PASSWORD;
});

function spec(extra = ''): ElasticsearchSinkSpec {
  return parseSinkUrl(`elasticsearch+http://${extra}127.0.0.1:${es!.server.port}`) as ElasticsearchSinkSpec;
}

describe('elasticsearch sink against the bulk and data stream contract', () => {
  it('creates the template and data stream, then bulk-creates ECS documents with _id = alert id', async () => {
    es = new FakeElasticsearch({ apiKey: API_KEY });
    await es.start();
    process.env.ELASTICSEARCH_API_KEY = API_KEY;
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(8);
    await store.upsertAlerts(alerts, ['elasticsearch']);
    const [r] = await forwardPending(store, [elasticsearchSink(spec())], { batchSize: 5 });
    expect(r).toMatchObject({ delivered: 8, failed: 0 });
    const template = es.templates.get('logs-idtrail.alerts')!;
    expect(template.index_patterns).toEqual(['logs-idtrail.alerts-*']);
    expect(template.data_stream).toEqual({});
    expect(template.priority).toBeGreaterThan(100);
    const docs = es.docs(DS);
    expect([...docs.keys()].sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    const d = docs.get(alerts[0].alert_id) as any;
    expect(d.event).toMatchObject({ kind: 'alert', id: alerts[0].alert_id });
    expect(d.rule.id).toBe('impossible_travel');
    expect(d.threat.technique.subtechnique.id).toEqual(['T1078.004']);
    expect(d.data_stream).toEqual({ type: 'logs', dataset: 'idtrail.alerts', namespace: 'default' });
    expect(es.authHeaders.every((h) => h === `ApiKey ${API_KEY}`)).toBe(true);
    await store.close();
  });

  it('partial bulk failure: only the failed items are queued again; 409 counts as delivered', async () => {
    es = new FakeElasticsearch();
    await es.start();
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(6);
    await store.upsertAlerts(alerts, ['elasticsearch']);
    es.failItemsOnce.set(alerts[1].alert_id, 429);
    es.failItemsOnce.set(alerts[4].alert_id, 503);
    const sink = elasticsearchSink(spec());
    const [r1] = await forwardPending(store, [sink], noJitter);
    expect(r1).toMatchObject({ delivered: 4, failed: 2 });
    expect(r1.errors.join('\n')).toMatch(/item 429 es_rejected_execution_exception/);
    expect(r1.errors.join('\n')).toMatch(/item 503 unavailable_shards_exception/);
    const pending = await store.pendingOutbox('elasticsearch', 10, later(5_000)());
    expect(pending.map((p) => p.alert_id).sort()).toEqual([alerts[1].alert_id, alerts[4].alert_id].sort());
    // Pretend a crash lost the "delivered" mark of one document: it is sent again and ES answers 409.
    await store.db.run(`UPDATE outbox SET delivered_at = NULL WHERE alert_id = $1`, [alerts[0].alert_id]);
    const [r2] = await forwardPending(store, [sink], { ...noJitter, now: later(5_000) });
    expect(r2).toMatchObject({ delivered: 3, failed: 0 });
    expect(es.createAttempts.filter((id) => id === alerts[0].alert_id).length).toBe(2);
    expect(es.docs(DS).size).toBe(6);
    expect((await store.sinkStatus())[0]).toMatchObject({ queued: 0, delivered: 6, failing_since: null });
    await store.close();
  });

  it('a whole-request 429 keeps the batch queued with backoff', async () => {
    es = new FakeElasticsearch();
    await es.start();
    es.rejectNext = 1;
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(3), ['elasticsearch']);
    const sink = elasticsearchSink(spec());
    const [r1] = await forwardPending(store, [sink], noJitter);
    expect(r1).toMatchObject({ delivered: 0, failed: 3 });
    expect(r1.errors[0]).toMatch(/HTTP 429 es_rejected_execution_exception/);
    const [r2] = await forwardPending(store, [sink], { ...noJitter, now: later(5_000) });
    expect(r2.delivered).toBe(3);
    await store.close();
  });

  it('basic auth from the environment; a wrong password is a 401 that never shows the password', async () => {
    es = new FakeElasticsearch({ basic: { username: 'idtrail_writer', password: 'correct-horse-battery' } });
    await es.start();
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(2), ['elasticsearch']);
    expect(() => elasticsearchSink(spec('idtrail_writer@'))).toThrow(/password of Elasticsearch user idtrail_writer is not set/);
    process.env.ELASTICSEARCH_PASSWORD = 'wrong-horse-battery';
    const [r1] = await forwardPending(store, [elasticsearchSink(spec('idtrail_writer@'))], noJitter);
    expect(r1.failed).toBe(2);
    expect(r1.errors[0]).toMatch(/HTTP 401/);
    const status = await store.sinkStatus();
    expect(JSON.stringify([r1, status])).not.toMatch(/wrong-horse-battery|d3Jvbmct/);
    process.env.ELASTICSEARCH_PASSWORD = 'correct-horse-battery';
    const [r2] = await forwardPending(store, [elasticsearchSink(spec('idtrail_writer@'))], { ...noJitter, now: later(5_000) });
    expect(r2.delivered).toBe(2);
    await store.close();
  });

  it('works through the official client with @elastic/elasticsearch-mock', async () => {
    const mock = new Mock();
    const calls: string[] = [];
    let template = false;
    let stream = false;
    mock.add({ method: 'HEAD', path: '/_index_template/logs-idtrail.alerts' }, () => {
      calls.push('HEAD template');
      return template ? '' : new errors.ResponseError({ body: '', statusCode: 404, headers: {}, warnings: null, meta: {} as never });
    });
    mock.add({ method: 'PUT', path: '/_index_template/logs-idtrail.alerts' }, (p) => {
      calls.push('PUT template');
      template = true;
      expect((p.body as any).data_stream).toEqual({});
      return { acknowledged: true };
    });
    mock.add({ method: 'GET', path: `/_data_stream/${DS}` }, () => {
      calls.push('GET stream');
      return stream
        ? { data_streams: [{ name: DS }] }
        : new errors.ResponseError({ body: { error: { type: 'index_not_found_exception', reason: `no such index [${DS}]` }, status: 404 }, statusCode: 404, headers: {}, warnings: null, meta: {} as never });
    });
    mock.add({ method: 'PUT', path: `/_data_stream/${DS}` }, () => {
      calls.push('PUT stream');
      stream = true;
      return { acknowledged: true };
    });
    let bulkBody: any[] = [];
    mock.add({ method: 'POST', path: '/_bulk' }, (p) => {
      calls.push('POST bulk');
      bulkBody = p.body as any[];
      const items = [];
      for (let i = 0; i < bulkBody.length; i += 2) {
        const id = bulkBody[i].create._id;
        items.push(i === 2 ? { create: { _index: DS, _id: id, status: 409, error: { type: 'version_conflict_engine_exception', reason: 'document already exists' } } }
          : i === 4 ? { create: { _index: DS, _id: id, status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field [source.ip] of type [ip]' } } }
          : { create: { _index: DS, _id: id, status: 201, result: 'created' } });
      }
      return { took: 1, errors: true, items };
    });
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(4);
    await store.upsertAlerts(alerts, ['elasticsearch']);
    const sink = elasticsearchSink(parseSinkUrl('elasticsearch+http://localhost:9200') as ElasticsearchSinkSpec, { clientOptions: { Connection: mock.getConnection() } });
    const [r] = await forwardPending(store, [sink], noJitter);
    expect(calls.slice(0, 5)).toEqual(['HEAD template', 'PUT template', 'GET stream', 'PUT stream', 'POST bulk']);
    expect(bulkBody.length).toBe(8);
    expect(bulkBody[0]).toEqual({ create: { _index: DS, _id: bulkBody[1].event.id } });
    expect(r).toMatchObject({ delivered: 3, failed: 1 });
    expect(r.errors[0]).toMatch(/item 400 document_parsing_exception/);
    const left = await store.pendingOutbox('elasticsearch', 10, later(10_000)());
    expect(left.map((l) => l.alert_id)).toEqual([bulkBody[5].event.id]);
    await sink.close();
    await store.close();
  });
});
