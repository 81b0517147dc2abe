import { IdtrailError } from '../../lib/errors.js';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w` (before `now`) or an ISO-8601 date/time. */
export function parseTimeArg(value: string, flagName: string, now: Date = new Date()): Date {
  const rel = value.trim().match(/^(\d+)\s*([mhdw])$/i);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * UNITS[rel[2].toLowerCase()]);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) {
    throw new IdtrailError('usage', `--${flagName} must be a duration like 30d/12h/90m or an ISO-8601 time, got ${JSON.stringify(value)}`);
  }
  return d;
}
