import { readFile } from 'node:fs/promises';
import type { DuckDb } from '../../store/duckdb/db.js';
import type { Alert } from '../alerts/model.js';
import type { Allowlist } from './allowlist.js';
import { evaluateAnalytics } from './evaluate.js';
import { scoreAlerts, type Labels, type ScoreReport } from './score.js';
import { IdtrailError } from '../../lib/errors.js';
import { ANALYTICS } from '../analytics/index.js';

export async function readLabels(file: string): Promise<Labels> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new IdtrailError('file_not_found', `labels file not found: ${file}`, { hint: 'pass --labels FILE (the demo generator writes labels.json beside the data)' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new IdtrailError('input_invalid', `labels file is not JSON: ${(err as Error).message}`, { location: { file } });
  }
  const labels = parsed as Labels;
  if (!labels || !Array.isArray(labels.scenarios)) {
    throw new IdtrailError('input_invalid', 'labels file has no "scenarios" array', { location: { file } });
  }
  for (const [i, s] of labels.scenarios.entries()) {
    if (!s.id || !s.detection || !s.window?.start || !s.window?.end || typeof s.benign !== 'boolean') {
      throw new IdtrailError('input_invalid', `scenario ${i} needs id, detection, benign and window.start/end`, { location: { file, path: `scenarios.${i}` } });
    }
  }
  return labels;
}

/**
 * The tenant configuration a deployment would have (its sanctioned apps, break-glass accounts,
 * VPN and carrier networks), read from the organisation block of the demo labels: detection
 * parameters extended with it, never replaced.
 */
export function orgParams(labels: Labels): Record<string, Record<string, unknown>> {
  const org = labels.org;
  if (!org) return {};
  const out: Record<string, Record<string, unknown>> = {};
  const extend = (id: string, key: string, values: (string | number)[] | undefined) => {
    if (!values?.length) return;
    const a = ANALYTICS[id];
    const base = a?.params[key]?.default;
    if (!Array.isArray(base)) return;
    (out[id] ??= {})[key] = [...new Set([...base, ...values.map(String)])];
  };
  extend('risky_oauth_consent', 'known_apps', org.known_app_ids);
  extend('break_glass_signin', 'login_patterns', org.break_glass_accounts?.map((x) => x.toLowerCase()));
  extend('dormant_privileged_account', 'break_glass_patterns', org.break_glass_accounts?.map((x) => x.toLowerCase()));
  extend('impossible_travel', 'skip_asns', org.vpn_asn ? [org.vpn_asn] : []);
  extend('impossible_travel', 'carrier_asns', org.carrier_asns);
  extend('session_replay', 'carrier_asns', org.carrier_asns);
  return out;
}

/** Runs every detection over the labelled period (nothing is stored) and scores the result. */
export async function evaluateAgainstLabels(
  db: DuckDb,
  labels: Labels,
  opts: { slackMinutes?: number; allowlist?: Allowlist; now?: Date; params?: Record<string, Record<string, unknown>>; useOrgConfig?: boolean } = {},
): Promise<{ report: ScoreReport; alerts: Alert[] }> {
  const starts = labels.scenarios.map((s) => Date.parse(s.window.start));
  const ends = labels.scenarios.map((s) => Date.parse(s.window.end));
  const from = new Date(Math.min(labels.window ? Date.parse(labels.window.start) : Infinity, ...starts) - 86400000);
  const to = new Date(Math.max(labels.window ? Date.parse(labels.window.end) : -Infinity, ...ends) + 86400000);
  const params = { ...(opts.useOrgConfig === false ? {} : orgParams(labels)) };
  for (const [id, p] of Object.entries(opts.params ?? {})) params[id] = { ...(params[id] ?? {}), ...p };
  const alerts = await evaluateAnalytics(db, { from, to, allowlist: opts.allowlist, now: opts.now ?? to, params });
  const uids = [...new Set(alerts.flatMap((a) => a.evidence_event_ids))];
  const native = new Map<string, string>();
  if (uids.length) {
    const rows = await db.all<{ event_uid: string; native_id: string }>(
      'SELECT event_uid, native_id FROM identity_events WHERE list_contains(CAST($uids::JSON AS VARCHAR[]), event_uid)',
      { uids: JSON.stringify(uids) },
    );
    for (const r of rows) native.set(r.event_uid, r.native_id);
  }
  const report = scoreAlerts(labels, alerts, {
    slackMinutes: opts.slackMinutes,
    nativeIdsOf: (a) => a.evidence_event_ids.map((u) => native.get(u)).filter((x): x is string => !!x),
  });
  return { report, alerts };
}
