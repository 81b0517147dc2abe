import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { loadInventoryPages } from '../../ingest/sources/inventory.js';
import { loadHrisRecords } from '../../ingest/sources/hris.js';
import type { Alert } from '../alerts/model.js';
import { evaluateAnalytics } from './evaluate.js';
import { parseAllowlist } from './allowlist.js';
import { parseParamOverrides } from './params-file.js';
import { IdtrailError } from '../../lib/errors.js';

/**
 * The raw-vendor-event test cases beside each analytic (`detections/analytics/<id>.test.yml`):
 * every case loads its vendor records through the real pipeline into a fresh in-memory store
 * (events via ingestRecords, inventory pages and HRIS rows via their loaders), runs the detection
 * over the case's time span and compares the alerts with `expect`.
 */
export interface DetectionCase {
  name: string;
  expect: { alerts: number; severity?: string; user?: string; ip?: string; app?: string; suppressed_by?: string };
  params?: Record<string, unknown>;
  allowlist?: unknown;
  inventory?: { source: string; kind: string; tenant: string; snapshot_at: string; items: unknown[]; user_id?: string }[];
  hris?: { preset?: string; records: Record<string, unknown>[] }[];
  events: { source: string; tenant: string; records: unknown[] }[];
}

export interface CaseFile {
  detection: string;
  cases: DetectionCase[];
}

export interface CaseResult {
  detection: string;
  name: string;
  ok: boolean;
  problems: string[];
  alerts: Alert[];
}

export async function readCaseFile(file: string): Promise<CaseFile> {
  const doc = parse(await readFile(file, 'utf8')) as CaseFile;
  if (!doc || typeof doc.detection !== 'string' || !Array.isArray(doc.cases)) {
    throw new IdtrailError('rule_invalid', 'a detection test file needs `detection` and `cases`', { location: { file } });
  }
  const expected = basename(file).replace(/\.test\.ya?ml$/, '');
  if (doc.detection !== expected) {
    throw new IdtrailError('rule_invalid', `detection ${doc.detection} does not match the file name ${expected}`, { location: { file } });
  }
  return doc;
}

function times(c: DetectionCase): number[] {
  const out: number[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 6 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) out.push(Date.parse(v));
      return;
    }
    if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach((x) => visit(x, depth + 1));
  };
  for (const e of c.events) visit(e.records, 0);
  for (const i of c.inventory ?? []) out.push(Date.parse(i.snapshot_at));
  return out.filter((n) => Number.isFinite(n));
}

export async function runCase(detection: string, c: DetectionCase): Promise<CaseResult> {
  const store = await DuckDbStore.open(':memory:');
  const problems: string[] = [];
  try {
    for (const inv of c.inventory ?? []) {
      await loadInventoryPages(store, { source: inv.source as never, kind: inv.kind as never, tenant: inv.tenant, snapshotAt: inv.snapshot_at, items: inv.items, userId: inv.user_id, origin: `case:${c.name}` });
    }
    for (const h of c.hris ?? []) await loadHrisRecords(store, h.records, { preset: h.preset, origin: `case:${c.name}` });
    for (const e of c.events) {
      const res = await store.ingestRecords(e.records.map((r) => JSON.stringify(r)), { source: e.source, tenant: e.tenant, origin: `case:${c.name}` });
      if (res.quarantined) problems.push(`${res.quarantined} ${e.source} record(s) were quarantined`);
    }
    const ts = times(c);
    const from = new Date(Math.min(...ts) - 86_400_000);
    const to = new Date(Math.max(...ts) + 86_400_000);
    const params = c.params ? parseParamOverrides({ [detection]: c.params }) : undefined;
    const allowlist = c.allowlist ? parseAllowlist(c.allowlist) : undefined;
    const alerts = await evaluateAnalytics(store.db, { from, to, ids: [detection], params, allowlist, now: to });
    const x = c.expect;
    if (alerts.length !== x.alerts) {
      problems.push(`expected ${x.alerts} alert(s), got ${alerts.length}${alerts.length ? `: ${alerts.map((a) => a.explanation).join(' | ')}` : ''}`);
    }
    if (x.alerts > 0 && alerts.length > 0) {
      const hit = alerts.find((a) => (!x.user || a.entity.user === x.user) && (!x.ip || a.entity.ip === x.ip) && (!x.app || a.entity.app === x.app));
      if (!hit) problems.push(`no alert for entity ${JSON.stringify({ user: x.user, ip: x.ip, app: x.app })}; got ${JSON.stringify(alerts.map((a) => a.entity))}`);
      else {
        if (x.severity && hit.severity !== x.severity) problems.push(`expected severity ${x.severity}, got ${hit.severity}`);
        if ((x.suppressed_by ?? null) !== hit.suppressed_by) problems.push(`expected suppressed_by ${x.suppressed_by ?? null}, got ${hit.suppressed_by}`);
      }
    }
    return { detection, name: c.name, ok: problems.length === 0, problems, alerts };
  } finally {
    await store.close();
  }
}
