import type { Cond, CondExpr, DetectionItem } from './types.js';

/**
 * The condition grammar (spec v2 "Condition"): `and`, `or`, `not`, parentheses, identifiers, and
 * `1 of` / `any of` / `all of` an identifier pattern (with `*`) or `them`. Precedence: not > and > or.
 * `them` leaves out identifiers that start with `_` (spec: helper identifiers).
 */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly code: 'condition_syntax' | 'unknown_identifier' = 'condition_syntax',
  ) {
    super(message);
  }
}

interface Tok {
  t: 'id' | '(' | ')' | 'and' | 'or' | 'not' | 'of' | 'them' | 'num' | 'all' | 'any' | 'end';
  v: string;
  pos: number;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\()|(\))|([A-Za-z0-9_*.\-]+)|(\S))/gy;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    const pos = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').length;
    if (m[1]) out.push({ t: '(', v: '(', pos });
    else if (m[2]) out.push({ t: ')', v: ')', pos });
    else if (m[3]) {
      const w = m[3];
      const lw = w.toLowerCase();
      if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'of' || lw === 'them' || lw === 'all' || lw === 'any') out.push({ t: lw, v: w, pos });
      else if (/^\d+$/.test(w)) out.push({ t: 'num', v: w, pos });
      else out.push({ t: 'id', v: w, pos });
    } else if (m[4]) {
      throw new ConditionError(`unexpected character '${m[4]}' in condition`, pos);
    } else break;
  }
  out.push({ t: 'end', v: '', pos: src.length });
  return out;
}

export function parseCondition(src: string): CondExpr {
  if (src.includes('|')) throw new ConditionError("the '|' aggregation syntax of Sigma v1 is not supported: use a correlation rule", src.indexOf('|'));
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i]!;
  const next = () => toks[i++]!;
  const expect = (t: Tok['t'], what: string) => {
    const k = next();
    if (k.t !== t) throw new ConditionError(`expected ${what} but found ${k.t === 'end' ? 'end of condition' : `'${k.v}'`}`, k.pos);
    return k;
  };
  function orExpr(): CondExpr {
    const items = [andExpr()];
    while (peek().t === 'or') {
      next();
      items.push(andExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }
  function andExpr(): CondExpr {
    const items = [notExpr()];
    while (peek().t === 'and') {
      next();
      items.push(notExpr());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }
  function notExpr(): CondExpr {
    if (peek().t === 'not') {
      next();
      return { kind: 'not', item: notExpr() };
    }
    return primary();
  }
  function primary(): CondExpr {
    const k = next();
    switch (k.t) {
      case '(': {
        const e = orExpr();
        expect(')', "')'");
        return e;
      }
      case 'id':
        return { kind: 'ref', name: k.v };
      case 'num':
      case 'all':
      case 'any': {
        const q: 'all' | number = k.t === 'all' ? 'all' : k.t === 'any' ? 1 : Number(k.v);
        if (q === 0) throw new ConditionError("'0 of' never matches; use 'not 1 of'", k.pos);
        expect('of', "'of'");
        const target = next();
        if (target.t === 'them') return { kind: 'of', quantifier: q, pattern: 'them' };
        if (target.t === 'id') return { kind: 'of', quantifier: q, pattern: target.v };
        throw new ConditionError(`expected an identifier pattern or 'them' after 'of', found '${target.v || 'end of condition'}'`, target.pos);
      }
      default:
        throw new ConditionError(`expected an identifier, 'not', '(' or 'N of' but found ${k.t === 'end' ? 'end of condition' : `'${k.v}'`}`, k.pos);
    }
  }
  const e = orExpr();
  const rest = peek();
  if (rest.t !== 'end') throw new ConditionError(`unexpected '${rest.v}' after a complete condition (missing 'and'/'or'?)`, rest.pos);
  return e;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function combinations<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
}

/** Substitute identifiers with their detection trees. */
export function resolveCondition(expr: CondExpr, detections: Record<string, DetectionItem>, offsetOf: (name: string) => number = () => 0): Cond {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { kind: expr.kind, items: expr.items.map((e) => resolveCondition(e, detections, offsetOf)) };
    case 'not':
      return { kind: 'not', item: resolveCondition(expr.item, detections, offsetOf) };
    case 'ref': {
      const d = detections[expr.name];
      if (!d) {
        throw new ConditionError(
          `condition names '${expr.name}', which is not a detection identifier (defined: ${Object.keys(detections).join(', ') || 'none'})`,
          offsetOf(expr.name),
          'unknown_identifier',
        );
      }
      return d.cond;
    }
    case 'of': {
      const names =
        expr.pattern === 'them'
          ? Object.keys(detections).filter((n) => !n.startsWith('_'))
          : Object.keys(detections).filter((n) => globToRegExp(expr.pattern).test(n));
      if (names.length === 0) {
        throw new ConditionError(`'of ${expr.pattern}' matches no detection identifier`, offsetOf(expr.pattern), 'unknown_identifier');
      }
      const conds = names.map((n) => detections[n]!.cond);
      if (expr.quantifier === 'all') return conds.length === 1 ? conds[0]! : { kind: 'and', items: conds };
      if (expr.quantifier === 1) return conds.length === 1 ? conds[0]! : { kind: 'or', items: conds };
      const combos = combinations(conds, expr.quantifier);
      if (combos.length === 0) return { kind: 'const', value: false };
      return { kind: 'or', items: combos.map((c) => ({ kind: 'and', items: c }) as Cond) };
    }
  }
}
