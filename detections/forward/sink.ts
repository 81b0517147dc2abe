import type { Alert } from '../alerts/model.js';

/**
 * The forwarder seam: every sink takes a batch of alerts and says, per alert, whether it was
 * delivered. A sink never throws for a delivery problem; a failure is a value with a message that
 * holds no secret, and optionally how long the receiver asked us to wait (429/503 Retry-After).
 * An alert a receiver already holds (Elasticsearch 409 on its `_id`) counts as delivered.
 */
export type SinkKind = 'elasticsearch' | 'splunk_hec' | 'syslog' | 'webhook' | 'file';

export interface DeliveryFailure {
  alert_id: string;
  error: string;
  retryAfterMs?: number;
}

export interface DeliveryOutcome {
  delivered: string[];
  failed: DeliveryFailure[];
}

export interface Sink {
  /** The outbox key: alerts queued under this name are delivered by this sink. */
  readonly name: string;
  readonly kind: SinkKind;
  /** The sink's URL with anything secret left out, for status lines and logs. */
  readonly display: string;
  /** Most alerts per delivery call. */
  readonly maxBatch: number;
  deliver(alerts: Alert[]): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}

export function allFailed(alerts: Alert[], error: string, retryAfterMs?: number): DeliveryOutcome {
  return { delivered: [], failed: alerts.map((a) => ({ alert_id: a.alert_id, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) })) };
}

/** `Retry-After` as milliseconds: delta-seconds (possibly fractional) or an HTTP date. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
