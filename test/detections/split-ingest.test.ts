import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../ingest/synth/index.js';
import { loadDemoNonEventData } from '../../ingest/sources/demo-exports.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { runDetections } from '../../detections/run.js';
import type { Alert } from '../../detections/alerts/model.js';

/**
 * The demo data ingested in two parts split at an arbitrary time — here in the middle of the Okta
 * push-bombing burst — with `detect` after each part, gives exactly the alerts of one run over all
 * of it: same ids, same time spans, same counts and severities.
 */
const EVENT_FILES: [source: string, file: string, time: (r: Record<string, any>) => string][] = [
  ['okta', 'okta/system_log.ndjson', (r) => r.published],
  ['entra', 'entra/signins.ndjson', (r) => r.createdDateTime],
  ['entra', 'entra/directory_audits.ndjson', (r) => r.activityDateTime],
  ['google_workspace', 'google_workspace/activities.ndjson', (r) => r.id.time],
];

let dir: string;
let labels: { scenarios: { kind: string; source: string; window: { start: string; end: string }; entity: { user?: string } }[] };
let split: number;

function part(which: 1 | 2): { source: string; lines: string[] }[] {
  return EVENT_FILES.map(([source, file, time]) => ({
    source,
    lines: readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .filter((l) => (Date.parse(time(JSON.parse(l))) < split) === (which === 1)),
  }));
}

async function ingest(store: DuckDbStore, parts: { source: string; lines: string[] }[]) {
  for (const p of parts) {
    for (let i = 0; i < p.lines.length; i += 5000) {
      await store.ingestRecords(p.lines.slice(i, i + 5000), { source: p.source, tenant: '', origin: 'split-test' });
    }
  }
}

const summary = (alerts: Alert[]) =>
  alerts.map((a) => ({ id: a.alert_id, rule: a.rule_id, user: a.entity.user, first: a.first_seen, last: a.last_seen, count: a.event_count, severity: a.severity })).sort((a, b) => a.id.localeCompare(b.id));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idtrail-split-'));
  await generateDemo({ outDir: dir, users: 60, days: 7, seed: 7 });
  labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'));
  const burst = labels.scenarios.find((s) => s.kind === 'mfa_fatigue' && s.source === 'okta')!;
  split = (Date.parse(burst.window.start) + Date.parse(burst.window.end)) / 2;
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('split ingest', () => {
  it('two ingests with detect after each give exactly the alerts of a single run, the split burst once', async () => {
    const single = await DuckDbStore.open(':memory:');
    await loadDemoNonEventData(single, dir);
    await ingest(single, [...part(1), ...part(2)]);
    await runDetections(single, {});
    const one = summary(await single.listAlerts());
    await single.close();

    const twice = await DuckDbStore.open(':memory:');
    await loadDemoNonEventData(twice, dir);
    await ingest(twice, part(1));
    const r1 = await runDetections(twice, {});
    await ingest(twice, part(2));
    const r2 = await runDetections(twice, {});
    const two = summary(await twice.listAlerts());
    await twice.close();

    expect(one.length).toBeGreaterThan(5);
    const diff = (a: typeof one, b: typeof one) => a.filter((x) => !b.some((y) => JSON.stringify(y) === JSON.stringify(x)));
    expect({ onlySingle: diff(one, two), onlySplit: diff(two, one) }).toEqual({ onlySingle: [], onlySplit: [] });
    expect(r1.new + r2.new).toBe(one.length);
    const burst = labels.scenarios.find((s) => s.kind === 'mfa_fatigue' && s.source === 'okta')!;
    const mfa = two.filter((a) => a.rule === 'mfa_fatigue' && a.user === burst.entity.user);
    expect(mfa).toHaveLength(1);
    expect(mfa[0].severity).toBe('high');
  }, 300_000);
});
