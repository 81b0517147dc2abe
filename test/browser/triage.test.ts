import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { startServer, type RunningServer } from '../../dashboards/serve/server.js';
import type { Alert } from '../../detections/alerts/model.js';
import { launchChromium, SCREENSHOT_DIR } from './chromium.js';
import { KPI_DEFINITIONS } from '../../metrics/registry.js';

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    alert_id: id,
    rule_id: 'impossible_travel',
    rule_title: 'Impossible travel',
    rule_author: null,
    rule_kind: 'analytic',
    severity: 'high',
    tactics: ['TA0001'],
    techniques: ['T1078.004'],
    entity: { user: 'ana.silva@acme.example', ip: '198.51.100.20', app: null },
    tenant_id: 'acme.okta.com',
    first_seen: '2026-11-20T09:02:00.000Z',
    last_seen: '2026-11-20T10:14:00.000Z',
    event_count: 2,
    evidence_event_ids: ['okta:acme.okta.com:e1', 'okta:acme.okta.com:e2'],
    explanation: '2 sign-ins: Berlin 09:02 → Singapore 10:14, 9,870 km in 72 min = 8,225 km/h',
    details: {},
    status: 'new',
    resolution: null,
    status_note: null,
    suppressed_by: null,
    created_at: '2026-11-20T10:20:00.000Z',
    updated_at: '2026-11-20T10:20:00.000Z',
    ...over,
  };
}

let dir: string;
let db: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'idtrail-serve-'));
  db = path.join(dir, 'idtrail.duckdb');
  const store = await DuckDbStore.open(db);
  for (const [uid, t, city, cc, lat, lon, ip] of [
    ['e1', '2026-11-20 09:02:00', 'Berlin', 'DE', 52.52, 13.405, '203.0.113.10'],
    ['e2', '2026-11-20 10:14:00', 'Singapore', 'SG', 1.3521, 103.8198, '198.51.100.20'],
  ] as const) {
    await store.db.run(
      `INSERT INTO identity_events (event_uid, source, stream, tenant_id, native_id, event_time, ingest_time, event_class, action, outcome,
         actor_name, src_ip, geo_city, geo_country_iso2, geo_lat, geo_lon, is_interactive, raw_table, raw_uid)
       VALUES ($uid, 'okta', 'okta_system_log', 'acme.okta.com', $uid, $t, $t, 'authentication', 'logon', 'success',
         'ana.silva@acme.example', $ip, $city, $cc, $lat, $lon, true, 'raw_okta_system_log', $uid)`,
      { uid: `okta:acme.okta.com:${uid}`, t, city, cc, lat, lon, ip },
    );
  }
  await store.upsertAlerts(
    [
      alert('a-travel'),
      alert('a-fatigue', { rule_id: 'mfa_fatigue', rule_title: 'MFA fatigue (push bombing)', severity: 'medium', techniques: ['T1621'], explanation: '7 denied pushes in 6 min, then accepted', evidence_event_ids: [] }),
    ],
    [],
  );
  await store.close();
  server = await startServer({ db, port: 0 });
  browser = await launchChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web view in Chromium', () => {
  it('triages an alert from the queue and the new status survives a reload', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/alerts`);
    const row = page.locator('tr[data-alert="a-travel"]');
    await expect(row.locator('[data-test="status"]').innerText()).resolves.toContain('new');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'alert-queue.png'), fullPage: true });
    await row.locator('[data-test="ack"]').click();
    await page.waitForLoadState('load');
    await page.reload();
    await expect(page.locator('tr[data-alert="a-travel"] [data-test="status"]').innerText()).resolves.toContain('acknowledged');

    // close the other one with a resolution and a note, from its detail page
    await page.goto(`${server.url}/alerts/a-fatigue`);
    await page.selectOption('[data-test="resolution"]', 'false_positive');
    await page.fill('[data-test="note"]', 'user confirmed the pushes were theirs');
    await page.click('[data-test="close"]');
    await page.waitForLoadState('load');
    await page.reload();
    await expect(page.locator('dd[data-test="status"]').innerText()).resolves.toMatch(/closed — false_positive — “user confirmed/);
    // a closed alert leaves the open queue but shows under status=closed
    await page.goto(`${server.url}/alerts`);
    await expect(page.locator('tr[data-alert="a-fatigue"]').count()).resolves.toBe(0);
    await page.goto(`${server.url}/alerts?status=closed`);
    await expect(page.locator('tr[data-alert="a-fatigue"]').count()).resolves.toBe(1);
    await page.close();

    // the store says so too
    const store = await DuckDbStore.open(db, { readOnly: true });
    expect((await store.getAlert('a-travel'))?.status).toBe('acknowledged');
    expect((await store.getAlert('a-fatigue'))?.resolution).toBe('false_positive');
    await store.close();
  });

  it('shows an alert with its explanation, evidence events, timeline and map', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/alerts/a-travel`);
    await expect(page.locator('[data-test="explanation"]').innerText()).resolves.toContain('9,870 km in 72 min');
    await expect(page.locator('table.evidence tr').count()).resolves.toBe(3);
    await expect(page.locator('[data-chart="timeline"] svg').count()).resolves.toBe(1);
    await expect(page.locator('[data-chart="map"] svg').count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'alert-detail.png'), fullPage: true });
    await page.goto(`${server.url}/users/${encodeURIComponent('ana.silva@acme.example')}`);
    await expect(page.locator('h1').first().innerText()).resolves.toContain('ana.silva@acme.example');
    await page.close();
  });

  it('renders a tile for every KPI on the dashboard', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/kpis?week=2026-W47`);
    await expect(page.locator('section.tile').count()).resolves.toBe(KPI_DEFINITIONS.length);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'kpi-dashboard-empty.png'), fullPage: true });
    await page.close();
  });

  it('rejects a form without the page token and a foreign Host header', async () => {
    const res = await fetch(`${server.url}/alerts/a-travel/close`, { method: 'POST', body: 'resolution=benign', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(403);
    // fetch() may not set Host; a raw request can, as a DNS-rebinding page would
    const { request } = await import('node:http');
    const u = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/alerts', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe('exposed web view', () => {
  it('refuses a non-loopback bind without a token, and asks for the token when it has one', async () => {
    await expect(startServer({ db, host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs a token/);
    const exposed = await startServer({ db, host: '0.0.0.0', port: 0, token: 's3cret-token-value' });
    const port = new URL(exposed.url).port;
    try {
      expect((await fetch(`http://127.0.0.1:${port}/alerts`)).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${port}/api/alerts`, { headers: { authorization: 'Bearer s3cret-token-value' } });
      expect(ok.status).toBe(200);
      const alerts = (await ok.json()) as { alert_id: string }[];
      expect(alerts.map((a) => a.alert_id).sort()).toEqual(['a-fatigue', 'a-travel']);
      const arrow = await fetch(`http://127.0.0.1:${port}/api/alerts.arrow`, { headers: { authorization: 'Bearer s3cret-token-value' } });
      expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
      const { tableFromIPC } = await import('apache-arrow');
      expect(tableFromIPC(new Uint8Array(await arrow.arrayBuffer())).numRows).toBe(2);
    } finally {
      await exposed.close();
    }
  });
});
