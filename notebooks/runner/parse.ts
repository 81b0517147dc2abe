import { parse as parseYaml } from 'yaml';
import { IdtrailError } from '../../lib/errors.js';

/**
 * A notebook is Markdown with a YAML front matter that declares its parameters, and fenced cells:
 *
 *   ```sql timeline            -- runs against the store; `$user` binds the parameter `user`
 *   ```vega-lite timeline       -- a Vega-Lite spec drawn from the result of cell `timeline`
 *   ```table timeline           -- the result of cell `timeline` as a table
 *
 * Parsing is pure: no I/O, no SQL. Parameters are validated here and bound at run time; they are
 * never spliced into SQL text.
 */
export type ParamType = 'string' | 'integer' | 'number' | 'date' | 'timestamp' | 'duration' | 'boolean' | 'enum' | 'period';

export interface ParamSpec {
  name: string;
  type: ParamType;
  required: boolean;
  default?: unknown;
  description?: string;
  values?: string[];
  pattern?: string;
  maxLength?: number;
}

export type Cell =
  | { kind: 'markdown'; text: string; line: number }
  | { kind: 'sql'; name: string; sql: string; line: number }
  | { kind: 'vega-lite'; data: string; spec: Record<string, unknown>; line: number }
  | { kind: 'table'; data: string; limit: number; line: number };

export interface Notebook {
  file: string;
  title: string;
  description?: string;
  params: ParamSpec[];
  cells: Cell[];
}

const PARAM_TYPES: ParamType[] = ['string', 'integer', 'number', 'date', 'timestamp', 'duration', 'boolean', 'enum', 'period'];

function fail(file: string, line: number, message: string, hint?: string): never {
  throw new IdtrailError('input_invalid', message, { location: { file, line }, hint });
}

export function parseNotebook(text: string, file = '<notebook>'): Notebook {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let i = 0;
  let front: Record<string, unknown> = {};
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, idx) => idx > 0 && l.trim() === '---');
    if (end < 0) fail(file, 1, 'the front matter starts with --- but never ends', 'close it with a line of ---');
    try {
      front = (parseYaml(lines.slice(1, end).join('\n')) ?? {}) as Record<string, unknown>;
    } catch (err) {
      fail(file, 2, `the front matter is not valid YAML: ${(err as Error).message}`);
    }
    i = end + 1;
  }
  const params = parseParams(front.params, file);
  const cells: Cell[] = [];
  let md: string[] = [];
  let mdStart = i + 1;
  const flushMd = () => {
    const t = md.join('\n').trim();
    if (t) cells.push({ kind: 'markdown', text: t, line: mdStart });
    md = [];
  };
  const names = new Set<string>();
  while (i < lines.length) {
    const line = lines[i];
    const fence = /^```(sql|vega-lite|table)\b\s*(.*)$/.exec(line.trim());
    if (!fence) {
      if (md.length === 0) mdStart = i + 1;
      md.push(line);
      i += 1;
      continue;
    }
    flushMd();
    const start = i + 1;
    const body: string[] = [];
    i += 1;
    while (i < lines.length && lines[i].trim() !== '```') body.push(lines[i++]);
    if (i >= lines.length) fail(file, start, `the \`\`\`${fence[1]} cell is never closed`, 'end it with a line of ```');
    i += 1;
    const args = fence[2].trim().split(/\s+/).filter(Boolean);
    const kind = fence[1];
    if (kind === 'sql') {
      const name = args[0];
      if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(file, start, 'a sql cell needs a name', 'write ```sql my_cell');
      if (names.has(name)) fail(file, start, `two sql cells are named '${name}'`);
      names.add(name);
      cells.push({ kind: 'sql', name, sql: body.join('\n'), line: start });
    } else if (kind === 'vega-lite') {
      const data = args[0];
      if (!data || !names.has(data)) fail(file, start, `the vega-lite cell names no earlier sql cell${data ? ` ('${data}' is not one)` : ''}`, 'write ```vega-lite <sql cell name>');
      let spec: Record<string, unknown>;
      try {
        const parsed = parseYaml(body.join('\n')) as unknown;
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected an object');
        spec = parsed as Record<string, unknown>;
      } catch (err) {
        fail(file, start, `the vega-lite spec is not a JSON/YAML object: ${(err as Error).message}`);
      }
      cells.push({ kind: 'vega-lite', data, spec, line: start });
    } else {
      const data = args[0];
      if (!data || !names.has(data)) fail(file, start, `the table cell names no earlier sql cell${data ? ` ('${data}' is not one)` : ''}`, 'write ```table <sql cell name>');
      const limitArg = args.find((a) => a.startsWith('limit='));
      const limit = limitArg ? Number(limitArg.slice(6)) : 200;
      if (!Number.isInteger(limit) || limit <= 0) fail(file, start, `table limit must be a positive whole number, got '${limitArg}'`);
      cells.push({ kind: 'table', data, limit, line: start });
    }
  }
  flushMd();
  for (const c of cells) {
    if (c.kind !== 'sql') continue;
    for (const ref of referencedParams(c.sql)) {
      if (!params.some((p) => p.name === ref)) fail(file, c.line, `cell '${c.name}' uses $${ref}, which the front matter does not declare`, `declare it under params:`);
    }
  }
  return {
    file,
    title: typeof front.title === 'string' ? front.title : file,
    description: typeof front.description === 'string' ? front.description : undefined,
    params,
    cells,
  };
}

function parseParams(raw: unknown, file: string): ParamSpec[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(file, 1, 'params must be a map of name → {type, required, default, description}');
  const out: ParamSpec[] = [];
  for (const [name, def] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(file, 1, `parameter name '${name}' is not a plain identifier`);
    const d = (typeof def === 'string' ? { type: def } : (def ?? {})) as Record<string, unknown>;
    const type = (d.type ?? 'string') as ParamType;
    if (!PARAM_TYPES.includes(type)) fail(file, 1, `parameter '${name}' has unknown type '${String(d.type)}'`, `use one of ${PARAM_TYPES.join(', ')}`);
    out.push({
      name,
      type,
      required: d.required === true,
      default: d.default,
      description: typeof d.description === 'string' ? d.description : undefined,
      values: Array.isArray(d.values) ? d.values.map(String) : undefined,
      pattern: typeof d.pattern === 'string' ? d.pattern : undefined,
      maxLength: typeof d.maxLength === 'number' ? d.maxLength : undefined,
    });
  }
  return out;
}

/** `$name` references in SQL, outside string literals, quoted identifiers and comments. */
export function referencedParams(sql: string): string[] {
  const found = new Set<string>();
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const close = sql.indexOf(ch, i + 1);
      i = close < 0 ? sql.length : close + 1;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    }
    if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i));
      if (m) {
        found.add(m[1]);
        i += m[0].length;
        continue;
      }
    }
    i += 1;
  }
  return [...found];
}
