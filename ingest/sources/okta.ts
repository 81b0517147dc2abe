import { IdtrailError } from '../../lib/errors.js';
import type { Checkpoint } from '../../store/event-store.js';
import type { AuthProvider } from './auth.js';
import { HttpClient, safeUrl, type HttpSettings, type RateLimitPolicy } from './http.js';
import { parseLinks, queryString } from './link.js';
import type { InventoryKind } from '../mapping/inventory-kinds.js';
import { emptyCounters, maxIso, SeenIds, wantsFeed, type Page, type PullRequest, type Source } from './source.js';
import { StopRequested } from './wait.js';

/**
 * Okta System Log (`GET /api/v1/logs`) and the inventory endpoints (users, factors, admin roles).
 *
 * Vendor contract (developer.okta.com, System Log API and rate limits):
 * - A request with `until` is *bounded*: pages carry `Link: rel="next"` until the window is read.
 *   A request without `until` is *polling*: Okta returns `rel="next"` on every page, even an empty
 *   one, so a pull cycle ends at the first empty page (its `next` link is kept as the cursor).
 * - Polling results can arrive out of order (events become visible a little after `published`), so
 *   each new cycle re-reads a trailing overlap window from the watermark; ids (`uuid`) seen in this
 *   pull are dropped here and the store ignores ids it already holds.
 * - Every response carries `X-Rate-Limit-Limit/-Remaining/-Reset` (reset = UTC epoch seconds). When
 *   Remaining reaches 0 we wait for the reset instead of spending a request on a 429; a 429
 *   (errorCode E0000047) also waits until `X-Rate-Limit-Reset`.
 * - `limit` is at most 1000 for the System Log; `sortOrder=ASCENDING` makes the watermark monotone.
 */
export const OKTA_LOG_FEED = 'system_log';
export const OKTA_INVENTORY_FEED = 'inventory';

export interface OktaOptions {
  tenant: string;
  /** https://<org>.okta.com (or http://127.0.0.1:<port> for a local server) */
  orgUrl: string;
  auth: AuthProvider;
  http: HttpSettings;
  limit?: number;
  filter?: string;
  /** Trailing window re-read at the start of each cycle (ms). */
  overlapMs?: number;
  inventory?: boolean;
  authHint?: string;
}

interface OktaLogEvent {
  uuid?: string;
  published?: string;
}

export const oktaRateLimitPolicy: RateLimitPolicy = {
  after429(res, now) {
    const reset = Number(res.headers.get('x-rate-limit-reset'));
    // 250 ms of margin for clock skew between us and Okta.
    return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) + 250 : undefined;
  },
  beforeNext(res, now) {
    const remaining = res.headers.get('x-rate-limit-remaining');
    const reset = Number(res.headers.get('x-rate-limit-reset'));
    if (remaining === null || !Number.isFinite(reset)) return 0;
    return Number(remaining) <= 0 ? Math.max(0, reset * 1000 - now) + 250 : 0;
  },
};

export function describeOktaError(body: unknown): string | undefined {
  const b = body as { errorCode?: string; errorSummary?: string; error?: string; error_description?: string };
  if (b?.errorCode) return `${b.errorCode}: ${b.errorSummary ?? ''}`.trim();
  if (b?.error) return `${b.error}${b.error_description ? `: ${b.error_description}` : ''}`;
  return undefined;
}

export class OktaSource implements Source {
  readonly type = 'okta' as const;
  readonly tenant: string;
  readonly feeds: readonly string[];
  private readonly base: string;

  constructor(private readonly opts: OktaOptions) {
    this.tenant = opts.tenant;
    this.base = opts.orgUrl.replace(/\/+$/, '');
    this.feeds = opts.inventory ? [OKTA_LOG_FEED, OKTA_INVENTORY_FEED] : [OKTA_LOG_FEED];
  }

  private client(signal?: AbortSignal): HttpClient {
    return new HttpClient({
      vendor: 'Okta',
      auth: this.opts.auth,
      settings: this.opts.http,
      policy: oktaRateLimitPolicy,
      describeError: describeOktaError,
      authHint: this.opts.authHint ?? 'check OKTA_API_TOKEN (an API token of an admin with read access) or the OAuth service app and its okta.logs.read scope',
      signal,
    });
  }

  async *pull(req: PullRequest): AsyncIterable<Page> {
    const client = this.client(req.signal);
    try {
      if (wantsFeed(req, OKTA_LOG_FEED)) yield* this.pullLogs(req, client);
      if (this.opts.inventory && wantsFeed(req, OKTA_INVENTORY_FEED) && !req.signal?.aborted) yield* this.pullInventory(client, req.signal);
    } catch (err) {
      if (err instanceof StopRequested) return;
      throw err;
    }
  }

  private logsUrl(since: Date, until?: Date): string {
    return `${this.base}/api/v1/logs?${queryString({ since: since.toISOString(), until: until?.toISOString(), limit: this.opts.limit ?? 1000, sortOrder: 'ASCENDING', filter: this.opts.filter })}`;
  }

  private async *pullLogs(req: PullRequest, client: HttpClient): AsyncIterable<Page> {
    const cp = req.checkpoints[OKTA_LOG_FEED] ?? null;
    const open = (cp?.state as { open?: boolean } | undefined)?.open === true;
    let watermark = cp?.watermark ?? null;
    let url: string;
    if (cp?.cursor && open) {
      // The previous cycle stopped mid-way (a crash or a stop): continue from its next link.
      url = new URL(cp.cursor, `${this.base}/`).toString();
    } else {
      const overlap = this.opts.overlapMs ?? 5 * 60_000;
      const from = watermark ? new Date(Math.max(req.since.getTime(), Date.parse(watermark) - overlap)) : req.since;
      url = this.logsUrl(from, req.until);
    }
    const seen = new SeenIds();
    for (;;) {
      if (req.signal?.aborted) return;
      const counters = emptyCounters();
      const res = await client.getJson<OktaLogEvent[]>(url, counters);
      if (!Array.isArray(res.body)) {
        throw new IdtrailError('vendor_error', `Okta: expected a JSON array of log events from ${safeUrl(url)}`, { hint: 'check that the org URL points at an Okta org' });
      }
      const { fresh, duplicates } = seen.filter(res.body, (e) => e?.uuid);
      counters.duplicates = duplicates;
      for (const e of fresh) if (typeof e?.published === 'string') watermark = maxIso(watermark, e.published);
      const next = parseLinks(res.headers.get('link')).next;
      // Polling: `next` is present even on an empty page — the empty page ends this cycle.
      const done = !next || res.body.length === 0;
      const checkpoint: Checkpoint = {
        source: 'okta',
        tenant: this.tenant,
        stream: OKTA_LOG_FEED,
        cursor: next ? relativeTo(next, this.base) : null,
        watermark,
        state: { open: !done },
      };
      yield { kind: 'events', feed: OKTA_LOG_FEED, stream: 'okta_system_log', origin: safeUrl(url), records: fresh.map((e) => JSON.stringify(e)), checkpoint, counters };
      if (done) return;
      url = next;
    }
  }

  /** Users (status, lastLogin), their factors, and the admin roles of users that hold one. */
  private async *pullInventory(client: HttpClient, signal?: AbortSignal): AsyncIterable<Page> {
    const snapshotAt = new Date();
    const page = (inventory: InventoryKind, origin: string, items: unknown[], counters = emptyCounters(), userId?: string): Page => ({
      kind: 'inventory',
      feed: OKTA_INVENTORY_FEED,
      inventory,
      userId,
      snapshotAt,
      origin,
      items,
      counters,
    });
    const users: Array<{ id: string; profile?: { login?: string } }> = [];
    let url: string | undefined = `${this.base}/api/v1/users?limit=200`;
    while (url) {
      if (signal?.aborted) return;
      const counters = emptyCounters();
      const res: { body: unknown; headers: Headers } = await client.getJson(url, counters);
      const list = Array.isArray(res.body) ? (res.body as Array<{ id: string }>) : [];
      users.push(...list);
      yield page('users', safeUrl(url), list, counters);
      const next = parseLinks(res.headers.get('link')).next;
      url = next && list.length > 0 ? next : undefined;
    }
    for (const user of users) {
      if (signal?.aborted) return;
      const url2 = `${this.base}/api/v1/users/${encodeURIComponent(user.id)}/factors`;
      const counters = emptyCounters();
      const res = await client.getJson<unknown[]>(url2, counters);
      const factors = Array.isArray(res.body) ? res.body : [];
      yield page('factors', safeUrl(url2), factors, counters, user.id);
    }
    // Users holding admin roles: `GET /api/v1/iam/assignees/users`, then each user's role assignments.
    let assignees: string | undefined = `${this.base}/api/v1/iam/assignees/users?limit=100`;
    const admins: string[] = [];
    while (assignees) {
      const counters = emptyCounters();
      const res: { body: unknown; headers: Headers } = await client.getJson(assignees, counters);
      const value = (res.body as { value?: Array<{ id: string }> })?.value ?? [];
      admins.push(...value.map((v) => v.id));
      const next = (res.body as { _links?: { next?: { href?: string } } })?._links?.next?.href ?? parseLinks(res.headers.get('link')).next;
      assignees = next && value.length > 0 ? next : undefined;
    }
    for (const id of admins) {
      if (signal?.aborted) return;
      const url3 = `${this.base}/api/v1/users/${encodeURIComponent(id)}/roles`;
      const counters = emptyCounters();
      const res = await client.getJson<unknown[]>(url3, counters);
      const roles = Array.isArray(res.body) ? res.body : [];
      yield page('admin_roles', safeUrl(url3), roles, counters, id);
    }
  }
}

/** Keep cursors relative to the org URL so a restart with a changed host name still resolves them. */
function relativeTo(link: string, base: string): string {
  return link.startsWith(base) ? link.slice(base.length).replace(/^\/?/, '/').slice(1) : link;
}
