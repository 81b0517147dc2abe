import type { Logger } from 'pino';
import { IdtrailError } from '../../lib/errors.js';
import { logger } from '../../lib/log.js';
import type { Checkpoint, EventStore, IngestResult } from '../../store/event-store.js';
import type { InventorySource } from '../mapping/inventory-kinds.js';
import { loadInventoryPages } from './inventory.js';
import type { InventoryPage, Page, Source } from './source.js';

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
  onPage?(page: Page, stats: CollectStats): void;
}

/**
 * Pulls every feed of a source into the store, one page per transaction: each page's records and the
 * checkpoint it advances to are committed together by `ingestRecords`, so a crash between pages
 * repeats at most the page in flight, and the store ignores the ids it already holds.
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
  try {
    for await (const page of source.pull({ since: opts.since, until: opts.until, checkpoints, signal: opts.signal, feeds: opts.feeds })) {
      stats.pages++;
      stats.requests += page.counters.requests;
      stats.retries += page.counters.retries;
      stats.throttled += page.counters.throttled;
      stats.duplicates += page.counters.duplicates;
      if (page.kind === 'events') {
        stats.received += page.records.length + page.counters.duplicates;
        let result: IngestResult;
        try {
          result = await store.ingestRecords(page.records, {
            source: source.type,
            tenant: source.tenant,
            origin: page.origin,
            stream: page.stream,
            checkpoint: page.checkpoint,
          });
        } catch (err) {
          throw err instanceof IdtrailError ? err : new IdtrailError('store_error', `storing a page from ${page.origin} failed: ${(err as Error).message}`, { cause: err });
        }
        stats.stored += result.stored;
        stats.duplicates += result.duplicates;
        stats.quarantined += result.quarantined;
        stats.watermarks[page.feed] = page.checkpoint.watermark;
        log.debug(
          { feed: page.feed, records: page.records.length, stored: result.stored, quarantined: result.quarantined, ...page.counters, duplicates: result.duplicates + page.counters.duplicates, watermark: page.checkpoint.watermark },
          'page committed',
        );
      } else {
        const r = await storeInventory(store, source, page);
        stats.quarantined += r.quarantined;
        stats.received += page.items.length;
        stats.inventoryItems += page.items.length;
      }
      opts.onPage?.(page, stats);
      // A stop request ends the run here: the page in hand is committed, the next is not started.
      if (opts.signal?.aborted) break;
    }
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
