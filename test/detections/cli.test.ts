import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ev, insertEvents, PLACES, signin } from './events.js';

function capture() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += String(chunk); cb(); } });
  return { stream, get text() { return text; } };
}

async function idtrail(...argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(argv, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text, stderr: err.text };
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idtrail-detect-'));
  db = join(dir, 'test.duckdb');
  const store = await DuckDbStore.open(db);
  const now = Date.now();
  const at = (minAgo: number) => new Date(now - minAgo * 60000).toISOString();
  await insertEvents(store.db, [
    signin('alice@acme.example', at(300), '93.184.216.10', PLACES.berlin),
    signin('alice@acme.example', at(228), '203.0.113.50', PLACES.singapore),
    ...[0, 1, 2, 3, 4, 5].map((i) => ev({ event_time: at(100 - i), actor_name: 'ivan@acme.example', event_class: 'mfa', action: 'mfa_deny', outcome: 'failure', src_ip: '203.0.113.9' })),
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('idtrail detect', () => {
  it('--json prints exactly the documented shape; a second run creates nothing new', async () => {
    const r1 = await idtrail('detect', '--db', db, '--json');
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const j1 = JSON.parse(r1.stdout);
    expect(Object.keys(j1)).toEqual(['new', 'alerts']);
    expect(j1.new).toBe(2);
    expect(j1.alerts.map((a: { rule_id: string }) => a.rule_id).sort()).toEqual(['impossible_travel', 'mfa_fatigue']);
    for (const a of j1.alerts) {
      expect(Object.keys(a)).toEqual(['alert_id', 'rule_id', 'title', 'severity', 'techniques', 'entity', 'first_seen', 'last_seen', 'count', 'status', 'suppressed_by']);
      expect(Object.keys(a.entity)).toEqual(['user', 'ip', 'app']);
      expect(a.status).toBe('new');
      expect(a.suppressed_by).toBeNull();
    }
    const mfa = j1.alerts.find((a: { rule_id: string }) => a.rule_id === 'mfa_fatigue');
    expect(mfa.techniques).toEqual(['T1621']);
    expect(mfa.count).toBe(6);
    const r2 = await idtrail('detect', '--db', db, '--json', '--since', '2d');
    const j2 = JSON.parse(r2.stdout);
    expect(j2.new).toBe(0);
    expect(j2.alerts.map((a: { alert_id: string }) => a.alert_id).sort()).toEqual(j1.alerts.map((a: { alert_id: string }) => a.alert_id).sort());
  });

  it('rejects an allowlist entry without an expiry, naming the file and line', async () => {
    const file = join(dir, 'allow.yml');
    writeFileSync(file, 'entries:\n  - id: vpn\n    kind: network\n    cidrs: [203.0.113.0/24]\n    owner: netsec\n    reason: VPN\n');
    const r = await idtrail('detect', '--db', db, '--allowlist', file);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/allow\.yml:2: invalid allowlist: entries\.0\.expires/);
  });
});

describe('idtrail rules backtest', () => {
  it('shows what a detection would raise without writing alerts', async () => {
    const store = await DuckDbStore.open(db);
    await store.db.run('DELETE FROM alerts');
    await store.close();
    const r = await idtrail('rules', 'backtest', 'impossible_travel', '--db', db, '--since', '30d', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.would_raise).toBe(1);
    expect(j.alerts[0].explanation).toMatch(/Berlin \(DE\).*Singapore \(SG\)/);
    const check = await DuckDbStore.open(db, { readOnly: true });
    expect(Number((await check.db.one<{ n: bigint }>('SELECT count(*) AS n FROM alerts'))!.n)).toBe(0);
    await check.close();
  });
  it('names the known detections when the id is wrong', async () => {
    const r = await idtrail('rules', 'backtest', 'no_such_rule', '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown detection id: no_such_rule.*impossible_travel/);
  });
});
