import type { Alert } from '../alerts/model.js';

/**
 * Scores alerts against the demo generator's ground truth (labels.json).
 *
 * An alert matches a label when it comes from the label's detection, its activity [first_seen,
 * last_seen] overlaps the label window widened by `slackMinutes` on both sides, and it is about the
 * label's entity: the same user or the same IP (case-insensitive), or its evidence contains one of
 * the label's vendor event ids. Suppressed alerts are not raised to anyone and are not scored.
 *
 * Per detection: tp = malicious scenarios matched by at least one alert; fn = malicious scenarios
 * matched by none; fp = alerts that match no malicious scenario of their detection — alerts on a
 * benign look-alike and on unlabelled activity. An alert about the entity and time of an attack
 * labelled for another detection (the IdP's own risk verdict on an impossible-travel sign-in) is
 * corroboration, not a false positive, and is counted apart. precision = matching alerts / (matching
 * + fp); recall = tp / (tp + fn).
 */
export interface LabelScenario {
  id: string;
  kind: string;
  benign: boolean;
  detection: string;
  source?: string;
  entity?: { user?: string | null; ip?: string | null; app?: string | null };
  window: { start: string; end: string };
  native_ids?: string[];
}

export interface Labels {
  seed?: number;
  generated_at?: string;
  window?: { start: string; end: string };
  scenarios: LabelScenario[];
  /** The organisation's own configuration, as the generator describes it (VPN, sanctioned apps …). */
  org?: {
    vpn_egress_ips?: string[];
    vpn_asn?: number;
    carrier_asns?: number[];
    known_app_ids?: string[];
    break_glass_accounts?: string[];
  };
}

export interface DetectionScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface ScoreReport {
  detections: Record<string, DetectionScore>;
  missed: { id: string; kind: string; detection: string; entity: LabelScenario['entity']; window: LabelScenario['window'] }[];
  false_alarms: { id: string; kind: string; detection: string; alert_ids: string[] }[];
  /** Recall per scenario kind (malicious kinds only). */
  kinds: Record<string, { scenarios: number; detected: number; recall: number }>;
  /** Alerts that matched no label at all, per detection (ids), for tuning. */
  unlabelled: Record<string, string[]>;
  /** Alerts on an attack labelled for another detection, per detection (ids). */
  corroborating: Record<string, string[]>;
}

const low = (s: string | null | undefined) => (s ?? '').toLowerCase();

export function alertMatches(a: Alert, l: LabelScenario, slackMinutes: number, nativeIdsOf: (a: Alert) => string[]): boolean {
  if (a.rule_id !== l.detection) return false;
  const slack = slackMinutes * 60000;
  const start = Date.parse(l.window.start) - slack;
  const end = Date.parse(l.window.end) + slack;
  if (Date.parse(a.last_seen) < start || Date.parse(a.first_seen) > end) return false;
  const e = l.entity ?? {};
  if (e.user && low(e.user) === low(a.entity.user)) return true;
  if (e.ip && e.ip === a.entity.ip) return true;
  if (e.ip && Array.isArray((a.details as { ips?: unknown }).ips) && ((a.details as { ips: string[] }).ips).includes(e.ip)) return true;
  const natives = new Set(l.native_ids ?? []);
  return natives.size > 0 && nativeIdsOf(a).some((n) => natives.has(n));
}

export function scoreAlerts(labels: Labels, alertsIn: Alert[], opts: { slackMinutes?: number; nativeIdsOf?: (a: Alert) => string[] } = {}): ScoreReport {
  const slack = opts.slackMinutes ?? 30;
  const nativeIdsOf = opts.nativeIdsOf ?? (() => []);
  const alerts = alertsIn.filter((a) => !a.suppressed_by);
  const malicious = labels.scenarios.filter((s) => !s.benign);
  const benign = labels.scenarios.filter((s) => s.benign);
  const ids = [...new Set([...malicious.map((s) => s.detection), ...benign.map((s) => s.detection), ...alerts.map((a) => a.rule_id)])].sort();
  const detections: Record<string, DetectionScore> = {};
  const missed: ScoreReport['missed'] = [];
  const kinds: ScoreReport['kinds'] = {};
  const unlabelled: Record<string, string[]> = {};
  const corroborating: Record<string, string[]> = {};
  for (const id of ids) {
    const mine = alerts.filter((a) => a.rule_id === id);
    const scen = malicious.filter((s) => s.detection === id);
    let tp = 0;
    const matchedAlerts = new Set<string>();
    for (const s of scen) {
      const hits = mine.filter((a) => alertMatches(a, s, slack, nativeIdsOf));
      hits.forEach((a) => matchedAlerts.add(a.alert_id));
      const k = (kinds[s.kind] ??= { scenarios: 0, detected: 0, recall: 0 });
      k.scenarios++;
      if (hits.length) {
        tp++;
        k.detected++;
      } else {
        missed.push({ id: s.id, kind: s.kind, detection: s.detection, entity: s.entity, window: s.window });
      }
    }
    const rest = mine.filter((a) => !matchedAlerts.has(a.alert_id));
    const onOtherAttack = rest.filter(
      (a) =>
        !benign.some((s) => alertMatches(a, s, slack, nativeIdsOf)) &&
        malicious.some((s) => s.detection !== id && alertMatches({ ...a, rule_id: s.detection }, s, slack, nativeIdsOf)),
    );
    if (onOtherAttack.length) corroborating[id] = onOtherAttack.map((a) => a.alert_id);
    const fp = rest.length - onOtherAttack.length;
    const anyLabel = labels.scenarios.filter((s) => s.detection === id);
    const none = rest.filter((a) => !onOtherAttack.includes(a) && !anyLabel.some((s) => alertMatches(a, s, slack, nativeIdsOf))).map((a) => a.alert_id);
    if (none.length) unlabelled[id] = none;
    detections[id] = {
      tp,
      fp,
      fn: scen.length - tp,
      precision: matchedAlerts.size + fp ? matchedAlerts.size / (matchedAlerts.size + fp) : 1,
      recall: scen.length ? tp / scen.length : 1,
    };
  }
  for (const k of Object.values(kinds)) k.recall = k.scenarios ? k.detected / k.scenarios : 1;
  const false_alarms: ScoreReport['false_alarms'] = [];
  for (const s of benign) {
    const fired = alerts.filter((a) => alertMatches(a, s, slack, nativeIdsOf));
    if (fired.length) false_alarms.push({ id: s.id, kind: s.kind, detection: s.detection, alert_ids: fired.map((a) => a.alert_id) });
  }
  return { detections, missed, false_alarms, kinds, unlabelled, corroborating };
}
