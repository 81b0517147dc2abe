import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { STREAMS } from '../../ingest/streams.js';
import { DuckDb } from '../../store/duckdb/db.js';
import { compileDuckDbWhere, qid } from './compile-sql.js';
import { correlateDuckDb, correlateMemory, corrEventOf, type CorrEvent, type CorrelationAlert } from './correlate.js';
import { compileMemory } from './match.js';
import { loadRules, type LoadedRules } from './parse.js';
import { prepareRule, type PreparedRule } from './prepare.js';
import { loadRawRecords } from './raw-load.js';
import type { Placeholders, SigmaCorrelation } from './types.js';

/**
 * `*.test.yml` files beside rules (`rules test`). Format:
 *
 *   rule: okta_admin_role_granted.yml   # rule file, relative to this file (or a rule id/name)
 *   rules: [other.yml]                  # optional: more files (rules a correlation references)
 *   cases:
 *     - name: super admin granted
 *       event: { …the raw vendor record, whole… }
 *       expect: match                   # or no_match
 *     - name: burst of failures          # correlation rules: several records and the alert groups
 *       events:
 *         - { …record… }                 # into the raw stream of the first referenced rule
 *         - stream: entra_signin         # or name the stream explicitly
 *           event: { … }
 *       expect:
 *         alerts:
 *           - { actor.alternateId: alice@example.com }   # group-by values of each alert
 *
 * Every case runs through the in-memory matcher and DuckDB (a scratch in-memory database whose raw
 * tables get the records exactly as ingest stores them); both must give the expected verdict.
 */
export interface CaseResult {
  file: string;
  rule: string;
  name: string;
  ok: boolean;
  targets: { memory: string; duckdb: string };
  message?: string;
}

interface TestFile {
  rule?: string;
  rules?: string[];
  cases?: Array<{ name?: string; event?: unknown; events?: unknown[]; expect?: unknown }>;
}

export async function findTestFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(p: string): Promise<void> {
    const s = await stat(p);
    if (s.isDirectory()) for (const e of (await readdir(p)).sort()) await walk(join(p, e));
    else if (/\.test\.ya?ml$/.test(p)) out.push(p);
  }
  for (const p of paths) await walk(p);
  return out;
}

function groupsOf(alerts: CorrelationAlert[]): Array<Record<string, string | null>> {
  return alerts.map((a) => a.group);
}

export async function runRuleTestFile(file: string, opts: { placeholders?: Placeholders } = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const fail = (name: string, message: string): CaseResult[] => [{ file, rule: '', name, ok: false, targets: { memory: '-', duckdb: '-' }, message }];
  let spec: TestFile;
  try {
    spec = parseYaml(await readFile(file, 'utf8')) as TestFile;
  } catch (err) {
    return fail('(file)', `cannot read test file: ${(err as Error).message}`);
  }
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.cases) || !spec.rule) return fail('(file)', "a test file needs 'rule' and a list of 'cases'");
  const dir = dirname(file);
  const ruleFiles = [spec.rule, ...(spec.rules ?? [])].map((r) => resolve(dir, r));
  const existing: string[] = [];
  for (const r of ruleFiles) if (await stat(r).then(() => true, () => false)) existing.push(r);
  let loaded: LoadedRules;
  if (existing.length) loaded = await loadRules(existing, opts);
  else loaded = await loadRules([dir], opts);
  if (loaded.errors.length) return fail('(rules)', loaded.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('; '));
  const corr: SigmaCorrelation | undefined = existing.length ? loaded.correlations.find((c) => c.source.file === existing[0]) : loaded.correlations.find((c) => c.id === spec.rule || c.name === spec.rule);
  const target = existing.length
    ? loaded.rules.find((r) => r.source.file === existing[0])
    : loaded.rules.find((r) => r.id === spec.rule || r.name === spec.rule);
  const db = await DuckDb.open(':memory:');
  try {
    if (corr) {
      const refs = new Map<string, PreparedRule>();
      for (const ref of corr.rules) {
        const r = loaded.rules.find((x) => x.id === ref || x.name === ref);
        if (!r) return fail('(rules)', `correlation references '${ref}', which is in none of the loaded files`);
        const p = prepareRule(r, { filters: loaded.filters });
        if (!p.ok) return fail('(rules)', `${r.title}: ${p.reason}`);
        refs.set(ref, p.prepared);
      }
      let n = 0;
      for (const c of spec.cases) {
        n++;
        const name = c.name ?? `case ${n}`;
        // each case is its own history: its own copy of the raw tables
        const suffix = `t${n}`;
        const caseRefs = new Map([...refs].map(([k, p]) => [k, { ...p, stream: { ...p.stream, name: `${p.stream.name}_${suffix}` } }]));
        const first = [...caseRefs.values()][0]!;
        const events: CorrEvent[] = [];
        for (const item of c.events ?? []) {
          const it = item as { stream?: string; event?: unknown };
          const record = it && typeof it === 'object' && 'event' in it ? it.event : item;
          const streamName = it && typeof it === 'object' && typeof it.stream === 'string' ? `${it.stream}_${suffix}` : first.stream.name;
          const base = STREAMS.find((s) => `${s.name}_${suffix}` === streamName) ?? first.stream;
          const [uid] = await loadRawRecords(db, { ...base, name: streamName }, [record]);
          for (const [ref, p] of caseRefs) {
            if (p.stream.name !== streamName) continue;
            if (compileMemory(p)(record)) {
              const e = corrEventOf(corr, ref, p, record, uid!);
              if (e) events.push(e);
            }
          }
        }
        const memory = correlateMemory(corr, events);
        const duckdb = await correlateDuckDb(db, corr, caseRefs);
        const want = ((c.expect as { alerts?: Array<Record<string, unknown>> } | undefined)?.alerts ?? []).map((g) =>
          Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v === null ? null : String(v)])),
        );
        const sortG = (gs: Array<Record<string, unknown>>) => gs.map((g) => JSON.stringify(g)).sort();
        const okM = JSON.stringify(sortG(groupsOf(memory))) === JSON.stringify(sortG(want));
        const okD = JSON.stringify(sortG(groupsOf(duckdb))) === JSON.stringify(sortG(want));
        results.push({
          file,
          rule: corr.id ?? corr.title,
          name,
          ok: okM && okD,
          targets: { memory: `${memory.length} alert(s)`, duckdb: `${duckdb.length} alert(s)` },
          message: okM && okD ? undefined : `expected alert groups ${JSON.stringify(want)}, memory gave ${JSON.stringify(groupsOf(memory))}, duckdb gave ${JSON.stringify(groupsOf(duckdb))}`,
        });
      }
      return results;
    }
    if (!target) return fail('(rules)', `no rule '${spec.rule}' found`);
    const p = prepareRule(target, { filters: loaded.filters });
    if (!p.ok) return fail('(rules)', `${target.title}: ${p.reason}`);
    const prepared = p.prepared;
    const mem = compileMemory(prepared);
    const where = compileDuckDbWhere(prepared);
    let n = 0;
    for (const c of spec.cases) {
      n++;
      const name = c.name ?? `case ${n}`;
      if (c.expect !== 'match' && c.expect !== 'no_match') {
        results.push({ file, rule: target.id ?? target.title, name, ok: false, targets: { memory: '-', duckdb: '-' }, message: "expect must be 'match' or 'no_match'" });
        continue;
      }
      const want = c.expect === 'match';
      const m = mem(c.event);
      const [uid] = await loadRawRecords(db, prepared.stream, [c.event]);
      const row = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${qid(`raw_${prepared.stream.name}`)} WHERE _uid = $1 AND (${where})`, [uid!]);
      const d = Number(row?.n ?? 0) > 0;
      results.push({
        file,
        rule: target.id ?? target.title,
        name,
        ok: m === want && d === want,
        targets: { memory: m ? 'match' : 'no_match', duckdb: d ? 'match' : 'no_match' },
        message: m === want && d === want ? undefined : `expected ${c.expect}`,
      });
    }
    return results;
  } finally {
    db.close();
  }
}
