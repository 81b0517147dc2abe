import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { forwardPending } from '../../detections/forward/outbox.js';
import { parseSinkUrl, type SyslogSinkSpec } from '../../detections/forward/url.js';
import { syslogSink } from '../../detections/forward/syslog.js';
import { cefCustomStrings, parseCef } from '../../detections/forward/cef.js';
import { parseRfc5424 } from '../../detections/forward/rfc5424.js';
import type { Alert } from '../../detections/alerts/model.js';
import { alertSet } from './alerts.js';
import { freePort } from './http-util.js';
import { RSYSLOGD, Rsyslog } from './rsyslog.js';

// rsyslogd comes from the Debian package that .ci/run installs; without it this suite cannot run.
const suite = RSYSLOGD ? describe : describe.skip;

suite('syslog sink → a real rsyslogd (imudp + imtcp)', () => {
  let dir: string;
  let rsyslog: Rsyslog;
  const alerts: Alert[] = alertSet(6);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idtrail-rsyslog-'));
    rsyslog = new Rsyslog(dir, await freePort(), await freePort());
  });
  afterAll(async () => {
    await rsyslog?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function sink(transport: 'udp' | 'tcp', format: 'cef' | 'rfc5424', name: string) {
    const port = transport === 'udp' ? rsyslog.udpPort : rsyslog.tcpPort;
    return syslogSink(parseSinkUrl(`syslog+${transport}://127.0.0.1:${port}?format=${format}&name=${name}`) as SyslogSinkSpec);
  }

  function checkCef(msg: string, a: Alert) {
    const e = parseCef(msg)!;
    expect(e).not.toBeNull();
    expect([e.deviceVendor, e.deviceProduct, e.signatureId, e.name]).toEqual(['idtrail', 'idtrail', a.rule_id, a.rule_title]);
    expect(e.extensions.msg).toBe(a.explanation);
    expect(e.extensions.externalId).toBe(a.alert_id);
    expect(Number(e.extensions.cnt)).toBe(a.event_count);
    expect(Number(e.extensions.end)).toBe(Date.parse(a.last_seen));
    expect(e.extensions.suser ?? null).toBe(a.entity.user ?? null);
    const ip = e.extensions.src ?? e.extensions.c6a2 ?? null;
    expect(ip).toBe(a.entity.ip ?? null);
    const cs = cefCustomStrings(e);
    expect(cs.entityApp ?? null).toBe(a.entity.app ?? null);
    expect(cs.evidenceEventIds).toBe(a.evidence_event_ids.join(','));
    expect(cs.attackTechniques).toBe(a.techniques.join(','));
  }

  it('queues while rsyslog is down, then delivers CEF over UDP once it is up', async () => {
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alerts, ['cef-udp']);
    const s = sink('udp', 'cef', 'cef-udp');
    const [down] = await forwardPending(store, [s], { random: () => 0 });
    expect(down).toMatchObject({ delivered: 0, failed: 6 });
    expect(down.errors[0]).toMatch(/ECONNREFUSED/);
    await rsyslog.start();
    const [up] = await forwardPending(store, [s], { retryNow: true });
    expect(up).toMatchObject({ delivered: 6, failed: 0 });
    const got = (await rsyslog.waitFor(6)).filter((r) => r.input === 'imudp');
    expect(got.length).toBe(6);
    for (const a of alerts) {
      const rec = got.find((r) => r.msg.includes(`externalId=${a.alert_id}`));
      expect(rec, a.alert_id).toBeDefined();
      expect(rec!.app).toBe('idtrail');
      expect(Number(rec!.pri)).toBe(4 * 8 + ({ critical: 2, high: 3, medium: 4, low: 5, informational: 6 } as const)[a.severity]);
      checkCef(rec!.msg, a);
    }
    await store.close();
  });

  it('delivers RFC 5424 with structured data and CEF over TCP (octet counting)', async () => {
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alerts, ['5424-tcp', 'cef-tcp']);
    const before = rsyslog.records().length;
    const reports = await forwardPending(store, [sink('tcp', 'rfc5424', '5424-tcp'), sink('tcp', 'cef', 'cef-tcp')], { batchSize: 4 });
    expect(reports.map((r) => [r.delivered, r.failed])).toEqual([[6, 0], [6, 0]]);
    const got = (await rsyslog.waitFor(before + 12)).slice(before);
    expect(got.every((r) => r.input === 'imtcp')).toBe(true);
    expect(got.length).toBe(12);
    for (const a of alerts) {
      const cef = got.find((r) => r.msg.includes(`externalId=${a.alert_id}`));
      checkCef(cef!.msg, a);
      const rec = got.find((r) => r.sd.includes(`alert_id="${a.alert_id}"`));
      expect(rec, a.alert_id).toBeDefined();
      // what rsyslog parsed …
      expect(rec!.msgid).toBe('alert');
      expect(rec!.msg.replace(/^\uFEFF/, '')).toBe(`${a.rule_title}: ${a.explanation}`);
      // … and the message as it arrived, read back field for field
      const m = parseRfc5424(rec!.raw);
      const sd = Object.fromEntries(m.structuredData[0].params);
      expect(m.structuredData[0].id).toBe('idtrail@32473');
      expect(sd).toMatchObject({ alert_id: a.alert_id, rule_id: a.rule_id, severity: a.severity, count: String(a.event_count) });
      expect(sd.user ?? null).toBe(a.entity.user ?? null);
      expect(sd.app ?? null).toBe(a.entity.app ?? null);
      expect(rec!.sd).toBe(rec!.raw.slice(rec!.raw.indexOf('['), rec!.raw.lastIndexOf(']', rec!.raw.indexOf(' \uFEFF')) + 1));
      expect(m.msg).toBe(`${a.rule_title}: ${a.explanation}`);
    }
    await store.close();
  });
});
