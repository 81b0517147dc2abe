import type { DuckDb } from '../../store/duckdb/db.js';
import type { Alert, Severity } from '../alerts/model.js';
import { stableAlertId } from '../alerts/alert-id.js';
import { buildRulePack, loadRules, runRulePack, type CorrelationAlert, type RuleMatch, type RulePack } from '../sigma/index.js';
import { suppressedBy, type Allowlist } from './allowlist.js';
import { IdtrailError } from '../../lib/errors.js';

/**
 * Alerts from a Sigma rule pack. A single-event rule's matches are grouped per rule, subject user
 * (else source IP) and UTC day, so repeated hits become one alert with a count; a correlation rule's
 * group is its own alert. The entity and evidence come from the normalized events of the matched
 * raw records (identity_events.raw_uid).
 */
const LEVEL: Record<string, Severity> = { informational: 'informational', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

export async function loadRulePack(paths: string[]): Promise<RulePack> {
  const loaded = await loadRules(paths);
  if (loaded.errors.length) {
    const e = loaded.errors[0] as { file?: string; line?: number; message?: string };
    throw new IdtrailError('rule_invalid', `${loaded.errors.length} rule file(s) could not be loaded: ${e.message ?? String(e)}`, { location: { file: e.file, line: e.line } });
  }
  return buildRulePack(loaded);
}

function attack(tags: string[]): { tactics: string[]; techniques: string[] } {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const t of tags) {
    const m = t.toLowerCase().match(/^attack\.(.+)$/);
    if (!m) continue;
    if (/^t\d{4}(\.\d{3})?$/.test(m[1])) techniques.push(m[1].toUpperCase());
    else tactics.push(m[1].replace(/_/g, '-'));
  }
  return { tactics, techniques };
}

/** The normalized event of a matched raw record: who, from where, when. */
export interface EventInfo { event_uid: string; raw_uid: string; usr: string | null; ip: string | null; app: string | null; t: Date }

/**
 * Looks up the normalized events of raw records by raw uid, whichever store holds them. A record
 * that normalizes to several events (a list expanded one event per element) answers with the one
 * whose event_uid sorts last, on every store.
 */
export type EventLookup = (rawUids: string[]) => Promise<Map<string, EventInfo>>;

export function duckDbEventLookup(db: DuckDb): EventLookup {
  return async (rawUids) => {
    const out = new Map<string, EventInfo>();
    if (!rawUids.length) return out;
    const rows = await db.all<EventInfo>(
      `SELECT e.event_uid, e.raw_uid, idt_user(e.event_class, e.actor_name, e.actor_type, e.target_user_name) AS usr, e.src_ip AS ip, e.app_name AS app, e.event_time AS t
       FROM identity_events e WHERE list_contains(CAST($uids::JSON AS VARCHAR[]), e.raw_uid) ORDER BY e.event_uid`,
      { uids: JSON.stringify([...new Set(rawUids)]) },
    );
    for (const r of rows) out.set(r.raw_uid, r);
    return out;
  };
}

export async function sigmaAlerts(db: DuckDb, pack: RulePack, opts: { from: Date; to: Date; allowlist?: Allowlist; now: Date }): Promise<Alert[]> {
  const res = await runRulePack(db, pack, { since: opts.from, until: opts.to });
  return sigmaAlertsFrom(res, pack, duckDbEventLookup(db), opts);
}

/** Alerts from rule matches and correlation groups found on any store; entities come from `lookup`. */
export async function sigmaAlertsFrom(
  res: { matches: RuleMatch[]; correlations: CorrelationAlert[] },
  pack: RulePack,
  eventsFor: EventLookup,
  opts: { from: Date; to: Date; allowlist?: Allowlist; now: Date },
): Promise<Alert[]> {
  const meta = new Map(pack.rules.map((r) => [r.rule.id ?? r.rule.name ?? r.rule.title, r.rule]));
  const events = await eventsFor(res.matches.map((m) => m._uid));
  const groups = new Map<string, { ruleId: string; items: { uid: string; t: string; usr: string | null; ip: string | null; app: string | null }[]; tenant: string }>();
  for (const m of res.matches) {
    const e = events.get(m._uid);
    const t = m.event_time ?? e?.t.toISOString() ?? opts.from.toISOString();
    const entity = e?.usr ?? e?.ip ?? 'unknown';
    const key = `${m.rule_id}|${entity}|${t.slice(0, 10)}`;
    const g = groups.get(key) ?? { ruleId: m.rule_id, items: [], tenant: m.tenant };
    g.items.push({ uid: e?.event_uid ?? m._uid, t, usr: e?.usr ?? null, ip: e?.ip ?? null, app: e?.app ?? null });
    groups.set(key, g);
  }
  const iso = opts.now.toISOString();
  const out: Alert[] = [];
  for (const [key, g] of groups) {
    const rule = meta.get(g.ruleId);
    const items = g.items.sort((a, b) => a.t.localeCompare(b.t));
    const { tactics, techniques } = attack(rule?.tags ?? []);
    const entity = { user: items[0].usr, ip: items[items.length - 1].ip, app: items[items.length - 1].app };
    const alert: Alert = {
      alert_id: stableAlertId(g.ruleId, {}, key),
      rule_id: g.ruleId,
      rule_title: rule?.title ?? g.ruleId,
      rule_author: rule?.author ?? null,
      rule_kind: 'sigma',
      severity: LEVEL[(rule?.level ?? 'medium').toLowerCase()] ?? 'medium',
      tactics,
      techniques,
      entity,
      tenant_id: g.tenant,
      first_seen: new Date(items[0].t).toISOString(),
      last_seen: new Date(items[items.length - 1].t).toISOString(),
      event_count: items.length,
      evidence_event_ids: [...new Set(items.map((i) => i.uid))],
      explanation: `Sigma rule "${rule?.title ?? g.ruleId}" matched ${items.length} event(s) for ${entity.user ?? entity.ip ?? 'an unknown entity'} between ${items[0].t.slice(0, 16).replace('T', ' ')} and ${items[items.length - 1].t.slice(11, 16)} UTC.`,
      details: { ips: [...new Set(items.map((i) => i.ip).filter((x): x is string => !!x))] },
      status: 'new',
      resolution: null,
      status_note: null,
      suppressed_by: null,
      created_at: iso,
      updated_at: iso,
    };
    alert.suppressed_by = suppressedBy(opts.allowlist, { ruleId: alert.rule_id, entity, details: alert.details as { ips: string[] } }, opts.now);
    out.push(alert);
  }
  for (const c of res.correlations) {
    const key = `${c.rule_id}|${JSON.stringify(c.group)}|${c.first_seen}`;
    const evs = await eventsFor(c.event_uids);
    const first = [...evs.values()][0];
    const entity = { user: first?.usr ?? Object.values(c.group).find((v) => v && v.includes('@')) ?? null, ip: first?.ip ?? null, app: first?.app ?? null };
    const alert: Alert = {
      alert_id: stableAlertId(c.rule_id, {}, key),
      rule_id: c.rule_id,
      rule_title: c.title,
      rule_author: c.author,
      rule_kind: 'sigma_correlation',
      severity: 'medium',
      tactics: [],
      techniques: [],
      entity,
      tenant_id: null,
      first_seen: c.first_seen,
      last_seen: c.last_seen,
      event_count: c.event_count,
      evidence_event_ids: [...evs.values()].map((e) => e.event_uid),
      explanation: `Sigma correlation "${c.title}" for ${Object.entries(c.group).map(([k, v]) => `${k}=${v}`).join(', ')}: ${c.event_count} events, value ${c.value}.`,
      details: { group: c.group },
      status: 'new',
      resolution: null,
      status_note: null,
      suppressed_by: null,
      created_at: iso,
      updated_at: iso,
    };
    alert.suppressed_by = suppressedBy(opts.allowlist, { ruleId: alert.rule_id, entity, details: {} }, opts.now);
    out.push(alert);
  }
  return out;
}
