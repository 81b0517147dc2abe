import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../store/duckdb/store.js';
import { buildKpiDashboard } from './kpi-dashboard.js';
import { buildAlertOverview } from './alert-overview.js';
import { alertOverviewData } from './alert-data.js';
import { formatKpiValue, type KpiTile } from './model.js';
import { svgToPng } from './render.js';

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
