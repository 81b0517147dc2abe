import { escapeHtml, page } from './html.js';
import type { AlertOverviewData } from './model.js';
import { renderSvg } from './render.js';
import { alertsByDaySpec, alertsByRuleSpec, alertsBySeveritySpec, barSpec } from './specs/alerts.js';
import type { RenderedChart } from './kpi-dashboard.js';

/** The alert overview: alerts by detection, severity and day; top users, IPs and countries. */
export async function buildAlertOverview(data: AlertOverviewData): Promise<{ html: string; charts: RenderedChart[] }> {
  const specs = [
    { name: 'alerts-by-day', spec: alertsByDaySpec(data), wide: true },
    { name: 'alerts-by-rule', spec: alertsByRuleSpec(data), wide: false },
    { name: 'alerts-by-severity', spec: alertsBySeveritySpec(data), wide: false },
    { name: 'top-users', spec: barSpec('Top users', data.topUsers.map((u) => ({ label: u.user, count: u.count }))), wide: false },
    { name: 'top-ips', spec: barSpec('Top source IPs', data.topIps.map((u) => ({ label: u.ip, count: u.count }))), wide: false },
    { name: 'top-countries', spec: barSpec('Top countries', data.topCountries.map((u) => ({ label: u.country, count: u.count }))), wide: false },
  ];
  const charts: RenderedChart[] = [];
  const panels: string[] = [];
  for (const s of specs) {
    const svg = await renderSvg(s.spec);
    charts.push({ name: s.name, svg });
    panels.push(`<section class="panel${s.wide ? ' wide' : ''}" data-chart="${s.name}">${svg}</section>`);
  }
  const statusRows = data.byStatus.map((s) => `<tr><td>${escapeHtml(s.status)}</td><td>${s.count}</td></tr>`).join('');
  const window = data.window.start ? `${data.window.start.slice(0, 10)} → ${(data.window.end ?? '').slice(0, 10)}` : 'no alerts yet';
  const body = `<div class="summary">
<div class="pill"><b>${data.total}</b>alerts</div>
${data.bySeverity.map((s) => `<div class="pill"><b>${s.count}</b>${escapeHtml(s.severity)}</div>`).join('\n')}
<div class="pill"><b>${escapeHtml(window)}</b>window</div>
</div>
<div class="panels">
${panels.join('\n')}
<section class="panel"><h3>Triage status</h3><table><tr><th>status</th><th>alerts</th></tr>${statusRows}</table></section>
</div>`;
  const html = page({
    title: 'idtrail alert overview',
    heading: 'Alert overview',
    meta: window,
    nav: [
      { href: 'index.html', label: 'KPIs' },
      { href: 'alerts.html', label: 'Alerts' },
    ],
    body,
    generatedAt: data.generatedAt,
  });
  return { html, charts };
}
