import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileDuckDbWhere, qid } from '../../detections/sigma/compile-sql.js';
import { compileMemory } from '../../detections/sigma/match.js';
import { parseRuleText } from '../../detections/sigma/parse.js';
import { prepareRule, type PreparedRule } from '../../detections/sigma/prepare.js';
import { loadRawRecords } from '../../detections/sigma/raw-load.js';
import type { Placeholders, SigmaFilter, SigmaRule } from '../../detections/sigma/types.js';
import type { DuckDb } from '../../store/duckdb/db.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const corpusDir = resolve(repoRoot, '../shared/sigma');

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(here, 'fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** Deep merge for fixtures: objects merge, everything else (arrays included) replaces. */
export function patch<T>(base: T, over: unknown): T {
  if (over && typeof over === 'object' && !Array.isArray(over) && base && typeof base === 'object' && !Array.isArray(base)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = v === undefined ? undefined : patch(out[k], v);
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out as T;
  }
  return over as T;
}

export function prepareText(yaml: string, placeholders?: Placeholders): PreparedRule {
  const parsed = parseRuleText(yaml, 'case.yml', { placeholders });
  if (parsed.errors.length) throw new Error(`${parsed.errors[0]!.message} (${parsed.errors[0]!.line}:${parsed.errors[0]!.column})`);
  const rule = parsed.documents.find((d): d is SigmaRule => d.type === 'rule');
  if (!rule) throw new Error('no rule in case');
  const filters = parsed.documents.filter((d): d is SigmaFilter => d.type === 'filter');
  const p = prepareRule(rule, { filters });
  if (!p.ok) throw new Error(p.reason);
  return p.prepared;
}

/** Verdicts of the in-memory matcher and of DuckDB (record stored in its raw table) for one record. */
export async function verdicts(db: DuckDb, prepared: PreparedRule, record: unknown): Promise<{ memory: boolean; duckdb: boolean }> {
  const memory = compileMemory(prepared)(record);
  const [uid] = await loadRawRecords(db, prepared.stream, [record]);
  const row = await db.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM ${qid(`raw_${prepared.stream.name}`)} WHERE _uid = $1 AND (${compileDuckDbWhere(prepared)})`,
    [uid!],
  );
  return { memory, duckdb: Number(row?.n ?? 0) > 0 };
}
