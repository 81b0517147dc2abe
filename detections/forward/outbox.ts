import type { Alert } from '../alerts/model.js';
import type { EventStore } from '../../store/event-store.js';
import { logger, redactSecrets } from '../../lib/log.js';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { DeliveryFailure, DeliveryOutcome, Sink } from './sink.js';

/**
 * Outbox delivery, at least once. Alerts wait in the store's `outbox` (inside the DuckDB file, so a
 * SIEM that is down keeps its queue across restarts). Each run takes due items in batches, hands
 * them to the sink, and records per item: delivered, or failed with the error and the next attempt
 * time (exponential backoff with jitter). An item is marked delivered only after the receiver
 * accepted it, so a crash between sending and marking sends it again; every payload carries the
 * stable alert id for the receiver to deduplicate.
 */
export interface ForwardOptions {
  batchSize?: number;
  /** Stop a sink after this many batches in one run (the rest waits for the next run). */
  maxBatches?: number;
  backoff?: BackoffPolicy;
  /** Attempt items even when their backoff has not elapsed (an operator's "retry now"). */
  retryNow?: boolean;
  now?: () => Date;
  random?: () => number;
  /** Called after each batch (progress on a terminal). */
  onBatch?: (sink: string, outcome: DeliveryOutcome) => void;
}

export interface SinkRunReport {
  sink: string;
  display: string;
  attempted: number;
  delivered: number;
  failed: number;
  errors: string[];
}

const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

export async function forwardSink(store: EventStore, sink: Sink, opts: ForwardOptions = {}): Promise<SinkRunReport> {
  const now = opts.now ?? (() => new Date());
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? sink.maxBatch, sink.maxBatch));
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  const report: SinkRunReport = { sink: sink.name, display: sink.display, attempted: 0, delivered: 0, failed: 0, errors: [] };
  const tried = new Set<string>();
  for (let batch = 0; batch < maxBatches; batch++) {
    // Items failed in this run are not retried in the same run, even when asked to retry now.
    const due = (await store.pendingOutbox(sink.name, batchSize + tried.size, opts.retryNow ? FAR_FUTURE : now()))
      .filter((item) => !tried.has(item.alert_id))
      .slice(0, batchSize);
    if (due.length === 0) break;
    const alerts: Alert[] = due.map((d) => d.alert);
    for (const a of alerts) tried.add(a.alert_id);
    let outcome: DeliveryOutcome;
    try {
      outcome = await sink.deliver(alerts);
    } catch (err) {
      // A sink reports failures as values; anything thrown is a bug or an unexpected I/O error.
      const message = redactSecrets(err instanceof Error ? err.message : String(err));
      outcome = { delivered: [], failed: alerts.map((a) => ({ alert_id: a.alert_id, error: message })) };
    }
    const attempts = new Map(due.map((d) => [d.alert_id, d.attempts]));
    const reported = new Set([...outcome.delivered, ...outcome.failed.map((f) => f.alert_id)]);
    // An alert the sink neither delivered nor failed is a sink bug; retry it rather than lose it.
    const missing: DeliveryFailure[] = alerts.filter((a) => !reported.has(a.alert_id)).map((a) => ({ alert_id: a.alert_id, error: 'the sink reported no outcome' }));
    const failed: DeliveryFailure[] = [...outcome.failed, ...missing];
    await store.markDelivered(sink.name, outcome.delivered);
    // Group failures by error and wait time so each group is one update.
    const groups = new Map<string, { ids: string[]; error: string; next: Date }>();
    for (const f of failed) {
      const wait = backoffMs((attempts.get(f.alert_id) ?? 0) + 1, opts.backoff ?? DEFAULT_BACKOFF, opts.random, f.retryAfterMs);
      const next = new Date(now().getTime() + wait);
      const error = redactSecrets(f.error);
      const key = `${error}\u0000${Math.round(next.getTime() / 1000)}`;
      const g = groups.get(key) ?? { ids: [], error, next };
      g.ids.push(f.alert_id);
      groups.set(key, g);
    }
    for (const g of groups.values()) await store.markFailed(sink.name, g.ids, g.error, g.next);
    report.attempted += alerts.length;
    report.delivered += outcome.delivered.length;
    report.failed += failed.length;
    for (const f of failed) if (!report.errors.includes(f.error) && report.errors.length < 5) report.errors.push(redactSecrets(f.error));
    opts.onBatch?.(sink.name, { delivered: outcome.delivered, failed });
    if (failed.length > 0) {
      logger().warn({ sink: sink.name, failed: failed.length, delivered: outcome.delivered.length, error: failed[0].error }, 'alert delivery failed; will retry');
    }
    // A sink that accepted nothing is down or refusing: stop hammering it until the next run.
    if (outcome.delivered.length === 0) break;
  }
  return report;
}

/** Delivers what is due in the outbox of each sink, one sink after another. */
export async function forwardPending(store: EventStore, sinks: Sink[], opts: ForwardOptions = {}): Promise<SinkRunReport[]> {
  const reports: SinkRunReport[] = [];
  for (const sink of sinks) reports.push(await forwardSink(store, sink, opts));
  return reports;
}
