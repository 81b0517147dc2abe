import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { IdtrailError } from '../../lib/errors.js';
import type { EventStore, IngestResult } from '../../store/event-store.js';
import type { StagedRecord } from '../../store/duckdb/ingest.js';
import { BatchPool } from './batch-pool.js';
import { SOURCES, streamsOf } from '../streams.js';
import { splitDocuments, splitLines, type RawRecord } from './record-reader.js';

/**
 * File ingest for vendor event exports: NDJSON, JSON arrays, Graph pages `{"value": [...]}`, CloudTrail
 * log files `{"Records": [...]}`, Azure Monitor exports `{"records": [...]}` — gzip or not (by magic
 * bytes), one file or a folder (recursive, in path order). Files are streamed: records are cut from the
 * bytes without being parsed and handed to the store in bounded batches, where DuckDB parses them.
 */
export interface IngestSummary {
  source: string;
  files: number;
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  normalized: number;
  streams: Record<string, number>;
}

export interface IngestProgress {
  file: string;
  filesDone: number;
  files: number;
  received: number;
  stored: number;
}

export interface IngestPathOptions {
  source: string;
  tenant?: string;
  onProgress?: (p: IngestProgress) => void;
  /** Records per store transaction (default 50,000). */
  batchRecords?: number;
  /** Batches stored at once, each on its own connection (default: one per CPU core, at most 4). */
  workers?: number;
}

const BATCH_RECORDS = 50_000;
const BATCH_BYTES = 48 * 1024 * 1024;

/** Every regular file under `path` (itself when it is a file), sorted; hidden files are skipped. */
export async function listFiles(path: string): Promise<string[]> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new IdtrailError('file_not_found', `no such file or folder: ${path}`, { location: { file: path } });
  if (st.isFile()) return [path];
  if (!st.isDirectory()) throw new IdtrailError('input_invalid', `not a file or folder: ${path}`, { location: { file: path } });
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(path);
  return out;
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function byteStream(file: string, gzip: boolean): NodeJS.ReadableStream {
  const raw = createReadStream(file, { highWaterMark: 1024 * 1024 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/**
 * NDJSON or documents? NDJSON when one of the first non-blank lines is a whole JSON object that is
 * not a page wrapper (one JSON.parse per sampled line, at most five per file).
 */
async function looksLikeNdjson(file: string, gzip: boolean): Promise<boolean> {
  let checked = 0;
  for await (const rec of splitLines(limitBytes(byteStream(file, gzip), 4 * 1024 * 1024))) {
    if (checked++ >= 5) break;
    const t = rec.text;
    if (!t.startsWith('{')) {
      if (t.startsWith('[')) return false;
      continue;
    }
    try {
      const v = JSON.parse(t) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        const wrapper = ['value', 'Records', 'records'].some((k) => Array.isArray(o[k]));
        return !wrapper;
      }
    } catch {
      /* a broken or pretty-printed line: look at the next */
    }
  }
  return false;
}

async function* limitBytes(stream: NodeJS.ReadableStream, max: number): AsyncGenerator<Buffer> {
  let seen = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      yield chunk;
      seen += chunk.length;
      if (seen >= max) break;
    }
  } finally {
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
}

/** Records of one file, in order; a read or decompression error becomes a final quarantined record. */
export async function* readRecords(file: string): AsyncGenerator<RawRecord> {
  const gzip = await isGzip(file);
  const ndjson = await looksLikeNdjson(file, gzip);
  const stream = byteStream(file, gzip);
  let last = 0;
  try {
    const split = ndjson ? splitLines(stream as AsyncIterable<Buffer>) : splitDocuments(stream as AsyncIterable<Buffer>);
    for await (const rec of split) {
      last = rec.line;
      yield rec;
    }
  } catch (err) {
    yield { text: '', line: last + 1, problem: `unreadable_file:${(err as Error).message}` };
  }
}

function emptySummary(source: string): IngestSummary {
  return { source, files: 0, received: 0, stored: 0, duplicates: 0, quarantined: 0, normalized: 0, streams: {} };
}

function add(sum: IngestSummary, r: IngestResult): void {
  sum.received += r.received;
  sum.stored += r.stored;
  sum.duplicates += r.duplicates;
  sum.quarantined += r.quarantined;
  sum.normalized += r.normalized;
  for (const [k, v] of Object.entries(r.streams)) sum.streams[k] = (sum.streams[k] ?? 0) + v;
}

/** Ingests a vendor event export (file or folder) for one source. */
export async function ingestPath(store: EventStore, path: string, opts: IngestPathOptions): Promise<IngestSummary> {
  if (streamsOf(opts.source).length === 0) {
    throw new IdtrailError('usage', `unknown event source '${opts.source}'`, { hint: `use one of: ${SOURCES.join(', ')}` });
  }
  const files = await listFiles(path);
  const sum = emptySummary(opts.source);
  const limit = opts.batchRecords ?? BATCH_RECORDS;
  const pool = await BatchPool.open(store, opts.workers);
  try {
    for (const [i, file] of files.entries()) {
      const ctx = { source: opts.source, tenant: opts.tenant ?? '', origin: file };
      let batch: StagedRecord[] = [];
      let bytes = 0;
      const report = () => opts.onProgress?.({ file, filesDone: i, files: files.length, received: sum.received, stored: sum.stored });
      for await (const rec of readRecords(file)) {
        batch.push({ text: rec.text, line: rec.line, origin: file, problem: rec.problem });
        bytes += rec.text.length;
        if (batch.length >= limit || bytes >= BATCH_BYTES) {
          await pool.submit(batch, ctx, (r) => (add(sum, r), report()));
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length > 0) await pool.submit(batch, ctx, (r) => (add(sum, r), report()));
      sum.files++;
    }
    await pool.drain();
  } finally {
    await pool.close();
  }
  opts.onProgress?.({ file: files.at(-1) ?? path, filesDone: files.length, files: files.length, received: sum.received, stored: sum.stored });
  return sum;
}
