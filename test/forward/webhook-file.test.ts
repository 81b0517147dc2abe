import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { forwardPending } from '../../detections/forward/outbox.js';
import { openSink } from '../../detections/forward/registry.js';
import { alertSet, mfaFatigue } from './alerts.js';
import { RestartableServer, sendJson } from './http-util.js';

const SECRET = 'whsec_5f0c1d2e3b4a59687766554433221100';

interface Received {
  headers: Record<string, string>;
  body: string;
}

let server: RestartableServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  delete process.env.IDTRAIL_WEBHOOK_SECRET;
});

function receiver(): { got: Received[]; status: { next: number[] } } {
  const got: Received[] = [];
  const status = { next: [] as number[] };
  server = new RestartableServer((req, body, res) => {
    const code = status.next.shift() ?? 200;
    if (code !== 200) return sendJson(res, code, { ok: false, error: 'rate_limited' }, code === 429 ? { 'retry-after': '2' } : {});
    got.push({ headers: req.headers as Record<string, string>, body: body.toString('utf8') });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  return { got, status };
}

describe('webhook sink', () => {
  it('signs each JSON alert with HMAC-SHA256 over timestamp and body', async () => {
    const { got } = receiver();
    await server!.start();
    process.env.IDTRAIL_WEBHOOK_SECRET = SECRET;
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(3);
    await store.upsertAlerts(alerts, ['webhook']);
    const [r] = await forwardPending(store, [openSink(`${server!.url}/hooks/idtrail?format=json`)]);
    expect(r).toMatchObject({ delivered: 3, failed: 0 });
    for (const g of got) {
      const ts = g.headers['x-idtrail-timestamp'];
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      const expected = `v1=${createHmac('sha256', SECRET).update(`${ts}.${g.body}`).digest('hex')}`;
      expect(g.headers['x-idtrail-signature']).toBe(expected);
      const body = JSON.parse(g.body);
      expect(g.headers['x-idtrail-alert-id']).toBe(body.alert_id);
      expect(JSON.stringify(g)).not.toContain(SECRET);
    }
    expect(got.map((g) => JSON.parse(g.body).alert_id).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    await store.close();
  });

  it('Slack and Teams message formats carry the alert and its id', async () => {
    const { got } = receiver();
    await server!.start();
    const store = await DuckDbStore.open(':memory:');
    const a = mfaFatigue();
    await store.upsertAlerts([a], ['slack', 'teams']);
    await forwardPending(store, [openSink(`${server!.url}/services/T0/B0/x?format=slack&name=slack`), openSink(`${server!.url}/workflows/x?format=teams&name=teams`)]);
    const slack = JSON.parse(got[0].body);
    expect(slack.text).toContain(a.alert_id);
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `[CRITICAL] ${a.rule_title}`, emoji: false } });
    expect(slack.blocks[1].text.text).toBe(a.explanation.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(JSON.stringify(slack.blocks[2].fields)).toContain('T1621 Multi-Factor Authentication Request Generation');
    const teams = JSON.parse(got[1].body);
    expect(teams.type).toBe('message');
    const card = teams.attachments[0];
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.type).toBe('AdaptiveCard');
    expect(card.content.body[2].facts).toContainEqual({ title: 'Alert id', value: a.alert_id });
    await store.close();
  });

  it('429 with Retry-After keeps the rest of the batch queued', async () => {
    const { got, status } = receiver();
    await server!.start();
    status.next = [200, 429];
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(4), ['webhook']);
    const t0 = Date.now();
    const [r] = await forwardPending(store, [openSink(`${server!.url}/h`)], { random: () => 0, backoff: { baseMs: 100, capMs: 1000 } });
    expect(r).toMatchObject({ delivered: 1, failed: 3 });
    const next = await store.db.all<{ n: Date }>('SELECT next_attempt_at AS n FROM outbox WHERE delivered_at IS NULL');
    // Retry-After: 2 wins over the 50 ms backoff
    for (const row of next) expect(row.n.getTime() - t0).toBeGreaterThanOrEqual(1900);
    expect(got.length).toBe(1);
    await store.close();
  });

  it('an explicitly named secret that is missing is a configuration error', () => {
    expect(() => openSink('https://hooks.example/x?secret_env=MY_HOOK_SECRET')).toThrow(/webhook signing secret is not set/);
  });
});

describe('file sink', () => {
  it('appends OCSF or ECS NDJSON, one line per alert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idtrail-file-'));
    try {
      const store = await DuckDbStore.open(':memory:');
      const alerts = alertSet(5);
      await store.upsertAlerts(alerts, ['ocsf', 'ecs']);
      await forwardPending(store, [openSink(`file://${dir}/out/alerts.ndjson?format=ocsf&name=ocsf`), openSink(`file://${dir}/ecs.ndjson?format=ecs&name=ecs`)]);
      const ocsf = readFileSync(join(dir, 'out/alerts.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(ocsf.map((f) => f.class_uid)).toEqual([2004, 2004, 2004, 2004, 2004]);
      expect(ocsf.map((f) => f.finding_info.uid).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
      const ecs = readFileSync(join(dir, 'ecs.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(ecs.map((d) => d.event.kind)).toEqual(['alert', 'alert', 'alert', 'alert', 'alert']);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unwritable path keeps the alerts queued with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idtrail-file-'));
    writeFileSync(join(dir, 'not-a-dir'), '');
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(2), ['file']);
    const [r] = await forwardPending(store, [openSink(`file://${dir}/not-a-dir/alerts.ndjson`)]);
    expect(r.failed).toBe(2);
    expect(r.errors[0]).toMatch(/cannot append to .*not-a-dir\/alerts.ndjson: E[A-Z]+$/);
    expect((await store.sinkStatus())[0]).toMatchObject({ queued: 2, delivered: 0 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
