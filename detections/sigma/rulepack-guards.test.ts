import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { fixture } from '../../test/sigma/harness.js';
import { compileMemory } from './match.js';
import { parseRuleText } from './parse.js';
import { prepareRule, type PreparedRule } from './prepare.js';
import { loadRawRecords } from './raw-load.js';
import { runRulePack } from './rulepack.js';
import type { SigmaRule } from './types.js';

/**
 * A rule pack reads the record JSON only where a cheap test on the text or the typed columns says the
 * lookup can find something (compile-sql.ts AccessCache and objectForm). These records sit on the edges
 * of those tests — keys in another case or written with escapes, a Graph object written as a string or
 * as an array, a value reached only through the object's text — and the pack must agree with the
 * in-memory matcher on every one.
 */
const rule = (id: string, detection: string): string => `title: Guard ${id}
id: 00000000-0000-4000-8000-0000000000${id}
status: test
logsource:
  product: azure
  service: signinlogs
detection:
${detection}
level: low
`;

const RULES = [
  // Status: the Graph object (its text) and errorCode 0 → 'Success'
  rule('01', `    sel:
        Status|contains: 'MFA denied'
    condition: sel`),
  rule('02', `    sel:
        Status: 'Success'
    condition: sel`),
  // an array of objects, '[]' when empty
  rule('03', `    sel:
        NetworkLocationDetails: '[]'
    condition: sel`),
  rule('04', `    sel:
        NetworkLocationDetails|contains: 'trustedNamedLocation'
    condition: sel`),
  // a case-insensitive body lookup and an envelope (root) path
  rule('05', `    sel:
        properties.message: 'Hello'
    condition: sel`),
  rule('06', `    sel:
        ResultType: 50126
    condition: sel`),
  rule('07', `    sel:
        Status: null
    condition: sel`),
  rule('08', `    sel:
        NetworkLocationDetails|exists: true
    condition: sel`),
];

const graph = fixture('entra_signin_graph');
const status = graph.status as Record<string, unknown>;

const RECORDS: Array<{ name: string; record: Record<string, unknown> | string }> = [
  { name: 'graph as is', record: graph },
  { name: 'status names the MFA denial', record: { ...graph, status: { ...status, errorCode: 500121, additionalDetails: 'MFA denied; user declined the authentication' } } },
  { name: 'status is a string', record: { ...graph, status: 'Success' } },
  { name: 'status is a string naming the denial', record: { ...graph, status: 'mfa DENIED by user' } },
  { name: 'status is an object without typed keys', record: { ...graph, status: { note: 'MFA denied' } } },
  { name: 'status is an empty object', record: { ...graph, status: {} } },
  { name: 'status missing', record: Object.fromEntries(Object.entries(graph).filter(([k]) => k !== 'status')) },
  { name: 'no network location', record: { ...graph, networkLocationDetails: [] } },
  { name: 'a trusted named location', record: { ...graph, networkLocationDetails: [{ networkType: 'trustedNamedLocation', networkNames: ['HQ'] }] } },
  { name: 'network location holds a string', record: { ...graph, networkLocationDetails: ['[]'] } },
  { name: 'network location is an object of unknown keys', record: { ...graph, networkLocationDetails: [{ other: 'trustedNamedLocation' }] } },
  { name: 'message key in another case', record: { ...graph, MESSAGE: 'hello' } },
  { name: 'message key with an escape', record: JSON.stringify({ ...graph, zzz: 1 }).replace('"zzz":1', '"m\\u0065ssage":"hello"') },
  { name: 'message key with a non-ASCII case variant', record: { ...graph, 'meſſage': 'hello' } },
  {
    name: 'diagnostic envelope',
    record: { time: '2024-03-11T10:02:14Z', category: 'SignInLogs', operationName: 'Sign-in activity', resultType: '50126', properties: { ...graph, message: 'hello' } },
  },
  { name: 'envelope key in the body of a Graph record', record: { ...graph, resultType: 50126 } },
];

let db: DuckDb;
let prepared: PreparedRule[];
let uids: string[];
beforeAll(async () => {
  db = await DuckDb.open(':memory:');
  prepared = RULES.map((text) => {
    const parsed = parseRuleText(text);
    if (parsed.errors.length) throw new Error(parsed.errors[0]!.message);
    const p = prepareRule(parsed.documents[0] as SigmaRule, {});
    if (!p.ok) throw new Error(p.reason);
    return p.prepared;
  });
  const records = RECORDS.map((r) => (typeof r.record === 'string' ? JSON.parse(r.record) : r.record));
  // the escaped key must reach the raw table as written: load the text itself for that record
  uids = await loadRawRecords(db, prepared[0]!.stream, records);
  const escaped = RECORDS.findIndex((r) => typeof r.record === 'string');
  await db.run(`UPDATE raw_entra_signin SET _json = CAST($1 AS JSON) WHERE _uid = $2`, [RECORDS[escaped]!.record as string, uids[escaped]!]);
});
afterAll(() => db.close());

describe('rule pack guards agree with the in-memory matcher', () => {
  test('every rule × every edge record', async () => {
    const res = await runRulePack(db, prepared, { since: new Date('1970-01-01T00:00:00Z'), until: new Date('2100-01-01T00:00:00Z') });
    const hits = new Set(res.matches.map((m) => `${m.rule_id}|${m._uid}`));
    const disagree: string[] = [];
    let positives = 0;
    for (const p of prepared) {
      const memory = compileMemory(p);
      RECORDS.forEach((r, i) => {
        const record = typeof r.record === 'string' ? JSON.parse(r.record) : r.record;
        const want = memory(record);
        if (want) positives++;
        const got = hits.has(`${p.rule.id}|${uids[i]}`);
        if (want !== got) disagree.push(`${p.rule.title} on "${r.name}": memory ${want}, rule pack ${got}`);
      });
    }
    expect(disagree).toEqual([]);
    // the records exercise both verdicts
    expect(positives).toBeGreaterThanOrEqual(8);
  });
});
