import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { generate } from '../../test/sigma/generate.js';
import { corpusDir } from '../../test/sigma/harness.js';
import { compileMemory } from './match.js';
import { loadRawRecords } from './raw-load.js';
import { runRulePack } from './rulepack.js';
import { loadRules } from './parse.js';
import { prepareRule, type PreparedRule } from './prepare.js';

/**
 * Every SigmaHQ rule in ../shared/sigma is a single-event rule. For each, a positive and a negative
 * raw vendor record are generated from the rule's own selections (test/sigma/generate.ts) and both
 * targets must give the verdict the generator built them for. The placeholder rules run with values
 * for their placeholders.
 */
const PLACEHOLDERS = {
  Legitimate_Countries: ['DE', 'FR'],
  Legitimate_IP_Ranges: ['198.51.100.*'],
  ApprovedUserUpn: ['admin@contoso.com'],
  Approved_Inviters: ['hr@contoso.com'],
  Important_AppIds: ['00000003-0000-0000-c000-000000000000'],
  Known_Location: ['DE'],
  KNOWN_LOCATION: ['DE'],
  UnLegitCountries: ['KP'],
  UnApprovedIp: ['203.0.113.*'],
  UnApprovedDevice: ['unknown-device'],
  HomeTenantID: ['72f988bf-86f1-41af-91ab-2d7cd011db47'],
  legtimate_identifiers: ['support@okta.com'],
};

let db: DuckDb;
let prepared: PreparedRule[] = [];
beforeAll(async () => {
  db = await DuckDb.open(':memory:');
  const loaded = await loadRules([corpusDir], { placeholders: PLACEHOLDERS });
  expect(loaded.rules).toHaveLength(263);
  prepared = loaded.rules.map((r) => {
    const p = prepareRule(r, { filters: loaded.filters });
    if (!p.ok) throw new Error(`${r.source.file}: ${p.reason}`);
    return p.prepared;
  });
});
afterAll(() => db.close());

describe('SigmaHQ corpus: generated positive and negative records', () => {
  test('every rule: memory and DuckDB (one rule-pack scan per raw table) match the positive and reject the negative', async () => {
    const failures: string[] = [];
    const cases: Array<{ p: PreparedRule; record: Record<string, unknown>; expect: boolean; uid?: string }> = [];
    for (const p of prepared) {
      const name = p.rule.source.file.replace(`${corpusDir}/`, '');
      const pos = generate(p, true);
      const neg = pos && generate(p, false, pos.assign);
      if (!pos || !neg) {
        failures.push(`${name}: no record ${pos ? 'falsifies' : 'satisfies'} the rule`);
        continue;
      }
      cases.push({ p, record: pos.record, expect: true }, { p, record: neg.record, expect: false });
    }
    const streams = [...new Set(cases.map((c) => c.p.stream))];
    for (const stream of streams) {
      const mine = cases.filter((c) => c.p.stream === stream);
      const uids = await loadRawRecords(db, stream, mine.map((c) => c.record));
      mine.forEach((c, i) => (c.uid = uids[i]));
    }
    const result = await runRulePack(db, prepared, { since: new Date('1970-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') });
    const hit = new Set(result.matches.map((m) => `${m._uid}|${m.rule_id}`));
    for (const c of cases) {
      const name = c.p.rule.source.file.replace(`${corpusDir}/`, '');
      const memory = compileMemory(c.p)(c.record);
      const duckdb = hit.has(`${c.uid}|${c.p.rule.id}`);
      if (memory !== c.expect || duckdb !== c.expect) {
        failures.push(`${name}: ${c.expect ? 'positive' : 'negative'} memory=${memory} duckdb=${duckdb} ${JSON.stringify(c.record).slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(cases).toHaveLength(2 * 263);
  }, 120_000);
});
