import { IdtrailError } from '../../lib/errors.js';
import type { SqlParam } from '../../store/duckdb/db.js';
import type { Notebook, ParamSpec } from './parse.js';

const DURATION = /^(\d+)\s*(s|m|h|d|w)$/;
const DURATION_UNITS: Record<string, string> = { s: 'seconds', m: 'minutes', h: 'hours', d: 'days', w: 'weeks' };

function bad(p: ParamSpec, value: string, expected: string): never {
  throw new IdtrailError('usage', `parameter '${p.name}' must be ${expected}, got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`, {
    hint: p.description ? `${p.name}: ${p.description}` : undefined,
  });
}

/** Converts one textual value to the declared type. The result is bound, never spliced into SQL. */
export function coerceParam(p: ParamSpec, value: string): SqlParam {
  switch (p.type) {
    case 'string': {
      const max = p.maxLength ?? 1024;
      if (value.length > max) bad(p, value, `at most ${max} characters`);
      if (p.pattern && !new RegExp(p.pattern).test(value)) bad(p, value, `text matching /${p.pattern}/`);
      return value;
    }
    case 'integer': {
      if (!/^-?\d+$/.test(value.trim())) bad(p, value, 'a whole number');
      return Number(value);
    }
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) bad(p, value, 'a number');
      return n;
    }
    case 'boolean': {
      if (!/^(true|false|yes|no|1|0)$/i.test(value)) bad(p, value, 'true or false');
      return /^(true|yes|1)$/i.test(value);
    }
    case 'date': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) bad(p, value, 'a date YYYY-MM-DD');
      return value;
    }
    case 'timestamp': {
      const t = Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) bad(p, value, 'an ISO-8601 time such as 2026-11-20T09:00:00Z');
      return new Date(t).toISOString();
    }
    case 'duration': {
      const m = DURATION.exec(value.trim());
      if (!m) bad(p, value, 'a duration such as 90m, 24h, 30d or 2w');
      return `${m[1]} ${DURATION_UNITS[m[2]]}`;
    }
    case 'enum': {
      if (!p.values?.includes(value)) bad(p, value, `one of ${(p.values ?? []).join(', ')}`);
      return value;
    }
    case 'period': {
      if (!/^\d{4}-(W(0[1-9]|[1-4]\d|5[0-3])|(0[1-9]|1[0-2])|Q[1-4])$/.test(value)) bad(p, value, 'a period such as 2026-W47, 2026-11 or 2026-Q3');
      return value;
    }
  }
}

/** Validates the given `--param k=v` values against the declared parameters and fills defaults. */
export function bindParams(nb: Notebook, given: Record<string, string>): Record<string, SqlParam> {
  const declared = new Map(nb.params.map((p) => [p.name, p]));
  for (const key of Object.keys(given)) {
    if (!declared.has(key)) {
      throw new IdtrailError('usage', `notebook ${nb.file} has no parameter '${key}'`, {
        hint: nb.params.length ? `its parameters: ${nb.params.map((p) => p.name).join(', ')}` : 'it takes no parameters',
      });
    }
  }
  const out: Record<string, SqlParam> = {};
  for (const p of nb.params) {
    if (given[p.name] !== undefined) out[p.name] = coerceParam(p, given[p.name]);
    else if (p.default !== undefined && p.default !== null) out[p.name] = coerceParam(p, String(p.default));
    else if (p.required) {
      throw new IdtrailError('usage', `notebook ${nb.file} needs --param ${p.name}=<${p.type}>`, { hint: p.description });
    } else out[p.name] = null;
  }
  return out;
}

/** Parses repeated `--param k=v` options. */
export function parseParamArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new IdtrailError('usage', `--param takes name=value, got '${a}'`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}
