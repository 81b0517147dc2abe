import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/collectors/cli-helpers.js';
import { FakeElasticsearch } from '../../test/store/fake-elasticsearch.js';
import { projectRoot } from '../../lib/paths.js';

/**
 * The CLI on the Elasticsearch store, over HTTP to the in-memory cluster on 127.0.0.1: `ingest file`
 * writes the vendor export into the data streams, `detect --store elasticsearch` runs the analytics
 * (ES|QL) and Sigma rules in the cluster, `alerts list` reads them back; the API key from the
 * environment is sent as `Authorization: ApiKey …` and never printed.
 */
/** The API key comes from the environment; ELASTICSEARCH_URL must not be set around these runs. */
const idtrail = (...argv: string[]) => runCli(argv, { ELASTICSEARCH_API_KEY: KEY, ELASTICSEARCH_URL: undefined });

const KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';
let fake: FakeElasticsearch;
let server: { url: string; close: () => Promise<void> };
let dir: string;

beforeAll(async () => {
  fake = new FakeElasticsearch();
  server = await fake.listen();
  dir = mkdtempSync(join(tmpdir(), 'idtrail-es-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('idtrail with --store elasticsearch', () => {
  it('ingest file, detect and alerts list run against the cluster', async () => {
    const es = ['--store', 'elasticsearch', '--es-url', server.url, '--es-namespace', 'cli'];
    const file = join(projectRoot(), 'test', 'fixtures', 'okta', 'system_log.ndjson');
    const ing = await idtrail('ingest', 'file', file, '--source', 'okta', '--tenant', 'acme.okta.com', ...es, '--json');
    expect(ing.stderr).toBe('');
    expect(ing.code).toBe(0);
    const summary = JSON.parse(ing.stdout) as { stored: number; normalized: number };
    expect(summary.stored).toBeGreaterThan(0);
    expect(fake.docs('logs-idtrail.events-cli').length).toBe(summary.normalized);

    const det = await idtrail('detect', ...es, '--since', '2020-01-01T00:00:00Z', '--until', '2030-01-01T00:00:00Z', '--rules', join(projectRoot(), 'detections', 'rules'), '--json');
    expect(det.stderr).toBe('');
    expect(det.code).toBe(0);
    const res = JSON.parse(det.stdout) as { new: number; alerts: { alert_id: string }[] };
    expect(res.new).toBeGreaterThan(0);
    expect(fake.esqlQueries.length).toBeGreaterThan(0);
    expect(fake.httpRequests.some((r) => r.path === '/_query' && r.method === 'POST')).toBe(true);

    const list = await idtrail('alerts', 'list', ...es, '--json');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(res.alerts[0].alert_id);

    // authentication on every request, the key never in any output
    expect(fake.httpRequests.every((r) => r.authorization === `ApiKey ${KEY}`)).toBe(true);
    for (const out of [ing, det, list]) expect(out.stdout + out.stderr).not.toContain(KEY);
  }, 300_000);

  it('rejects a DuckDB path with the Elasticsearch store, and directory loads into it, with a clear error', async () => {
    const bad = await idtrail('detect', '--store', 'elasticsearch', '--es-url', server.url, '--db', join(dir, 'x.duckdb'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--db names a DuckDB file/);
    const hris = await idtrail('ingest', 'file', join(projectRoot(), 'test', 'fixtures', 'hris'), '--source', 'hris', '--preset', 'workday', '--store', 'elasticsearch', '--es-url', server.url);
    expect(hris.code).not.toBe(0);
    expect(hris.stderr).toMatch(/SQL tables/);
    const misplaced = await idtrail('detect', '--directory-db', join(dir, 'x.duckdb'), '--db', join(dir, 'y.duckdb'));
    expect(misplaced.code).not.toBe(0);
    expect(misplaced.stderr).toMatch(/--directory-db is for --store elasticsearch/);
  });
});

describe('idtrail run on the Elasticsearch store', () => {
  it('run --once collects into the cluster and runs the detections on it (store.kind elasticsearch in the config)', async () => {
    const { writeFileSync } = await import('node:fs');
    const alertsFile = join(dir, 'alerts.ndjson');
    const cfg = join(dir, 'idtrail.yaml');
    writeFileSync(
      cfg,
      [
        'store:',
        '  kind: elasticsearch',
        `  url: ${server.url}`,
        'sources:',
        '  - type: aws',
        '    tenant: "123456789012"',
        `    path: ${join(projectRoot(), 'test', 'fixtures', 'aws')}`,
        '    initial_since: 5000d',
        'sinks:',
        `  - file://${alertsFile}?format=ecs&name=archive`,
        '',
      ].join('\n'),
    );
    const before = fake.docs('logs-idtrail.events-default').length;
    const r = await idtrail('run', '--once', '--config', cfg, '--json');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { db: string | null; jobs: Record<string, { runs: number; failures: number; stored: number }> };
    expect(out.db).toBeNull();
    const collect = Object.entries(out.jobs).find(([k]) => k.startsWith('collect:'))![1];
    expect(collect.failures).toBe(0);
    expect(collect.stored).toBeGreaterThan(0);
    expect(fake.docs('logs-idtrail.events-default').length).toBeGreaterThan(before);
    // the scheduler's detection step ran on the cluster (its watermark is in the checkpoints index)
    expect(fake.docs('idtrail-default-checkpoints').some((d) => d.stream === 'watermark:detections')).toBe(true);
  }, 300_000);
});
