import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { corpusDir } from '../../test/sigma/harness.js';
import { baseRecord } from '../../test/sigma/bases.js';
import { leafType, writePath } from '../../test/sigma/generate.js';
import { compileElasticsearch, EsUnsupported } from './compile-es.js';
import { compileDuckDbWhere, SqlUnsupported } from './compile-sql.js';
import { compileMemory } from './match.js';
import { findRuleFiles, loadRules, parseRuleText } from './parse.js';
import { prepareRule, type PreparedRule } from './prepare.js';
import { loadRawRecords } from './raw-load.js';
import { runRulePack } from './rulepack.js';

/** Seeded PRNG (mulberry32) so that a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = [':', '|', '*', '?', '{', '}', '[', ']', '-', "'", '"', '\n', ' ', '\\', '%', '#', '&', '!', 'all', 'not ', ' of ', 're', 'contains', '\t'];

function mutate(text: string, r: () => number): string {
  let t = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(r() * t.length);
    const op = Math.floor(r() * 6);
    if (op === 0) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(r() * 8));
    else if (op === 1) t = t.slice(0, pos) + NOISE[Math.floor(r() * NOISE.length)] + t.slice(pos);
    else if (op === 2) {
      const lines = t.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[Math.floor(r() * lines.length)]!);
      t = lines.join('\n');
    } else if (op === 3) {
      const lines = t.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 1);
      t = lines.join('\n');
    } else if (op === 4) t = t.replace(/condition: .*/, `condition: ${['selection and', '1 of', 'not (', 'all of them or', 'sel*', '( selection )'][Math.floor(r() * 6)]}`);
    else t = t.replace(/\|(contains|startswith|endswith)/, `|${['re', 'cidr', 'base64offset', 'windash', 'exists', 'lt', 'hour', 'fieldref', 'bogus', 'utf16le'][Math.floor(r() * 10)]}`);
  }
  return t;
}

describe('fuzz: parser over mutated SigmaHQ rules', () => {
  test('never throws; bad input ends as an error value with a location', async () => {
    const files = await findRuleFiles([corpusDir]);
    const r = rng(20240311);
    let errors = 0;
    let rules = 0;
    const started = Date.now();
    for (let i = 0; i < 600; i++) {
      const f = files[Math.floor(r() * files.length)]!;
      const text = mutate(readFileSync(f, 'utf8'), r);
      const parsed = parseRuleText(text, 'fuzz.yml');
      for (const e of parsed.errors) {
        errors++;
        expect(e.file).toBe('fuzz.yml');
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.message.length).toBeGreaterThan(0);
        expect(typeof e.code).toBe('string');
      }
      for (const d of parsed.documents) {
        if (d.type !== 'rule') continue;
        const p = prepareRule(d);
        if (!p.ok) continue;
        rules++;
        // every target either compiles or says why (a typed reason), never crashes
        try {
          compileMemory(p.prepared);
        } catch (err) {
          expect(String(err)).toMatch(/regexp|RE2|syntax/i);
        }
        try {
          compileDuckDbWhere(p.prepared);
        } catch (err) {
          expect(err).toBeInstanceOf(SqlUnsupported);
        }
        try {
          compileElasticsearch(p.prepared);
        } catch (err) {
          expect(err).toBeInstanceOf(EsUnsupported);
        }
      }
    }
    expect(errors).toBeGreaterThan(50);
    expect(rules).toBeGreaterThan(50);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

// ---- matcher fuzz: random records, memory and DuckDB agree --------------------------------------

const STRINGS = ['', 'success', 'SUCCESS', 'Failure', 'admin@example.com', '0', '50126', '12.5', 'true', 'null', '[]', '10.1.2.3', '2001:db8::1', 'user.session.start', 'Add member to role', 'a*b', 'C:\\Windows', 'ünïcödé', 'line1\nline2', '%_', "it's"];

function randomValue(r: () => number, depth: number, pool: string[]): unknown {
  const k = Math.floor(r() * (depth > 2 ? 5 : 8));
  switch (k) {
    case 0:
      return null;
    case 1:
      return Math.floor(r() * 100000) * (r() < 0.5 ? 1 : -1);
    case 2:
      return r() < 0.5;
    case 3:
    case 4:
      return r() < 0.5 ? pool[Math.floor(r() * pool.length)]! : STRINGS[Math.floor(r() * STRINGS.length)]!;
    case 5:
      return Array.from({ length: Math.floor(r() * 3) }, () => randomValue(r, depth + 1, pool));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 3); i++) o[pool[Math.floor(r() * pool.length)]!.split('.').pop()!] = randomValue(r, depth + 1, pool);
      return o;
    }
  }
}

function setPath(o: Record<string, unknown>, path: string[], v: unknown): void {
  let cur = o;
  path.forEach((seg, i) => {
    if (i === path.length - 1) cur[seg] = v;
    else {
      if (typeof cur[seg] !== 'object' || cur[seg] === null || Array.isArray(cur[seg])) cur[seg] = {};
      cur = cur[seg] as Record<string, unknown>;
    }
  });
}

let db: DuckDb;
let prepared: PreparedRule[] = [];
beforeAll(async () => {
  db = await DuckDb.open(':memory:');
  const loaded = await loadRules([corpusDir]);
  prepared = loaded.rules.flatMap((r) => {
    const p = prepareRule(r);
    return p.ok ? [p.prepared] : [];
  });
});
afterAll(() => db.close());

/**
 * Random values are drawn per path from the registry's declared type where the typed schema covers
 * the path (anything goes elsewhere): on a record whose value contradicts the declared type, DuckDB
 * reads the typed projection (json_transform coerces 0 → false, 1.5 → 2 for BIGINT, …) while the
 * in-memory matcher reads the record as received.
 */
describe('fuzz: matcher over random records', () => {
  test('no crash, and memory and DuckDB agree on every rule and record', async () => {
    const r = rng(7);
    const byStream = new Map<string, PreparedRule[]>();
    for (const p of prepared) byStream.set(p.stream.name, [...(byStream.get(p.stream.name) ?? []), p]);
    const mismatches: string[] = [];
    let evaluations = 0;
    for (const [, rules] of byStream) {
      const stream = rules[0]!.stream;
      // field paths and values the rules use, so that random records hit them
      const paths = new Set<string>();
      const vals: string[] = [];
      for (const p of rules) {
        JSON.stringify(p.cond, (k, v) => {
          if (k === 'path' && Array.isArray(v)) paths.add(v.join('.'));
          if (typeof v === 'string' && k !== 'kind' && k !== 'op') vals.push(v);
          return v;
        });
      }
      const pool = [...paths, ...vals];
      const records: Record<string, unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        const rec = structuredClone(baseRecord(stream.name));
        for (const path of paths) {
          if (r() >= 0.3) continue;
          // values conform to the registry's declared type of the path (see the note above)
          const lt = leafType(rules[0]!, { kind: 'path', scope: 'body', path: path.split('.') });
          const v =
            lt?.kind === 'scalar'
              ? lt.name === 'BOOLEAN'
                ? r() < 0.5
                : lt.name === 'BIGINT'
                  ? Math.floor(r() * 100000)
                  : lt.name === 'DOUBLE'
                    ? Math.floor(r() * 1000) / 4
                    : (pool[Math.floor(r() * pool.length)] ?? 'x')
              : randomValue(r, 1, pool);
          if (lt) writePath(rules[0]!, rec, path.split('.'), v as never);
          else setPath(rec, path.split('.'), v);
        }
        records.push(rec);
      }
      const uids = await loadRawRecords(db, stream, records, { uidPrefix: `fuzz-${stream.name}` });
      const res = await runRulePack(db, rules, { since: new Date('1970-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') });
      const hit = new Set(res.matches.map((m) => `${m._uid}|${m.rule_id}`));
      const predicates = rules.map((p) => compileMemory(p));
      records.forEach((rec, i) => {
        for (const [k, p] of rules.entries()) {
          const memory = predicates[k]!(rec);
          const duckdb = hit.has(`${uids[i]}|${p.rule.id}`);
          evaluations++;
          if (memory !== duckdb) mismatches.push(`${p.rule.source.file}: memory=${memory} duckdb=${duckdb} ${JSON.stringify(rec).slice(0, 300)}`);
        }
      });
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(evaluations).toBeGreaterThan(10_000);
  }, 120_000);
});
