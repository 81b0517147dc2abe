import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DuckDb } from '../store/duckdb/db.js';
import { toPlain } from '../store/duckdb/db.js';
import { IdtrailError } from '../lib/errors.js';
import { computeKpis, kpiParams, type ComputeOptions } from './compute.js';
import { EMPTY_CONFIG, metricsOptionsFromConfig, readMetricsConfigFile, type MetricsConfig } from './config.js';
import { toCsv } from './csv.js';
import { parsePeriod, windowFor, type Period } from './period.js';
import { KPI_BY_ID } from './registry.js';
import type { KpiResult } from './types.js';

export interface EvidenceRows {
  kpiId: string;
  period: string;
  window: { start: string; end: string };
  columns: string[];
  /** JSON-safe rows (timestamps as ISO-8601 UTC, BIGINT as numbers). */
  rows: Record<string, unknown>[];
}

function configOf(opts: ComputeOptions): MetricsConfig {
  if (opts.config && 'targets' in opts.config && 'birthright' in opts.config) return opts.config as MetricsConfig;
  if (opts.config) return metricsOptionsFromConfig(opts.config);
  if (opts.configFile) return readMetricsConfigFile(opts.configFile);
  return EMPTY_CONFIG;
}

/** The rows behind a KPI's value for a period: the same window and parameters as the value. */
export async function evidenceRows(db: DuckDb, kpiId: string, period: Period | string, opts: ComputeOptions = {}): Promise<EvidenceRows> {
  const def = KPI_BY_ID.get(kpiId);
  if (!def) throw new IdtrailError('usage', `unknown KPI ${JSON.stringify(kpiId)}`, { hint: `known KPIs: ${[...KPI_BY_ID.keys()].join(', ')}` });
  const p = typeof period === 'string' ? parsePeriod(period) : period;
  const win = windowFor(p, def.cadence);
  const params = kpiParams(def, def.evidenceSql, win, opts.now ?? new Date(), configOf(opts));
  const reader = await db.conn.runAndReadAll(def.evidenceSql, params as never);
  const columns = reader.columnNames();
  const rows = (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => toPlain(r) as Record<string, unknown>);
  return { kpiId, period: p.label, window: { start: win.start.toISOString(), end: win.end.toISOString() }, columns, rows };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface EvidenceManifest {
  period: string;
  generated_at: string;
  kpis: { id: string; status: string; value: number | null; met: boolean | null; evidence_rows: number }[];
  files: { path: string; sha256: string; bytes: number }[];
}

function calculationText(r: KpiResult, sql: { value: string; evidence: string }, calc: string, needs: string[], params: Record<string, unknown>): string {
  return [
    `# ${r.title} (${r.id})`,
    '',
    `- Period: ${r.period} (${r.periodStart} to ${r.periodEnd})`,
    `- Measurement window: [${r.window.start}, ${r.window.end})`,
    `- Cadence: ${r.cadence}; unit: ${r.unit}; owner: ${r.owner}`,
    `- Target: ${r.target}`,
    `- Data needed: ${needs.join(', ')}`,
    `- Parameters bound: ${JSON.stringify(params)}`,
    '',
    '## Calculation',
    '',
    calc,
    '',
    '## Value query (DuckDB SQL; $parameters are bound, never spliced)',
    '',
    '```sql',
    sql.value.trim(),
    '```',
    '',
    '## Evidence query',
    '',
    '```sql',
    sql.evidence.trim(),
    '```',
    '',
  ].join('\n');
}

/**
 * Writes the audit evidence package for a period into `outDir`:
 * `<kpi-id>/value.json` (the result), `<kpi-id>/calculation.md` (the written definition and the SQL),
 * `<kpi-id>/evidence.csv` (the rows behind the value, RFC 4180), `summary.csv`, and `manifest.json`
 * listing the SHA-256 of every other file.
 */
export async function writeEvidencePackage(db: DuckDb, period: Period | string, outDir: string, opts: ComputeOptions = {}): Promise<EvidenceManifest> {
  const p = typeof period === 'string' ? parsePeriod(period) : period;
  const now = opts.now ?? new Date();
  const config = configOf(opts);
  const results = await computeKpis(db, p, { ...opts, config, now, write: opts.write ?? false });
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (rel: string, content: string) => {
    const full = join(outDir, rel);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
    written.push(full);
  };
  const kpis: EvidenceManifest['kpis'] = [];
  for (const r of results) {
    const def = KPI_BY_ID.get(r.id)!;
    const win = windowFor(p, def.cadence);
    const params = kpiParams(def, def.valueSql, win, now, config);
    write(`${r.id}/value.json`, `${JSON.stringify(r, null, 2)}\n`);
    write(`${r.id}/calculation.md`, calculationText(r, { value: def.valueSql, evidence: def.evidenceSql }, def.calculation, def.needs.map((n) => n.id), params));
    let count = 0;
    if (r.status === 'ok') {
      const ev = await evidenceRows(db, r.id, p, { ...opts, config, now });
      write(`${r.id}/evidence.csv`, toCsv(ev.columns, ev.rows));
      count = ev.rows.length;
    } else {
      write(`${r.id}/evidence.csv`, toCsv(['status', 'needs'], [{ status: r.status, needs: r.needs }]));
    }
    kpis.push({ id: r.id, status: r.status, value: r.value, met: r.met, evidence_rows: count });
  }
  write(
    'summary.csv',
    toCsv(
      ['id', 'title', 'status', 'value', 'numerator', 'denominator', 'target', 'met', 'previous_value', 'change', 'needs'],
      results.map((r) => ({ ...r, previous_value: r.previousValue, needs: r.needs })),
    ),
  );
  const manifest: EvidenceManifest = {
    period: p.label,
    generated_at: now.toISOString(),
    kpis,
    files: written.map((f) => ({ path: relative(outDir, f).split('\\').join('/'), sha256: sha256File(f), bytes: readFileSync(f).length })),
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
