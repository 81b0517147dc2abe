import { Buffer } from 'node:buffer';
import { parseCidr } from './ip.js';
import { concat, expandLiterals, hasWildcards, literal, parseSigmaString, plainText } from './sigma-string.js';
import type { Cond, Placeholders, SigmaString, TimePart, ValueTest } from './types.js';

/**
 * Value modifiers (spec v2 appendix "Modifiers"): a field key `Field|mod1|mod2` applies its modifiers
 * in order to the values. Transforming modifiers (expand, windash, encodings) rewrite the values;
 * operator modifiers choose the test. Names map to implementations in one table (`MODIFIERS`).
 */
export type Scalar = string | number | boolean | null;

interface ValueState {
  /** values: Sigma strings, or raw numbers/booleans/null where no string modifier touched them */
  values: Array<SigmaString | number | boolean | null | { bytes: Buffer }>;
  rawTexts: string[];
  op: 'eq' | 'contains' | 'startswith' | 'endswith';
  all: boolean;
  cased: boolean;
  neq: boolean;
  re: { i: boolean; m: boolean; s: boolean } | null;
  cidr: boolean;
  exists: boolean;
  fieldref: boolean;
  compare: 'lt' | 'lte' | 'gt' | 'gte' | null;
  timepart: TimePart | null;
  unresolved: Set<string>;
}

export class ModifierError extends Error {
  constructor(
    readonly code: 'modifier_unknown' | 'modifier_invalid' | 'value_invalid',
    message: string,
  ) {
    super(message);
  }
}

function strings(st: ValueState, mod: string): SigmaString[] {
  return st.values.map((v) => {
    if (v === null || typeof v === 'boolean') throw new ModifierError('modifier_invalid', `'${mod}' needs string values, got ${String(v)}`);
    if (typeof v === 'number') return literal(String(v));
    if ('bytes' in v) throw new ModifierError('modifier_invalid', `'${mod}' cannot follow an encoding modifier`);
    return v;
  });
}

function bytesOf(v: ValueState['values'][number], mod: string): Buffer {
  if (v && typeof v === 'object' && 'bytes' in v) return v.bytes;
  if (v === null || typeof v === 'boolean') throw new ModifierError('modifier_invalid', `'${mod}' needs string values`);
  const s = typeof v === 'number' ? literal(String(v)) : v;
  if (hasWildcards(s)) throw new ModifierError('modifier_invalid', `'${mod}' cannot encode a value with wildcards (escape * and ? with a backslash)`);
  return Buffer.from(plainText(s), 'utf8');
}

function encodeUtf16(st: ValueState, mod: string, bom: boolean, be: boolean): void {
  st.values = st.values.map((v) => {
    const text = bytesOf(v, mod).toString('utf8');
    let b = Buffer.from(text, 'utf16le');
    if (be) b.swap16();
    if (bom) b = Buffer.concat([Buffer.from([0xff, 0xfe]), b]);
    return { bytes: b };
  });
}

/** pySigma's base64offset: the three encodings of the value at byte offsets 0, 1 and 2, trimmed of
 * the characters that depend on the unknown neighbouring bytes. */
export function base64Offsets(b: Buffer): string[] {
  const start = [0, 2, 3];
  const endTrim = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), b]).toString('base64');
    const trim = endTrim[(b.length + i) % 3]!;
    out.push(enc.slice(start[i], trim ? enc.length - trim : enc.length));
  }
  return out;
}

/** Windows command-line dash variants (pySigma `windash`): a `-` or `/` that starts an option. */
const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];
function windash(lit: string): string[] {
  const re = /(?<![\w])[-/](?=\w)/g;
  const positions: number[] = [];
  for (const m of lit.matchAll(re)) positions.push(m.index ?? 0);
  if (positions.length === 0) return [lit];
  let acc = [''];
  let prev = 0;
  for (const p of positions) {
    const between = lit.slice(prev, p);
    acc = acc.flatMap((a) => WINDASH.map((d) => a + between + d));
    if (acc.length > 4096) throw new ModifierError('value_invalid', 'windash expands to more than 4096 alternatives');
    prev = p + 1;
  }
  return acc.map((a) => a + lit.slice(prev));
}


type ModImpl = (st: ValueState, placeholders: Placeholders | undefined) => void;

const TIME_PARTS: TimePart[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];

export const MODIFIERS: Record<string, ModImpl> = {
  contains: (st) => void (st.op = 'contains'),
  startswith: (st) => void (st.op = 'startswith'),
  endswith: (st) => void (st.op = 'endswith'),
  all: (st) => void (st.all = true),
  cased: (st) => void (st.cased = true),
  neq: (st) => void (st.neq = true),
  exists: (st) => void (st.exists = true),
  cidr: (st) => void (st.cidr = true),
  fieldref: (st) => void (st.fieldref = true),
  lt: (st) => void (st.compare = 'lt'),
  lte: (st) => void (st.compare = 'lte'),
  gt: (st) => void (st.compare = 'gt'),
  gte: (st) => void (st.compare = 'gte'),
  re: (st) => void (st.re = { i: false, m: false, s: false }),
  i: (st) => {
    if (!st.re) throw new ModifierError('modifier_invalid', "'i' is a flag of 're' and must follow it");
    st.re.i = true;
  },
  m: (st) => {
    if (!st.re) throw new ModifierError('modifier_invalid', "'m' is a flag of 're' and must follow it");
    st.re.m = true;
  },
  s: (st) => {
    if (!st.re) throw new ModifierError('modifier_invalid', "'s' is a flag of 're' and must follow it");
    st.re.s = true;
  },
  ignorecase: (st) => MODIFIERS.i!(st, undefined),
  multiline: (st) => MODIFIERS.m!(st, undefined),
  dotall: (st) => MODIFIERS.s!(st, undefined),
  expand: (st, placeholders) => {
    const out: SigmaString[] = [];
    for (const s of strings(st, 'expand')) {
      out.push(
        ...expandLiterals(s, (lit) => {
          // split the literal around %name% placeholders; a value from the placeholder file is
          // itself a Sigma string (it may carry wildcards)
          const pieces = lit.split(/%([A-Za-z0-9_.-]+)%/);
          let alts: SigmaString[] = [literal('')];
          for (let k = 0; k < pieces.length; k++) {
            const piece = pieces[k]!;
            if (k % 2 === 0) {
              alts = alts.map((a) => concat(a, literal(piece)));
              continue;
            }
            const vals = placeholders?.[piece];
            if (!vals || vals.length === 0) {
              st.unresolved.add(piece);
              alts = alts.map((a) => concat(a, literal(`%${piece}%`)));
              continue;
            }
            alts = alts.flatMap((a) => vals.map((v) => concat(a, parseSigmaString(String(v)))));
            if (alts.length > 4096) throw new ModifierError('value_invalid', 'placeholder values expand to more than 4096 alternatives');
          }
          return alts;
        }),
      );
    }
    st.values = out;
  },
  windash: (st) => {
    st.values = strings(st, 'windash').flatMap((s) => expandLiterals(s, windash));
  },
  base64: (st) => {
    st.values = st.values.map((v) => literal(bytesOf(v, 'base64').toString('base64')));
  },
  base64offset: (st) => {
    st.values = st.values.flatMap((v) => base64Offsets(bytesOf(v, 'base64offset')).map(literal));
  },
  utf16le: (st) => encodeUtf16(st, 'utf16le', false, false),
  wide: (st) => encodeUtf16(st, 'wide', false, false),
  utf16be: (st) => encodeUtf16(st, 'utf16be', false, true),
  utf16: (st) => encodeUtf16(st, 'utf16', true, false),
};
for (const p of TIME_PARTS) MODIFIERS[p] = (st) => void (st.timepart = p);

function or(items: Cond[]): Cond {
  return items.length === 1 ? items[0]! : { kind: 'or', items };
}
function and(items: Cond[]): Cond {
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

/**
 * Build the condition for `field|mods: values` (field undefined = keyword search).
 * Returns the tree and the placeholders the values file did not resolve.
 */
export function buildFieldCond(
  field: string | undefined,
  mods: string[],
  rawValues: Scalar[],
  placeholders: Placeholders | undefined,
): { cond: Cond; unresolved: string[] } {
  const st: ValueState = {
    values: [],
    rawTexts: rawValues.map((v) => (v === null ? '' : String(v))),
    op: 'eq',
    all: false,
    cased: false,
    neq: false,
    re: null,
    cidr: false,
    exists: false,
    fieldref: false,
    compare: null,
    timepart: null,
    unresolved: new Set(),
  };
  const raw = mods.includes('re') || mods.includes('cidr') || mods.includes('fieldref') || mods.includes('exists');
  st.values = rawValues.map((v) => (typeof v === 'string' ? (raw ? literal(v) : parseSigmaString(v)) : v));
  for (const m of mods) {
    const impl = MODIFIERS[m];
    if (!impl) throw new ModifierError('modifier_unknown', `unknown value modifier '${m}' (known: ${Object.keys(MODIFIERS).join(', ')})`);
    impl(st, placeholders);
  }
  const unresolved = [...st.unresolved];
  if (rawValues.length === 0) throw new ModifierError('value_invalid', 'empty value list');
  const tests: ValueTest[] = st.values.map((v, idx) => valueTest(st, v, idx));
  const leaf = (test: ValueTest): Cond => (field === undefined ? { kind: 'keyword', test } : { kind: 'field', field, test });
  if (field === undefined && (st.exists || st.fieldref)) throw new ModifierError('modifier_invalid', 'exists/fieldref need a field');
  let cond = st.all ? and(tests.map(leaf)) : or(tests.map(leaf));
  if (st.neq) cond = { kind: 'not', item: cond };
  return { cond, unresolved };
}

function num(v: unknown, mod: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new ModifierError('value_invalid', `'${mod}' needs a number, got ${JSON.stringify(v)}`);
  return n;
}

function valueTest(st: ValueState, v: ValueState['values'][number], idx: number): ValueTest {
  const rawText = st.rawTexts[idx] ?? '';
  if (st.exists) {
    if (typeof v === 'boolean') return { kind: 'exists', value: v };
    const t = typeof v === 'object' && v && 'parts' in v ? plainText(v).toLowerCase() : String(v);
    if (t === 'true' || t === 'false') return { kind: 'exists', value: t === 'true' };
    throw new ModifierError('value_invalid', `'exists' needs true or false, got ${JSON.stringify(rawText)}`);
  }
  if (st.timepart) {
    return { kind: 'timepart', part: st.timepart, test: { op: st.compare ?? 'eq', value: num(typeof v === 'object' && v && 'parts' in v ? plainText(v) : v, st.timepart) } };
  }
  if (st.compare) return { kind: 'compare', op: st.compare, value: num(typeof v === 'object' && v && 'parts' in v ? plainText(v) : v, st.compare) };
  if (st.re) {
    if (typeof v !== 'object' || v === null || !('parts' in v)) throw new ModifierError('value_invalid', "'re' needs a string pattern");
    return { kind: 're', pattern: plainText(v), flags: { ...st.re } };
  }
  if (st.cidr) {
    const text = typeof v === 'object' && v && 'parts' in v ? plainText(v) : String(v);
    const r = parseCidr(text);
    if (!r) throw new ModifierError('value_invalid', `'cidr' needs an IPv4 or IPv6 network such as 10.0.0.0/8 or 2001:db8::/32, got ${JSON.stringify(text)}`);
    return { kind: 'cidr', cidr: text, ...r };
  }
  if (st.fieldref) {
    const text = typeof v === 'object' && v && 'parts' in v ? plainText(v) : String(v);
    if (!text) throw new ModifierError('value_invalid', "'fieldref' needs a field name");
    return { kind: 'fieldref', op: st.op, field: text, cased: st.cased };
  }
  if (v === null) {
    if (st.op !== 'eq') throw new ModifierError('value_invalid', `'${st.op}' needs a value, got null`);
    return { kind: 'null' };
  }
  if (typeof v === 'number') {
    if (st.op === 'eq') return { kind: 'number', value: v };
    return { kind: 'string', op: st.op, value: literal(String(v)), cased: st.cased };
  }
  if (typeof v === 'boolean') {
    if (st.op === 'eq') return { kind: 'bool', value: v };
    return { kind: 'string', op: st.op, value: literal(String(v)), cased: st.cased };
  }
  if ('bytes' in v) {
    throw new ModifierError('modifier_invalid', 'an encoding modifier (utf16*/wide) must be followed by base64 or base64offset');
  }
  return { kind: 'string', op: st.op, value: v, cased: st.cased };
}
