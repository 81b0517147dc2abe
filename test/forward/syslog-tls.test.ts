import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { forwardPending } from '../../detections/forward/outbox.js';
import { openSink } from '../../detections/forward/registry.js';
import { parseCef } from '../../detections/forward/cef.js';
import { parseRfc5424 } from '../../detections/forward/rfc5424.js';
import { alertSet } from './alerts.js';

/**
 * syslog over TLS (RFC 5425: octet-counted frames inside TLS) to a TLS listener whose certificate is
 * signed by a throwaway CA made with openssl for this test; the sink trusts it only through `ca=`.
 */
let dir: string;
let server: Server;
let port: number;
const frames: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idtrail-tls-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=idtrail test CA']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'ext.cnf']);
  server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) break;
        const len = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + len) break;
        frames.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    });
    sock.on('end', () => sock.end());
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('syslog+tls', () => {
  it('an untrusted certificate keeps the alerts queued; with ca= they are delivered', async () => {
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(5);
    await store.upsertAlerts(alerts, ['syslog']);
    const [r1] = await forwardPending(store, [openSink(`syslog+tls://127.0.0.1:${port}?format=cef`)], { random: () => 0 });
    expect(r1.failed).toBe(5);
    expect(r1.errors[0]).toMatch(/certificate/i);
    expect(frames.length).toBe(0);
    const [r2] = await forwardPending(store, [openSink(`syslog+tls://127.0.0.1:${port}?format=cef&ca=${join(dir, 'ca.pem')}`)], { retryNow: true });
    expect(r2).toMatchObject({ delivered: 5, failed: 0 });
    expect(frames.map((f) => parseCef(parseRfc5424(f).msg!)!.extensions.externalId).sort()).toEqual(alerts.map((a) => a.alert_id).sort());
    await store.close();
  });
});
