import type { DuckDb } from '../store/duckdb/db.js';
import type { EventStore } from '../store/event-store.js';
import type { Alert } from './alerts/model.js';
import type { Allowlist } from './engine/allowlist.js';
import { evaluateAnalytics } from './engine/evaluate.js';
import { ingestTimeText, readWatermark, tsText, writeWatermark } from './engine/watermark.js';
import { toDate } from './engine/format.js';
import { ts } from './analytics/sql.js';
import { loadRulePack, sigmaAlerts } from './engine/sigma-alerts.js';
import type { ElasticStore } from '../store/elastic/store.js';

/** What detection needs from a store: SQL over the events and the alert API. */
export type DetectionStore = Pick<EventStore, 'upsertAlerts' | 'listAlerts'> & { db: DuckDb };

export interface RunDetectionsOptions {
  /** ISO-8601 or Date; default: resume from the watermark (minus the lookback). */
  since?: string | Date;
  /** ISO-8601 or Date; default: now (or the newest event, if later). */
  until?: string | Date;
  /** Sinks whose outbox receives the new (unsuppressed) alerts. */
  sinks?: string[];
  allowlist?: Allowlist;
  /** Re-read this much before the watermark for late-arriving events (vendor lag). Default 60 min. */
  lookbackMinutes?: number;
  ids?: string[];
  params?: Record<string, Record<string, unknown>>;
  now?: Date;
  /** Sigma rule files or folders to run as a rule pack beside the analytics (e.g. ../shared/sigma). */
  rules?: string[];
  /**
   * Elasticsearch store only: a DuckDB holding the directory and HRIS tables the analytics join
   * against (the cluster holds events only).
   */
  directory?: DuckDb;
}

export interface RunDetectionsResult {
  /** Alerts created by this run. */
  new: number;
  /** Every alert in the store whose activity falls in the run's window (new and existing). */
  alerts: Alert[];
  window: { from: string; to: string };
  evaluated: number;
}

export const DEFAULT_LOOKBACK_MINUTES = 60;

function parseTime(v: string | Date, what: string): Date {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${what}: not a time: ${String(v)}`);
  return d;
}

/**
 * Runs every detection over the window and stores the alerts. Without `since`, a run resumes from the
 * watermark: it starts `lookbackMinutes` before it, and earlier when events ingested since the last
 * run carry older event times. Each detection additionally reads its own context before the window
 * (the earlier half of a burst, the previous sign-in), and rebuilds its correlation groups whole, so a
 * burst whose events straddle two ingests fires exactly once, with the same alert id as a single run.
 */
export async function runDetections(store: DetectionStore | ElasticStore, opts: RunDetectionsOptions = {}): Promise<RunDetectionsResult> {
  if ((store as { capabilities?: { sql?: boolean } }).capabilities?.sql === false) {
    // The scale-out store runs the detections inside the cluster (detections/elastic/run.ts).
    const { runDetectionsOnElastic } = await import('./elastic/run.js');
    return runDetectionsOnElastic(store as ElasticStore, opts);
  }
  const db = (store as DetectionStore).db;
  const now = opts.now ?? new Date();
  const stats = await db.one<{ min_t: Date | null; max_t: Date | null; max_ingest: string | null }>(
    `SELECT min(event_time) AS min_t, max(event_time) AS max_t, ${ingestTimeText('max(ingest_time)')} AS max_ingest FROM identity_events`,
  );
  const maxT = stats?.max_t ? toDate(stats.max_t) : null;
  // kept to the microsecond: a Date would drop the µs and make the next run re-read the last batch
  const maxIngest = stats?.max_ingest ?? null;
  let to = opts.until !== undefined ? parseTime(opts.until, '--until') : now;
  if (opts.until === undefined && maxT && maxT > to) to = maxT;
  // The watermark only moves on resuming runs; an explicit --since is a one-off (re)scan.
  const resuming = opts.since === undefined;
  let from: Date;
  if (!resuming) {
    from = parseTime(opts.since!, '--since');
  } else {
    const wm = await readWatermark(db);
    const lookback = (opts.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES) * 60000;
    if (!wm.value) {
      from = stats?.min_t ? toDate(stats.min_t) : new Date(to.getTime() - lookback);
    } else {
      from = new Date(wm.value.getTime() - lookback);
      const late = await db.one<{ t: Date | null }>(
        'SELECT min(event_time) AS t FROM identity_events WHERE ingest_time > $1::TIMESTAMP',
        [wm.ingestedUpToText ? tsText(wm.ingestedUpToText) : ts(wm.ingestedUpTo ?? new Date(0))],
      );
      if (late?.t && toDate(late.t) < from) from = toDate(late.t);
    }
  }
  if (from > to) from = to;
  const raised = await evaluateAnalytics(db, { from, to, ids: opts.ids, params: opts.params, allowlist: opts.allowlist, now });
  if (opts.rules?.length) {
    const pack = await loadRulePack(opts.rules);
    raised.push(...(await sigmaAlerts(db, pack, { from, to: new Date(to.getTime() + 1), allowlist: opts.allowlist, now })));
  }
  const sinks = opts.sinks ?? [];
  // Suppressed alerts are stored (auditable) but the store never queues them for a sink.
  const created = raised.length ? (await (store as DetectionStore).upsertAlerts(raised, sinks)).created : 0;
  if (resuming) await writeWatermark(db, { value: to, ingestedUpTo: maxIngest });
  // only the alerts whose activity overlaps the window (the store filters: a long history holds many)
  const stored = await (store as DetectionStore).listAlerts({ since: ts(from), until: ts(new Date(to.getTime() + 1)), limit: 1_000_000 });
  const alerts = stored
    .filter((a) => Date.parse(a.last_seen) >= from.getTime() && Date.parse(a.first_seen) <= to.getTime())
    .sort((a, b) => a.first_seen.localeCompare(b.first_seen) || a.alert_id.localeCompare(b.alert_id));
  return { new: created, alerts, window: { from: from.toISOString(), to: to.toISOString() }, evaluated: raised.length };
}
