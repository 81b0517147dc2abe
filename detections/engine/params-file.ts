import { readFile } from 'node:fs/promises';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { IdtrailError } from '../../lib/errors.js';
import { ANALYTICS } from '../analytics/index.js';

export type ParamOverrides = Record<string, Record<string, unknown>>;

function kindOf(v: unknown): string {
  return Array.isArray(v) ? 'list' : typeof v;
}

/**
 * Validates detection parameter overrides `{ <detection id>: { <param>: value } }` against the
 * catalogue: unknown detections and parameters, and values of the wrong kind, are rejected with
 * the key path (and line, from a file). All problems are reported at once.
 */
export function parseParamOverrides(input: unknown, file?: string, lineOf?: (path: (string | number)[]) => number | undefined): ParamOverrides {
  if (input === null || input === undefined) return {};
  const problems: { path: (string | number)[]; msg: string }[] = [];
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new IdtrailError('config_invalid', 'detection parameters must be a mapping of detection id → { parameter: value }', { location: { file } });
  }
  const out: ParamOverrides = {};
  for (const [id, params] of Object.entries(input as Record<string, unknown>)) {
    const a = ANALYTICS[id];
    if (!a) {
      problems.push({ path: [id], msg: `unknown detection ${id} (known: ${Object.keys(ANALYTICS).join(', ')})` });
      continue;
    }
    if (!params || typeof params !== 'object' || Array.isArray(params)) {
      problems.push({ path: [id], msg: 'expected a mapping of parameter → value' });
      continue;
    }
    out[id] = {};
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      const spec = a.params[k];
      if (!spec) {
        problems.push({ path: [id, k], msg: `unknown parameter ${k} of ${id} (known: ${Object.keys(a.params).join(', ') || 'none'})` });
        continue;
      }
      const want = kindOf(spec.default);
      if (kindOf(v) !== want || (typeof v === 'number' && !Number.isFinite(v))) {
        problems.push({ path: [id, k], msg: `${id}.${k} must be a ${want}, got ${JSON.stringify(v)}` });
        continue;
      }
      out[id][k] = Array.isArray(v) ? v.map(String) : v;
    }
  }
  if (problems.length) {
    const first = problems[0];
    throw new IdtrailError('config_invalid', `invalid detection parameters: ${problems.map((p) => `${p.path.join('.')}: ${p.msg}`).join('; ')}`, {
      location: { file, line: lineOf?.(first.path), path: first.path.join('.') },
    });
  }
  return out;
}

export async function loadParamsFile(file: string): Promise<ParamOverrides> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new IdtrailError('file_not_found', `parameters file not found: ${file}`, { hint: 'pass an existing YAML file to --params' });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new IdtrailError('config_invalid', `parameters file is not valid YAML: ${e.message.split('\n')[0]}`, { location: { file, line: e.linePos?.[0]?.line } });
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseParamOverrides(doc.toJS(), file, lineOf);
}
