import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDbStore } from '../store/duckdb/store.js';
import { parseNotebook, bindParams, runNotebook } from './runner/index.js';
import { runNotebookFile } from './runner/index.js';
import { referencedParams } from './runner/parse.js';
import { IdtrailError } from '../lib/errors.js';

const here = path.dirname(new URL(import.meta.url).pathname);
let store: DuckDbStore;

async function addEvent(e: Record<string, unknown>): Promise<void> {
  const row = {
    source: 'okta', stream: 'okta_system_log', tenant_id: 'acme.okta.com', native_type: 'user.session.start',
    ingest_time: '2026-11-23 00:00:00', event_class: 'authentication', action: 'logon', outcome: 'success',
    raw_table: 'raw_okta_system_log', is_interactive: true, ...e,
  } as Record<string, unknown>;
  row.native_id ??= row.event_uid;
  row.raw_uid ??= row.event_uid;
  const cols = Object.keys(row);
  await store.db.run(`INSERT INTO identity_events (${cols.join(', ')}) VALUES (${cols.map((c) => `$${c}`).join(', ')})`, row as never);
}

beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
  await addEvent({ event_uid: 'e1', event_time: '2026-11-20 09:02:00', actor_name: 'ana.silva@acme.example', src_ip: '203.0.113.10', geo_city: 'Berlin', geo_country_iso2: 'DE', geo_lat: 52.52, geo_lon: 13.405 });
  await addEvent({ event_uid: 'e2', event_time: '2026-11-20 10:14:00', actor_name: 'ana.silva@acme.example', src_ip: '198.51.100.20', geo_city: 'Singapore', geo_country_iso2: 'SG', geo_lat: 1.3521, geo_lon: 103.8198 });
  await addEvent({ event_uid: 'e3', event_time: '2026-11-20 10:10:00', actor_name: 'ana.silva@acme.example', event_class: 'mfa', action: 'mfa_deny', outcome: 'failure', auth_methods: ['push'] });
  await addEvent({ event_uid: 'e4', event_time: '2026-11-21 08:00:00', actor_name: 'bo.chen@acme.example', src_ip: '203.0.113.10', geo_city: 'Berlin', geo_country_iso2: 'DE', geo_lat: 52.52, geo_lon: 13.405 });
  // a user whose name looks like an injection
  await addEvent({ event_uid: 'e5', event_time: '2026-11-21 08:00:00', actor_name: "x' OR 1=1 --", src_ip: '192.0.2.1' });
});
afterAll(async () => store.close());

describe('notebook parsing', () => {
  it('finds parameters outside strings and comments', () => {
    expect(referencedParams("SELECT '$no' AS a, $yes -- $not\n /* $nope */ FROM t WHERE x = $other")).toEqual(['yes', 'other']);
  });

  it('rejects an undeclared parameter with the file and line', () => {
    const text = '---\ntitle: t\n---\n\n```sql a\nSELECT $who\n```\n';
    try {
      parseNotebook(text, 'nb.md');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(IdtrailError);
      expect((err as IdtrailError).format()).toMatch(/^nb\.md:5: cell 'a' uses \$who/);
    }
  });

  it('validates given parameters against their types', () => {
    const nb = parseNotebook(await_text('ip-pivot.md'), 'ip-pivot.md');
    expect(() => bindParams(nb, {})).toThrow(/needs --param ip=/);
    expect(() => bindParams(nb, { ip: "1.2.3.4' OR 1=1 --" })).toThrow(/must be text matching/);
    expect(() => bindParams(nb, { ip: '203.0.113.10', color: 'red' })).toThrow(/has no parameter 'color'/);
    expect(() => bindParams(nb, { ip: '203.0.113.10', since: 'yesterday' })).toThrow(/ISO-8601/);
    expect(bindParams(nb, { ip: '203.0.113.10' })).toEqual({ ip: '203.0.113.10', since: null });
  });
});

const texts: Record<string, string> = {};
function await_text(name: string): string {
  return texts[name];
}
beforeAll(async () => {
  for (const f of await readdir(here)) if (f.endsWith('.md')) texts[f] = await readFile(path.join(here, f), 'utf8');
});

describe('shipped notebooks', () => {
  it('every shipped notebook parses', () => {
    const names = Object.keys(texts).sort();
    expect(names).toEqual(['consent-review.md', 'ip-pivot.md', 'user-investigation.md', 'weekly-kpi-review.md']);
    for (const n of names) expect(parseNotebook(texts[n], n).cells.length).toBeGreaterThan(3);
  });

  it('the user investigation shows the travel between Berlin and Singapore', async () => {
    const nb = parseNotebook(texts['user-investigation.md'], 'user-investigation.md');
    const run = await runNotebook(store.db, nb, bindParams(nb, { user: 'ANA.SILVA@acme.example' }));
    const travel = run.cells.find((c) => c.kind === 'sql' && c.name === 'travel');
    expect(travel && travel.kind === 'sql' ? travel.rows : []).toEqual([
      expect.objectContaining({ from_place: 'Berlin (DE)', to_place: 'Singapore (SG)', minutes: 72 }),
    ]);
    const row = (travel as unknown as { rows: { km: number }[] }).rows[0];
    expect(row.km).toBeGreaterThan(9800);
    expect(row.km).toBeLessThan(9950);
    const mfa = run.cells.find((c) => c.kind === 'sql' && c.name === 'mfa') as unknown as { rows: unknown[] };
    expect(mfa.rows.length).toBe(1);
    expect(run.cells.filter((c) => c.kind === 'chart').length).toBe(2);
  });

  it("keeps a parameter such as x' OR 1=1 -- a literal", async () => {
    const nb = parseNotebook(texts['user-investigation.md'], 'user-investigation.md');
    const run = await runNotebook(store.db, nb, bindParams(nb, { user: "x' OR 1=1 --" }));
    const timeline = run.cells.find((c) => c.kind === 'sql' && c.name === 'timeline') as unknown as { rows: { src_ip: string }[] };
    // Only the one event of the user literally named that way — not every event in the store.
    expect(timeline.rows.map((r) => r.src_ip)).toEqual(['192.0.2.1']);
    const none = await runNotebook(store.db, nb, bindParams(nb, { user: "nobody' OR '1'='1" }));
    const t2 = none.cells.find((c) => c.kind === 'sql' && c.name === 'timeline') as unknown as { rows: unknown[] };
    expect(t2.rows).toEqual([]);
  });

  it('writes HTML and Markdown reports', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'idtrail-nb-'));
    const html = await runNotebookFile(store.db, path.join(here, 'ip-pivot.md'), { ip: '203.0.113.10' }, { format: 'html', out: path.join(dir, 'ip.html'), generatedAt: 'T' });
    const page = await readFile(html.outputs[0], 'utf8');
    expect(page).toContain('IP pivot: 203.0.113.10');
    expect(page).toContain('bo.chen@acme.example');
    expect(page).not.toMatch(/<script|src="http/);
    const md = await runNotebookFile(store.db, path.join(here, 'ip-pivot.md'), { ip: '203.0.113.10' }, { format: 'md', out: path.join(dir, 'ip.md') });
    const text = await readFile(md.outputs[0], 'utf8');
    expect(text).toMatch(/^# IP pivot: 203\.0\.113\.10/);
    expect(md.outputs.some((o) => o.endsWith('.svg'))).toBe(true);
  });
});
