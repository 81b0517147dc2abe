import { toCsv } from './csv.js';
import type { Unit } from './target.js';
import type { KpiResult } from './types.js';

/** The documented JSON contract of `idtrail metrics --format json` (extra fields follow the required ones). */
export function metricsJson(period: string, results: KpiResult[]): unknown {
  return {
    period,
    kpis: results.map((r) => ({
      id: r.id,
      title: r.title,
      value: r.value,
      target: r.target,
      met: r.met,
      status: r.status,
      needs: r.needs,
      unit: r.unit,
      cadence: r.cadence,
      owner: r.owner,
      window: r.window,
      numerator: r.numerator,
      denominator: r.denominator,
      previous_value: r.previousValue,
      change: r.change,
      details: r.details,
    })),
  };
}

export function formatValue(v: number | null, unit: Unit): string {
  if (v === null) return '—';
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'count') return String(Math.round(v * 100) / 100);
  if (unit === 'hours') return `${v.toFixed(1)} h`;
  if (unit === 'business_days') return `${v} bd`;
  return v.toFixed(2);
}

function formatChange(r: KpiResult): string {
  if (r.change === null) return '';
  const sign = r.change > 0 ? '+' : r.change < 0 ? '−' : '±';
  const mag = Math.abs(r.change);
  if (r.unit === 'ratio') return `${sign}${(mag * 100).toFixed(1)} pp`;
  return `${sign}${Math.round(mag * 100) / 100}`;
}

function status(r: KpiResult): string {
  if (r.status === 'no_data') return `no data (needs: ${r.needs.join(', ')})`;
  return r.met === true ? 'met' : r.met === false ? 'MISSED' : 'n/a';
}

function rows(results: KpiResult[]): string[][] {
  return results.map((r) => [r.id, formatValue(r.value, r.unit), r.target, status(r), formatChange(r)]);
}

const HEAD = ['KPI', 'value', 'target', 'status', 'change'];

export function metricsTable(period: string, results: KpiResult[]): string {
  const body = rows(results);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`IAM KPIs — ${period}`, '', line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ''].join('\n');
}

export function metricsMarkdown(period: string, results: KpiResult[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`# IAM KPIs — ${period}`, '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`];
  for (const r of rows(results)) out.push(`| ${r.map(esc).join(' | ')} |`);
  return `${out.join('\n')}\n`;
}

export function metricsCsv(period: string, results: KpiResult[]): string {
  return toCsv(
    ['period', 'id', 'title', 'status', 'value', 'numerator', 'denominator', 'target', 'met', 'previous_value', 'change', 'needs', 'window_start', 'window_end'],
    results.map((r) => ({
      period,
      id: r.id,
      title: r.title,
      status: r.status,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      target: r.target,
      met: r.met,
      previous_value: r.previousValue,
      change: r.change,
      needs: r.needs.join(' '),
      window_start: r.window.start,
      window_end: r.window.end,
    })),
  );
}
