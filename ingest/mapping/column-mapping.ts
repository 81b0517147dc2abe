import { z } from 'zod';
import { IdtrailError } from '../../lib/errors.js';
import type { TableSpec } from './tables.js';
import { asBool, asDate, asText, asTimestamp, describe, getPath, isBlank, unwrapReference, ValueError } from './values.js';

/**
 * Column mappings as data: for each target column, where its value comes from in a vendor record
 * and how to read it. The built-in presets (hris-presets.ts, itsm-presets.ts) and a mapping given in
 * config share this one format and this one interpreter.
 *
 * A field is either a path (`"Worker_Status"`, `"fields.status.name"`), a list of paths (the first
 * non-empty wins), or an object:
 *   from      path or paths
 *   const     a fixed value
 *   as        transform(s), in order: display | value (ServiceNow/Jira reference halves), lower,
 *             channel (lower, `-`/space → `_`), digit (leading number: `1 - Critical` → `1`),
 *             prefix (leading letters: `INC0010001` → `INC`), iso (a time as ISO-8601 text)
 *   pick      first (default) | latest (the latest of all times found) | join (all values, `/`)
 *   map       value → value (matched case-insensitively); a value not in the map is an error
 *             unless `unmapped: keep` (keep it, lower-cased) or a `default` is given
 *   default   used when the value is empty or unmapped
 * After the transforms the value is converted to the column's type (text, timestamp, date, boolean).
 * A mapping may also list `required` columns: a record that leaves one empty is quarantined.
 *
 * Example (an HRIS export with its own column names, as it would sit in config):
 *   name: hibob
 *   fields:
 *     employee_id: Employee Id
 *     status: { from: Lifecycle status, map: { Employed: active, Terminated: terminated, On leave: leave } }
 *     worker_type: { from: Employment type, map: { Permanent: employee, Contractor: contractor }, unmapped: keep }
 *     hire_date: Start date
 *     manager_employee_id: Reports to (id)
 *     updated_at: [Last changed, Exported at]
 *   required: [hire_date]
 */
export const TRANSFORMS = ['display', 'value', 'lower', 'channel', 'digit', 'prefix', 'iso'] as const;
export type Transform = (typeof TRANSFORMS)[number];

const PathList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const FieldSpecSchema = z.union([
  PathList,
  z
    .object({
      from: PathList.optional(),
      const: z.union([z.string(), z.boolean(), z.number()]).optional(),
      as: z.union([z.enum(TRANSFORMS), z.array(z.enum(TRANSFORMS))]).optional(),
      pick: z.enum(['first', 'latest', 'join']).optional(),
      map: z.record(z.string(), z.string()).optional(),
      unmapped: z.enum(['reject', 'keep']).optional(),
      default: z.string().optional(),
    })
    .strict()
    .refine((f) => f.from !== undefined || f.const !== undefined, { message: 'a field needs "from" or "const"' }),
]);

export type FieldSpec = z.infer<typeof FieldSpecSchema>;

interface FieldObject {
  from?: string | string[];
  const?: string | boolean | number;
  as?: Transform | Transform[];
  pick?: 'first' | 'latest' | 'join';
  map?: Record<string, string>;
  unmapped?: 'reject' | 'keep';
  default?: string;
}

function normalizeSpec(spec: FieldSpec): FieldObject {
  return typeof spec === 'string' || Array.isArray(spec) ? { from: spec } : (spec as FieldObject);
}

function applyTransform(v: unknown, t: Transform, field: string): unknown {
  if (isBlank(v)) return v;
  switch (t) {
    case 'display':
      return unwrapReference(v, 'display');
    case 'value':
      return unwrapReference(v, 'value');
    case 'lower':
      return typeof v === 'string' ? v.trim().toLowerCase() : v;
    case 'channel':
      return typeof v === 'string' ? v.trim().toLowerCase().replace(/[\s-]+/g, '_') : v;
    case 'digit': {
      const m = /^\s*(\d+)/.exec(String(v));
      return m ? String(Number(m[1])) : v;
    }
    case 'prefix': {
      // `INC0010001` → `INC`; a display name (`Change Request`) stays whole
      const m = /^\s*([A-Za-z_ ]*[A-Za-z_])/.exec(String(v));
      return m ? m[1] : v;
    }
    case 'iso': {
      const s = asTimestamp(unwrapReference(v, 'value'), field);
      return s ? `${s.replace(' ', 'T')}Z` : null;
    }
  }
}

/** Reads one field of a record per its spec; the result is still untyped. */
export function readField(record: unknown, specIn: FieldSpec, field: string): unknown {
  const spec = normalizeSpec(specIn);
  const transforms = spec.as === undefined ? [] : Array.isArray(spec.as) ? spec.as : [spec.as];
  const paths = spec.from === undefined ? [] : Array.isArray(spec.from) ? spec.from : [spec.from];
  const run = (raw: unknown) => transforms.reduce((v, t) => applyTransform(v, t, field), unwrapPlain(raw, transforms));
  let value: unknown;
  if (spec.const !== undefined) {
    value = spec.const;
  } else if (spec.pick === 'latest') {
    let best: string | null = null;
    for (const p of paths) {
      const t = asTimestamp(run(getPath(record, p)), `${field} (${p})`);
      if (t && (best === null || t > best)) best = t;
    }
    value = best;
  } else if (spec.pick === 'join') {
    const parts = paths.map((p) => run(getPath(record, p))).filter((v) => !isBlank(v));
    value = parts.length === paths.length ? parts.map(String).join('/') : null;
  } else {
    for (const p of paths) {
      const v = run(getPath(record, p));
      if (!isBlank(v)) {
        value = v;
        break;
      }
    }
  }
  if (spec.map) {
    if (isBlank(value)) return spec.default ?? null;
    const key = String(value).trim().toLowerCase();
    const hit = Object.entries(spec.map).find(([k]) => k.toLowerCase() === key);
    if (hit) return hit[1];
    if (spec.default !== undefined) return spec.default;
    if (spec.unmapped === 'keep') return String(value).trim().toLowerCase();
    throw new ValueError(`${field}: unknown value ${describe(value)} (expected one of ${Object.keys(spec.map).map((k) => JSON.stringify(k)).join(', ')}; extend the mapping's "map")`);
  }
  if (isBlank(value) && spec.default !== undefined) return spec.default;
  return value;
}

/**
 * Objects without an explicit `display`/`value` transform: a ServiceNow reference or Jira object in
 * a text column reads as its display half (a name), which is what a person would type.
 */
function unwrapPlain(v: unknown, transforms: Transform[]): unknown {
  if (transforms.includes('display') || transforms.includes('value')) return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return unwrapReference(v, 'display');
  return v;
}

/** Converts a read value to the type of its target column. */
export function typed(v: unknown, type: TableSpec['columns'][string], field: string): string | boolean | null {
  if (type === 'TIMESTAMP') return asTimestamp(v, field);
  if (type === 'DATE') return asDate(v, field);
  if (type === 'BOOLEAN') return asBool(v, field);
  if (Array.isArray(v)) throw new ValueError(`${field}: expected one value, got a list ${describe(v)}`);
  return asText(v, field);
}

/** Validates a user-supplied mapping (from config) against a schema; errors name the bad key. */
export function parseMapping<T>(schema: z.ZodType<T>, input: unknown, where: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new IdtrailError('config_invalid', `${where}: ${issue.message}`, {
    location: { path: [where, ...issue.path.map(String)].join('.') },
    hint: 'a mapping is {"name", "fields": {<column>: "<path>" | ["<path>", ...] | {"from", "as", "map", "default"}}}',
  });
}
