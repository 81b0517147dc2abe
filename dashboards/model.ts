/** What the dashboards draw. Built from `kpi_results` and `alerts` by `data.ts`; pure data here. */
export interface KpiTrendPoint {
  period: string;
  value: number | null;
  met: boolean | null;
}

export interface KpiTile {
  id: string;
  title: string;
  unit: string;
  cadence: string;
  owner: string | null;
  period: string;
  status: 'ok' | 'no_data';
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  target: string;
  /** The numeric threshold drawn as a rule on the trend, when the target has one. */
  targetValue: number | null;
  met: boolean | null;
  change: number | null;
  needs: string[];
  trend: KpiTrendPoint[];
}

export interface AlertOverviewData {
  generatedAt: string;
  window: { start: string | null; end: string | null };
  total: number;
  byRule: { rule_id: string; title: string; count: number }[];
  bySeverity: { severity: string; count: number }[];
  byDay: { day: string; severity: string; count: number }[];
  topUsers: { user: string; count: number }[];
  topIps: { ip: string; count: number }[];
  topCountries: { country: string; count: number }[];
  byStatus: { status: string; count: number }[];
}

const PERCENT_UNITS = new Set(['ratio', 'percent', 'share', '%', 'rate']);

/** Formats a KPI value for people: ratios as percentages, durations and counts with their unit. */
export function formatKpiValue(value: number | null, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const u = unit.toLowerCase();
  if (PERCENT_UNITS.has(u)) return `${(value * 100).toFixed(value >= 0.999 || value === 0 ? 0 : 1)}%`;
  const rounded = Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : Number(value.toFixed(2)).toString();
  if (u === 'count' || u === '' || u === 'number') return rounded;
  return `${rounded} ${unit}`;
}

export function isPercentUnit(unit: string): boolean {
  return PERCENT_UNITS.has(unit.toLowerCase());
}
