import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from './store.js';
import { ingestPath } from '../../ingest/sources/file.js';
import { rawTable, streamsOf } from '../../ingest/streams.js';

/**
 * Thousands of mutated vendor events through file ingest: wrong types, missing fields, huge strings,
 * invalid UTF-8, deep nesting, truncated lines, duplicates. Nothing may throw out of ingest, and every
 * input line must end as exactly one stored event, one duplicate or one quarantine row.
 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seeds: Record<string, unknown[]> = {
  okta: readFileSync('test/fixtures/okta/system_log.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l)),
  entra: [
    ...readFileSync('test/fixtures/entra/signins.ndjson', 'utf8').trim().split('\n'),
    ...readFileSync('test/fixtures/entra/directory_audits.ndjson', 'utf8').trim().split('\n'),
  ].map((l) => JSON.parse(l)),
  google_workspace: readFileSync('test/fixtures/google_workspace/activities.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l)),
  aws: (JSON.parse(gunzipSync(readFileSync('test/fixtures/aws/123456789012_CloudTrail_us-east-1_20240506T0905Z_a1b2c3d4e5f6a7b8.json.gz')).toString()) as { Records: unknown[] }).Records,
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const ID_KEYS = ['uuid', 'id', 'eventID'];

function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v && typeof v === 'object') {
    for (const [k, c] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(c as Json, p, out);
    }
  }
  return out;
}
function setAt(root: Json, p: (string | number)[], value: Json | undefined): void {
  let cur = root as Record<string | number, Json>;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = p[p.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}
function deep(n: number): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { d: v };
  return v;
}

function mutate(seed: unknown, i: number, rand: () => number, source: string): Buffer {
  const e = structuredClone(seed) as Json & Record<string, Json>;
  // a fresh vendor id per input, so stored/duplicate counts are predictable
  if (source === 'google_workspace') (e.id as Record<string, Json>).uniqueQualifier = `fz${i}`;
  else for (const k of ID_KEYS) if (typeof e[k] === 'string') e[k] = `${e[k] as string}-fz${i}`;
  const all = paths(e);
  const pick = () => all[Math.floor(rand() * all.length)]!;
  const kind = Math.floor(rand() * 10);
  const wrongTypes: Json[] = [42, -1.5, true, null, 'text', [], [1, 'a'], {}, { x: { y: [null] } }];
  switch (kind) {
    case 0: // remove a field (maybe the id or time)
      setAt(e, rand() < 0.3 ? [Object.keys(e)[Math.floor(rand() * Object.keys(e).length)]!] : pick(), undefined);
      break;
    case 1: // wrong type somewhere
      setAt(e, pick(), wrongTypes[Math.floor(rand() * wrongTypes.length)]!);
      break;
    case 2: // wrong type at the top level
      e[Object.keys(e)[Math.floor(rand() * Object.keys(e).length)]!] = wrongTypes[Math.floor(rand() * wrongTypes.length)]!;
      break;
    case 3: // huge string
      setAt(e, pick(), 'A'.repeat(50_000 + Math.floor(rand() * 200_000)));
      break;
    case 4: // deep nesting
      setAt(e, pick(), deep(200 + Math.floor(rand() * 2000)));
      break;
    case 5: {
      // truncated line
      const t = JSON.stringify(e);
      return Buffer.from(t.slice(0, Math.floor(rand() * t.length)));
    }
    case 6: {
      // invalid UTF-8 bytes spliced in
      const t = Buffer.from(JSON.stringify(e));
      const at = Math.floor(rand() * t.length);
      return Buffer.concat([t.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), t.subarray(at)]);
    }
    case 7: // unicode, control characters and escapes in values
      setAt(e, pick(), `\u0000\u001f\u2028 "quoted" \\ 🙂 ${'é'.repeat(50)}`);
      break;
    case 8:
      return Buffer.from(['', 'null', '42', '"string"', '[]', '{}', '{"a":}', '}{', '\u0000'][Math.floor(rand() * 9)]!);
    default: // unchanged
      break;
  }
  return Buffer.from(JSON.stringify(e));
}

const dir = mkdtempSync(join(tmpdir(), 'idtrail-fuzz-'));
let store: DuckDbStore;
beforeAll(async () => {
  store = await DuckDbStore.open(':memory:');
});
afterAll(async () => store.close());

describe('ingest fuzz', () => {
  for (const source of Object.keys(seeds)) {
    it(`${source}: every mutated input is stored, a duplicate, or quarantined with a reason`, async () => {
      const rand = rng(source.length * 7919);
      const list = seeds[source]!;
      const lines: Buffer[] = [];
      for (let i = 0; i < 650; i++) lines.push(mutate(list[i % list.length], i, rand, source));
      // exact copies of earlier lines: duplicates (or the same quarantine reason again)
      for (let i = 0; i < 40; i++) lines.push(lines[Math.floor(rand() * 400)]!);
      const nonBlank = lines.filter((l) => l.toString('latin1').trim() !== '').length;
      const file = join(dir, `${source}.ndjson`);
      writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));

      const r = await ingestPath(store, file, { source, batchRecords: 300 });
      expect(r.received).toBe(nonBlank);
      expect(r.stored + r.duplicates + r.quarantined).toBe(r.received);
      expect(r.stored).toBeGreaterThan(100);
      expect(r.quarantined).toBeGreaterThan(100);

      // and in the tables: one raw row per stored event, one quarantine row per quarantined input
      // (an identical bad line at another line number is its own row)
      let raw = 0;
      for (const s of streamsOf(source)) raw += Number((await store.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${rawTable(s)}`))!.n);
      expect(raw).toBe(r.stored);
      const q = await store.db.one<{ n: bigint; empty: bigint }>(`SELECT count(*) AS n, count(*) FILTER (WHERE reason IS NULL OR reason = '') AS empty FROM quarantine WHERE origin = $1`, [file]);
      expect(Number(q!.n)).toBe(r.quarantined);
      expect(Number(q!.empty)).toBe(0);
    });
  }
});
