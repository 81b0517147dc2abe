import { escapeHtml, page } from './html.js';
import { formatKpiValue, type KpiTile } from './model.js';
import { renderSvg } from './render.js';
import { kpiTrendSpec } from './specs/kpi-trend.js';

export interface RenderedChart {
  name: string;
  svg: string;
}

function tileClass(tile: KpiTile): string {
  if (tile.status === 'no_data') return 'no_data';
  if (tile.met === true) return 'met';
  if (tile.met === false) return 'missed';
  // A value whose target is a trend needs more history before it can be judged.
  return 'tracking';
}

function changeText(tile: KpiTile): string {
  if (tile.change === null || tile.change === undefined) return 'no previous period';
  const sign = tile.change > 0 ? '+' : tile.change < 0 ? '−' : '±';
  return `${sign}${formatKpiValue(Math.abs(tile.change), tile.unit)} vs previous period`;
}

/** Whether a tile draws a trend chart (some week has a value). */
export function hasTrend(tile: KpiTile): boolean {
  return tile.trend.some((p) => p.value !== null);
}

/** A tile's trend chart as SVG. */
export function kpiTrendSvg(tile: KpiTile): Promise<string> {
  return renderSvg(kpiTrendSpec(tile));
}

/**
 * The weekly KPI dashboard: one tile per KPI with its value against target and its trend, red where
 * the target was missed, grey with what it needs where there is no data. `svgs` holds trend charts
 * already drawn (by KPI id, from `kpiTrendSvg`); the others are drawn here.
 */
export async function buildKpiDashboard(
  tiles: KpiTile[],
  opts: { period: string; generatedAt: string; svgs?: ReadonlyMap<string, Promise<string>> },
): Promise<{ html: string; charts: RenderedChart[] }> {
  const charts: RenderedChart[] = [];
  const parts: string[] = [];
  for (const tile of tiles) {
    const cls = tileClass(tile);
    let chart = '';
    if (hasTrend(tile)) {
      const svg = await (opts.svgs?.get(tile.id) ?? kpiTrendSvg(tile));
      charts.push({ name: `kpi-${tile.id}`, svg });
      chart = `<div class="chart" data-chart="kpi-${escapeHtml(tile.id)}">${svg}</div>`;
    } else {
      chart = `<div class="chart empty" data-chart="kpi-${escapeHtml(tile.id)}"><small>no trend yet</small></div>`;
    }
    const statusLabel = cls === 'no_data' ? 'no data' : cls;
    parts.push(`<section class="tile ${cls}" data-kpi="${escapeHtml(tile.id)}" data-status="${escapeHtml(tile.status)}" data-met="${tile.met === null ? '' : String(tile.met)}">
<span class="status">${escapeHtml(statusLabel)}</span>
<h2>${escapeHtml(tile.title)}</h2>
<div class="value">${escapeHtml(formatKpiValue(tile.value, tile.unit))}</div>
<div class="target">target ${escapeHtml(tile.target)} · ${escapeHtml(tile.cadence)} · ${escapeHtml(tile.period)}</div>
${tile.status === 'no_data' ? `<div class="needs">no data — needs: ${escapeHtml(tile.needs.join(', '))}</div>` : `<div class="change">${escapeHtml(changeText(tile))}</div>`}
${tile.owner ? `<div class="owner">owner: ${escapeHtml(tile.owner)}</div>` : ''}
${chart}
</section>`);
  }
  const met = tiles.filter((t) => t.met === true).length;
  const missed = tiles.filter((t) => t.met === false).length;
  const noData = tiles.filter((t) => t.status === 'no_data').length;
  const body = `<div class="summary">
<div class="pill"><b>${tiles.length}</b>KPIs</div>
<div class="pill"><b style="color:#2e7d32">${met}</b>on target</div>
<div class="pill"><b style="color:#c62828">${missed}</b>missed</div>
<div class="pill"><b>${noData}</b>no data</div>
</div>
<div class="grid">
${parts.join('\n')}
</div>`;
  const html = page({
    title: `IAM KPIs ${opts.period}`,
    heading: `IAM KPI dashboard — ${opts.period}`,
    meta: `${met}/${tiles.length} on target`,
    nav: [
      { href: 'index.html', label: 'KPIs' },
      { href: 'alerts.html', label: 'Alerts' },
    ],
    body,
    generatedAt: opts.generatedAt,
  });
  return { html, charts };
}
