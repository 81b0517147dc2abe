import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/store.js';
import { computeKpis } from '../metrics/compute.js';
import { parsePeriod, shiftPeriod } from '../metrics/period.js';
import { KPI_DEFINITIONS } from '../metrics/registry.js';
import { events, openTestDb } from '../metrics/testing.js';
import { buildKpiDashboard } from './kpi-dashboard.js';
import { buildAlertOverview } from './alert-overview.js';
import { alertOverviewData } from './alert-data.js';
import { buildDashboards } from './build.js';
import { kpiTiles } from './kpi-data.js';
import { formatKpiValue, type KpiTile } from './model.js';
import { svgToPng, svgToPngAsync } from './render.js';

function tile(id: string, over: Partial<KpiTile> = {}): KpiTile {
  const trend = Array.from({ length: 12 }, (_, i) => ({ period: `2026-W${String(36 + i).padStart(2, '0')}`, value: 0.9 + i * 0.008, met: i >= 6 }));
  return {
    id,
    title: id.replace(/_/g, ' '),
    unit: 'ratio',
    cadence: 'weekly',
    owner: 'IAM lead',
    period: '2026-W47',
    status: 'ok',
    value: 0.988,
    numerator: 988,
    denominator: 1000,
    target: '≥ 98%',
    targetValue: 0.98,
    met: true,
    change: 0.008,
    needs: [],
    trend,
    ...over,
  };
}

/** Anything that would make the page reach the network: external src/href/url(), or script. */
function externalRefs(html: string): string[] {
  const found = html.match(/(?:src|href)="(?:https?:)?\/\/[^"]*"|url\((?:https?:)?\/\/[^)]*\)|<script/gi) ?? [];
  return found;
}

describe('KPI dashboard', () => {
  it('draws a tile per KPI with its trend, red where missed and grey with needs where no data', async () => {
    const tiles = [
      tile('mfa_coverage'),
      tile('leaver_disablement_sla', { met: false, value: 0.91, target: '≥ 99% within 24 h', targetValue: 0.99 }),
      tile('stakeholder_csat', { status: 'no_data', value: null, met: null, needs: ['itsm_records:survey_response'], trend: [], unit: 'score' }),
    ];
    const { html, charts } = await buildKpiDashboard(tiles, { period: '2026-W47', generatedAt: '2026-11-23T00:00:00Z' });
    expect(html.match(/data-kpi="/g)?.length).toBe(3);
    expect(html).toMatch(/class="tile missed" data-kpi="leaver_disablement_sla"/);
    expect(html).toMatch(/class="tile met" data-kpi="mfa_coverage"/);
    expect(html).toMatch(/class="tile no_data" data-kpi="stakeholder_csat"[\s\S]*needs: itsm_records:survey_response/);
    expect(charts.map((c) => c.name)).toEqual(['kpi-mfa_coverage', 'kpi-leaver_disablement_sla']);
    for (const c of charts) {
      expect(c.svg.startsWith('<svg')).toBe(true);
      // the missed points are drawn in the missed colour
    }
    expect(charts[1].svg).toContain('#c62828');
    expect(externalRefs(html)).toEqual([]);
    const png = svgToPng(charts[0].svg);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('formats values by unit', () => {
    expect(formatKpiValue(0.9876, 'ratio')).toBe('98.8%');
    expect(formatKpiValue(1, 'ratio')).toBe('100%');
    expect(formatKpiValue(null, 'ratio')).toBe('—');
    expect(formatKpiValue(12, 'count')).toBe('12');
    expect(formatKpiValue(3.456, 'business days')).toBe('3.46 business days');
  });
});

describe('alert overview', () => {
  it('counts alerts by detection, severity, day, user, IP and country from the store', async () => {
    const store = await DuckDbStore.open(':memory:');
    const db = store.db;
    await db.run(`INSERT INTO identity_events (event_uid, source, stream, tenant_id, native_id, event_time, ingest_time, event_class, action, outcome, geo_country_iso2, raw_table, raw_uid)
      VALUES ('e1','okta','okta_system_log','t','n1','2026-11-20 09:00:00', now()::TIMESTAMP, 'authentication','logon','success','DE','raw_okta_system_log','u1'),
             ('e2','okta','okta_system_log','t','n2','2026-11-20 10:00:00', now()::TIMESTAMP, 'authentication','logon','success','SG','raw_okta_system_log','u2'),
             ('e3','entra','entra_signin','t','n3','2026-11-21 10:00:00', now()::TIMESTAMP, 'mfa','mfa_deny','failure','US','raw_entra_signin','u3')`);
    const ins = `INSERT INTO alerts (alert_id, rule_id, rule_title, rule_kind, severity, entity_user, entity_ip, first_seen, last_seen, event_count, evidence_event_ids, explanation, status, suppressed_by, created_at, updated_at)
      VALUES ($id, $rule, $title, 'analytic', $sev, $user, $ip, $first, $last, $count, $ev, 'x', $status, $supp, now()::TIMESTAMP, now()::TIMESTAMP)`;
    await db.run(ins, { id: 'a1', rule: 'impossible_travel', title: 'Impossible travel', sev: 'high', user: 'ana@acme.example', ip: '203.0.113.9', first: '2026-11-20 09:00:00', last: '2026-11-20 10:00:00', count: 2, ev: ['e1', 'e2'], status: 'new', supp: null });
    await db.run(ins, { id: 'a2', rule: 'mfa_fatigue', title: 'MFA fatigue', sev: 'medium', user: 'bo@acme.example', ip: '198.51.100.7', first: '2026-11-21 10:00:00', last: '2026-11-21 10:05:00', count: 6, ev: ['e3'], status: 'acknowledged', supp: null });
    await db.run(ins, { id: 'a3', rule: 'mfa_fatigue', title: 'MFA fatigue', sev: 'medium', user: 'bo@acme.example', ip: '198.51.100.7', first: '2026-11-22 10:00:00', last: '2026-11-22 10:05:00', count: 6, ev: [] as string[], status: 'new', supp: 'vpn-allowlist' });
    const data = await alertOverviewData(db, { generatedAt: '2026-11-23T00:00:00Z' });
    expect(data.total).toBe(2); // a3 is suppressed
    expect(data.byRule).toEqual([
      { rule_id: 'impossible_travel', title: 'Impossible travel', count: 1 },
      { rule_id: 'mfa_fatigue', title: 'MFA fatigue', count: 1 },
    ]);
    expect(data.topCountries).toEqual([
      { country: 'DE', count: 1 },
      { country: 'SG', count: 1 },
      { country: 'US', count: 1 },
    ]);
    expect(data.byDay).toEqual([
      { day: '2026-11-20', severity: 'high', count: 1 },
      { day: '2026-11-21', severity: 'medium', count: 1 },
    ]);
    const { html, charts } = await buildAlertOverview(data);
    expect(charts.length).toBe(6);
    expect(html).toContain('ana@acme.example');
    expect(externalRefs(html)).toEqual([]);
    await store.close();
  });
});

describe('dashboard build', () => {
  it('gives the same tiles as computing the KPIs week by week, and writes every chart as SVG and PNG', async () => {
    const db = await openTestDb();
    // Provisioning over six weeks (2026-W41 … W46): two failures in W44, one in W46.
    const rows: Record<string, unknown>[] = [];
    for (let day = 0; day < 42; day++) {
      const t = new Date(Date.UTC(2026, 9, 5 + day, 10)).toISOString();
      for (let i = 0; i < 4; i++) rows.push({ event_time: t, event_class: 'provisioning', action: 'provision_update', provisioning_status: 'success' });
    }
    for (const t of ['2026-10-27T09:00:00Z', '2026-10-28T09:00:00Z', '2026-11-11T09:00:00Z']) {
      rows.push({ event_time: t, event_class: 'provisioning', action: 'provision_update', provisioning_status: 'failure', outcome: 'failure' });
    }
    await events(db, rows);
    const now = new Date('2026-11-23T00:00:00Z');
    const week = parsePeriod('2026-W46');

    const { tiles } = await kpiTiles(db, { week, compute: { now, write: false } });
    const weekByWeek = [];
    for (let i = 11; i >= 0; i--) weekByWeek.push(await computeKpis(db, shiftPeriod(week, -i), { now, write: false }));
    expect(tiles.map((t) => t.id)).toEqual(KPI_DEFINITIONS.map((k) => k.id));
    for (const tile of tiles) {
      const results = weekByWeek.map((w) => w.find((r) => r.id === tile.id)!);
      const cur = results[11];
      expect(tile.trend).toEqual(results.map((r) => ({ period: r.period, value: r.status === 'ok' ? r.value : null, met: r.status === 'ok' ? r.met : null })));
      expect({ value: tile.value, met: tile.met, change: tile.change, status: tile.status, needs: tile.needs }).toEqual({ value: cur.value, met: cur.met, change: cur.change, status: cur.status, needs: cur.needs });
    }
    const prov = tiles.find((t) => t.id === 'provisioning_success_rate')!;
    expect(prov.value).toBeCloseTo(28 / 29, 10);
    expect(prov.trend.filter((p) => p.value !== null).map((p) => p.period)).toEqual(['2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46']);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'idtrail-dash-'));
    try {
      const build = await buildDashboards(db, { outDir: dir, week: '2026-W46', generatedAt: '2026-11-23T00:00:00Z', compute: { now } });
      const charted = tiles.filter((t) => t.trend.some((p) => p.value !== null)).map((t) => `kpi-${t.id}`);
      const names = [...charted, 'alerts-by-day', 'alerts-by-rule', 'alerts-by-severity', 'top-users', 'top-ips', 'top-countries'];
      expect(build.files.map((f) => path.relative(dir, f))).toEqual(['index.html', 'alerts.html', ...names.flatMap((n) => [`charts/${n}.svg`, `charts/${n}.png`])]);
      const index = await readFile(path.join(dir, 'index.html'), 'utf8');
      for (const n of names) {
        const svg = await readFile(path.join(dir, 'charts', `${n}.svg`), 'utf8');
        // the PNG is the SVG rasterised at 900 px, the same bytes as the synchronous renderer gives
        expect((await readFile(path.join(dir, 'charts', `${n}.png`))).equals(svgToPng(svg, 900))).toBe(true);
        if (n.startsWith('kpi-')) expect(index).toContain(svg);
      }
      // every week of every trend is stored, in one write
      const stored = await db.all<{ n: bigint; periods: bigint }>('SELECT count(*) AS n, count(DISTINCT period) AS periods FROM kpi_results');
      expect(stored[0]).toEqual({ n: BigInt(12 * KPI_DEFINITIONS.length), periods: 12n });
      const noPng = await buildDashboards(db, { outDir: path.join(dir, 'no-png'), week: '2026-W46', png: false, compute: { now, write: false } });
      expect(noPng.files.some((f) => f.endsWith('.png'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
      db.close();
    }
  });

  it('rasterises off the event loop to the same PNG', async () => {
    const { charts } = await buildKpiDashboard([tile('mfa_coverage')], { period: '2026-W47', generatedAt: '2026-11-23T00:00:00Z' });
    expect((await svgToPngAsync(charts[0].svg, 900)).equals(svgToPng(charts[0].svg, 900))).toBe(true);
  });
});
