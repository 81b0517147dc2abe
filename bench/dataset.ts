import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDb } from '../store/duckdb/db.js';
import { generateDemo } from '../ingest/synth/index.js';

/**
 * The benchmark's dataset: a modest demo organisation (the demo generator's vendor-native logs, with
 * its mix of sources, scenarios and look-alikes) amplified by DuckDB to the requested event count.
 * Copy k of a record gets its vendor id suffixed and its event time moved k windows back, so copies
 * never collide (different `_uid`) and the history reads as consecutive windows of the same tenant.
 * Only the date part of the time string is rewritten, so every vendor's own time format is kept.
 */
export interface BenchDataset {
  /** Folder per source (okta/, entra/, google_workspace/, aws/) of NDJSON files. */
  dir: string;
  /** The demo generator's output the copies were made from (inventory, HRIS, ITSM are read from here). */
  baseDir: string;
  /** source → folder, in ingest order. */
  sources: Array<{ source: string; dir: string; files: string[] }>;
  events: number;
  baseEvents: number;
  copies: number;
  /** The base window (copy 0): [start, end). Copy k covers [start - k·days, end - k·days). */
  window: { start: Date; end: Date; days: number };
  generateSeconds: number;
  amplifySeconds: number;
}

export interface DatasetOptions {
  dir: string;
  events: number;
  /** People in the base organisation (default 300; at least 60). */
  baseUsers?: number;
  /** Days of the base window (default 14). */
  baseDays?: number;
  onProgress?: (msg: string) => void;
}

/** A base file: which source it is, how to read its records, and the id/time fields to rewrite. */
interface BasePart {
  source: string;
  name: string;
  /** SQL producing one `rec JSON` per record from `$files` (literal path list built from our own folder). */
  read: (files: string) => string;
  folder: string;
  suffix: string;
  /** The record's event time (vendor text). */
  time: string;
  /**
   * JSON patch rewriting `rec`'s vendor id and event time: only keys the record has (a null in a
   * merge patch deletes a key). `numeric` ids must stay all digits.
   */
  patch: (id: (expr: string, numeric?: boolean) => string, time: Rewrite) => string;
}

const shift = (expr: string): string => `strftime(CAST(left(${expr}, 10) AS DATE) - (k * $days)::INTEGER, '%Y-%m-%d') || substr(${expr}, 11)`;
const sfx = (expr: string): string => `${expr} || '-c' || k::VARCHAR`;
const digits = (expr: string): string => `${expr} || lpad(k::VARCHAR, 4, '0')`;
const s = (p: string): string => `(rec->>'${p}')`;

type Rewrite = (expr: string) => string;

const PARTS: BasePart[] = [
  {
    source: 'okta',
    name: 'system_log',
    folder: 'okta',
    suffix: '.ndjson',
    read: (f) => `SELECT json AS rec FROM read_ndjson_objects(${f})`,
    time: s('published'),
    patch: (id, t) => `json_object('uuid', ${id(s('uuid'))}, 'published', ${t(s('published'))})`,
  },
  {
    source: 'entra',
    name: 'graph',
    folder: 'entra',
    suffix: '.ndjson',
    read: (f) => `SELECT json AS rec FROM read_ndjson_objects(${f})`,
    // Sign-ins carry createdDateTime; directory audits and provisioning logs activityDateTime.
    time: `coalesce(${s('createdDateTime')}, ${s('activityDateTime')})`,
    patch: (id, t) => `CASE WHEN json_exists(rec, '$.createdDateTime')
      THEN json_object('id', ${id(s('id'))}, 'createdDateTime', ${t(s('createdDateTime'))})
      ELSE json_object('id', ${id(s('id'))}, 'activityDateTime', ${t(s('activityDateTime'))}) END`,
  },
  {
    source: 'google_workspace',
    name: 'activities',
    folder: 'google_workspace',
    suffix: '.ndjson',
    read: (f) => `SELECT json AS rec FROM read_ndjson_objects(${f})`,
    time: s('$.id.time'),
    // uniqueQualifier is a signed 64-bit number written as a string: copies keep it all digits.
    patch: (id, t) => `json_object('id', json_object('uniqueQualifier', ${id(s('$.id.uniqueQualifier'), true)}, 'time', ${t(s('$.id.time'))}))`,
  },
  {
    source: 'aws',
    name: 'cloudtrail',
    folder: 'aws/cloudtrail',
    suffix: '.json.gz',
    // CloudTrail log files: {"Records": [...]} per file, gzip.
    read: (f) => `SELECT unnest(json_extract(json, '$.Records[*]')) AS rec FROM read_json_objects(${f}, format = 'unstructured')`,
    time: s('eventTime'),
    patch: (id, t) => `json_object('eventID', ${id(s('eventID'))}, 'eventTime', ${t(s('eventTime'))})`,
  },
];

const sqlList = (paths: string[]): string => `[${paths.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ')}]`;

export async function buildDataset(opts: DatasetOptions): Promise<BenchDataset> {
  const progress = opts.onProgress ?? (() => {});
  const dir = path.resolve(opts.dir);
  const baseDir = path.join(dir, 'base');
  const outDir = path.join(dir, 'events');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const days = opts.baseDays ?? 14;
  const users = opts.baseUsers ?? 300;
  let t0 = performance.now();
  progress(`generating the base organisation: ${users} people over ${days} days`);
  await generateDemo({ outDir: baseDir, users, days, seed: 1 });
  const generateSeconds = (performance.now() - t0) / 1000;
  const end = new Date(Math.floor(Date.parse('2026-11-23T00:00:00Z') / 86400000) * 86400000);
  const window = { start: new Date(end.getTime() - days * 86400000), end, days };

  t0 = performance.now();
  const db = await DuckDb.open(':memory:');
  try {
    const present: Array<BasePart & { files: string[] }> = [];
    for (const p of PARTS) {
      const folder = path.join(baseDir, p.folder);
      const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith(p.suffix)).sort().map((f) => path.join(folder, f)) : [];
      if (files.length) present.push({ ...p, files });
    }
    // One numbered table of every base record, so the copies keep the sources' mix at any size.
    await db.run(
      `CREATE TABLE base AS SELECT row_number() OVER () - 1 AS rid, part, rec FROM (${present
        .map((p, i) => `SELECT ${i} AS part, rec FROM (${p.read(sqlList(p.files))})`)
        .join(' UNION ALL ')})`,
    );
    const baseEvents = Number((await db.one<{ n: bigint }>('SELECT count(*) AS n FROM base'))!.n);
    const copies = Math.max(1, Math.ceil(opts.events / baseEvents));
    progress(`amplifying ${baseEvents.toLocaleString('en-US')} records × ${copies} to ${opts.events.toLocaleString('en-US')} events`);
    const sources: BenchDataset['sources'] = [];
    for (const [i, p] of present.entries()) {
      const sdir = path.join(outDir, p.source);
      mkdirSync(sdir, { recursive: true });
      const file = path.join(sdir, `${p.name}.ndjson`);
      // Copy 0 is the record as generated; copy k > 0 is patched. Oldest copies come first, as in an
      // export, without a sort of the whole output (the file's order does not change what is stored).
      await db.run(
        `COPY (
           SELECT CASE WHEN k = 0 THEN rec::VARCHAR ELSE json_merge_patch(rec, ${p.patch((e, numeric) => (numeric ? digits(e) : sfx(e)), shift)})::VARCHAR END AS line
           FROM range(${copies - 1}, -1, -1) r(k), (SELECT rid, rec FROM base WHERE part = ${i}) b
           WHERE k * ${baseEvents} + rid < ${opts.events}
         ) TO '${file.replace(/'/g, "''")}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f')`.replaceAll('$days', String(days)),
      );
      const existing = sources.find((x) => x.source === p.source);
      if (existing) existing.files.push(file);
      else sources.push({ source: p.source, dir: sdir, files: [file] });
    }
    const amplifySeconds = (performance.now() - t0) / 1000;
    return { dir: outDir, baseDir, sources, events: Math.min(opts.events, baseEvents * copies), baseEvents, copies, window, generateSeconds, amplifySeconds };
  } finally {
    db.close();
  }
}

/**
 * A batch of new events for an incremental run: the base window's last `minutes` of records, as if
 * they happened again `minutes` later (new vendor ids, times moved forward), per source.
 */
export async function recentBatch(ds: BenchDataset, minutes = 5): Promise<Array<{ source: string; records: string[] }>> {
  const db = await DuckDb.open(':memory:');
  try {
    const present = PARTS.map((p) => {
      const folder = path.join(ds.baseDir, p.folder);
      const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith(p.suffix)).sort().map((f) => path.join(folder, f)) : [];
      return { ...p, files };
    }).filter((p) => p.files.length > 0);
    await db.run(
      `CREATE TABLE base AS SELECT part, rec, t FROM (${present
        .map((p, i) => `SELECT ${i} AS part, rec, (${p.time})::TIMESTAMPTZ AS t FROM (${p.read(sqlList(p.files))})`)
        .join(' UNION ALL ')})`,
    );
    const later: Rewrite = (e) => `strftime((${e})::TIMESTAMPTZ + INTERVAL ${minutes} MINUTE, '%Y-%m-%dT%H:%M:%S.%gZ')`;
    const out: Array<{ source: string; records: string[] }> = [];
    for (const [i, p] of present.entries()) {
      const rows = await db.all<{ line: string }>(
        `SELECT json_merge_patch(rec, ${p.patch((e, numeric) => (numeric ? `${e} || '9999'` : `${e} || '-inc'`), later)})::VARCHAR AS line
         FROM base WHERE part = ${i} AND t >= (SELECT max(t) FROM base) - INTERVAL ${minutes} MINUTE ORDER BY t`,
      );
      if (rows.length) out.push({ source: p.source, records: rows.map((r) => r.line) });
    }
    return out;
  } finally {
    db.close();
  }
}
