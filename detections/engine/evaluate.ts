import type { DuckDb } from '../../store/duckdb/db.js';
import type { Alert } from '../alerts/model.js';
import type { Analytic, Hit } from '../analytics/types.js';
import { resolveParams } from '../analytics/types.js';
import { ANALYTICS } from '../analytics/index.js';
import { ensureMacros } from '../analytics/sql.js';
import { stableAlertId } from '../alerts/alert-id.js';
import { suppressedBy, type Allowlist } from './allowlist.js';
import { IdtrailError } from '../../lib/errors.js';

export interface EvaluateOptions {
  from: Date;
  to: Date;
  /** Restrict to these detection ids (default: all). */
  ids?: string[];
  /** Per-detection parameter overrides: { impossible_travel: { speed_kmh: 800 } }. */
  params?: Record<string, Record<string, unknown>>;
  allowlist?: Allowlist;
  /** The clock for allowlist expiry and created_at. */
  now?: Date;
  analytics?: Record<string, Analytic>;
}

export function hitToAlert(a: Analytic, h: Hit, now: Date, allowlist?: Allowlist): Alert {
  const iso = now.toISOString();
  const entity = { user: h.entity.user ?? null, ip: h.entity.ip ?? null, app: h.entity.app ?? null };
  return {
    // The group key already names the entity; the entity shown (e.g. the last IP) may change as a
    // group grows, so it is not part of the id.
    alert_id: stableAlertId(a.id, {}, h.groupKey),
    rule_id: a.id,
    rule_title: a.title,
    rule_author: 'idtrail',
    rule_kind: 'analytic',
    severity: h.severity ?? a.severity,
    tactics: a.tactics,
    techniques: a.techniques,
    entity,
    tenant_id: h.tenantId,
    first_seen: h.firstSeen.toISOString(),
    last_seen: h.lastSeen.toISOString(),
    event_count: h.count,
    evidence_event_ids: h.evidence,
    explanation: h.explanation,
    details: { ...h.details, group: h.groupKey },
    status: 'new',
    resolution: null,
    status_note: null,
    suppressed_by: suppressedBy(allowlist, { ruleId: a.id, entity, details: h.details }, now),
    created_at: iso,
    updated_at: iso,
  };
}

/** Runs the analytics over [from, to] and returns the alerts they raise (nothing is written). */
export async function evaluateAnalytics(db: DuckDb, opts: EvaluateOptions): Promise<Alert[]> {
  const registry = opts.analytics ?? ANALYTICS;
  const ids = opts.ids ?? Object.keys(registry);
  for (const id of ids) {
    if (!registry[id]) {
      throw new IdtrailError('usage', `unknown detection id: ${id}`, { hint: `known ids: ${Object.keys(registry).join(', ')}` });
    }
  }
  await ensureMacros(db);
  const now = opts.now ?? new Date();
  const out: Alert[] = [];
  for (const id of ids) {
    const a = registry[id];
    const params = resolveParams(a, opts.params?.[id]);
    const contextFrom = new Date(opts.from.getTime() - a.contextMinutes(params) * 60000);
    let hits: Hit[];
    try {
      hits = await a.detect(db, { from: opts.from, to: opts.to, contextFrom }, params);
    } catch (err) {
      throw new IdtrailError('internal', `detection ${id} failed: ${(err as Error).message}`, { location: { file: `detections/analytics/${id}.ts` }, cause: err });
    }
    for (const h of hits) out.push(hitToAlert(a, h, now, opts.allowlist));
  }
  return out;
}
