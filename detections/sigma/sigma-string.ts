import type { SigmaString, StrPart } from './types.js';

/**
 * Sigma string values: `*` matches any run of characters, `?` exactly one, and a backslash escapes
 * `*`, `?` and itself (`\*`, `\?`, `\\`). A backslash before any other character is a literal
 * backslash (spec v2, "Escaping"), so Windows paths such as `C:\Windows` need no doubling.
 */
export function parseSigmaString(text: string): SigmaString {
  const parts: StrPart[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ wildcard: c });
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return { parts };
}

export function literal(text: string): SigmaString {
  return { parts: text ? [text] : [] };
}

export function hasWildcards(s: SigmaString): boolean {
  return s.parts.some((p) => typeof p !== 'string');
}

/** The text of a string without wildcards (callers check `hasWildcards` first). */
export function plainText(s: SigmaString): string {
  return s.parts.map((p) => (typeof p === 'string' ? p : p.wildcard)).join('');
}

/** Back to Sigma notation (escapes re-applied), for messages and golden output. */
export function toSigmaNotation(s: SigmaString): string {
  return s.parts.map((p) => (typeof p === 'string' ? p.replace(/[\\*?]/g, (m) => `\\${m}`) : p.wildcard)).join('');
}

export function concat(...strs: SigmaString[]): SigmaString {
  const parts: StrPart[] = [];
  for (const s of strs) {
    for (const p of s.parts) {
      const last = parts[parts.length - 1];
      if (typeof p === 'string' && typeof last === 'string') parts[parts.length - 1] = last + p;
      else if (p !== '') parts.push(p);
    }
  }
  return { parts };
}

/** Map every literal part through `fn`, each returning alternatives; returns the cartesian product. */
export function expandLiterals(s: SigmaString, fn: (lit: string) => Array<string | SigmaString>): SigmaString[] {
  let acc: SigmaString[] = [{ parts: [] }];
  for (const p of s.parts) {
    const alts: SigmaString[] = typeof p === 'string' ? fn(p).map((a) => (typeof a === 'string' ? literal(a) : a)) : [{ parts: [p] }];
    const next: SigmaString[] = [];
    for (const a of acc) for (const b of alts) next.push(concat(a, b));
    acc = next;
    if (acc.length > 4096) throw new Error('value expands to more than 4096 alternatives');
  }
  return acc;
}

/**
 * Compile a Sigma string with an operator (eq/contains/startswith/endswith) into an anchored pattern
 * description: the sequence of parts with a leading/trailing `*` added for contains etc.
 */
export function withOp(s: SigmaString, op: 'eq' | 'contains' | 'startswith' | 'endswith'): SigmaString {
  const star: SigmaString = { parts: [{ wildcard: '*' }] };
  switch (op) {
    case 'eq':
      return s;
    case 'contains':
      return concat(star, s, star);
    case 'startswith':
      return concat(s, star);
    case 'endswith':
      return concat(star, s);
  }
}

/** JS matcher of an anchored Sigma string pattern (linear-time, no regular expressions). */
export function globMatch(parts: StrPart[], text: string): boolean {
  // classic two-pointer glob with backtracking to the last star: O(n*m) worst case, no blow-up
  const chars = Array.from(text);
  const lits = parts.map((p) => (typeof p === 'string' ? Array.from(p) : [p]));
  const seq: Array<{ c?: string; w?: '*' | '?' }> = [];
  for (const l of lits) for (const x of l) seq.push(typeof x === 'string' ? { c: x } : { w: x.wildcard });
  let t = 0;
  let s = 0;
  let starS = -1;
  let starT = 0;
  while (t < chars.length) {
    const cur = seq[s];
    if (cur && (cur.w === '?' || (cur.c !== undefined && cur.c === chars[t]))) {
      s++;
      t++;
    } else if (cur && cur.w === '*') {
      starS = s++;
      starT = t;
    } else if (starS >= 0) {
      s = starS + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (seq[s]?.w === '*') s++;
  return s === seq.length;
}
