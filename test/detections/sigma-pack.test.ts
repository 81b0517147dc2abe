import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { runDetections } from '../../detections/run.js';
import { readCaseFile } from '../../detections/engine/case-runner.js';

describe('Sigma rule pack beside the analytics', () => {
  it('the catalogue\'s Sigma form of break_glass_signin raises a grouped alert from the raw Entra sign-in', async () => {
    const doc = await readCaseFile('detections/analytics/break_glass_signin.test.yml');
    const store = await DuckDbStore.open(':memory:');
    for (const e of doc.cases[0].events) await store.ingestRecords(e.records.map((r) => JSON.stringify(r)), { source: e.source, tenant: e.tenant, origin: 'test' });
    const res = await runDetections(store, { since: '2026-11-01T00:00:00Z', until: '2026-11-30T00:00:00Z', rules: ['detections/rules'], ids: [] });
    const sigma = res.alerts.filter((a) => a.rule_kind === 'sigma');
    expect(sigma.map((a) => [a.rule_title, a.entity.user, a.severity])).toEqual([['Entra break-glass account sign-in', 'breakglass-01@acme.example', 'high']]);
    expect(sigma[0].techniques).toEqual(['T1078.004']);
    expect(sigma[0].evidence_event_ids).toHaveLength(1);
    await store.close();
  });
});
