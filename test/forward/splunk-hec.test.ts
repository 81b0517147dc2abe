import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { forwardPending } from '../../detections/forward/outbox.js';
import { parseSinkUrl, type SplunkHecSinkSpec } from '../../detections/forward/url.js';
import { splunkHecSink } from '../../detections/forward/splunk_hec.js';
import { FakeSplunkHec, splitConcatenated } from './hec-server.js';
import { alertSet } from './alerts.js';
import { redactSecrets } from '../../lib/log.js';

const TOKEN = '6b1d7e0a-3c2f-4e9a-9f1d-2b8c4a7e5d31';
const ACK_TOKEN = 'a0c1e2f3-0000-4abc-8def-0123456789ab';
const noJitter = { backoff: { baseMs: 1000, capMs: 60_000 }, random: () => 0 };

let hec: FakeSplunkHec;
afterEach(async () => {
  await hec?.stop();
  delete process.env.SPLUNK_HEC_TOKEN;
});

function spec(query = ''): SplunkHecSinkSpec {
  return parseSinkUrl(`splunk-hec+http://127.0.0.1:${hec.server.port}?index=identity${query}`) as SplunkHecSinkSpec;
}

describe('splunk_hec sink against a HEC that follows the documented contract', () => {
  it('sends the HEC envelope with token auth and the alert id, batched', async () => {
    hec = new FakeSplunkHec({ [TOKEN]: {} });
    await hec.start();
    process.env.SPLUNK_HEC_TOKEN = TOKEN;
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(7);
    await store.upsertAlerts(alerts, ['splunk_hec']);
    const [r] = await forwardPending(store, [splunkHecSink(spec())], { batchSize: 3 });
    expect(r).toMatchObject({ delivered: 7, failed: 0 });
    expect(hec.requests.filter((q) => q.path === '/services/collector/event').length).toBe(3);
    expect(hec.requests[0].authorization).toBe(`Splunk ${TOKEN}`);
    expect(hec.requests[0].channel).toMatch(/^[0-9a-f-]{36}$/);
    const e = hec.events.find((x) => (x.event as { alert_id: string }).alert_id === alerts[0].alert_id)!;
    expect(e).toMatchObject({ time: Date.parse(alerts[0].created_at) / 1000, source: 'idtrail', sourcetype: 'idtrail:alert', index: 'identity' });
    expect(e.fields).toMatchObject({ alert_id: alerts[0].alert_id, rule_id: 'impossible_travel', severity: 'high', mitre_technique_id: ['T1078.004'] });
    expect(typeof e.host).toBe('string');
    expect(new Set(hec.events.map((x) => (x.event as { alert_id: string }).alert_id)).size).toBe(7);
    expect((await store.sinkStatus())[0]).toMatchObject({ queued: 0, delivered: 7, failing_since: null });
    await store.close();
  });

  it('waits for indexer acknowledgement on the channel before marking delivered', async () => {
    hec = new FakeSplunkHec({ [ACK_TOKEN]: { ack: true } });
    hec.ackAfterQueries = 2;
    await hec.start();
    process.env.SPLUNK_HEC_TOKEN = ACK_TOKEN;
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(4), ['splunk_hec']);
    const [r] = await forwardPending(store, [splunkHecSink(spec('&ack=true'))]);
    expect(r).toMatchObject({ delivered: 4, failed: 0 });
    const acks = hec.requests.filter((q) => q.path === '/services/collector/ack');
    expect(acks.length).toBe(2);
    expect(acks[0].channel).toBe(hec.requests[0].channel);
    await store.close();
  });

  it('an unacknowledged batch stays queued', async () => {
    hec = new FakeSplunkHec({ [ACK_TOKEN]: { ack: true } });
    hec.ackAfterQueries = 1000;
    await hec.start();
    process.env.SPLUNK_HEC_TOKEN = ACK_TOKEN;
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(2), ['splunk_hec']);
    const [r] = await forwardPending(store, [splunkHecSink(spec('&ack=true&ack_timeout_ms=600'))], noJitter);
    expect(r.failed).toBe(2);
    expect(r.errors[0]).toMatch(/not acknowledged within 600 ms/);
    expect((await store.sinkStatus())[0].queued).toBe(2);
    await store.close();
  });

  it('a bad token is a 403 with HEC code 4, retried later, and the token never shows in errors', async () => {
    hec = new FakeSplunkHec({ [TOKEN]: {} });
    await hec.start();
    const wrong = 'ffffffff-bad0-4bad-8bad-badbadbadbad';
    process.env.SPLUNK_HEC_TOKEN = wrong;
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(2), ['splunk_hec']);
    const [r] = await forwardPending(store, [splunkHecSink(spec())], noJitter);
    expect(r.failed).toBe(2);
    expect(r.errors[0]).toMatch(/HTTP 403 code 4 Invalid token \(check the HEC token in SPLUNK_HEC_TOKEN\)/);
    const st = (await store.sinkStatus())[0];
    expect(st.last_error).toMatch(/Invalid token/);
    expect(JSON.stringify([r, st])).not.toContain(wrong);
    expect(redactSecrets(`Authorization: Splunk ${wrong}`)).not.toContain(wrong);
    await store.close();
  });

  it('401 when the token is missing or malformed', async () => {
    hec = new FakeSplunkHec({ [TOKEN]: {} });
    await hec.start();
    const bare = await fetch(`${hec.server.url}/services/collector/event`, { method: 'POST', body: '{"event":"x"}' });
    expect([bare.status, await bare.json()]).toEqual([401, { text: 'Token is required', code: 2 }]);
    const odd = await fetch(`${hec.server.url}/services/collector/event`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"event":"x"}' });
    expect([odd.status, await odd.json()]).toEqual([401, { text: 'Invalid authorization', code: 3 }]);
  });

  it('503 server busy keeps the batch queued; the next run delivers it', async () => {
    hec = new FakeSplunkHec({ [TOKEN]: {} });
    hec.busy = 1;
    await hec.start();
    process.env.SPLUNK_HEC_TOKEN = TOKEN;
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(3), ['splunk_hec']);
    const sink = splunkHecSink(spec());
    const [r1] = await forwardPending(store, [sink], noJitter);
    expect(r1).toMatchObject({ delivered: 0, failed: 3 });
    expect(r1.errors[0]).toMatch(/HTTP 503 code 9 Server is busy/);
    expect((await store.sinkStatus())[0].failing_since).not.toBeNull();
    // not due yet: nothing is attempted
    expect((await forwardPending(store, [sink], noJitter))[0].attempted).toBe(0);
    const [r2] = await forwardPending(store, [sink], { ...noJitter, now: () => new Date(Date.now() + 5_000) });
    expect(r2).toMatchObject({ delivered: 3, failed: 0 });
    expect((await store.sinkStatus())[0]).toMatchObject({ queued: 0, failing_since: null, last_error: null });
    await store.close();
  });

  it('an invalid event in a batch: the ones before it are indexed, the rest retried', async () => {
    hec = new FakeSplunkHec({ [TOKEN]: {} });
    await hec.start();
    const raw = await fetch(`${hec.server.url}/services/collector/event`, {
      method: 'POST',
      headers: { authorization: `Splunk ${TOKEN}` },
      body: '{"event":{"a":1}}{"event":{"a":2}}{"time":1}{"event":{"a":4}}',
    });
    expect(await raw.json()).toEqual({ text: 'Event field is required', code: 12, 'invalid-event-number': 2 });
    expect(hec.events.length).toBe(2);
    expect(splitConcatenated('{"a":"}{"}\n{"b":2}')).toEqual(['{"a":"}{"}', '{"b":2}']);

    hec.events.length = 0;
    process.env.SPLUNK_HEC_TOKEN = TOKEN;
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(5);
    await store.upsertAlerts(alerts, ['splunk_hec']);
    const bad = alerts[2].alert_id;
    hec.rejectOnce = (obj) => (obj.event as { alert_id?: string }).alert_id === bad;
    const sink = splunkHecSink(spec());
    const [r1] = await forwardPending(store, [sink], noJitter);
    // the batch goes in outbox order; everything before the bad event is indexed, it and the rest are not
    const order = (await store.db.all<{ alert_id: string }>("SELECT alert_id FROM outbox ORDER BY alert_id")).map((r) => r.alert_id);
    expect([r1.delivered, r1.failed]).toEqual([order.indexOf(bad), 5 - order.indexOf(bad)]);
    expect(r1.errors.join("\n")).toMatch(/HTTP 400 code 6 Invalid data format/);
    const [r2] = await forwardPending(store, [sink], { ...noJitter, now: () => new Date(Date.now() + 5_000) });
    expect([r2.delivered, r2.failed]).toEqual([5 - order.indexOf(bad), 0]);
    expect(hec.events.map((e) => (e.event as { alert_id: string }).alert_id).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    await store.close();
  });
});
