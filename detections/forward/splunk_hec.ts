import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Alert } from '../alerts/model.js';
import { header, send, type HttpResponse } from './http.js';
import { readSecret } from './secrets.js';
import { retryAfterMs, type DeliveryOutcome, type Sink } from './sink.js';
import type { SplunkHecSinkSpec } from './url.js';

/**
 * `splunk_hec`: Splunk HTTP Event Collector, JSON endpoint `POST /services/collector/event`.
 * - Auth: `Authorization: Splunk <token>`; the token comes from SPLUNK_HEC_TOKEN (or token_env/token_file).
 * - Body: one envelope per alert, concatenated (HEC batches are back-to-back JSON objects, not an
 *   array): `time` (epoch seconds), `host`, `source`, `sourcetype`, `index`, `event` (the alert) and
 *   `fields` (indexed fields: string values only).
 * - Reply: `{"text":"Success","code":0}` (plus `ackId` when the token has indexer acknowledgement).
 *   Errors carry HEC codes: 2/3 (401, token missing/invalid authorization), 1/4 (403, disabled/invalid
 *   token), 9 (503, server busy), 6 with `invalid-event-number` (400: the first bad event of a batch;
 *   the events before it were accepted), 10/11 (400, channel missing/invalid).
 * - Indexer acknowledgement (`ack=true`): every request names a channel (`X-Splunk-Request-Channel`);
 *   a batch counts as delivered only when `POST /services/collector/ack` reports its ackId true.
 */
const ACK_POLL_MS = 250;

interface HecReply {
  text?: string;
  code?: number;
  ackId?: number;
  'invalid-event-number'?: number;
}

function parseReply(res: HttpResponse): HecReply {
  try {
    return JSON.parse(res.body) as HecReply;
  } catch {
    return {};
  }
}

export function hecEnvelope(a: Alert, spec: Pick<SplunkHecSinkSpec, 'host' | 'source' | 'sourcetype' | 'index'>): Record<string, unknown> {
  const fields: Record<string, string | string[]> = {
    alert_id: a.alert_id,
    rule_id: a.rule_id,
    severity: a.severity,
    status: a.status,
  };
  if (a.entity.user) fields.user = a.entity.user;
  if (a.entity.ip) fields.src_ip = a.entity.ip;
  if (a.entity.app) fields.app = a.entity.app;
  if (a.techniques.length) fields.mitre_technique_id = a.techniques;
  return {
    time: Date.parse(a.created_at) / 1000,
    host: spec.host ?? hostname(),
    source: spec.source,
    sourcetype: spec.sourcetype,
    ...(spec.index ? { index: spec.index } : {}),
    event: { ...a },
    fields,
  };
}

export function splunkHecSink(spec: SplunkHecSinkSpec, opts: { channel?: string } = {}): Sink {
  const token = readSecret({ env: spec.tokenEnv, file: spec.tokenFile }, 'Splunk HEC token', { required: true });
  const channel = opts.channel ?? randomUUID();
  const headers = {
    authorization: `Splunk ${token}`,
    'content-type': 'application/json',
    'x-splunk-request-channel': channel,
    'user-agent': 'idtrail',
  };
  const where = `Splunk HEC ${spec.display}`;

  async function waitForAck(ackId: number): Promise<string | null> {
    const deadline = Date.now() + spec.ackTimeoutMs;
    for (;;) {
      const res = await send({
        method: 'POST',
        url: `${spec.baseUrl}/services/collector/ack?channel=${encodeURIComponent(channel)}`,
        headers,
        body: JSON.stringify({ acks: [ackId] }),
        timeoutMs: spec.timeoutMs,
      });
      if (res.status === 200) {
        const body = JSON.parse(res.body || '{}') as { acks?: Record<string, boolean> };
        if (body.acks?.[String(ackId)] === true) return null;
      } else if (res.status !== 503) {
        const r = parseReply(res);
        return `${where}: acknowledgement query failed: HTTP ${res.status || res.error} ${r.text ?? ''}`.trim();
      }
      if (Date.now() >= deadline) return `${where}: ackId ${ackId} not acknowledged within ${spec.ackTimeoutMs} ms`;
      await new Promise((r) => setTimeout(r, ACK_POLL_MS));
    }
  }

  return {
    name: spec.name,
    kind: 'splunk_hec',
    display: spec.display,
    maxBatch: 200,
    async deliver(alerts: Alert[]): Promise<DeliveryOutcome> {
      const body = alerts.map((a) => JSON.stringify(hecEnvelope(a, spec))).join('\n');
      const res = await send({ method: 'POST', url: `${spec.baseUrl}/services/collector/event`, headers, body, timeoutMs: spec.timeoutMs });
      const reply = parseReply(res);
      const ids = alerts.map((a) => a.alert_id);
      const failAll = (error: string, wait?: number): DeliveryOutcome => ({
        delivered: [],
        failed: ids.map((alert_id) => ({ alert_id, error, ...(wait !== undefined ? { retryAfterMs: wait } : {}) })),
      });
      if (res.status === 0) return failAll(`${where}: ${res.error}`);
      if (res.status === 200 && reply.code === 0) {
        if (spec.ack && typeof reply.ackId === 'number') {
          const ackError = await waitForAck(reply.ackId);
          if (ackError) return failAll(ackError);
        }
        return { delivered: ids, failed: [] };
      }
      const text = `${where}: HTTP ${res.status}${reply.code !== undefined ? ` code ${reply.code}` : ''} ${reply.text ?? res.body.slice(0, 200)}`.trim();
      const bad = reply['invalid-event-number'];
      if (res.status === 400 && typeof bad === 'number' && bad >= 0 && bad < alerts.length && !spec.ack) {
        return {
          delivered: ids.slice(0, bad),
          failed: [
            { alert_id: ids[bad], error: text },
            ...ids.slice(bad + 1).map((alert_id) => ({ alert_id, error: `${where}: not indexed after an invalid event in the same batch`, retryAfterMs: 0 })),
          ],
        };
      }
      if (res.status === 401 || res.status === 403) return failAll(`${text} (check the HEC token in ${spec.tokenFile ?? spec.tokenEnv})`);
      return failAll(text, res.status === 503 || res.status === 429 ? retryAfterMs(header(res, 'retry-after')) : undefined);
    },
    async close() {},
  };
}
