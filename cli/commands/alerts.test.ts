import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs, type Command } from '../command.js';
import { exitCodeFor, IdtrailError } from '../../lib/errors.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { alertSet } from '../../test/forward/alerts.js';
import { alertsAck, alertsClose, alertsList, alertsShow } from './alerts.js';
import { forwardCommand } from './forward.js';

let dir: string;
let db: string;
const alerts = alertSet(6);

async function run(cmd: Command, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const { values, positionals } = parseCommandArgs(cmd, argv);
    const code = await cmd.run({ values, positionals, stdout, stderr, interactive: false });
    return { code, out, err };
  } catch (e) {
    return { code: exitCodeFor(e), out, err: e instanceof IdtrailError ? e.format() : String(e) };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idtrail-cli-alerts-'));
  db = join(dir, 'idtrail.duckdb');
  const store = await DuckDbStore.open(db);
  await store.upsertAlerts(alerts, ['siem']);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('idtrail alerts', () => {
  it('list shows a table and filters', async () => {
    const all = await run(alertsList, ['--db', db]);
    expect(all.code).toBe(0);
    const lines = all.out.trim().split('\n');
    expect(lines[0]).toMatch(/^ALERT ID\s+SEVERITY\s+STATUS\s+RULE\s+EVENTS\s+LAST SEEN\s+ENTITY$/);
    expect(lines.length).toBe(7);
    expect(all.out).toContain('anna.schmidt@contoso.com / 103.152.220.14 / Office 365 Exchange Online');
    const spray = await run(alertsList, ['--db', db, '--rule', 'password_spray', '--json']);
    expect(JSON.parse(spray.out).alerts.map((a: { rule_id: string }) => a.rule_id)).toEqual(['password_spray', 'password_spray']);
    const bad = await run(alertsList, ['--db', db, '--status', 'open']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--status open is not one of new, acknowledged, closed/);
  });

  it('show prints the explanation and the evidence ids', async () => {
    const a = alerts[1];
    const r = await run(alertsShow, [a.alert_id, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(a.explanation);
    for (const id of a.evidence_event_ids) expect(r.out).toContain(`  ${id}`);
    expect(r.out).toContain('T1621');
    const missing = await run(alertsShow, ['nope', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no alert with id "nope"/);
  });

  it('ack then close with a resolution; invalid transitions say why', async () => {
    const id = alerts[0].alert_id;
    expect((await run(alertsAck, [id, '--db', db, '--note', 'calling the user'])).out).toBe(`${id}: acknowledged\n`);
    const again = await run(alertsAck, [id, '--db', db]);
    expect([again.code, again.err]).toEqual([1, `alert ${id} is already acknowledged — nothing to do`]);
    const noRes = await run(alertsClose, [id, '--db', db]);
    expect(noRes.code).toBe(2);
    expect(noRes.err).toMatch(/needs a resolution — pass --resolution true_positive\|benign\|false_positive/);
    const wrongRes = await run(alertsClose, [id, '--db', db, '--resolution', 'fixed']);
    expect(wrongRes.err).toMatch(/unknown resolution "fixed"/);
    const closed = await run(alertsClose, [id, '--db', db, '--resolution', 'true_positive', '--json']);
    expect(JSON.parse(closed.out)).toMatchObject({ status: 'closed', resolution: 'true_positive', status_note: 'calling the user' });
    const reopen = await run(alertsAck, [id, '--db', db]);
    expect(reopen.err).toMatch(/cannot go from closed to acknowledged — a closed alert cannot be changed/);
    const list = await run(alertsList, ['--db', db, '--status', 'closed']);
    expect(list.out).toContain('closed:true_positive');
  });
});

describe('idtrail forward', () => {
  it('--status shows queued alerts per sink; no sink to forward to is a usage error', async () => {
    const st = await run(forwardCommand, ['--db', db, '--status', '--json']);
    expect(JSON.parse(st.out).sinks).toEqual([{ sink: 'siem', queued: 6, delivered: 0, failing_since: null, last_error: null }]);
    const table = await run(forwardCommand, ['--db', db, '--status']);
    expect(table.out.split('\n')[0]).toMatch(/^SINK\s+QUEUED\s+DELIVERED\s+FAILING SINCE\s+LAST ERROR$/);
    const none = await run(forwardCommand, ['--db', db]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no sink to forward to — pass --to URL/);
  });

  it('--to exports every stored alert to a new sink, once', async () => {
    const out = join(dir, 'export.ndjson');
    const r1 = await run(forwardCommand, ['--db', db, '--to', `file://${out}?format=ecs&name=export`]);
    expect(r1.code).toBe(0);
    expect(r1.out).toMatch(/^export \(file:\/\/.*export.ndjson\): 6 delivered, 0 failed, 0 still queued$/m);
    const r2 = await run(forwardCommand, ['--db', db, '--to', `file://${out}?format=ecs&name=export`]);
    expect(r2.out).toMatch(/0 delivered, 0 failed, 0 still queued/);
    const cfg = join(dir, 'idtrail.yaml');
    writeFileSync(cfg, `sinks:\n  - name: archive\n    url: file://${join(dir, 'archive.ndjson')}?format=ocsf\n`);
    const fromConfig = await run(forwardCommand, ['--db', db, '--config', cfg, '--status']);
    expect(fromConfig.code).toBe(0);
    const viaConfig = await run(forwardCommand, ['--db', db, '--config', cfg, '--sink', 'nope']);
    expect(viaConfig.err).toMatch(/no sink named nope — configured sinks: archive/);
    const bad = await run(forwardCommand, ['--db', db, '--to', 'syslog+udp://h?formt=cef']);
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/unknown option formt/);
  });
});
