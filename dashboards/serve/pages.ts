import { escapeHtml, page } from '../html.js';
import type { Alert } from '../../detections/alerts/model.js';
import { ALERT_RESOLUTIONS } from '../../detections/alerts/model.js';

/** HTML of the web view. Plain forms, no script: triage works in any browser and in tests. */
export const NAV = [
  { href: '/alerts', label: 'Alert queue' },
  { href: '/kpis', label: 'KPI dashboard' },
  { href: '/overview', label: 'Alert overview' },
];

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };

export interface QueueFilter {
  status?: string;
  severity?: string;
  rule?: string;
  q?: string;
  sort?: string;
  dir?: string;
}

function entityLinks(a: Alert): string {
  const parts: string[] = [];
  if (a.entity.user) parts.push(`<a href="/users/${encodeURIComponent(a.entity.user)}">${escapeHtml(a.entity.user)}</a>`);
  if (a.entity.ip) parts.push(`<a href="/ips/${encodeURIComponent(a.entity.ip)}">${escapeHtml(a.entity.ip)}</a>`);
  if (a.entity.app) parts.push(escapeHtml(a.entity.app));
  return parts.join('<br>');
}

function triageForms(a: Alert, csrf: string, back: string): string {
  if (a.status === 'closed') return `<span class="resolution">${escapeHtml(a.resolution ?? '')}</span>`;
  const ack =
    a.status === 'new'
      ? `<form method="post" action="/alerts/${encodeURIComponent(a.alert_id)}/ack" class="inline"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="back" value="${escapeHtml(back)}"><button type="submit" name="action" value="ack" data-test="ack">Acknowledge</button></form>`
      : '';
  const close = `<form method="post" action="/alerts/${encodeURIComponent(a.alert_id)}/close" class="inline"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="back" value="${escapeHtml(back)}">
<select name="resolution" data-test="resolution">${ALERT_RESOLUTIONS.map((r) => `<option value="${r}">${r.replace(/_/g, ' ')}</option>`).join('')}</select>
<input name="note" placeholder="note" maxlength="2000" data-test="note">
<button type="submit" data-test="close">Close</button></form>`;
  return `${ack}${close}`;
}

export function sortAlerts(alerts: Alert[], sort = 'last_seen', dir = 'desc'): Alert[] {
  const sign = dir === 'asc' ? 1 : -1;
  const key = (a: Alert): number | string => {
    switch (sort) {
      case 'severity':
        return -(SEVERITY_RANK[a.severity] ?? 9);
      case 'count':
        return a.event_count;
      case 'first_seen':
        return a.first_seen;
      case 'rule':
        return a.rule_id;
      default:
        return a.last_seen;
    }
  };
  return [...alerts].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return (a < b ? -1 : a > b ? 1 : 0) * sign || x.alert_id.localeCompare(y.alert_id);
  });
}

export function filterAlerts(alerts: Alert[], f: QueueFilter): Alert[] {
  const q = f.q?.toLowerCase();
  // No status filter shows the open queue (new and acknowledged); `all` shows closed alerts too.
  const statusOk = (a: Alert) => (!f.status ? a.status !== 'closed' : f.status === 'all' || a.status === f.status);
  return alerts.filter(
    (a) =>
      statusOk(a) &&
      (!f.severity || a.severity === f.severity) &&
      (!f.rule || a.rule_id === f.rule) &&
      (!q || [a.entity.user, a.entity.ip, a.entity.app, a.rule_title, a.alert_id].some((v) => v?.toLowerCase().includes(q))),
  );
}

export function queuePage(all: Alert[], f: QueueFilter, csrf: string, generatedAt: string): string {
  const alerts = sortAlerts(filterAlerts(all, f), f.sort, f.dir);
  const rules = [...new Set(all.map((a) => a.rule_id))].sort();
  const opt = (v: string, cur: string | undefined, label = v) => `<option value="${escapeHtml(v)}"${v === (cur ?? '') ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  const back = `/alerts?${new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]).toString()}`;
  const sortLink = (col: string, label: string) => {
    const dir = f.sort === col && f.dir !== 'asc' ? 'asc' : 'desc';
    const params = new URLSearchParams({ ...(Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as Record<string, string>), sort: col, dir });
    return `<a href="/alerts?${escapeHtml(params.toString())}">${label}</a>`;
  };
  const rows = alerts
    .map(
      (a) => `<tr data-alert="${escapeHtml(a.alert_id)}" data-status="${a.status}">
<td><span class="sev sev-${escapeHtml(a.severity)}">${escapeHtml(a.severity)}</span></td>
<td><a href="/alerts/${encodeURIComponent(a.alert_id)}">${escapeHtml(a.rule_title)}</a><br><small>${escapeHtml(a.rule_id)}</small></td>
<td>${entityLinks(a)}</td>
<td>${escapeHtml(a.first_seen.slice(0, 16).replace('T', ' '))}</td>
<td>${escapeHtml(a.last_seen.slice(0, 16).replace('T', ' '))}</td>
<td>${a.event_count}</td>
<td class="status" data-test="status">${escapeHtml(a.status)}${a.suppressed_by ? `<br><small>suppressed by ${escapeHtml(a.suppressed_by)}</small>` : ''}</td>
<td>${triageForms(a, csrf, back)}</td>
</tr>`,
    )
    .join('\n');
  const body = `<style>${QUEUE_CSS}</style>
<form method="get" action="/alerts" class="filters">
<label>status <select name="status">${opt('', f.status, 'open (new + acknowledged)')}${opt('new', f.status)}${opt('acknowledged', f.status)}${opt('closed', f.status)}${opt('all', f.status)}</select></label>
<label>severity <select name="severity">${opt('', f.severity, 'any')}${['critical', 'high', 'medium', 'low', 'informational'].map((s) => opt(s, f.severity)).join('')}</select></label>
<label>detection <select name="rule">${opt('', f.rule, 'any')}${rules.map((r) => opt(r, f.rule)).join('')}</select></label>
<label>search <input name="q" value="${escapeHtml(f.q ?? '')}" placeholder="user, IP, app"></label>
<button type="submit">Filter</button>
</form>
<p class="count">${alerts.length} alert${alerts.length === 1 ? '' : 's'}</p>
<table class="queue">
<tr><th>${sortLink('severity', 'severity')}</th><th>${sortLink('rule', 'detection')}</th><th>entity</th><th>${sortLink('first_seen', 'first seen')}</th><th>${sortLink('last_seen', 'last seen')}</th><th>${sortLink('count', 'events')}</th><th>status</th><th>triage</th></tr>
${rows}
</table>`;
  return page({ title: 'idtrail alert queue', heading: 'Alert queue', nav: NAV, body, generatedAt });
}

const QUEUE_CSS = `
.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: end; margin-bottom: 8px; font-size: 13px; }
.filters label { display: flex; flex-direction: column; gap: 2px; }
table.queue td { vertical-align: top; }
form.inline { display: inline-flex; gap: 4px; margin: 0 4px 4px 0; }
.sev { padding: 2px 6px; border-radius: 4px; color: #fff; font-size: 11px; text-transform: uppercase; }
.sev-critical { background: #7b1fa2; } .sev-high { background: #c62828; } .sev-medium { background: #ef6c00; }
.sev-low { background: #f9a825; color: #263238; } .sev-informational { background: #607d8b; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; font-size: 13px; }
dl.meta dt { color: #546e7a; }
.explanation { font-size: 15px; background: #fff; border-left: 4px solid #c62828; padding: 10px 14px; }
.flash { background: #e8f5e9; border: 1px solid #a5d6a7; padding: 8px 12px; border-radius: 4px; }
.error { background: #ffebee; border: 1px solid #ef9a9a; padding: 8px 12px; border-radius: 4px; }
`;

export function detailPage(a: Alert, evidence: Record<string, unknown>[], charts: { timeline?: string; map?: string }, csrf: string, generatedAt: string, flash?: string): string {
  const cols = evidence.length ? Object.keys(evidence[0]) : [];
  const evRows = evidence
    .map((e) => `<tr>${cols.map((c) => `<td>${escapeHtml(e[c] === null || e[c] === undefined ? '' : typeof e[c] === 'object' ? JSON.stringify(e[c]) : String(e[c]))}</td>`).join('')}</tr>`)
    .join('\n');
  const details = Object.keys(a.details ?? {}).length ? `<details><summary>details</summary><pre>${escapeHtml(JSON.stringify(a.details, null, 2))}</pre></details>` : '';
  const body = `<style>${QUEUE_CSS}</style>
${flash ? `<p class="flash" data-test="flash">${escapeHtml(flash)}</p>` : ''}
<p class="explanation" data-test="explanation">${escapeHtml(a.explanation)}</p>
<section class="panel">
<dl class="meta">
<dt>alert</dt><dd>${escapeHtml(a.alert_id)}</dd>
<dt>detection</dt><dd>${escapeHtml(a.rule_title)} (${escapeHtml(a.rule_id)})${a.rule_author ? ` — author: ${escapeHtml(a.rule_author)}` : ''}</dd>
<dt>severity</dt><dd><span class="sev sev-${escapeHtml(a.severity)}">${escapeHtml(a.severity)}</span></dd>
<dt>ATT&amp;CK</dt><dd>${escapeHtml([...a.tactics, ...a.techniques].join(', '))}</dd>
<dt>entity</dt><dd>${entityLinks(a)}</dd>
<dt>seen</dt><dd>${escapeHtml(a.first_seen)} → ${escapeHtml(a.last_seen)} (${a.event_count} events)</dd>
<dt>status</dt><dd data-test="status">${escapeHtml(a.status)}${a.resolution ? ` — ${escapeHtml(a.resolution)}` : ''}${a.status_note ? ` — “${escapeHtml(a.status_note)}”` : ''}</dd>
${a.suppressed_by ? `<dt>suppressed by</dt><dd>${escapeHtml(a.suppressed_by)}</dd>` : ''}
</dl>
<div class="triage">${triageForms(a, csrf, `/alerts/${encodeURIComponent(a.alert_id)}`)}</div>
${details}
</section>
${charts.timeline ? `<section class="panel wide" data-chart="timeline"><h3>Timeline</h3>${charts.timeline}</section>` : ''}
${charts.map ? `<section class="panel wide" data-chart="map"><h3>Where</h3>${charts.map}</section>` : ''}
<section class="panel wide"><h3>Evidence events (${evidence.length})</h3>${evidence.length ? `<table class="evidence"><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>${evRows}</table>` : '<p><em>no evidence events stored</em></p>'}</section>`;
  return page({ title: `${a.rule_title} — ${a.alert_id}`, heading: a.rule_title, nav: NAV, body, generatedAt });
}

export function errorPage(status: number, message: string, generatedAt: string): string {
  return page({ title: `idtrail — ${status}`, heading: `${status}`, nav: NAV, body: `<p class="error">${escapeHtml(message)}</p>`, generatedAt });
}
