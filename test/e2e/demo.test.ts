import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { runDemo, type DemoSummary } from '../../cli/demo.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { KPI_DEFINITIONS } from '../../metrics/registry.js';
import { parseNotebook, bindParams, runNotebook } from '../../notebooks/runner/index.js';
import { projectRoot } from '../../lib/paths.js';
import { launchChromium, SCREENSHOT_DIR } from '../browser/chromium.js';

/**
 * The main job end to end on a small organisation: generate → ingest → detect → KPIs → dashboards,
 * then the outputs as their users meet them: the dashboard opened offline in Chromium, and the user
 * investigation notebook on an attack victim.
 */
let dir: string;
let first: DemoSummary;
let browser: Browser;
const opts = () => ({ db: path.join(dir, 'idtrail.duckdb'), out: path.join(dir, 'out'), users: 150, days: 14, seed: 7 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'idtrail-demo-'));
  first = await runDemo(opts());
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
});

describe('idtrail demo', () => {
  it('stores every source, quarantines nothing, raises alerts and reports all twenty KPIs', () => {
    expect(Object.keys(first.events).sort()).toEqual(['aws', 'entra', 'google_workspace', 'okta']);
    for (const n of Object.values(first.events)) expect(n).toBeGreaterThan(0);
    expect(first.quarantined).toBe(0);
    expect(Object.keys(first.alerts).length).toBeGreaterThan(3);
    expect(Object.keys(first.kpis).sort()).toEqual(KPI_DEFINITIONS.map((k) => k.id).sort());
    expect(first.outputs).toContain(path.join(dir, 'out', 'dashboard', 'index.html'));
  });

  it('changes no count when run a second time on the same database', async () => {
    const again = await runDemo(opts());
    expect(again.detail.reusedData).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(again.quarantined).toBe(first.quarantined);
    expect(again.alerts).toEqual(first.alerts);
    expect(again.detail.newAlerts).toBe(0);
    const store = await DuckDbStore.open(opts().db, { readOnly: true });
    const tables = await store.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM identity_events`);
    expect(Number(tables[0].n)).toBe(Object.values(first.events).reduce((a, b) => a + b, 0));
    await store.close();
  }, 900_000);

  it('writes a KPI dashboard that renders offline in Chromium with every chart', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(`file://${path.join(dir, 'out', 'dashboard', 'index.html')}`);
    const tiles = page.locator('section.tile');
    await expect(tiles.count()).resolves.toBe(KPI_DEFINITIONS.length);
    // every tile with data draws its trend; a tile without data says what it needs
    for (let i = 0; i < KPI_DEFINITIONS.length; i++) {
      const tile = tiles.nth(i);
      const status = await tile.getAttribute('data-status');
      if (status === 'ok') await expect(tile.locator('.chart svg').count()).resolves.toBe(1);
      else await expect(tile.locator('.needs').innerText()).resolves.toMatch(/needs:/);
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-kpi-dashboard.png'), fullPage: true });
    await page.goto(`file://${path.join(dir, 'out', 'dashboard', 'alerts.html')}`);
    await expect(page.locator('section.panel[data-chart] svg').count()).resolves.toBe(6);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'demo-alert-overview.png'), fullPage: true });
    expect(external).toEqual([]);
    await page.close();
  });

  it('investigates an impossible-travel victim with the user notebook and shows the jump', async () => {
    const labels = JSON.parse(await readFile(path.join(dir, 'out', 'demo-data', 'labels.json'), 'utf8')) as {
      scenarios: { kind: string; benign: boolean; entity: { user?: string }; window: { start: string; end: string } }[];
    };
    const victim = labels.scenarios.find((s) => s.kind === 'impossible_travel' && !s.benign && s.entity.user)!;
    const nb = parseNotebook(await readFile(path.join(projectRoot(), 'notebooks', 'user-investigation.md'), 'utf8'), 'user-investigation.md');
    const store = await DuckDbStore.open(opts().db, { readOnly: true });
    const run = await runNotebook(store.db, nb, bindParams(nb, { user: victim.entity.user! }));
    await store.close();
    const travel = run.cells.find((c) => c.kind === 'sql' && c.name === 'travel') as unknown as { rows: { km: number; minutes: number; to_time: string }[] };
    const start = Date.parse(victim.window.start) - 60_000;
    const end = Date.parse(victim.window.end) + 60_000;
    const jump = travel.rows.find((r) => Date.parse(r.to_time) >= start && Date.parse(r.to_time) <= end && r.km / (r.minutes / 60) > 900);
    expect(jump, `a > 900 km/h jump for ${victim.entity.user} in the label's window`).toBeDefined();
    const alerts = run.cells.find((c) => c.kind === 'sql' && c.name === 'alerts') as unknown as { rows: { rule_id: string }[] };
    expect(alerts.rows.map((r) => r.rule_id)).toContain('impossible_travel');
  });
});
