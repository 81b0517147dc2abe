import type { DuckDb } from '../../store/duckdb/db.js';
import type { ElasticStore } from '../../store/elastic/store.js';
import type { Alert } from '../alerts/model.js';
import { DEFAULT_LOOKBACK_MINUTES, type RunDetectionsOptions, type RunDetectionsResult } from '../run.js';
import { WATERMARK_NAME } from '../engine/watermark.js';
import { loadRulePack, sigmaAlertsFrom } from '../engine/sigma-alerts.js';
import { evaluateAnalyticsOnElastic } from './run-analytics.js';
import { runSigmaOnElastic } from './run-sigma.js';
import { runCorrelationsOnElastic } from './run-correlations.js';
import { elasticEventLookup } from './event-lookup.js';

export interface ElasticRunOptions extends RunDetectionsOptions {
  /** DuckDB with the directory and HRIS tables the analytics join against. */
  directory?: DuckDb;
  /** Sees every ES|QL query sent (analytic id, or `sigma` for correlations). */
  onQuery?: (id: string, query: string) => void;
}

function parseTime(v: string | Date, what: string): Date {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${what}: not a time: ${String(v)}`);
  return d;
}

/**
 * `runDetections` on the Elasticsearch store, step for step: the same window and watermark rules
 * (the watermark lives in the store's checkpoints index), the analytics through their ES|QL forms,
 * Sigma rules through their query DSL (correlations through their ES|QL), and the alerts built by
 * the same code as on DuckDB — so the same events give the same alerts on both stores.
 */
export async function runDetectionsOnElastic(store: ElasticStore, opts: ElasticRunOptions = {}): Promise<RunDetectionsResult> {
  const now = opts.now ?? new Date();
  const stats = await store.eventTimes();
  let to = opts.until !== undefined ? parseTime(opts.until, '--until') : now;
  if (opts.until === undefined && stats.max && stats.max > to) to = stats.max;
  const resuming = opts.since === undefined;
  let from: Date;
  if (!resuming) {
    from = parseTime(opts.since!, '--since');
  } else {
    const wm = await store.readWatermark(WATERMARK_NAME);
    const lookback = (opts.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES) * 60000;
    if (!wm.value) {
      from = stats.min ?? new Date(to.getTime() - lookback);
    } else {
      from = new Date(wm.value.getTime() - lookback);
      const late = await store.eventTimes({ ingestedAfter: wm.ingestedUpTo ?? new Date(0) });
      if (late.min && late.min < from) from = late.min;
    }
  }
  if (from > to) from = to;
  const raised: Alert[] = await evaluateAnalyticsOnElastic(store, {
    from, to, ids: opts.ids, params: opts.params, allowlist: opts.allowlist, now, directory: opts.directory, onQuery: opts.onQuery,
  });
  if (opts.rules?.length) {
    const pack = await loadRulePack(opts.rules);
    const window = { since: from, until: new Date(to.getTime() + 1) };
    const single = await runSigmaOnElastic(store, pack.rules, { ...window, memoryFallback: true });
    const correlations = await runCorrelationsOnElastic(store, pack, { ...window, onQuery: (q) => opts.onQuery?.('sigma', q) });
    raised.push(...(await sigmaAlertsFrom({ matches: single.matches, correlations }, pack, elasticEventLookup(store), { from, to: window.until, allowlist: opts.allowlist, now })));
  }
  const created = raised.length ? (await store.upsertAlerts(raised, opts.sinks ?? [])).created : 0;
  if (resuming) await store.writeWatermark(WATERMARK_NAME, { value: to, ingestedUpTo: stats.maxIngest });
  const stored = await store.listAlerts({ limit: 1_000_000 });
  const alerts = stored
    .filter((a) => Date.parse(a.last_seen) >= from.getTime() && Date.parse(a.first_seen) <= to.getTime())
    .sort((a, b) => a.first_seen.localeCompare(b.first_seen) || a.alert_id.localeCompare(b.alert_id));
  return { new: created, alerts, window: { from: from.toISOString(), to: to.toISOString() }, evaluated: raised.length };
}
