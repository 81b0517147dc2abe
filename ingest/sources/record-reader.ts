import { isUtf8 } from 'node:buffer';

/**
 * Splits vendor export bytes into records without parsing them (DuckDB parses). Two shapes:
 *  - lines: NDJSON, one record per line (blank lines skipped);
 *  - documents: JSON arrays, and objects wrapping their records in `value` (Graph pages), `Records`
 *    (CloudTrail log files) or `records` (Azure Monitor exports); several documents may follow one
 *    another; an object without such an array is itself one record.
 * The document splitter tracks strings, escapes and nesting only, so a truncated or broken document
 * still yields its pieces (which then fail JSON validation and go to quarantine with their line).
 */
export interface RawRecord {
  /** Record text (UTF-8 decoded; invalid bytes become U+FFFD and `problem` says so). */
  text: string;
  /** 1-based line where the record starts. */
  line: number;
  problem: string | null;
}

/** Records longer than this are cut (the cut text goes to quarantine with the original size). */
export const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** How much of an oversized record is kept for the quarantine row. */
const KEPT_OF_OVERSIZED = 64 * 1024;

const WRAPPER_KEYS = new Set(['value', 'Records', 'records']);

function toRecord(parts: Buffer[], size: number, line: number): RawRecord {
  if (size > MAX_RECORD_BYTES) {
    const kept = Buffer.concat(parts).subarray(0, KEPT_OF_OVERSIZED);
    return { text: kept.toString('utf8'), line, problem: `record_too_large:${size} bytes` };
  }
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  const ok = isUtf8(buf);
  return { text: buf.toString('utf8'), line, problem: ok ? null : 'invalid_utf8' };
}

/** NDJSON: one record per non-blank line. */
export async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawRecord> {
  let parts: Buffer[] = [];
  let size = 0;
  let line = 1;
  let startLine = 1;
  const emit = (): RawRecord | null => {
    // trim trailing CR and surrounding whitespace without copying when possible
    let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts.filter((p) => p.length > 0), Math.min(size, MAX_RECORD_BYTES + 1));
    let s = 0;
    let e = buf.length;
    while (s < e && (buf[s] === 0x20 || buf[s] === 0x09 || buf[s] === 0x0d)) s++;
    while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d)) e--;
    if (s === e && size <= MAX_RECORD_BYTES) return null;
    if (buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3; // UTF-8 BOM
    buf = buf.subarray(s, e);
    return toRecord([buf], size > MAX_RECORD_BYTES ? size : buf.length, startLine);
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl < 0 ? chunk.length : nl;
      if (size <= MAX_RECORD_BYTES) parts.push(chunk.subarray(from, end));
      size += end - from;
      if (nl < 0) break;
      const r = emit();
      if (r) yield r;
      parts = [];
      size = 0;
      line++;
      startLine = line;
      from = nl + 1;
    }
  }
  if (size > 0) {
    const r = emit();
    if (r) yield r;
  }
}

/** JSON documents (arrays, wrapped pages, single objects), possibly several in a row. */
export async function* splitDocuments(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawRecord> {
  let depth = 0;
  let inString = false;
  let escape = false;
  let line = 1;
  // the top-level value
  let topKind: 'array' | 'object' | null = null;
  let wrapperFound = false;
  let docParts: Buffer[] = [];
  let docSize = 0;
  let docLine = 1;
  let docStart = -1; // offset in current chunk where doc capture resumes
  // the key just read at depth 1 of a top-level object
  let keyStart = -1;
  let keyParts: Buffer[] = [];
  let lastKey: string | null = null;
  // the element being captured
  let elemDepth = -1;
  let inElem = false;
  let elemParts: Buffer[] = [];
  let elemSize = 0;
  let elemLine = 0;
  let elemStart = -1;

  for await (const chunk of chunks) {
    if (docStart === -2) docStart = 0;
    if (elemStart === -2) elemStart = 0;
    if (keyStart === -2) keyStart = 0;
    const out: RawRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a) line++;
      if (inString) {
        if (escape) escape = false;
        else if (b === 0x5c) escape = true;
        else if (b === 0x22) {
          inString = false;
          if (keyStart >= 0) {
            keyParts.push(chunk.subarray(keyStart, i));
            lastKey = Buffer.concat(keyParts).toString('utf8');
            keyParts = [];
            keyStart = -1;
          }
        }
        continue;
      }
      const ws = b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
      if (depth === 0) {
        if (ws || b === 0x2c) continue;
        if (b === 0xef || b === 0xbb || b === 0xbf) continue; // BOM bytes before a document
        // a new top-level value
        topKind = b === 0x5b ? 'array' : b === 0x7b ? 'object' : null;
        wrapperFound = false;
        lastKey = null;
        docParts = [];
        docSize = 0;
        docLine = line;
        docStart = i;
        if (topKind === 'array') {
          elemDepth = 1;
          depth = 1;
          continue;
        }
        if (topKind === null) {
          // a bare scalar at top level: capture it up to the next whitespace as one (bad) record
          let j = i;
          while (j < chunk.length && ![0x20, 0x0a, 0x0d, 0x09].includes(chunk[j]!)) j++;
          out.push(toRecord([chunk.subarray(i, j)], j - i, line));
          docStart = -1;
          i = j - 1;
          continue;
        }
        depth = 1;
        continue;
      }
      // depth >= 1
      if (inElem && depth === elemDepth && (b === 0x2c || b === 0x5d || b === 0x7d)) {
        // element ends before this comma / closing bracket
        elemParts.push(chunk.subarray(elemStart, i));
        elemSize += i - elemStart;
        out.push(toRecord(trimParts(elemParts), elemSize, elemLine));
        inElem = false;
        elemParts = [];
        elemSize = 0;
        elemStart = -1;
      }
      if (!inElem && depth === elemDepth && !ws && b !== 0x2c && b !== 0x5d && b !== 0x7d) {
        inElem = true;
        elemStart = i;
        elemLine = line;
        elemParts = [];
        elemSize = 0;
      }
      if (b === 0x22) {
        inString = true;
        if (topKind === 'object' && depth === 1 && !inElem) keyStart = i + 1;
        continue;
      }
      if (b === 0x7b || b === 0x5b) {
        if (b === 0x5b && topKind === 'object' && depth === 1 && lastKey !== null && WRAPPER_KEYS.has(lastKey)) {
          wrapperFound = true;
          elemDepth = 2;
          docParts = [];
          docSize = 0;
          docStart = -1;
        }
        depth++;
        continue;
      }
      if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 1 && elemDepth === 2 && topKind === 'object') elemDepth = -1; // wrapper array closed
        if (depth === 0) {
          if (topKind === 'object' && !wrapperFound && docStart >= 0) {
            docParts.push(chunk.subarray(docStart, i + 1));
            docSize += i + 1 - docStart;
            out.push(toRecord(docParts, docSize, docLine));
          }
          topKind = null;
          elemDepth = -1;
          docParts = [];
          docSize = 0;
          docStart = -1;
        }
      }
    }
    for (const r of out) yield r;
    // carry partial captures into the next chunk
    if (inElem && elemStart >= 0) {
      if (elemSize <= MAX_RECORD_BYTES) elemParts.push(chunk.subarray(elemStart));
      elemSize += chunk.length - elemStart;
      elemStart = -2;
    }
    if (docStart >= 0 && depth > 0) {
      if (docSize <= MAX_RECORD_BYTES) docParts.push(chunk.subarray(docStart));
      docSize += chunk.length - docStart;
      docStart = -2;
    }
    if (keyStart >= 0) {
      keyParts.push(chunk.subarray(keyStart));
      keyStart = -2;
    }
  }
  // end of input inside a value: what was captured is a (truncated) record
  if (inElem) {
    if (elemStart >= 0) {
      elemParts.push(Buffer.alloc(0));
    }
    yield toRecord(trimParts(elemParts), elemSize, elemLine);
  } else if (depth > 0 && topKind === 'object' && !wrapperFound && docSize > 0) {
    yield toRecord(docParts, docSize, docLine);
  }
}

function trimParts(parts: Buffer[]): Buffer[] {
  const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  let e = buf.length;
  while (e > 0 && (buf[e - 1] === 0x20 || buf[e - 1] === 0x0a || buf[e - 1] === 0x0d || buf[e - 1] === 0x09)) e--;
  return [buf.subarray(0, e)];
}
