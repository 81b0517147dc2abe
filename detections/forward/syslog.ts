import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Alert } from '../alerts/model.js';
import { alertToSyslog } from './rfc5424.js';
import { allFailed, type DeliveryOutcome, type Sink } from './sink.js';
import type { SyslogSinkSpec } from './url.js';

/**
 * `syslog`: one RFC 5424 message per alert, its MSG a CEF record (format cef) or text with the alert
 * in structured data (format rfc5424).
 * - UDP (RFC 5426): one datagram per message. UDP has no acknowledgement; a connected socket at least
 *   learns of an ICMP port-unreachable (ECONNREFUSED), which arrives within milliseconds on a LAN, so
 *   a receiver that is down keeps the alerts queued. Loss beyond that is invisible to any UDP sender.
 * - TCP (RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`) and TLS (RFC 5425, same framing):
 *   a batch goes over one connection; it counts as delivered once the receiver has read to our end
 *   of stream and closed its side cleanly.
 */
const UDP_SETTLE_MS = 150;
/** RFC 5426: IPv4 UDP payloads above 65,507 octets cannot be sent. */
const UDP_MAX = 65_507;

export function syslogSink(spec: SyslogSinkSpec): Sink {
  let ca: Buffer | undefined;
  if (spec.transport === 'tls' && spec.caFile) ca = readFileSync(spec.caFile);
  const render = (a: Alert) => alertToSyslog(a, { format: spec.format, facility: spec.facility, appName: spec.appName, sdId: spec.sdId });
  return {
    name: spec.name,
    kind: 'syslog',
    display: spec.display,
    maxBatch: spec.transport === 'udp' ? 100 : 500,
    async deliver(alerts: Alert[]): Promise<DeliveryOutcome> {
      const messages = alerts.map((a) => Buffer.from(render(a), 'utf8'));
      if (spec.transport === 'udp') return sendUdp(spec, alerts, messages);
      return sendStream(spec, alerts, messages, ca);
    },
    async close() {},
  };
}

function sendUdp(spec: SyslogSinkSpec, alerts: Alert[], messages: Buffer[]): Promise<DeliveryOutcome> {
  const type = isIP(spec.host) === 6 ? 'udp6' : 'udp4';
  return new Promise((resolve) => {
    const sock = dgram.createSocket(type);
    let error: string | null = null;
    const finish = () => {
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      if (error) return resolve(allFailed(alerts, `syslog ${spec.host}:${spec.port}/udp: ${error}`));
      const delivered: string[] = [];
      const failed: DeliveryOutcome['failed'] = [];
      messages.forEach((m, i) =>
        m.length > UDP_MAX
          ? failed.push({ alert_id: alerts[i].alert_id, error: `message of ${m.length} bytes exceeds the UDP limit; use syslog+tcp` })
          : delivered.push(alerts[i].alert_id),
      );
      resolve({ delivered, failed });
    };
    sock.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code === 'ECONNREFUSED' ? 'ECONNREFUSED: nothing listens on that port' : `${e.code ?? ''} ${e.message}`.trim();
    });
    sock.connect(spec.port, spec.host, async () => {
      for (const m of messages) {
        if (error) break;
        if (m.length > UDP_MAX) continue;
        await new Promise<void>((res) => sock.send(m, (e) => (e && (error ??= e.message), res())));
      }
      setTimeout(finish, UDP_SETTLE_MS);
    });
  });
}

function sendStream(spec: SyslogSinkSpec, alerts: Alert[], messages: Buffer[], ca?: Buffer): Promise<DeliveryOutcome> {
  const where = `syslog ${spec.host}:${spec.port}/${spec.transport}`;
  return new Promise((resolve) => {
    let settled = false;
    let finished = false;
    const done = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(outcome);
    };
    const ok = () => done({ delivered: alerts.map((a) => a.alert_id), failed: [] });
    const fail = (msg: string) => done(allFailed(alerts, `${where}: ${msg}`));
    const payload = Buffer.concat(messages.flatMap((m) => [Buffer.from(`${m.length} `, 'ascii'), m]));
    const onReady = () => {
      sock.end(payload, () => {
        finished = true;
      });
    };
    const sock: Socket =
      spec.transport === 'tls'
        ? tlsConnect({ host: spec.host, port: spec.port, ...(ca ? { ca } : {}), servername: spec.servername ?? (isIP(spec.host) ? undefined : spec.host) }, onReady)
        : netConnect({ host: spec.host, port: spec.port }, onReady);
    const timer = setTimeout(() => {
      // Everything was handed to the network and no error came back, but the receiver kept the
      // connection open: count it as delivered (a plain TCP sender cannot know more).
      if (finished) ok();
      else fail(`no connection or no progress within ${spec.timeoutMs} ms`);
    }, spec.timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) => fail(`${e.code ?? 'error'}: ${e.message}`));
    sock.on('data', () => {
      /* syslog receivers send nothing back; drain anyway */
    });
    sock.on('close', (hadError) => {
      if (hadError) return fail('connection closed with an error');
      if (finished) ok();
      else fail('the receiver closed the connection before all alerts were sent');
    });
  });
}
