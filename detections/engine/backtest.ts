import type { DuckDb } from '../../store/duckdb/db.js';
import type { Alert } from '../alerts/model.js';
import type { Allowlist } from './allowlist.js';
import { evaluateAnalytics } from './evaluate.js';

export interface BacktestResult {
  ruleId: string;
  window: { from: string; to: string };
  alerts: Alert[];
  /** How many of these alert ids already exist in the store (the rule is live and raised them). */
  alreadyStored: number;
}

/** Runs one detection over [from, to] and returns what it would raise. Nothing is written. */
export async function backtest(
  db: DuckDb,
  ruleId: string,
  opts: { from: Date; to: Date; allowlist?: Allowlist; params?: Record<string, unknown>; now?: Date },
): Promise<BacktestResult> {
  const alerts = await evaluateAnalytics(db, {
    from: opts.from,
    to: opts.to,
    ids: [ruleId],
    allowlist: opts.allowlist,
    params: opts.params ? { [ruleId]: opts.params } : undefined,
    now: opts.now,
  });
  let alreadyStored = 0;
  if (alerts.length) {
    const row = await db.one<{ n: bigint }>(
      'SELECT count(*) AS n FROM alerts WHERE list_contains(CAST($ids::JSON AS VARCHAR[]), alert_id)',
      { ids: JSON.stringify(alerts.map((a) => a.alert_id)) },
    );
    alreadyStored = Number(row?.n ?? 0);
  }
  alerts.sort((a, b) => a.first_seen.localeCompare(b.first_seen));
  return { ruleId, window: { from: opts.from.toISOString(), to: opts.to.toISOString() }, alerts, alreadyStored };
}
