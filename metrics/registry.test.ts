import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeKpis, computeTrend, defaultPeriod, hasData, kpiParams } from './compute.js';
import { evidenceRows } from './evidence.js';
import { parsePeriod, windowFor } from './period.js';
import { KPI_DEFINITIONS } from './registry.js';
import { TargetSchema } from './target.js';
import { events, openTestDb } from './testing.js';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** The ids and cadences of the KPI table in KPIS.md, read from the document itself. */
function kpisMd(): { id: string; cadence: string }[] {
  const text = readFileSync(path.resolve(repoRoot, '../shared/KPIS.md'), 'utf8');
  return text
    .split('\n')
    .filter((l) => /^\| [a-z_]+ \|/.test(l) && !l.startsWith('| id |'))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return { id: cells[1], cadence: cells[5] };
    });
}

describe('KPI registry', () => {
  it('defines exactly the twenty KPIs of KPIS.md, in its order, with its cadences', () => {
    const md = kpisMd();
    expect(md).toHaveLength(20);
    expect(KPI_DEFINITIONS.map((k) => k.id)).toEqual(md.map((k) => k.id));
    const cadence = (c: string) => (c === 'per audit' ? 'per_audit' : c);
    expect(KPI_DEFINITIONS.map((k) => k.cadence)).toEqual(md.map((k) => cadence(k.cadence)));
  });

  it('gives every KPI a valid target, an owner, needs, a written calculation and a file named after its id', () => {
    const problems: string[] = [];
    for (const k of KPI_DEFINITIONS) {
      if (!TargetSchema.safeParse(k.target).success) problems.push(`${k.id}: target`);
      if (!k.owner) problems.push(`${k.id}: owner`);
      if (k.needs.length === 0) problems.push(`${k.id}: needs`);
      if (k.calculation.length < 80) problems.push(`${k.id}: calculation too short`);
      const file = readFileSync(path.resolve(repoRoot, `metrics/kpis/${k.id}.ts`), 'utf8');
      if (!file.includes(`export const ${k.id}: KpiDefinition`)) problems.push(`${k.id}: file/export name`);
      // Values reach SQL only as $parameters: no JS template holes survive into the statement text.
      for (const sql of [k.valueSql, k.evidenceSql, ...k.needs.map((n) => n.sql)]) {
        if (/\$\{|undefined|\[object Object\]/.test(sql)) problems.push(`${k.id}: unexpanded text in SQL`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs every statement on an empty store and reports no_data with what is missing, never a number', async () => {
    const db = await openTestDb();
    const results = await computeKpis(db, '2026-W47', { now: new Date('2027-01-01T00:00:00Z') });
    expect(results).toHaveLength(20);
    for (const r of results) {
      expect(r, r.id).toMatchObject({ status: 'no_data', value: null, met: null });
      expect(r.needs.length, r.id).toBeGreaterThan(0);
    }
    // Each value and evidence statement binds and runs even when its data checks would stop it.
    const config = { kpis: { birthright: { Engineering: ['eng-github'] } } };
    for (const k of KPI_DEFINITIONS) {
      const win = windowFor(parsePeriod('2026-W47'), k.cadence);
      const row = await db.one<{ value: unknown }>(k.valueSql, kpiParams(k, k.valueSql, win, new Date(), { targets: {}, birthright: {}, params: {} }));
      expect(row, k.id).toBeDefined();
      await evidenceRows(db, k.id, '2026-W47', { config });
    }
    // Written to kpi_results, one row per KPI and period.
    const stored = await db.all<{ kpi_id: string; status: string; needs: string[]; period_start: unknown; period_end: unknown }>(
      `SELECT kpi_id, status, needs, CAST(period_start AS VARCHAR) AS period_start, CAST(period_end AS VARCHAR) AS period_end FROM kpi_results ORDER BY kpi_id`,
    );
    expect(stored).toHaveLength(20);
    expect(stored.find((s) => s.kpi_id === 'stakeholder_csat')).toEqual({
      kpi_id: 'stakeholder_csat', status: 'no_data', needs: ['itsm_records:survey_response'], period_start: '2026-11-16', period_end: '2026-11-22',
    });
    db.close();
  });

  it('stores value, target, met, previous value and change, replacing a recomputed period', async () => {
    const db = await openTestDb();
    const si = (t: string, legacy: boolean) => ({ event_time: t, target_user_name: 'bob@acme.example', is_legacy_auth: legacy });
    await events(db, [si('2026-11-10T10:00:00Z', true), si('2026-11-11T10:00:00Z', true), si('2026-11-17T10:00:00Z', true), si('2026-11-18T10:00:00Z', false)]);
    const now = new Date('2027-01-01T00:00:00Z');
    await computeKpis(db, '2026-W47', { now, ids: ['legacy_auth_usage'] });
    await computeKpis(db, '2026-W47', { now, ids: ['legacy_auth_usage'] });
    const rows = await db.all(`SELECT kpi_id, period, status, value, numerator, denominator, target, met, previous_value, change, details->>'$.share' AS share FROM kpi_results`);
    // W47: 1 legacy of 2 sign-ins; W46: 2 → change −1, falling → met.
    expect(rows).toEqual([
      { kpi_id: 'legacy_auth_usage', period: '2026-W47', status: 'ok', value: 1, numerator: 1, denominator: 2, target: 'falling to near zero, period on period', met: true, previous_value: 2, change: -1, share: '0.5' },
    ]);
    expect(await hasData(db, 'legacy_auth_usage')).toEqual({ present: true, missing: [] });
    expect(await hasData(db, 'mfa_coverage')).toEqual({ present: false, missing: ['accounts', 'auth_methods'] });
    // With no period given, the last complete week before the latest data (18 Nov, in W47): W46.
    expect((await defaultPeriod(db, now)).label).toBe('2026-W46');
    const trend = await computeTrend(db, 'legacy_auth_usage', '2026-W47', 4, { now });
    expect(trend.map((t) => [t.period, t.value, t.status])).toEqual([
      ['2026-W44', null, 'no_data'],
      ['2026-W45', null, 'no_data'],
      ['2026-W46', 2, 'ok'],
      ['2026-W47', 1, 'ok'],
    ]);
    db.close();
  });
});
