import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { fixture, patch } from '../../test/sigma/harness.js';
import { compileMemory } from './match.js';
import { alertsAsEvents, correlateDuckDb, correlateMemory, corrEventOf, type CorrEvent } from './correlate.js';
import { parseRuleText } from './parse.js';
import { prepareRule, type PreparedRule } from './prepare.js';
import { loadRawRecords } from './raw-load.js';
import type { SigmaCorrelation, SigmaRule } from './types.js';

const okta = fixture('okta_system_log');

function login(user: string, at: string, result: 'FAILURE' | 'SUCCESS', ip = '198.51.100.23', n = 0): Record<string, unknown> {
  return patch(okta, {
    uuid: `${user}-${at}-${result}-${n}`,
    published: at,
    eventType: result === 'FAILURE' ? 'user.session.start' : 'user.authentication.auth_via_mfa',
    displayMessage: result === 'FAILURE' ? 'User login to Okta' : 'Authentication of user via MFA',
    outcome: { result, reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null },
    actor: { alternateId: user, displayName: user },
    client: { ipAddress: ip },
    target: [],
  });
}

const BASE = `title: Okta failed sign-in
id: 0d3a7d5e-1111-4000-8000-000000000001
name: okta_failed_login
author: idtrail tests
logsource:
  product: okta
  service: okta
detection:
  selection:
    eventType: user.session.start
    outcome.result: FAILURE
  condition: selection
---
title: Okta MFA success
id: 0d3a7d5e-1111-4000-8000-000000000002
name: okta_mfa_success
logsource:
  product: okta
  service: okta
detection:
  selection:
    eventType: user.authentication.auth_via_mfa
    outcome.result: SUCCESS
  condition: selection
`;

function corrDoc(body: string): string {
  return `${BASE}---
title: correlation under test
id: 0d3a7d5e-2222-4000-8000-000000000001
author: idtrail tests
correlation:
${body
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

let db: DuckDb;
beforeAll(async () => {
  db = await DuckDb.open(':memory:');
});
afterAll(() => db.close());

let tableSeq = 0;
async function run(yaml: string, records: Record<string, unknown>[]) {
  const parsed = parseRuleText(yaml, 'corr.yml');
  expect(parsed.errors).toEqual([]);
  const corr = parsed.documents.find((d): d is SigmaCorrelation => d.type === 'correlation')!;
  const rules = parsed.documents.filter((d): d is SigmaRule => d.type === 'rule');
  // a fresh raw table per case: each case is its own history
  const stream = { ...prepareRuleOk(rules[0]!).stream, name: `okta_corr_${++tableSeq}` };
  const refs = new Map<string, PreparedRule>();
  for (const ref of corr.rules) {
    const r = rules.find((x) => x.name === ref || x.id === ref)!;
    refs.set(ref, { ...prepareRuleOk(r), stream });
  }
  const uids = await loadRawRecords(db, stream, records);
  const events: CorrEvent[] = [];
  records.forEach((rec, i) => {
    for (const [ref, p] of refs) {
      if (compileMemory(p)(rec)) {
        const e = corrEventOf(corr, ref, p, rec, uids[i]!);
        if (e) events.push(e);
      }
    }
  });
  const memory = correlateMemory(corr, events);
  const duckdb = await correlateDuckDb(db, corr, refs);
  return { memory, duckdb };
}

function prepareRuleOk(r: SigmaRule): PreparedRule {
  const p = prepareRule(r);
  if (!p.ok) throw new Error(p.reason);
  return p.prepared;
}

const burst = (user: string, times: string[], result: 'FAILURE' | 'SUCCESS' = 'FAILURE') => times.map((t, i) => login(user, t, result, '198.51.100.23', i));

describe('correlations: sliding windows, memory and DuckDB agree', () => {
  test('event_count burst straddling a clock boundary fires once', async () => {
    const recs = [
      ...burst('alice@example.com', ['2024-03-11T09:59:10Z', '2024-03-11T09:59:40Z', '2024-03-11T09:59:55Z', '2024-03-11T10:00:05Z', '2024-03-11T10:00:30Z']),
      ...burst('bob@example.com', ['2024-03-11T09:59:10Z', '2024-03-11T09:59:40Z', '2024-03-11T10:00:05Z', '2024-03-11T10:00:30Z']),
    ];
    const { memory, duckdb } = await run(corrDoc('type: event_count\nrules:\n  - okta_failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 2m\ncondition:\n  gte: 5'), recs);
    expect(duckdb).toEqual(memory);
    expect(memory).toHaveLength(1);
    expect(memory[0]).toMatchObject({ group: { 'actor.alternateId': 'alice@example.com' }, event_count: 5, value: 5, author: 'idtrail tests', first_seen: '2024-03-11T09:59:10.000Z', last_seen: '2024-03-11T10:00:30.000Z' });
  });

  test('event_count: events spread wider than the timespan do not fire', async () => {
    const recs = burst('carol@example.com', ['2024-03-11T09:00:00Z', '2024-03-11T09:01:30Z', '2024-03-11T09:03:00Z', '2024-03-11T09:04:30Z', '2024-03-11T09:06:00Z']);
    const { memory, duckdb } = await run(corrDoc('type: event_count\nrules:\n  - okta_failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 2m\ncondition:\n  gte: 3'), recs);
    expect(duckdb).toEqual(memory);
    expect(memory).toEqual([]);
  });

  test('value_count: distinct users from one IP (password spray)', async () => {
    const recs = ['u1', 'u2', 'u3', 'u4'].map((u, i) => login(`${u}@example.com`, `2024-03-11T10:0${i}:00Z`, 'FAILURE', '203.0.113.9'));
    recs.push(login('u1@example.com', '2024-03-11T10:04:00Z', 'FAILURE', '203.0.113.9', 9));
    const yaml = corrDoc('type: value_count\nrules:\n  - okta_failed_login\ngroup-by:\n  - client.ipAddress\ntimespan: 10m\ncondition:\n  field: actor.alternateId\n  gte: 4');
    const { memory, duckdb } = await run(yaml, recs);
    expect(duckdb).toEqual(memory);
    expect(memory).toHaveLength(1);
    expect(memory[0]).toMatchObject({ group: { 'client.ipAddress': '203.0.113.9' }, value: 4, event_count: 5 });
    const fewer = await run(yaml.replace('gte: 4', 'gte: 5'), recs);
    expect(fewer.duckdb).toEqual(fewer.memory);
    expect(fewer.memory).toEqual([]);
  });

  test('temporal: failures and an MFA success of the same user within the window', async () => {
    const recs = [login('dave@example.com', '2024-03-11T10:00:00Z', 'FAILURE'), login('dave@example.com', '2024-03-11T10:03:00Z', 'SUCCESS'), login('erin@example.com', '2024-03-11T10:00:00Z', 'FAILURE')];
    const { memory, duckdb } = await run(corrDoc('type: temporal\nrules:\n  - okta_failed_login\n  - okta_mfa_success\ngroup-by:\n  - actor.alternateId\ntimespan: 5m'), recs);
    expect(duckdb).toEqual(memory);
    expect(memory.map((a) => a.group['actor.alternateId'])).toEqual(['dave@example.com']);
  });

  test('temporal_ordered: success before the failure does not fire; failure then success does', async () => {
    const recs = [
      login('frank@example.com', '2024-03-11T10:00:00Z', 'SUCCESS'),
      login('frank@example.com', '2024-03-11T10:01:00Z', 'FAILURE'),
      login('gina@example.com', '2024-03-11T10:00:00Z', 'FAILURE'),
      login('gina@example.com', '2024-03-11T10:01:00Z', 'SUCCESS'),
    ];
    const { memory, duckdb } = await run(corrDoc('type: temporal_ordered\nrules:\n  - okta_failed_login\n  - okta_mfa_success\ngroup-by:\n  - actor.alternateId\ntimespan: 5m'), recs);
    expect(duckdb).toEqual(memory);
    expect(memory.map((a) => a.group['actor.alternateId'])).toEqual(['gina@example.com']);
  });

  test('value_sum and aliases across two rules', async () => {
    const recs = [0, 1, 2].map((i) => patch(login('hank@example.com', `2024-03-11T10:0${i}:00Z`, 'FAILURE', '198.51.100.23', i), { securityContext: { asNumber: 100 } }));
    const yaml = corrDoc('type: value_sum\nrules:\n  - okta_failed_login\naliases:\n  who:\n    okta_failed_login: actor.alternateId\ngroup-by:\n  - who\ntimespan: 5m\ncondition:\n  field: securityContext.asNumber\n  gt: 250');
    const { memory, duckdb } = await run(yaml, recs);
    expect(duckdb).toEqual(memory);
    expect(memory).toHaveLength(1);
    expect(memory[0]).toMatchObject({ group: { who: 'hank@example.com' }, value: 300 });
  });

  test('lt condition: fewer than N events in the window ending at an event', async () => {
    const recs = burst('ivy@example.com', ['2024-03-11T10:00:00Z', '2024-03-11T10:00:10Z', '2024-03-11T11:00:00Z']);
    const { memory, duckdb } = await run(corrDoc('type: event_count\nrules:\n  - okta_failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m\ncondition:\n  lt: 2'), recs);
    expect(duckdb).toEqual(memory);
    expect(memory).toHaveLength(2);
  });

  test('chaining: repeated bursts of one user, from the inner correlation of both targets', async () => {
    const times = ['10:00:00', '10:00:20', '10:00:40', '10:30:00', '10:30:20', '10:30:40'].map((t) => `2024-03-11T${t}Z`);
    const recs = burst('kim@example.com', times);
    const inner = corrDoc('type: event_count\nrules:\n  - okta_failed_login\ngroup-by:\n  - actor.alternateId\ntimespan: 1m\ncondition:\n  gte: 3');
    const { memory, duckdb } = await run(inner, recs);
    expect(duckdb).toEqual(memory);
    expect(memory).toHaveLength(2);
    const outerDoc = parseRuleText(`${inner}---\ntitle: repeated bursts\nid: 0d3a7d5e-3333-4000-8000-000000000001\ncorrelation:\n  type: event_count\n  rules:\n    - 0d3a7d5e-2222-4000-8000-000000000001\n  group-by:\n    - actor.alternateId\n  timespan: 1h\n  condition:\n    gte: 2\n`, 'chain.yml');
    const outer = outerDoc.documents.find((d): d is SigmaCorrelation => d.type === 'correlation' && d.id === '0d3a7d5e-3333-4000-8000-000000000001')!;
    for (const inAlerts of [memory, duckdb]) {
      const chained = correlateMemory(outer, alertsAsEvents(outer, '0d3a7d5e-2222-4000-8000-000000000001', inAlerts));
      expect(chained).toHaveLength(1);
      expect(chained[0]).toMatchObject({ group: { 'actor.alternateId': 'kim@example.com' }, event_count: 2 });
    }
    const once = correlateMemory(outer, alertsAsEvents(outer, '0d3a7d5e-2222-4000-8000-000000000001', memory.slice(0, 1)));
    expect(once).toEqual([]);
  });
});
