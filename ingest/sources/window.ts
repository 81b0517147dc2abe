import type { Checkpoint } from '../../store/event-store.js';
import { HttpClient, HttpStatusError, safeUrl } from './http.js';
import type { WindowLimiter } from './limiter.js';
import { emptyCounters, SeenIds, type EventPage, type PullRequest } from './source.js';
import { logger } from '../../lib/log.js';

/**
 * Time-window pulls for APIs that list newest first and publish late (Graph audit logs, Google
 * Reports). Each pull reads one window [from, to]: `from` is the committed watermark minus a
 * trailing lookback (the vendor's reporting delay), `to` is `until` or now. Pages inside the window
 * commit the next-page URL as the cursor and keep the old watermark — a newest-first listing proves
 * nothing about older events until the window is read to its end — and the last page commits
 * watermark = `to`. A crash resumes the same window at the stored cursor; ids re-read through the
 * lookback are dropped in the pull and ignored by the store.
 */
export interface WindowFeed<T> {
  feed: string;
  stream?: string;
  source: string;
  tenant: string;
  lookbackMs: number;
  /** URL of the first page of the window. */
  firstUrl(from: Date, to: Date): string;
  /** Items of one response body. */
  items(body: unknown): T[] | undefined;
  /** URL of the next page, or undefined at the end of the window. */
  nextUrl(body: unknown, current: string, window: { from: Date; to: Date }): string | undefined;
  idOf(item: T): string | undefined;
  limiter?: WindowLimiter;
  vendor: string;
}

interface WindowState {
  from?: string;
  to?: string;
}

export async function* pullWindow<T>(f: WindowFeed<T>, req: PullRequest, client: HttpClient): AsyncIterable<EventPage> {
  const cp = req.checkpoints[f.feed] ?? null;
  const state = (cp?.state ?? {}) as WindowState;
  const watermark = cp?.watermark ?? null;
  let from: Date;
  let to: Date;
  let url: string;
  let resuming = false;
  if (cp?.cursor && state.from && state.to) {
    from = new Date(state.from);
    to = new Date(state.to);
    url = cp.cursor;
    resuming = true;
  } else {
    from = watermark ? new Date(Math.max(req.since.getTime(), Date.parse(watermark) - f.lookbackMs)) : req.since;
    to = req.until ?? new Date();
    if (to.getTime() < from.getTime()) to = from;
    url = f.firstUrl(from, to);
  }
  const seen = new SeenIds();
  let sameLink = 0;
  for (;;) {
    if (req.signal?.aborted) return;
    const counters = emptyCounters();
    let body: unknown;
    try {
      body = (await client.getJson(url, counters, f.limiter)).body;
    } catch (err) {
      // A stored next-page token can expire between runs: read the window again from its start.
      if (resuming && err instanceof HttpStatusError && err.status >= 400 && err.status < 500) {
        logger().warn({ source: f.source, feed: f.feed, status: err.status }, 'stored page cursor rejected; reading the window again from its start');
        resuming = false;
        url = f.firstUrl(from, to);
        continue;
      }
      throw err;
    }
    resuming = false;
    const items = f.items(body);
    if (!items) throw new HttpStatusError(200, `${f.vendor}: unexpected response shape from ${safeUrl(url)} (no item list)`);
    const { fresh, duplicates } = seen.filter(items, f.idOf);
    counters.duplicates = duplicates;
    // Graph can answer an empty page that still has a nextLink (filtered sign-in queries): follow it.
    const next = f.nextUrl(body, url, { from, to });
    sameLink = next === url ? sameLink + 1 : 0;
    if (sameLink > 10) throw new HttpStatusError(200, `${f.vendor}: the API keeps answering the same next-page link (${safeUrl(url)})`);
    const checkpoint: Checkpoint = next
      ? { source: f.source, tenant: f.tenant, stream: f.feed, cursor: next, watermark, state: { from: from.toISOString(), to: to.toISOString() } }
      : { source: f.source, tenant: f.tenant, stream: f.feed, cursor: null, watermark: to.toISOString(), state: {} };
    yield { kind: 'events', feed: f.feed, stream: f.stream, origin: safeUrl(url), records: fresh.map((i) => JSON.stringify(i)), checkpoint, counters };
    if (!next) return;
    url = next;
  }
}
