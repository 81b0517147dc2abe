import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ElasticStore } from '../../store/elastic/store.js';
import { FakeElasticsearch } from '../../test/store/fake-elasticsearch.js';
import { fixtureLines } from '../../test/store/conformance.js';
import type { Alert } from '../alerts/model.js';
import { runDetections } from '../run.js';
import { narrowingIsSound } from './run-correlations.js';

/**
 * Sigma correlation rules on the Elasticsearch store: the compiled ES|QL runs in the cluster to find
 * candidate groups (event_count, value_count with gte), the exact sliding windows are computed over
 * the candidates' matching records, and the alerts equal DuckDB's. A `lt` condition (not monotone in
 * the ES|QL buckets) skips the narrowing and still gives DuckDB's alerts.
 */
const BASE = `title: Okta user activity
id: 6a1f0c3e-3333-4000-8000-000000000001
name: okta_user_activity
status: test
logsource:
  product: okta
  service: okta
detection:
  selection:
    eventType|startswith: 'user.'
  condition: selection
level: low
`;

function corr(id: string, body: string): string {
  return `---
title: correlation ${id}
id: 6a1f0c3e-3333-4000-8000-0000000000${id}
status: test
author: idtrail tests
correlation:
${body.trim().split('\n').map((l) => `  ${l}`).join('\n')}
level: medium
`;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idtrail-corr-'));
  writeFileSync(
    join(dir, 'okta_corr.yml'),
    BASE +
      corr('10', `type: event_count\nrules:\n  - okta_user_activity\ngroup-by:\n  - actor.alternateId\ntimespan: 1h\ncondition:\n  gte: 2`) +
      corr('11', `type: value_count\nrules:\n  - okta_user_activity\ngroup-by:\n  - actor.alternateId\ntimespan: 1d\ncondition:\n  field: eventType\n  gte: 2`) +
      corr('12', `type: event_count\nrules:\n  - okta_user_activity\ngroup-by:\n  - actor.alternateId\ntimespan: 1h\ncondition:\n  lt: 2`),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const strip = (alerts: Alert[]) => alerts.map(({ created_at: _c, updated_at: _u, ...a }) => ({ ...a, evidence_event_ids: [...a.evidence_event_ids].sort() })).sort((a, b) => a.alert_id.localeCompare(b.alert_id));

describe('Sigma correlations on Elasticsearch', () => {
  it('the compiled ES|QL narrows in the cluster and the alerts equal DuckDB', async () => {
    const fake = new FakeElasticsearch();
    const es = await ElasticStore.open(null, { client: fake.client(), namespace: 'corr' });
    const duck = await DuckDbStore.open(':memory:');
    try {
      const lines = fixtureLines('okta/system_log.ndjson');
      await duck.ingestRecords(lines, { source: 'okta', tenant: 'acme.okta.com', origin: 'okta' });
      await es.ingestRecords(lines, { source: 'okta', tenant: 'acme.okta.com', origin: 'okta' });
      const run = { since: '2020-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z', now: new Date('2030-01-01T00:00:00Z'), rules: [dir], ids: [] };
      const onDuck = await runDetections(duck, run);
      const queries: string[] = [];
      const onEs = await runDetections(es, { ...run, onQuery: (_id: string, q: string) => queries.push(q) } as never);
      const correlations = onDuck.alerts.filter((a) => a.rule_kind === 'sigma_correlation');
      expect(new Set(correlations.map((a) => a.rule_id)).size).toBe(3);
      expect(strip(onEs.alerts)).toEqual(strip(onDuck.alerts));
      // the two monotone correlations ran as ES|QL in the cluster; the `lt` one did not need to
      const sent = fake.esqlQueries.filter((q) => q.includes('MV_EXPAND _bucket'));
      expect(sent.length).toBe(2);
      expect(sent.every((q) => q.startsWith('// ') && q.includes('FROM logs-idtrail.raw.okta_system_log-corr\n'))).toBe(true);
      expect(queries.length).toBe(2);
    } finally {
      await duck.close();
      await es.close();
    }
  }, 120_000);

  it('a group-by field the cluster has never mapped: the cluster refuses the ES|QL, every group is read, the alerts still equal DuckDB', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'idtrail-corr2-'));
    writeFileSync(join(d2, 'c.yml'), BASE + corr('20', `type: event_count\nrules:\n  - okta_user_activity\ngroup-by:\n  - client.notAVendorField\ntimespan: 1h\ncondition:\n  gte: 2`));
    const fake = new FakeElasticsearch();
    const es = await ElasticStore.open(null, { client: fake.client(), namespace: 'corr2' });
    const duck = await DuckDbStore.open(':memory:');
    try {
      const lines = fixtureLines('okta/system_log.ndjson');
      await duck.ingestRecords(lines, { source: 'okta', tenant: 'acme.okta.com', origin: 'okta' });
      await es.ingestRecords(lines, { source: 'okta', tenant: 'acme.okta.com', origin: 'okta' });
      const run = { since: '2020-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z', now: new Date('2030-01-01T00:00:00Z'), rules: [d2], ids: [] };
      const onDuck = await runDetections(duck, run);
      const onEs = await runDetections(es, run);
      expect(onDuck.alerts.filter((a) => a.rule_kind === 'sigma_correlation').length).toBeGreaterThan(0);
      expect(strip(onEs.alerts)).toEqual(strip(onDuck.alerts));
      expect(fake.esqlQueries.length).toBe(1);
    } finally {
      await duck.close();
      await es.close();
      rmSync(d2, { recursive: true, force: true });
    }
  }, 120_000);

  it('narrows only when the bucket metric bounds the window metric from above', () => {
    const c = (type: string, op: string) => ({ correlationType: type, conditions: [{ op, value: 2 }] }) as never;
    expect(narrowingIsSound(c('event_count', 'gte'))).toBe(true);
    expect(narrowingIsSound(c('value_count', 'gt'))).toBe(true);
    expect(narrowingIsSound(c('temporal', 'gte'))).toBe(true);
    expect(narrowingIsSound(c('event_count', 'lt'))).toBe(false);
    expect(narrowingIsSound(c('value_sum', 'gte'))).toBe(false);
    expect(narrowingIsSound(c('temporal_ordered', 'gte'))).toBe(false);
  });
});
