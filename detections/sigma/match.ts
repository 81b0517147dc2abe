import type { Pipeline } from './pipelines.js';
import { keywordTest, walkCond, type PreparedRule, type RCond, type TargetTable } from './prepare.js';
import { fieldValues, pairMatch, stringLeaves, testText } from './values.js';

/**
 * The in-memory target: a prepared rule compiled to a predicate over one parsed vendor record (as
 * received, envelope included), for streaming detection and rule tests.
 */
export type EventPredicate = (record: unknown) => boolean;

type Node = (record: unknown, leaves: () => string[]) => boolean;

function fieldNode(c: Extract<RCond, { kind: 'field' }>, p: Pipeline): Node {
  const t = c.test;
  switch (t.kind) {
    case 'null':
      return (r) => fieldValues(c.access, p, r).length === 0;
    case 'exists':
      return (r) => (fieldValues(c.access, p, r).length > 0) === t.value;
    case 'fieldref':
      return (r) => {
        const a = fieldValues(c.access, p, r);
        if (a.length === 0) return false;
        const b = fieldValues(t.other, p, r);
        return a.some((x) => b.some((y) => pairMatch(t.op, t.cased, x, y)));
      };
    default:
      return (r) => fieldValues(c.access, p, r).some((v) => testText(t, v));
  }
}

function memoryTable(p: Pipeline): TargetTable<Node> {
  return {
    and: (items) => (r, l) => items.every((f) => f(r, l)),
    or: (items) => (r, l) => items.some((f) => f(r, l)),
    not: (item) => (r, l) => !item(r, l),
    constant: (value) => () => value,
    field: (node) => fieldNode(node, p),
    keyword: (test) => {
      const t = keywordTest(test);
      return (_r, leaves) => leaves().some((v) => testText(t, v));
    },
  };
}

export function compileMemory(prepared: PreparedRule): EventPredicate {
  const node = walkCond(prepared.cond, memoryTable(prepared.pipeline));
  return (record) => {
    let leaves: string[] | undefined;
    return node(record, () => (leaves ??= stringLeaves(record)));
  };
}

/** Does the record match the rule? (Compiles on each call; keep `compileMemory` for streams.) */
export function matchEvent(prepared: PreparedRule, record: unknown): boolean {
  return compileMemory(prepared)(record);
}
