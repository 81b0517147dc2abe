import type { DuckDBConnection } from '@duckdb/node-api';
import { BIGINT, DOUBLE, DuckDBDataChunk, VARCHAR } from '@duckdb/node-api';
import { IdtrailError } from '../../lib/errors.js';
import { streamsOf, STREAMS_BY_NAME, rawTable, type RawStream } from '../../ingest/streams.js';
import { bodyExpr, col, sqlString, transformSpec, typeCheckCase, typeListExpr, typedSelect } from '../../ingest/raw-projection.js';
import { normalizerFor } from '../../ingest/normalize/registry.js';
import { compileNormalizer, type CompiledNormalizer } from '../../ingest/normalize/compile.js';
import { ipContexts } from '../../ingest/enrich/ip-context.js';
import type { Checkpoint, IngestContext, IngestResult } from '../event-store.js';
import type { DuckDb } from './db.js';
import { ensureRawTables as ensureStreamTables } from './raw-tables.js';

/**
 * The ingest pipeline, set-based: a batch of raw records lands in a staging table as text, then SQL
 * validates, classifies (each stream's `match`), deduplicates (`_uid`, against the table and inside
 * the batch), stores the raw rows with their typed columns, quarantines what fails (with its reason),
 * and normalizes the batch's new raw rows into identity_events — all in one transaction together with
 * the caller's checkpoint. JavaScript never parses a record: DuckDB's JSON functions do.
 *
 * Invariant per batch: received = stored + duplicates + quarantined.
 */

/** One record to ingest: its text and where it came from. `problem` is a reason found before SQL (e.g. invalid UTF-8). */
export interface StagedRecord {
  text: string;
  line: number | null;
  origin: string;
  problem?: string | null;
}

/** Raw text kept on a quarantine row is capped; the reason records the original length. */
export const QUARANTINE_TEXT_CAP = 64 * 1024;

const STAGE = '_ingest_stage';
const CLASSIFIED = '_ingest_classified';
const VALID = '_ingest_valid';
const TYPED = '_ingest_typed';
const NORM = '_ingest_norm';
const IPCTX = '_ingest_ipctx';

export async function ensureRawTables(db: DuckDb): Promise<void> {
  await ensureStreamTables(db);
}

export async function ingestRecords(db: DuckDb, records: string[], ctx: IngestContext): Promise<IngestResult> {
  return ingestStaged(
    db,
    records.map((text, i) => ({ text, line: ctx.lines?.[i] ?? i + 1, origin: ctx.origins?.[i] ?? ctx.origin })),
    ctx,
  );
}

const prepared = new WeakSet<DuckDBConnection>();

async function prepareConnection(conn: DuckDBConnection): Promise<void> {
  if (prepared.has(conn)) return;
  await conn.run(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (seq BIGINT, line_no BIGINT, origin VARCHAR, problem VARCHAR, text VARCHAR)`);
  await conn.run(
    `CREATE TEMP TABLE IF NOT EXISTS ${IPCTX} (ip VARCHAR, asn BIGINT, as_org VARCHAR, country VARCHAR, region VARCHAR, city VARCHAR, lat DOUBLE, lon DOUBLE)`,
  );
  prepared.add(conn);
}

async function stage(conn: DuckDBConnection, records: StagedRecord[]): Promise<void> {
  await conn.run(`DELETE FROM ${STAGE}`);
  const appender = await conn.createAppender(STAGE, null, 'temp');
  const CHUNK = 2048;
  for (let off = 0; off < records.length; off += CHUNK) {
    const part = records.slice(off, off + CHUNK);
    const chunk = DuckDBDataChunk.create([BIGINT, BIGINT, VARCHAR, VARCHAR, VARCHAR], part.length);
    chunk.setColumns([
      part.map((_, i) => BigInt(off + i)),
      part.map((r) => (r.line === null ? null : BigInt(r.line))),
      part.map((r) => r.origin),
      part.map((r) => r.problem ?? null),
      part.map((r) => r.text),
    ]);
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
  appender.closeSync();
}

/** Ingests records already read (file lines, API page items). */
export async function ingestStaged(db: DuckDb, records: StagedRecord[], ctx: IngestContext, conn: DuckDBConnection = db.conn): Promise<IngestResult> {
  const result: IngestResult = { received: records.length, stored: 0, duplicates: 0, quarantined: 0, streams: {}, normalized: 0 };
  if (records.length === 0 && !ctx.checkpoint) return result;
  const streams = ctx.stream ? [STREAMS_BY_NAME.get(ctx.stream)].filter((s): s is RawStream => !!s) : streamsOf(ctx.source);
  if (streams.length === 0) {
    throw new IdtrailError('input_invalid', ctx.stream ? `unknown raw stream '${ctx.stream}'` : `unknown source '${ctx.source}'`, {
      hint: 'use a source or stream from ingest/streams.ts',
    });
  }
  await prepareConnection(conn);
  try {
    return await db.transaction(async (tx) => {
      if (records.length > 0) {
        await stage(tx, records);
        const batch = Number((await db.one<{ b: bigint }>(`SELECT nextval('raw_batch_seq') AS b`, undefined, tx))!.b);
        await classify(tx, streams, ctx);
        result.quarantined += await quarantine(
          tx,
          `SELECT c.seq, s.line_no, s.origin, s.text, c.reason, NULL::VARCHAR AS stream FROM ${CLASSIFIED} c JOIN ${STAGE} s USING (seq) WHERE c.reason IS NOT NULL`,
          ctx,
        );
        const present = (await db.all<{ stream: string }>(`SELECT DISTINCT stream FROM ${CLASSIFIED} WHERE stream IS NOT NULL`, undefined, tx)).map((r) => r.stream);
        for (const stream of streams.filter((s) => present.includes(s.name))) {
          const r = await storeStream(db, tx, stream, ctx, batch);
          result.quarantined += r.quarantined;
          result.stored += r.stored;
          result.duplicates += r.duplicates;
          if (r.stored > 0) {
            result.streams[stream.name] = r.stored;
            result.normalized += await normalize(db, tx, stream, batch);
          }
        }
      }
      if (ctx.checkpoint) await writeCheckpoint(db, tx, ctx.checkpoint);
      if (result.received !== result.stored + result.duplicates + result.quarantined) {
        throw new IdtrailError('internal', `ingest accounting mismatch: received ${result.received}, stored ${result.stored}, duplicates ${result.duplicates}, quarantined ${result.quarantined}`);
      }
      return result;
    }, conn);
  } catch (err) {
    if (err instanceof IdtrailError) throw err;
    throw new IdtrailError('store_error', `ingest of ${ctx.source} records from ${ctx.origin} failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Validates JSON and routes each record to the first stream whose `match` holds. The staging table
 * keeps the only copy of each record's text; later steps are narrow tables keyed by `seq` and join
 * back to it (copying wide text columns through every step would dominate the cost).
 */
async function classify(conn: DuckDBConnection, streams: RawStream[], ctx: IngestContext): Promise<void> {
  const route = ctx.stream
    ? sqlString(streams[0]!.name)
    : `CASE ${streams.map((s) => `WHEN coalesce(${s.match}, false) THEN ${sqlString(s.name)}`).join(' ')} ELSE NULL END`;
  // One parse both validates and lists the top-level keys the predicates test (try() turns a JSON
  // error into NULL). MATERIALIZED keeps DuckDB from inlining k into every predicate.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${CLASSIFIED} AS
     WITH keyed AS MATERIALIZED (
       SELECT seq, problem, text AS j, CASE WHEN problem IS NULL THEN try(json_keys(text)) END AS k,
         starts_with(ltrim(text, ' \t\r\n'), '{') AS is_object
       FROM ${STAGE}
     ), routed AS MATERIALIZED (
       -- predicates run only on valid objects: a filter, not a CASE guard, because DuckDB may hoist a
       -- repeated subexpression out of a CASE and evaluate it on every row
       SELECT seq, problem, k, is_object, ${route} AS stream FROM keyed WHERE k IS NOT NULL AND is_object
       UNION ALL
       SELECT seq, problem, k, is_object, NULL AS stream FROM keyed WHERE k IS NULL OR NOT is_object
     )
     SELECT seq, k,
       CASE WHEN problem IS NOT NULL THEN problem
            WHEN k IS NULL THEN 'malformed_json'
            WHEN NOT is_object THEN 'invalid_type:record'
            WHEN stream IS NULL THEN 'unknown_event_type' END AS reason,
       stream
     FROM routed`,
  );
}

function timeFieldName(stream: RawStream): string {
  const req = Object.entries(stream.required ?? {});
  return req.find(([, expr]) => stream.eventTime.includes(expr))?.[0] ?? req.find(([k]) => /time|date|published|created/i.test(k))?.[0] ?? 'event_time';
}

/** Stores one stream's records of the batch; returns its counters. */
async function storeStream(
  db: DuckDb,
  conn: DuckDBConnection,
  stream: RawStream,
  ctx: IngestContext,
  batch: number,
): Promise<{ stored: number; duplicates: number; quarantined: number }> {
  const required = Object.entries(stream.required ?? {});
  const checks = [
    ...required.map(([name], i) => `WHEN missing[${i + 1}] THEN ${sqlString(`missing_field:${name}`)}`),
    `WHEN nid IS NULL OR nid = '' THEN 'missing_field:id'`,
    `WHEN type_reason IS NOT NULL THEN type_reason`,
    `WHEN et IS NULL THEN ${sqlString(`invalid_type:${timeFieldName(stream)}`)}`,
  ];
  const tenant = ctx.tenant ? '$1::VARCHAR' : `coalesce(${stream.tenant ?? 'NULL'}, 'default')`;
  // the id, time, tenant and required expressions usually read only `t`; join the record text (j)
  // and keys (k) back in only when one of them needs it
  const needsRecord = /\b[jk]\b/.test([stream.nativeId, stream.eventTime, tenant, ...required.map(([, e]) => e)].join(' '));
  // t: the typed struct of the body (one lenient json_transform); tl: the JSON kinds of the top-level
  // keys (one parse) for the type checks. Materialized, so that the id, time and checks read t and tl
  // instead of DuckDB inlining (and re-running) the JSON functions into each of them.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${TYPED} AS
     SELECT seq, json_transform(b, ${transformSpec(stream)}) AS t, ${typeListExpr(stream, 'b')} AS tl
     FROM (SELECT seq, (${bodyExpr(stream)}) AS b FROM (SELECT c.seq, s.text AS j, c.k FROM ${CLASSIFIED} c JOIN ${STAGE} s USING (seq) WHERE c.stream = ${sqlString(stream.name)}))`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${VALID} AS
     SELECT seq, nid, et, tn, CASE ${checks.join(' ')} ELSE NULL END AS reason
     FROM (
       SELECT seq,
         (${stream.nativeId})::VARCHAR AS nid,
         (${stream.eventTime})::TIMESTAMP AS et,
         (${tenant})::VARCHAR AS tn,
         ${typeCheckCase(stream, 'tl')} AS type_reason,
         ${required.length > 0 ? `[${required.map(([, expr]) => `(${expr}) IS NULL`).join(', ')}]` : '[]::BOOLEAN[]'} AS missing
       FROM ${needsRecord ? `(SELECT ty.seq, ty.t, ty.tl, s.text AS j, c.k FROM ${TYPED} ty JOIN ${STAGE} s USING (seq) JOIN ${CLASSIFIED} c USING (seq))` : TYPED}
     )`,
    ctx.tenant ? [ctx.tenant] : undefined,
  );
  const quarantined = await quarantine(
    conn,
    `SELECT v.seq, s.line_no, s.origin, s.text, v.reason, ${sqlString(stream.name)} AS stream FROM ${VALID} v JOIN ${STAGE} s USING (seq) WHERE v.reason IS NOT NULL`,
    ctx,
  );
  const candidates = Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${VALID} WHERE reason IS NULL`, undefined, conn))!.n);
  const table = col(rawTable(stream));
  const source = sqlString(stream.source);
  // ON CONFLICT DO NOTHING skips records already stored (primary key `_uid`); QUALIFY keeps the
  // first of several copies inside the batch.
  const inserted = await conn.run(
    `INSERT INTO ${table}
     SELECT uid, tn, nid, et, now()::TIMESTAMP, ${batch}, s.text, ${typedSelect(stream)}
     FROM (
       SELECT seq, ${source} || ':' || tn || ':' || nid AS uid, tn, nid, et FROM ${VALID} WHERE reason IS NULL
       QUALIFY row_number() OVER (PARTITION BY uid ORDER BY seq) = 1
     ) v JOIN ${TYPED} USING (seq) JOIN ${STAGE} s USING (seq)
     ON CONFLICT DO NOTHING`,
  );
  const stored = inserted.rowsChanged;
  return { stored, duplicates: candidates - stored, quarantined };
}

const compiled = new Map<string, CompiledNormalizer>();

async function normalize(db: DuckDb, conn: DuckDBConnection, stream: RawStream, batch: number): Promise<number> {
  const n = normalizerFor(stream.name);
  if (!n) return 0;
  let c = compiled.get(stream.name);
  if (!c) {
    c = compileNormalizer(n);
    compiled.set(stream.name, c);
  }
  await conn.run(c.stageSql(NORM), [batch]);
  const ips = (await db.all<{ ip: string }>(c.ipsSql(NORM), undefined, conn)).map((r) => r.ip);
  await conn.run(`DELETE FROM ${IPCTX}`);
  if (ips.length > 0) {
    const ctxs = ipContexts(ips);
    const appender = await conn.createAppender(IPCTX, null, 'temp');
    // A data chunk holds at most 2048 rows (DuckDB's vector size): a batch with more distinct
    // addresses goes in several chunks.
    for (let off = 0; off < ctxs.length; off += 2048) {
      const part = ctxs.slice(off, off + 2048);
      const chunk = DuckDBDataChunk.create([VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE], part.length);
      chunk.setColumns([
        part.map((x) => x.ip),
        part.map((x) => (x.asn === null ? null : BigInt(x.asn))),
        part.map((x) => x.as_org),
        part.map((x) => x.country),
        part.map((x) => x.region),
        part.map((x) => x.city),
        part.map((x) => x.lat),
        part.map((x) => x.lon),
      ]);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
    appender.closeSync();
  }
  const r = await conn.run(c.insertSql(NORM, IPCTX));
  return r.rowsChanged;
}

/** Inserts quarantine rows from a query giving (seq, line_no, origin, text, reason, stream); returns how many records it covered. */
async function quarantine(conn: DuckDBConnection, query: string, ctx: IngestContext): Promise<number> {
  const count = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${query})`);
  const n = Number(count.getRowObjectsJS()[0]!.n as bigint);
  if (n === 0) return n;
  // The id is a hash of what identifies the input (source, origin, line, text), so quarantining the
  // same bad record again (a re-run over the same file) adds no row.
  await conn.run(
    `INSERT INTO quarantine
     SELECT md5(concat_ws('\x1f', $1, origin, line_no::VARCHAR, text)), $1, stream, $2, origin, line_no,
       reason || CASE WHEN length(text) > ${QUARANTINE_TEXT_CAP} THEN '; raw text truncated from ' || length(text) || ' characters' ELSE '' END,
       left(text, ${QUARANTINE_TEXT_CAP}), now()::TIMESTAMP
     FROM (${query})
     ON CONFLICT DO NOTHING`,
    [ctx.source, ctx.tenant || null],
  );
  return n;
}

async function writeCheckpoint(db: DuckDb, conn: DuckDBConnection, cp: Checkpoint): Promise<void> {
  await db.run(
    `INSERT INTO checkpoints VALUES ($1, $2, $3, $4, $5::TIMESTAMP, $6::JSON, now()::TIMESTAMP)
     ON CONFLICT (source, tenant_id, stream) DO UPDATE SET cursor = excluded.cursor, watermark = excluded.watermark, state = excluded.state, updated_at = excluded.updated_at`,
    [cp.source, cp.tenant, cp.stream, cp.cursor, cp.watermark ? cp.watermark.replace(/Z$/, '') : null, cp.state ? JSON.stringify(cp.state) : null],
    conn,
  );
}

export async function getCheckpoint(db: DuckDb, source: string, tenant: string, stream: string): Promise<Checkpoint | null> {
  const row = await db.one<{ cursor: string | null; watermark: string | null; state: string | null }>(
    `SELECT cursor, strftime(watermark, '%Y-%m-%dT%H:%M:%S.%fZ') AS watermark, state::VARCHAR AS state FROM checkpoints WHERE source = $1 AND tenant_id = $2 AND stream = $3`,
    [source, tenant, stream],
  );
  if (!row) return null;
  return {
    source,
    tenant,
    stream,
    cursor: row.cursor,
    watermark: row.watermark ? row.watermark.replace(/(\.\d{3})\d*Z$/, '$1Z') : null,
    ...(row.state ? { state: JSON.parse(row.state) as Record<string, unknown> } : {}),
  };
}

export async function countEvents(db: DuckDb): Promise<Record<string, number>> {
  const rows = await db.all<{ source: string; n: bigint }>('SELECT source, count(*) AS n FROM identity_events GROUP BY source ORDER BY source');
  return Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
}

export async function countQuarantine(db: DuckDb): Promise<number> {
  const row = await db.one<{ n: bigint }>('SELECT count(*) AS n FROM quarantine');
  return Number(row?.n ?? 0);
}
