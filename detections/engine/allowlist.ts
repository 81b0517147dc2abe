import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import { IdtrailError } from '../../lib/errors.js';
import { ipInCidr, isIp } from './ip.js';

/**
 * Suppression allowlists. Every entry names an owner, a reason and an expiry date: there are no
 * permanent exceptions. An expired entry stops suppressing. A suppressed alert is still stored, with
 * `suppressed_by` = the entry id, so the exception stays auditable.
 *
 * Kinds:
 * - network: `cidrs` (IPs or CIDRs, v4/v6) and/or `asns` — the company VPN, office egress, a scanner;
 *   matches when the alert's IP or any IP/ASN in its evidence is listed.
 * - app: `apps` (display names or app/client ids) — sanctioned OAuth apps.
 * - user: `users` — e.g. break-glass accounts exercised on a schedule.
 * - travel: `user` + `countries` — a per-user travel exception; matches when every country of the
 *   alert is listed.
 * `rules` restricts an entry to some detection ids (default: every detection).
 */
const dateLike = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    const d = v instanceof Date ? v : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999Z` : v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a date: ${String(v)} (use YYYY-MM-DD)` });
      return z.NEVER;
    }
    return d;
  });

const base = {
  id: z.string().min(1).regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : -'),
  owner: z.string().min(1, 'owner is required'),
  reason: z.string().min(1, 'reason is required'),
  expires: dateLike,
  rules: z.array(z.string().min(1)).optional(),
};

const cidr = z.string().refine((s) => isIp(s.split('/')[0]) && (!s.includes('/') || /^\d{1,3}$/.test(s.split('/')[1])), 'not an IP or CIDR');

export const AllowlistEntrySchema = z.discriminatedUnion('kind', [
  z
    .object({ ...base, kind: z.literal('network'), cidrs: z.array(cidr).default([]), asns: z.array(z.coerce.number().int().positive()).default([]) })
    .refine((e) => e.cidrs.length + e.asns.length > 0, 'a network entry needs cidrs or asns'),
  z.object({ ...base, kind: z.literal('app'), apps: z.array(z.string().min(1)).min(1) }),
  z.object({ ...base, kind: z.literal('user'), users: z.array(z.string().min(1)).min(1) }),
  z.object({ ...base, kind: z.literal('travel'), user: z.string().min(1), countries: z.array(z.string().length(2)).min(1) }),
]);

export const AllowlistSchema = z.object({ entries: z.array(AllowlistEntrySchema).default([]) });

export type AllowlistEntry = z.output<typeof AllowlistEntrySchema>;
export type Allowlist = z.output<typeof AllowlistSchema>;

/** Validates a plain object (from the config loader or a test). Throws config_invalid with the key path. */
export function parseAllowlist(input: unknown, file?: string, lineOf?: (path: (string | number)[]) => number | undefined): Allowlist {
  const res = AllowlistSchema.safeParse(input ?? {});
  if (!res.success) {
    const issues = res.error.issues;
    const first = issues[0];
    const path = first.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
    const all = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new IdtrailError('config_invalid', `invalid allowlist: ${all}`, {
      location: { file, line: lineOf?.(path), path: path.join('.') },
      hint: 'each entry needs id, kind (network|app|user|travel), owner, reason and expires (YYYY-MM-DD)',
    });
  }
  const ids = new Set<string>();
  for (const [i, e] of res.data.entries.entries()) {
    if (ids.has(e.id)) {
      throw new IdtrailError('config_invalid', `duplicate allowlist entry id ${e.id}`, {
        location: { file, line: lineOf?.(['entries', i, 'id']), path: `entries.${i}.id` },
      });
    }
    ids.add(e.id);
  }
  return res.data;
}

/** Reads an allowlist YAML (or JSON) file; errors carry the file and line of the bad field. */
export async function loadAllowlistFile(file: string): Promise<Allowlist> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new IdtrailError('file_not_found', `allowlist file not found: ${file}`, { hint: 'pass an existing YAML file to --allowlist' });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new IdtrailError('config_invalid', `allowlist is not valid YAML: ${e.message.split('\n')[0]}`, {
      location: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col },
    });
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseAllowlist(doc.toJS(), file, lineOf);
}

export interface Suppressible {
  ruleId: string;
  entity: { user?: string | null; ip?: string | null; app?: string | null };
  details: { ips?: string[]; asns?: number[]; countries?: string[]; apps?: string[] };
}

function activeFor(e: AllowlistEntry, ruleId: string, now: Date): boolean {
  if (e.expires.getTime() <= now.getTime()) return false;
  return !e.rules || e.rules.includes(ruleId);
}

function entryMatches(e: AllowlistEntry, a: Suppressible): boolean {
  const low = (s: string | null | undefined) => (s ?? '').toLowerCase();
  switch (e.kind) {
    case 'network': {
      const ips = [a.entity.ip, ...(a.details.ips ?? [])].filter((x): x is string => !!x);
      if (ips.some((ip) => e.cidrs.some((c) => ipInCidr(ip, c)))) return true;
      return (a.details.asns ?? []).some((asn) => e.asns.includes(Number(asn)));
    }
    case 'app': {
      const apps = [a.entity.app, ...(a.details.apps ?? [])].filter((x): x is string => !!x).map(low);
      return apps.some((x) => e.apps.some((y) => low(y) === x));
    }
    case 'user':
      return !!a.entity.user && e.users.some((u) => low(u) === low(a.entity.user));
    case 'travel': {
      if (!a.entity.user || low(e.user) !== low(a.entity.user)) return false;
      const countries = a.details.countries ?? [];
      const allowed = new Set(e.countries.map((c) => c.toUpperCase()));
      return countries.length > 0 && countries.every((c) => allowed.has(c.toUpperCase()));
    }
  }
}

/** The id of the first active entry that suppresses this alert, or null. */
export function suppressedBy(list: Allowlist | undefined, a: Suppressible, now: Date): string | null {
  for (const e of list?.entries ?? []) {
    if (activeFor(e, a.ruleId, now) && entryMatches(e, a)) return e.id;
  }
  return null;
}
