import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Placeholders, Result } from './types.js';

/** The `--placeholders` file: YAML map of placeholder name → list of values (a scalar is a list of one). */
export function parsePlaceholders(text: string, file: string): Result<Placeholders> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const at = (off: number | undefined) => lc.linePos(off ?? 0);
  if (doc.errors[0]) {
    const p = at(doc.errors[0].pos[0]);
    return { ok: false, error: { code: 'yaml_syntax', message: doc.errors[0].message.split('\n')[0]!, file, line: p.line, column: p.col } };
  }
  const out: Placeholders = {};
  if (doc.contents === null) return { ok: true, value: out };
  if (!isMap(doc.contents)) {
    const p = at(doc.contents.range?.[0]);
    return { ok: false, error: { code: 'value_invalid', message: 'the placeholders file must be a map: name → list of values', file, line: p.line, column: p.col } };
  }
  for (const pair of doc.contents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = pair.value;
    const bad = (node: unknown) => {
      const p = at((node as { range?: number[] } | null)?.range?.[0]);
      return { ok: false as const, error: { code: 'value_invalid' as const, message: `placeholder '${name}' must be a string or a list of strings`, file, line: p.line, column: p.col } };
    };
    if (isScalar(v)) out[name] = [String(v.value)];
    else if (isSeq(v)) {
      const vals: string[] = [];
      for (const it of v.items) {
        if (!isScalar(it)) return bad(it);
        vals.push(String(it.value));
      }
      out[name] = vals;
    } else return bad(v ?? pair.key);
  }
  return { ok: true, value: out };
}

export async function loadPlaceholders(file: string): Promise<Result<Placeholders>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, error: { code: 'file_unreadable', message: `cannot read ${file}: ${(err as Error).message}`, file, line: 0, column: 0 } };
  }
  return parsePlaceholders(text, file);
}
