const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** '30s', '15m', '24h', '7d' → milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]];
}

/**
 * A point in time given as a duration back from now ('24h', '7d') or an ISO-8601 timestamp.
 * Returns undefined when it is neither.
 */
export function parseSince(text: string, now: Date = new Date()): Date | undefined {
  const ms = parseDuration(text);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || text.length <= 10 ? text : `${text}Z`);
  return Number.isFinite(t) ? new Date(t) : undefined;
}
