import { toPlain } from '../store/duckdb/db.js';

/**
 * RFC 4180 CSV: CRLF line ends, every field that holds a comma, quote, CR or LF quoted, quotes
 * doubled. Timestamps are ISO-8601 UTC, lists are space-joined, objects are JSON.
 */
export function csvField(value: unknown): string {
  const v = toPlain(value);
  let text: string;
  if (v === null || v === undefined) text = '';
  else if (Array.isArray(v)) text = v.map((x) => (x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ');
  else if (typeof v === 'object') text = JSON.stringify(v);
  else text = String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
