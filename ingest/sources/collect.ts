import type { Logger } from 'pino';
import { IdtrailError } from '../../lib/errors.js';
import { logger } from '../../lib/log.js';
import type { Checkpoint, EventStore, IngestResult } from '../../store/event-store.js';
import type { InventorySource } from '../mapping/inventory-kinds.js';
import { loadInventoryPages } from './inventory.js';
import type { EventPage, InventoryPage, Page, Source } from './source.js';

/** Per-source counters, the same for every source (logged after each page and at the end of a run). */
export interface CollectStats {
  source: string;
  tenant: string;
  pages: number;
  /** Records received from the vendor (before in-pull deduplication). */
  received: number;
  stored: number;
  /** Dropped as already seen, in this pull or in the store. */
  duplicates: number;
  quarantined: number;
  inventoryItems: number;
  requests: number;
  retries: number;
  throttled: number;
  errors: number;
  /** The run ended early on a stop request, after committing its last page. */
  stopped: boolean;
  /** Last committed watermark per feed. */
  watermarks: Record<string, string | null>;
}

export interface CollectOptions {
  since: Date;
  until?: Date;
  signal?: AbortSignal;
  /** Only these feeds (default: all). */
  feeds?: readonly string[];
  log?: Logger;
  /** Called once a page's records are committed (and for inventory pages, once loaded). */
  onPage?(page: Page, stats: CollectStats): void;
  /**
   * Consecutive pages of one feed are committed together, with the last page's checkpoint, once
   * they hold this many records (default 10,000; 1 = every page on its own). A store transaction
   * has a fixed cost that a 1,000-record page would pay ten times.
   */
  commitRecords?: number;
  /** ... or once the first buffered page has waited this long (default 2,000 ms), so alerts are not held back. */
  commitMs?: number;
}

export const COMMIT_RECORDS = 10_000;
export const COMMIT_MS = 2_000;

/**
 * Pulls every feed of a source into the store. Pages are buffered per feed and committed together
 * with the checkpoint of the last one (`commitRecords`, `commitMs`); the records and the checkpoint
 * they advance to are committed in one transaction by `ingestRecords`, so a crash repeats at most the
 * uncommitted pages, and the store ignores the ids it already holds. A stop request, the end of the
 * pull, a switch to another feed or stream, and an error from the vendor all commit what is buffered
 * first (an error is rethrown after that).
 */
export async function collect(source: Source, store: EventStore, opts: CollectOptions): Promise<CollectStats> {
  const log = (opts.log ?? logger()).child({ source: source.type, tenant: source.tenant });
  const stats: CollectStats = {
    source: source.type,
    tenant: source.tenant,
    pages: 0,
    received: 0,
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    inventoryItems: 0,
    requests: 0,
    retries: 0,
    throttled: 0,
    errors: 0,
    stopped: false,
    watermarks: {},
  };
  const checkpoints: Record<string, Checkpoint | null> = {};
  for (const feed of source.feeds) {
    checkpoints[feed] = await store.getCheckpoint(source.type, source.tenant, feed);
    stats.watermarks[feed] = checkpoints[feed]?.watermark ?? null;
  }
  const maxRecords = Math.max(1, opts.commitRecords ?? COMMIT_RECORDS);
  const maxMs = opts.commitMs ?? COMMIT_MS;
  let buffer: EventPage[] = [];
  let buffered = 0;
  let since = 0;
  const commit = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const pages = buffer;
    buffer = [];
    buffered = 0;
    const last = pages.at(-1)!;
    const records = pages.flatMap((p) => p.records);
    let result: IngestResult;
    try {
      result = await store.ingestRecords(records, {
        source: source.type,
        tenant: source.tenant,
        origin: last.origin,
        ...(pages.length > 1 ? { origins: pages.flatMap((p) => p.records.map(() => p.origin)), lines: pages.flatMap((p) => p.records.map((_, i) => i + 1)) } : {}),
        stream: last.stream,
        checkpoint: last.checkpoint,
      });
    } catch (err) {
      throw err instanceof IdtrailError ? err : new IdtrailError('store_error', `storing ${pages.length === 1 ? 'a page' : `${pages.length} pages`} from ${last.origin} failed: ${(err as Error).message}`, { cause: err });
    }
    stats.stored += result.stored;
    stats.duplicates += result.duplicates;
    stats.quarantined += result.quarantined;
    stats.watermarks[last.feed] = last.checkpoint.watermark;
    log.debug(
      { feed: last.feed, pages: pages.length, records: records.length, stored: result.stored, quarantined: result.quarantined, duplicates: result.duplicates, watermark: last.checkpoint.watermark },
      'pages committed',
    );
    for (const p of pages) opts.onPage?.(p, stats);
  };
  try {
    try {
      for await (const page of source.pull({ since: opts.since, until: opts.until, checkpoints, signal: opts.signal, feeds: opts.feeds })) {
        stats.pages++;
        stats.requests += page.counters.requests;
        stats.retries += page.counters.retries;
        stats.throttled += page.counters.throttled;
        stats.duplicates += page.counters.duplicates;
        if (page.kind === 'events') {
          stats.received += page.records.length + page.counters.duplicates;
          const head = buffer[0];
          if (head && (head.feed !== page.feed || head.stream !== page.stream)) await commit();
          if (buffer.length === 0) since = Date.now();
          buffer.push(page);
          buffered += page.records.length;
          if (buffered >= maxRecords || Date.now() - since >= maxMs || opts.signal?.aborted) await commit();
        } else {
          await commit();
          const r = await storeInventory(store, source, page);
          stats.quarantined += r.quarantined;
          stats.received += page.items.length;
          stats.inventoryItems += page.items.length;
          opts.onPage?.(page, stats);
        }
        // A stop request ends the run here: what is in hand is committed, the next page is not fetched.
        if (opts.signal?.aborted) break;
      }
    } catch (err) {
      // The vendor failed mid-pull: the pages already received are whole; commit them before failing.
      await commit();
      throw err;
    }
    await commit();
  } catch (err) {
    stats.errors++;
    log.error({ ...countersOf(stats), err: err instanceof IdtrailError ? err.format() : (err as Error).message }, 'collection failed');
    throw err;
  }
  stats.stopped = Boolean(opts.signal?.aborted);
  log.info(countersOf(stats), stats.stopped ? 'collection stopped on request' : 'collection finished');
  return stats;
}

async function storeInventory(store: EventStore, source: Source, page: InventoryPage): Promise<{ stored: number; quarantined: number }> {
  const r = await loadInventoryPages(store, {
    source: source.type as InventorySource,
    tenant: source.tenant,
    snapshotAt: page.snapshotAt,
    kind: page.inventory,
    items: page.items,
    userId: page.userId,
    origin: page.origin,
  });
  return { stored: r.stored, quarantined: r.quarantined };
}

export function countersOf(s: CollectStats): Record<string, unknown> {
  return {
    pages: s.pages,
    received: s.received,
    stored: s.stored,
    duplicates: s.duplicates,
    quarantined: s.quarantined,
    inventory: s.inventoryItems,
    requests: s.requests,
    retries: s.retries,
    throttled: s.throttled,
    errors: s.errors,
  };
}
