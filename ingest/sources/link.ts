/**
 * Reads RFC 8288 `Link` headers. Okta sends one `Link` header per relation; fetch joins repeated
 * headers with ", ", so the value is split on the `<` that opens each link, not on commas (a URL may
 * contain commas).
 */
export function parseLinks(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  const re = /<([^>]*)>\s*((?:;\s*[^;,<]+)*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2]);
    if (rel) for (const r of rel[1].trim().split(/\s+/)) out[r] = m[1];
  }
  return out;
}

/**
 * A query string with every value percent-encoded (a space as %20, never '+': OData services such as
 * Graph read '+' in `$filter` literally). Keys are ours and written as given (`$filter`, `$top`).
 */
export function queryString(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
}
