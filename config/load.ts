import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { IdtrailError } from '../lib/errors.js';
import { configSchema, type IdtrailConfig } from './schema.js';

/** One problem in a config file: where (file, line, column, key path) and what is expected. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: IdtrailConfig; file: string } | { ok: false; issues: ConfigIssue[]; file: string };

/** Keys that would hold a credential in clear text. Secrets come from `*_env` or `*_file` only. */
const SECRET_KEYS = /^(token|api_token|apitoken|secret|client_secret|password|private_key|api_key|apikey|access_token|key)$/i;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/** Parse and check config text; collects every issue instead of stopping at the first. */
export function checkConfigText(text: string, file: string): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? (e.pos ? lineCounter.linePos(e.pos[0]) : undefined);
    issues.push({ file, line: pos?.line, column: pos?.col, path: '(yaml)', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  if (issues.length) return { ok: false, issues, file };

  const where = (path: readonly PropertyKey[], key = false): { line?: number; column?: number } => {
    const node = nodeAt(doc, path, key);
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  findClearSecrets(doc.contents as Node | null, [], (path) => {
    const key = String(path[path.length - 1]);
    issues.push({
      file,
      ...where(path, true),
      path: formatPath(path),
      message: `a secret must not be written in the config file: replace '${key}' with '${key.replace(/^(api_|client_|access_)?/, '').replace(/^key$/, 'private_key')}_env' (an environment variable name) or '..._file' (a file path)`,
    });
  });

  const raw = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { path, message } = describeIssue(issue, raw);
      const secretAlready = issues.some((i) => i.path.startsWith(formatPath(path)) && i.message.startsWith('a secret'));
      if (secretAlready && issue.code === 'unrecognized_keys') continue;
      issues.push({ file, ...where(path, issue.code === 'unrecognized_keys'), path: formatPath(path), message });
    }
  }
  if (issues.length || !parsed.success) return { ok: false, issues, file };
  return { ok: true, config: parsed.data, file };
}

export function checkConfigFile(file: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, file, issues: [{ file, path: '(file)', message: code === 'ENOENT' ? 'config file not found' : `cannot read the config file (${code})` }] };
  }
  return checkConfigText(text, file);
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}${i.line ? `:${i.line}` : ''}${i.line && i.column ? `:${i.column}` : ''}: ${i.path}: ${i.message}`;
}

/** Loads a config or throws one IdtrailError (code config_invalid) listing every issue. */
export function loadConfig(file: string): IdtrailConfig {
  const r = checkConfigFile(file);
  if (r.ok) return r.config;
  const first = r.issues[0];
  const rest = r.issues.slice(1).map((i) => `\n  ${formatIssue(i)}`).join('');
  throw new IdtrailError('config_invalid', `${first.path}: ${first.message}${rest}`, {
    location: { file: first.file, line: first.line, column: first.column, path: first.path },
    hint: r.issues.length > 1 ? `${r.issues.length} problems; run 'idtrail config check ${file}'` : undefined,
  });
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): { path: PropertyKey[]; message: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys;
      return { path: [...path, keys[0]], message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')} (check the spelling)` };
    }
    case 'invalid_union': {
      if (issue.discriminator && path[path.length - 1] === issue.discriminator) path.pop();
      const value = valueAt(raw, path) as Record<string, unknown> | undefined;
      const disc = issue.discriminator ?? (value && typeof value === 'object' && 'type' in value ? 'type' : value && 'kind' in value ? 'kind' : undefined);
      const options = (issue as { options?: unknown[] }).options;
      if (disc) {
        const got = value && typeof value === 'object' ? value[disc] : undefined;
        const list = Array.isArray(options) && options.length ? ` (one of ${options.map(String).join(', ')})` : '';
        return { path: [...path, disc], message: got === undefined ? `missing '${disc}'${list}` : `unknown ${disc} ${JSON.stringify(got)}${list}` };
      }
      return { path, message: issue.message };
    }
    case 'invalid_type': {
      const got = valueAt(raw, path);
      if (got === undefined) return { path, message: `missing required key (expected ${issue.expected})` };
      return { path, message: `expected ${issue.expected}, got ${describeValue(got)}` };
    }
    case 'invalid_value':
      return { path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(valueAt(raw, path))}` };
    case 'too_small':
    case 'too_big':
      return { path, message: `${issue.message}, got ${describeValue(valueAt(raw, path))}` };
    case 'custom': {
      const got = valueAt(raw, path);
      const scalar = got !== undefined && (got === null || typeof got !== 'object');
      return { path, message: scalar && !issue.message.includes(String(got)) ? `${issue.message}, got ${describeValue(got)}` : issue.message };
    }
    default: {
      const got = valueAt(raw, path);
      return { path, message: `${issue.message}${got !== undefined && (got === null || typeof got !== 'object') ? `, got ${describeValue(got)}` : ''}` };
    }
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p as string];
  }
  return cur;
}

/** The YAML node at a key path (the key node itself when `key`), or its nearest existing ancestor. */
function nodeAt(doc: Document, path: readonly PropertyKey[], key: boolean): Node | undefined {
  let cur: unknown = doc.contents;
  let found: Node | undefined = cur as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (isMap(cur)) {
      const pair = cur.items.find((it) => isScalar(it.key) && String(it.key.value) === String(p));
      if (!pair) return found;
      if (key && i === path.length - 1) return pair.key as Node;
      cur = pair.value;
      found = (cur as Node) ?? (pair.key as Node);
    } else if (isSeq(cur) && typeof p === 'number') {
      cur = cur.items[p];
      if (!cur) return found;
      found = cur as Node;
    } else return found;
  }
  return found;
}

function findClearSecrets(node: Node | null, path: PropertyKey[], report: (path: PropertyKey[]) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (k === undefined) continue;
      if (SECRET_KEYS.test(k) && isScalar(pair.value)) report([...path, k]);
      else findClearSecrets(pair.value as Node, [...path, k], report);
    }
  } else if (isSeq(node)) {
    node.items.forEach((it, i) => findClearSecrets(it as Node, [...path, i], report));
  }
}
