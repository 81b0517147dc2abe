/**
 * Self-contained HTML: inline CSS and inline SVG only, no script and no external reference, so a
 * page opens offline and can be attached to an e-mail or an audit package.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #263238; background: #f5f7f8; }
header { background: #263238; color: #fff; padding: 14px 24px; display: flex; gap: 24px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; font-weight: 600; }
header nav a { color: #cfd8dc; margin-right: 14px; text-decoration: none; font-size: 13px; }
header .meta { margin-left: auto; font-size: 12px; color: #b0bec5; }
main { padding: 18px 24px; }
.summary { display: flex; gap: 12px; margin-bottom: 16px; flex-wrap: wrap; }
.summary .pill { background: #fff; border-radius: 6px; padding: 8px 14px; border: 1px solid #e0e6e8; font-size: 13px; }
.summary .pill b { font-size: 18px; display: block; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 14px; }
.tile { background: #fff; border: 1px solid #e0e6e8; border-left: 6px solid #90a4ae; border-radius: 6px; padding: 12px 14px; }
.tile.met { border-left-color: #2e7d32; }
.tile.missed { border-left-color: #c62828; background: #fff7f7; }
.tile.no_data { border-left-color: #b0bec5; background: #fafafa; }
.tile h2 { font-size: 13px; margin: 0 0 6px; font-weight: 600; }
.tile .value { font-size: 26px; font-weight: 700; }
.tile.missed .value { color: #c62828; }
.tile.met .value { color: #2e7d32; }
.tile .target, .tile .change, .tile .needs, .tile .owner { font-size: 12px; color: #546e7a; }
.tile .status { float: right; font-size: 11px; text-transform: uppercase; letter-spacing: .04em; padding: 2px 6px; border-radius: 4px; background: #eceff1; }
.tile.met .status { background: #e8f5e9; color: #2e7d32; }
.tile.missed .status { background: #ffebee; color: #c62828; }
.chart { margin-top: 6px; }
.chart svg { max-width: 100%; height: auto; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.panel { background: #fff; border: 1px solid #e0e6e8; border-radius: 6px; padding: 12px 14px; overflow-x: auto; }
.panel.wide { grid-column: 1 / -1; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceff1; }
th { background: #eceff1; }
footer { padding: 12px 24px; font-size: 11px; color: #78909c; }
`;

export function page(opts: { title: string; heading: string; meta?: string; nav?: { href: string; label: string }[]; body: string; generatedAt: string }): string {
  const nav = (opts.nav ?? []).map((n) => `<a href="${escapeHtml(n.href)}">${escapeHtml(n.label)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(opts.heading)}</h1><nav>${nav}</nav>${opts.meta ? `<span class="meta">${escapeHtml(opts.meta)}</span>` : ''}</header>
<main>
${opts.body}
</main>
<footer>idtrail — generated ${escapeHtml(opts.generatedAt)}. Self-contained page: no script, no external resources.</footer>
</body>
</html>
`;
}
