import { readFile } from 'node:fs/promises';
import type { DuckDb } from '../../store/duckdb/db.js';
import type { Alert } from '../alerts/model.js';
import type { Allowlist } from './allowlist.js';
import { evaluateAnalytics } from './evaluate.js';
import { scoreAlerts, type Labels, type ScoreReport } from './score.js';
import { IdtrailError } from '../../lib/errors.js';

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

/** Runs every detection over the labelled period (nothing is stored) and scores the result. */
export async function evaluateAgainstLabels(
  db: DuckDb,
  labels: Labels,
  opts: { slackMinutes?: number; allowlist?: Allowlist; now?: Date } = {},
): Promise<{ report: ScoreReport; alerts: Alert[] }> {
  const starts = labels.scenarios.map((s) => Date.parse(s.window.start));
  const ends = labels.scenarios.map((s) => Date.parse(s.window.end));
  const from = new Date(Math.min(labels.window ? Date.parse(labels.window.start) : Infinity, ...starts) - 86400000);
  const to = new Date(Math.max(labels.window ? Date.parse(labels.window.end) : -Infinity, ...ends) + 86400000);
  const alerts = await evaluateAnalytics(db, { from, to, allowlist: opts.allowlist, now: opts.now ?? to });
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
