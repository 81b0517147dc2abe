import { createHmac } from 'node:crypto';
import type { Alert } from '../alerts/model.js';
import { logger } from '../../lib/log.js';
import { header, send } from './http.js';
import { readSecret } from './secrets.js';
import { retryAfterMs, type DeliveryOutcome, type Sink } from './sink.js';
import type { WebhookSinkSpec } from './url.js';
import { webhookBody } from './webhook-formats.js';

/**
 * `webhook`: one POST per alert (Slack and Teams take one message per request). When a secret is
 * configured, each request is signed: `X-Idtrail-Timestamp` (epoch seconds) and
 * `X-Idtrail-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, so the receiver can
 * check origin and reject replays. `X-Idtrail-Alert-Id` repeats the alert id for deduplication.
 * 2xx is delivered; 429 and 5xx wait (Retry-After honoured); other 4xx are reported with their status.
 */
export const SIGNATURE_HEADER = 'x-idtrail-signature';
export const TIMESTAMP_HEADER = 'x-idtrail-timestamp';

export function signBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export function webhookSink(spec: WebhookSinkSpec, opts: { now?: () => number } = {}): Sink {
  const explicit = spec.secretFile !== undefined || spec.secretEnv !== 'IDTRAIL_WEBHOOK_SECRET';
  const secret = readSecret({ env: spec.secretEnv, file: spec.secretFile }, 'webhook signing secret', { required: explicit });
  if (!secret && spec.format === 'json') {
    logger().warn({ sink: spec.name }, `webhook requests are not signed: set ${spec.secretEnv} to sign them`);
  }
  const now = opts.now ?? Date.now;
  return {
    name: spec.name,
    kind: 'webhook',
    display: spec.display,
    maxBatch: 50,
    async deliver(alerts: Alert[]): Promise<DeliveryOutcome> {
      const out: DeliveryOutcome = { delivered: [], failed: [] };
      for (let i = 0; i < alerts.length; i++) {
        const a = alerts[i];
        const body = JSON.stringify(webhookBody(a, spec.format));
        const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-idtrail-alert-id': a.alert_id, 'user-agent': 'idtrail' };
        if (secret) {
          const ts = Math.floor(now() / 1000);
          headers[TIMESTAMP_HEADER] = String(ts);
          headers[SIGNATURE_HEADER] = signBody(secret, ts, body);
        }
        const res = await send({ method: 'POST', url: spec.url, headers, body, timeoutMs: spec.timeoutMs });
        if (res.status >= 200 && res.status < 300) {
          out.delivered.push(a.alert_id);
          continue;
        }
        const error = res.status === 0 ? `webhook ${spec.display}: ${res.error}` : `webhook ${spec.display}: HTTP ${res.status} ${res.body.slice(0, 200)}`.trim();
        const wait = res.status === 429 || res.status === 503 ? retryAfterMs(header(res, 'retry-after')) : undefined;
        out.failed.push({ alert_id: a.alert_id, error, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
        // Unreachable, throttled or failing: the rest of the batch waits for the next attempt too.
        if (res.status === 0 || res.status === 429 || res.status >= 500) {
          for (const rest of alerts.slice(i + 1)) out.failed.push({ alert_id: rest.alert_id, error, ...(wait !== undefined ? { retryAfterMs: wait } : {}) });
          break;
        }
      }
      return out;
    },
    async close() {},
  };
}
