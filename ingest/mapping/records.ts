import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { IdtrailError } from '../../lib/errors.js';
import { parseCsv } from './csv.js';

/**
 * Turns an export file into records, each with the line it starts on, so that a bad record can be
 * quarantined with its origin and line. Understood shapes: CSV (header row), NDJSON, a JSON array,
 * and a JSON object whose records sit under one of the envelope keys vendors use (`value` for Graph
 * pages, `result` for the ServiceNow Table API, `issues` for Jira search, `Resources` for a SCIM
 * ListResponse, `employees` for BambooHR reports).
 */
export interface SourceRecord {
  line: number;
  /** A parsed JSON value, or for CSV the row as an object keyed by header. */
  value: unknown;
  raw: string;
}

export interface BadRecord {
  line: number | null;
  raw: string;
  reason: string;
}

export interface ReadRecords {
  format: 'csv' | 'json' | 'ndjson';
  records: SourceRecord[];
  bad: BadRecord[];
  /** CSV header, in order. */
  header?: string[];
  /** The JSON envelope around the records (everything but the record array), e.g. a Graph page's `@odata.context`. */
  envelope?: Record<string, unknown>;
  /** The envelope key the records came from. */
  envelopeKey?: string;
}

export const ENVELOPE_KEYS = ['value', 'result', 'issues', 'Resources', 'employees', 'records', 'items', 'data'] as const;

export async function readExportFile(path: string): Promise<{ text: string; bytes: number }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IdtrailError(code === 'ENOENT' ? 'file_not_found' : 'input_invalid', `cannot read ${path}: ${(err as Error).message}`, {
      location: { file: path },
    });
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  return { text: buf.toString('utf8'), bytes: buf.length };
}

/** Decides the format from the content (the extension only breaks ties). */
export function readRecords(text: string, nameHint = ''): ReadRecords {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart()[0];
  const lower = nameHint.toLowerCase().replace(/\.gz$/, '');
  if (lower.endsWith('.csv') || lower.endsWith('.tsv') || (first !== '{' && first !== '[' && first !== undefined)) {
    return readCsvRecords(body, lower.endsWith('.tsv') ? '\t' : ',');
  }
  if (first === undefined) return { format: 'json', records: [], bad: [] };
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return flattenPages(readNdjson(body));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    // One JSON value per line is NDJSON; anything else is one malformed document.
    if (first === '{' && body.trim().includes('\n')) return flattenPages(readNdjson(body));
    return { format: 'json', records: [], bad: [{ line: 1, raw: body, reason: `invalid JSON: ${(err as Error).message}` }] };
  }
  if (Array.isArray(parsed)) {
    const lines = jsonElementLines(body, null);
    return flattenPages({ format: 'json', records: parsed.map((value, i) => jsonRecord(lines[i] ?? 1, value)), bad: [] });
  }
  if (parsed !== null && typeof parsed === 'object') {
    const obj = parsed as Record<string, unknown>;
    const key = ENVELOPE_KEYS.find((k) => Array.isArray(obj[k]));
    if (key) {
      const arr = obj[key] as unknown[];
      const lines = jsonElementLines(body, key);
      const envelope = { ...obj };
      delete envelope[key];
      return {
        format: 'json',
        records: arr.map((value, i) => jsonRecord(lines[i] ?? 1, value)),
        bad: [],
        envelope,
        envelopeKey: key,
      };
    }
    return { format: 'json', records: [{ line: 1, value: obj, raw: body.trim() }], bad: [] };
  }
  return { format: 'json', records: [], bad: [{ line: 1, raw: body, reason: 'expected a JSON array or object' }] };
}

/** A parsed JSON record; its text is only rebuilt if the record is quarantined. */
export function jsonRecord(line: number, value: unknown): SourceRecord {
  return {
    line,
    value,
    get raw() {
      return JSON.stringify(value) ?? String(value);
    },
  };
}

const PAGE_KEYS = ['value', 'result', 'issues', 'Resources', 'employees'] as const;

function pageKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  return PAGE_KEYS.find((k) => Array.isArray(o[k]));
}

/**
 * A file of several API pages (one Graph / ServiceNow / Jira page per line, or an array of pages, as
 * a collector that follows `@odata.nextLink` would save them) is read as the records of all pages.
 * Each record keeps the line of its page.
 */
function flattenPages(read: ReadRecords): ReadRecords {
  if (read.records.length === 0) return read;
  const keys = read.records.map((r) => pageKey(r.value));
  if (keys.some((k) => k === undefined)) return read;
  const records: SourceRecord[] = [];
  read.records.forEach((page, i) => {
    for (const value of (page.value as Record<string, unknown>)[keys[i]!] as unknown[]) records.push(jsonRecord(page.line, value));
  });
  const envelope = { ...(read.records[0].value as Record<string, unknown>) };
  delete envelope[keys[0]!];
  return { ...read, records, envelope, envelopeKey: keys[0] };
}

function readNdjson(body: string): ReadRecords {
  const records: SourceRecord[] = [];
  const bad: BadRecord[] = [];
  const lines = body.split('\n');
  lines.forEach((l, i) => {
    const raw = l.replace(/\r$/, '');
    if (raw.trim() === '') return;
    try {
      records.push({ line: i + 1, value: JSON.parse(raw), raw });
    } catch (err) {
      bad.push({ line: i + 1, raw, reason: `invalid JSON: ${(err as Error).message}` });
    }
  });
  return { format: 'ndjson', records, bad };
}

function readCsvRecords(body: string, delimiter: string): ReadRecords {
  const { records, bad } = parseCsv(body, delimiter);
  const out: ReadRecords = { format: 'csv', records: [], bad: bad.map((b) => ({ ...b })) };
  const headerRec = records.shift();
  if (!headerRec) return out;
  const header = headerRec.fields.map((h) => h.trim());
  out.header = header;
  for (const r of records) {
    if (r.fields.length !== header.length) {
      out.bad.push({ line: r.line, raw: r.raw, reason: `expected ${header.length} fields as in the header, got ${r.fields.length}` });
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = r.fields[i]));
    out.records.push({ line: r.line, value: row, raw: r.raw });
  }
  out.bad.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return out;
}

/**
 * Line on which each element of the record array starts: the root array (`key` null) or the array
 * under the root object's `key`. A single pass over the text that tracks strings and nesting.
 */
export function jsonElementLines(text: string, key: string | null): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let targetDepth = key === null ? 1 : -1;
  let expectValue = false;
  let lastKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (depth === targetDepth && expectValue && c !== ']' && c !== ',') {
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') {
      const startLine = line;
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          s += text[j + 1] ?? '';
          j += 2;
          continue;
        }
        if (text[j] === '\n') line++;
        s += text[j];
        j++;
      }
      void startLine;
      if (depth === 1 && key !== null) {
        let k = j + 1;
        while (k < text.length && /\s/.test(text[k])) k++;
        if (text[k] === ':') lastKey = s;
      }
      i = j;
      continue;
    }
    if (c === '[' || c === '{') {
      depth++;
      if (c === '[' && key !== null && depth === 2 && lastKey === key && targetDepth === -1) targetDepth = 2;
      if (depth === targetDepth && c === '[') expectValue = true;
      continue;
    }
    if (c === ']' || c === '}') {
      if (depth === targetDepth && c === ']') targetDepth = key === null ? 0 : -2; // done
      depth--;
      continue;
    }
    if (c === ',' && depth === targetDepth) expectValue = true;
  }
  return lines;
}
