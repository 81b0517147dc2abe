/**
 * A small parser for the DuckDB type strings of the raw stream registry (`VARCHAR`, `BIGINT[]`,
 * `STRUCT("a" VARCHAR, b STRUCT(c BIGINT)[])`, `MAP(VARCHAR, VARCHAR)`, `JSON`), so that a Sigma field
 * path can be resolved against the typed columns at compile time.
 */
export type DuckType =
  | { kind: 'scalar'; name: string }
  | { kind: 'json' }
  | { kind: 'list'; of: DuckType }
  | { kind: 'struct'; fields: Array<{ name: string; type: DuckType }> }
  | { kind: 'other'; text: string };

export function parseDuckType(text: string): DuckType {
  let i = 0;
  const s = text;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  function ident(): string {
    ws();
    if (s[i] === '"') {
      let out = '';
      i++;
      while (i < s.length) {
        if (s[i] === '"' && s[i + 1] === '"') {
          out += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else out += s[i++];
      }
      return out;
    }
    const m = /^[A-Za-z_@$][A-Za-z0-9_@$.]*/.exec(s.slice(i));
    if (!m) throw new Error(`bad type ${text} at ${i}`);
    i += m[0].length;
    return m[0];
  }
  function type(): DuckType {
    ws();
    const name = ident().toUpperCase();
    let t: DuckType;
    ws();
    if (name === 'STRUCT' && s[i] === '(') {
      i++;
      const fields: Array<{ name: string; type: DuckType }> = [];
      for (;;) {
        ws();
        if (s[i] === ')') {
          i++;
          break;
        }
        const fname = ident();
        const ftype = type();
        fields.push({ name: fname, type: ftype });
        ws();
        if (s[i] === ',') i++;
      }
      t = { kind: 'struct', fields };
    } else if (s[i] === '(') {
      // MAP(...), DECIMAL(p,s), …: keep as opaque text
      let depth = 0;
      const start = i;
      do {
        if (s[i] === '(') depth++;
        if (s[i] === ')') depth--;
        i++;
      } while (depth > 0 && i < s.length);
      t = name === 'DECIMAL' ? { kind: 'scalar', name: 'DOUBLE' } : { kind: 'other', text: name + s.slice(start, i) };
    } else if (name === 'JSON') {
      t = { kind: 'json' };
    } else {
      t = { kind: 'scalar', name };
    }
    ws();
    while (s[i] === '[' && s[i + 1] === ']') {
      i += 2;
      t = { kind: 'list', of: t };
      ws();
    }
    return t;
  }
  const out = type();
  return out;
}

const cache = new Map<string, DuckType>();
export function duckType(text: string): DuckType {
  let t = cache.get(text);
  if (!t) {
    t = parseDuckType(text);
    cache.set(text, t);
  }
  return t;
}

/** Exact key first, then the first key that equals it ignoring case (the memory matcher does the same). */
export function findKey<T extends { name: string }>(items: T[], key: string): T | undefined {
  return items.find((f) => f.name === key) ?? items.find((f) => f.name.toLowerCase() === key.toLowerCase());
}
