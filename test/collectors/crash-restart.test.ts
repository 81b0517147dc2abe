import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { oktaLogEvents, rng } from '../servers/events.js';
import { startOktaServer, type OktaServer } from '../servers/okta.js';
import { ensureBuilt, spawnCli } from './cli-helpers.js';

/**
 * Done-when: the collector is killed with SIGKILL at 20+ random points during an ingest and started
 * again each time; the final store equals the store of an uninterrupted run (same raw events, same
 * normalized events, nothing quarantined, same checkpoint), and no event is stored twice.
 */
const EVENTS = 3000;
const PAGE = 50; // 60 pages: room for 20+ kills that each land mid-ingest
const KILLS = 22;
const TOKEN = 'crash-test-ssws-token-0123456789abcdefgh';
const FROM = new Date('2026-11-18T00:00:00Z');
const TO = new Date('2026-11-20T00:00:00Z');

const dir = mkdtempSync(join(tmpdir(), 'idtrail-crash-'));
let server: OktaServer;

beforeAll(async () => {
  ensureBuilt();
  writeFileSync(CONFIG, `sources:\n  - type: okta\n    tenant: acme\n    limit: ${PAGE}\n`);
  server = await startOktaServer({ events: oktaLogEvents(EVENTS, FROM, TO, 201), apiToken: TOKEN, rateLimit: { limit: 100_000, windowMs: 60_000 } });
}, 900_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CONFIG = join(dir, 'idtrail.yaml');
const args = (db: string) => ['ingest', 'okta', '--config', CONFIG, '--db', db, '--since', FROM.toISOString(), '--json'];
const env = () => ({ OKTA_ORG_URL: server.url, OKTA_API_TOKEN: TOKEN, IDTRAIL_LOG_LEVEL: 'warn' });

async function snapshot(db: string) {
  const store = await DuckDbStore.open(db, { readOnly: true });
  try {
    const raw = await store.db.all<{ id: string; n: bigint }>('SELECT _native_id AS id, count(*) AS n FROM raw_okta_system_log GROUP BY 1 ORDER BY 1');
    const events = await store.db.all<{ uid: string }>('SELECT event_uid AS uid FROM identity_events ORDER BY 1');
    const cp = await store.getCheckpoint('okta', 'acme', 'system_log');
    return { raw: raw.map((r) => `${r.id}:${r.n}`), events: events.map((e) => e.uid), quarantine: await store.countQuarantine(), checkpoint: cp };
  } finally {
    await store.close();
  }
}

describe('crash and restart', () => {
  it(`SIGKILL at ${KILLS} random points, restart each time: the final store equals an uninterrupted run`, { timeout: 900_000 }, async () => {
    const clean = join(dir, 'clean.duckdb');
    const first = spawnCli(args(clean), env());
    const done = await first.exited;
    expect(first.stderr()).toBe('');
    expect(done.code).toBe(0);
    expect(JSON.parse(first.stdout()).stored).toBe(EVENTS);
    expect(JSON.parse(first.stdout()).pages).toBe(EVENTS / PAGE + 1);

    const crashed = join(dir, 'crashed.duckdb');
    const random = rng(7);
    let kills = 0;
    let runs = 0;
    const killedAfter: number[] = [];
    for (;;) {
      runs++;
      expect(runs).toBeLessThan(KILLS * 4);
      const before = server.requests;
      const child = spawnCli(args(crashed), env());
      if (kills < KILLS) {
        // Kill once the child has asked for its next page, after a random extra delay: the kill lands
        // while a page is in flight, being stored, or between pages.
        const target = before + 1;
        const deadline = Date.now() + 120_000;
        let exited = false;
        void child.exited.then(() => (exited = true));
        while (!exited && server.requests < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
        if (!exited) {
          child.proc.kill('SIGKILL');
          const r = await child.exited;
          if (r.signal === 'SIGKILL') {
            kills++;
            killedAfter.push(server.requests - before);
            continue;
          }
        }
      }
      const r = await child.exited;
      expect(child.stderr()).toBe('');
      expect(r.code).toBe(0);
      break;
    }
    expect(kills).toBeGreaterThanOrEqual(20);

    const a = await snapshot(clean);
    const b = await snapshot(crashed);
    expect(b.raw.length).toBe(EVENTS);
    expect(b.raw.every((x) => x.endsWith(':1'))).toBe(true);
    expect(b.raw).toEqual(a.raw);
    expect(b.events).toEqual(a.events);
    expect(b.quarantine).toBe(0);
    expect(a.quarantine).toBe(0);
    expect(b.checkpoint).toEqual(a.checkpoint);
  });
});
