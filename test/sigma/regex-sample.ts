/**
 * A small generator of a string that a (simple) regular expression matches: literals, `.`, classes,
 * escapes \d \w \s, groups with alternation (first branch), quantifiers ? * + {n,m}, anchors.
 * Enough for the patterns of the SigmaHQ rules; callers verify the result with RE2.
 */
export function sampleRegex(pattern: string): string {
  let i = 0;
  const p = pattern;
  function atom(): string {
    const c = p[i]!;
    if (c === '(') {
      i++;
      if (p.startsWith('?:', i)) i += 2;
      const s = alternation();
      i++; // ')'
      return s;
    }
    if (c === '[') {
      i++;
      let neg = false;
      if (p[i] === '^') {
        neg = true;
        i++;
      }
      let first = '';
      while (i < p.length && p[i] !== ']') {
        let ch = p[i]!;
        if (ch === '\\') {
          i++;
          ch = p[i]!;
          if (ch === 'd') ch = '0';
          else if (ch === 'w') ch = 'a';
          else if (ch === 's') ch = ' ';
        }
        if (!first) first = ch;
        i++;
      }
      i++;
      return neg ? (first === 'a' ? 'b' : 'a') : first;
    }
    if (c === '\\') {
      i++;
      const e = p[i++]!;
      return e === 'd' ? '1' : e === 'w' ? 'a' : e === 's' ? ' ' : e;
    }
    if (c === '.') {
      i++;
      return 'a';
    }
    if (c === '^' || c === '$') {
      i++;
      return '';
    }
    i++;
    return c;
  }
  function quantified(): string {
    const a = atom();
    const q = p[i];
    if (q === '?' || q === '*') {
      i++;
      if (p[i] === '?') i++;
      return q === '*' ? '' : '';
    }
    if (q === '+') {
      i++;
      if (p[i] === '?') i++;
      return a;
    }
    if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (m) {
        i += m[0].length;
        return a.repeat(Math.max(Number(m[1]), 1));
      }
    }
    return a;
  }
  function sequence(): string {
    let s = '';
    while (i < p.length && p[i] !== '|' && p[i] !== ')') s += quantified();
    return s;
  }
  function alternation(): string {
    const first = sequence();
    while (p[i] === '|') {
      i++;
      sequence();
    }
    return first;
  }
  return alternation();
}
