import type { Checkpoint } from '../../store/event-store.js';
import type { InventoryKind } from '../mapping/inventory-kinds.js';

/**
 * The collector seam. A source pulls one vendor tenant as a sequence of pages; each page carries the
 * raw vendor records of one API response and the checkpoint that page advances its feed to, so that
 * the caller commits both in one store transaction (no loss, no duplicate across a crash).
 *
 * A source has one or more feeds (Okta: the System Log; Entra: sign-ins, audits, provisioning; …).
 * Each feed keeps its own checkpoint, keyed (source, tenant, feed).
 */
export type SourceType = 'okta' | 'entra' | 'google_workspace' | 'aws';

export interface PullRequest {
  /** Lower bound of the first pull (later pulls resume from the checkpoint, minus the lookback). */
  since: Date;
  /** Upper bound for a bounded backfill; absent = up to now (polling). */
  until?: Date;
  /** Last committed checkpoint of each feed (by feed name); absent or null = first pull. */
  checkpoints: Record<string, Checkpoint | null | undefined>;
  /** Pull only these feeds (e.g. the inventory on its own schedule); absent = every feed. */
  feeds?: readonly string[];
  /**
   * Stop request. A source never interrupts a response it is reading: it finishes the current page,
   * yields it (the caller commits it) and then stops. Waits (backoff, rate limits) end at once.
   */
  signal?: AbortSignal;
}

export interface PageCounters {
  /** HTTP requests (or files) this page took, retries included. */
  requests: number;
  /** Retries after a 5xx, a timeout, a cut connection or a truncated body. */
  retries: number;
  /** 429 responses, and waits taken before a 429 because the vendor said the budget was spent. */
  throttled: number;
  /** Records dropped because this pull had already seen their vendor id (a repeated page, an overlap). */
  duplicates: number;
}

export interface EventPage {
  kind: 'events';
  feed: string;
  /** Raw stream hint for the store (the endpoint knows what it returns). */
  stream?: string;
  /** Where the page came from (URL without credentials, or a file path). */
  origin: string;
  /** Raw vendor records, one JSON text each, as the vendor sent them. */
  records: string[];
  /** The checkpoint this page advances its feed to; commit it with the records. */
  checkpoint: Checkpoint;
  counters: PageCounters;
}

export interface InventoryPage {
  kind: 'inventory';
  feed: string;
  /** The inventory loader's kind (users, factors, admin_roles, graph_users, registration_details, …). */
  inventory: InventoryKind;
  snapshotAt: Date;
  /** Okta factors and roles are listed per user: the user they belong to. */
  userId?: string;
  origin: string;
  /** Vendor objects as returned (parsed JSON). */
  items: unknown[];
  counters: PageCounters;
}

export type Page = EventPage | InventoryPage;

export interface Source {
  readonly type: SourceType;
  readonly tenant: string;
  /** Feed names, in pull order (checkpoint keys). */
  readonly feeds: readonly string[];
  pull(req: PullRequest): AsyncIterable<Page>;
}

export function wantsFeed(req: PullRequest, feed: string): boolean {
  return !req.feeds || req.feeds.includes(feed);
}

export function emptyCounters(): PageCounters {
  return { requests: 0, retries: 0, throttled: 0, duplicates: 0 };
}

export function addCounters(a: PageCounters, b: PageCounters): PageCounters {
  return {
    requests: a.requests + b.requests,
    retries: a.retries + b.retries,
    throttled: a.throttled + b.throttled,
    duplicates: a.duplicates + b.duplicates,
  };
}

/** Remembers vendor ids seen during one pull, so a repeated page or an overlap re-read is not sent twice. */
export class SeenIds {
  private readonly ids = new Set<string>();
  /** Returns the records not seen before, and how many were dropped. */
  filter<T>(items: T[], idOf: (item: T) => string | undefined): { fresh: T[]; duplicates: number } {
    const fresh: T[] = [];
    let duplicates = 0;
    for (const item of items) {
      const id = idOf(item);
      if (id === undefined) {
        fresh.push(item); // the store quarantines a record without an id; never drop it here
        continue;
      }
      if (this.ids.has(id)) {
        duplicates++;
        continue;
      }
      this.ids.add(id);
      fresh.push(item);
    }
    return { fresh, duplicates };
  }
}

export function isoOrNull(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

export function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
