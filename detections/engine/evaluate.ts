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
    // The count is never below the evidence: the store folds repeated hits by evidence, so a group seen
    // whole in one run and in two halves in two runs ends with the same count.
    event_count: Math.max(h.count, new Set(h.evidence).size),
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
  return mergeSameId(out);
}

const SEVERITY_RANK = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

/**
 * Hits of one correlation group found by different parts of a detection (a posture finding and the
 * activity that escalates it) share an alert id: fold them the way the store folds repeated hits.
 */
export function mergeSameId(alerts: Alert[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const a of alerts) {
    const b = byId.get(a.alert_id);
    if (!b) {
      byId.set(a.alert_id, a);
      continue;
    }
    const [hi, lo] = SEVERITY_RANK[a.severity] >= SEVERITY_RANK[b.severity] ? [a, b] : [b, a];
    const evidence = [...new Set([...b.evidence_event_ids, ...a.evidence_event_ids])];
    byId.set(a.alert_id, {
      ...hi,
      first_seen: a.first_seen < b.first_seen ? a.first_seen : b.first_seen,
      last_seen: a.last_seen > b.last_seen ? a.last_seen : b.last_seen,
      evidence_event_ids: evidence,
      event_count: Math.max(a.event_count + b.event_count, evidence.length),
      explanation: `${hi.explanation} ${lo.explanation}`,
      details: { ...lo.details, ...hi.details },
      suppressed_by: hi.suppressed_by ?? lo.suppressed_by,
    });
  }
  return [...byId.values()];
}
