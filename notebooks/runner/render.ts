import { escapeHtml, page } from '../../dashboards/html.js';
import { markdownToHtml, substitute } from './markdown.js';
import type { NotebookRun } from './run.js';

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cellText).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function paramsText(run: NotebookRun): Record<string, unknown> {
  return Object.fromEntries(Object.entries(run.params).map(([k, v]) => [k, v ?? '']));
}

/** A self-contained HTML report: prose, tables and inline SVG charts, no script. */
export function renderHtml(run: NotebookRun, generatedAt: string): string {
  const params = paramsText(run);
  const parts: string[] = [];
  const paramRows = Object.entries(params)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('');
  if (paramRows) parts.push(`<section class="panel wide params"><table>${paramRows}</table></section>`);
  for (const c of run.cells) {
    if (c.kind === 'markdown') parts.push(`<section class="prose">${markdownToHtml(substitute(c.text, params))}</section>`);
    else if (c.kind === 'chart') parts.push(`<section class="panel wide chart" data-chart="${escapeHtml(c.data)}">${c.svg}</section>`);
    else if (c.kind === 'table') {
      const head = c.columns.map((col) => `<th>${escapeHtml(col)}</th>`).join('');
      const body = c.rows.map((r) => `<tr>${c.columns.map((col) => `<td>${escapeHtml(cellText(r[col]))}</td>`).join('')}</tr>`).join('\n');
      const note = c.total > c.rows.length ? `<p><small>${c.rows.length} of ${c.total} rows</small></p>` : `<p><small>${c.total} row${c.total === 1 ? '' : 's'}</small></p>`;
      parts.push(`<section class="panel wide table" data-table="${escapeHtml(c.data)}">${c.total === 0 ? '<p><em>no rows</em></p>' : `<table><tr>${head}</tr>${body}</table>`}${note}</section>`);
    }
  }
  return page({
    title: substitute(run.notebook.title, params),
    heading: substitute(run.notebook.title, params),
    meta: run.notebook.file,
    body: `<style>.prose{max-width:900px}.prose h1,.prose h2{margin-top:18px}.panel{margin:10px 0}</style>\n${parts.join('\n')}`,
    generatedAt,
  });
}

function mdCell(v: unknown): string {
  return cellText(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A Markdown report. Charts are returned as SVG files for the caller to write beside the report
 * (`files`), referenced by relative path.
 */
export function renderMarkdown(run: NotebookRun, baseName: string): { md: string; files: { name: string; content: string }[] } {
  const params = paramsText(run);
  const out: string[] = [`# ${substitute(run.notebook.title, params)}`, ''];
  const files: { name: string; content: string }[] = [];
  if (Object.keys(params).length) {
    out.push('| parameter | value |', '|---|---|', ...Object.entries(params).map(([k, v]) => `| ${mdCell(k)} | ${mdCell(v)} |`), '');
  }
  let n = 0;
  for (const c of run.cells) {
    if (c.kind === 'markdown') out.push(substitute(c.text, params), '');
    else if (c.kind === 'chart') {
      n += 1;
      const name = `${baseName}-chart-${n}.svg`;
      files.push({ name, content: c.svg });
      out.push(`![${c.data}](${name})`, '');
    } else if (c.kind === 'table') {
      if (c.total === 0) {
        out.push('_no rows_', '');
        continue;
      }
      out.push(`| ${c.columns.map(mdCell).join(' | ')} |`, `|${c.columns.map(() => '---').join('|')}|`);
      for (const r of c.rows) out.push(`| ${c.columns.map((col) => mdCell(r[col])).join(' | ')} |`);
      out.push(c.total > c.rows.length ? `\n_${c.rows.length} of ${c.total} rows_` : '', '');
    }
  }
  return { md: out.join('\n'), files };
}
