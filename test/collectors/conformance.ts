import { afterEach, describe, expect, it } from 'vitest';
import { IdtrailError } from '../../lib/errors.js';
import { collect, type CollectStats } from '../../ingest/sources/collect.js';
import type { HttpSettings } from '../../ingest/sources/http.js';
import type { Source } from '../../ingest/sources/source.js';
import type { FakeServer } from '../servers/harness.js';
import { MemoryStore } from './memory-store.js';

/**
 * The one conformance suite every source runs: paging, resume from a checkpoint, repeated pages,
 * 429, 5xx, truncated and cut bodies, timeouts, expired credentials, a stop request that finishes
 * the page in hand. A case that cannot apply to a source (a file source has no HTTP) is registered
 * as skipped with the reason in its name.
 */
export interface ConformanceHarness {
  /** The fake vendor API (absent for file sources). */
  server?: FakeServer;
  /** Vendor ids the source must deliver, each exactly once. */
  expectedIds: string[];
  since: Date;
  until?: Date;
  makeSource(http: HttpSettings): Source;
  close(): Promise<void>;
}

export interface ConformanceFixture {
  name: string;
  /** Talks HTTP to a vendor API: the fault cases apply. */
  http: boolean;
  /** OAuth token that can be re-issued: a 401 is followed by one token refresh and the pull goes on. */
  refreshableAuth: boolean;
  /** Set up `n` events, served `pageSize` per page. */
  setup(n: number, pageSize: number): Promise<ConformanceHarness>;
}

export const FAST_HTTP: HttpSettings = { timeoutMs: 400, maxRetries: 4, max429: 10, backoffMs: 5, maxBackoffMs: 40, maxWaitMs: 3000 };

const N = 240;
const PAGE = 40;

/** Every page committed on its own (the page-level cases); `buffered` uses the default batching. */
async function run(h: ConformanceHarness, store: MemoryStore, http: HttpSettings = FAST_HTTP, extra: Partial<Parameters<typeof collect>[2]> = {}): Promise<CollectStats> {
  return collect(h.makeSource(http), store.asStore(), { since: h.since, until: h.until, commitRecords: 1, ...extra });
}
async function buffered(h: ConformanceHarness, store: MemoryStore, http: HttpSettings = FAST_HTTP): Promise<CollectStats> {
  return collect(h.makeSource(http), store.asStore(), { since: h.since, until: h.until, commitMs: 60_000 });
}

export function sourceConformance(fx: ConformanceFixture): void {
  describe(`source conformance: ${fx.name}`, () => {
    let h: ConformanceHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });
    const httpIt = (title: string, fn: () => Promise<void>) =>
      fx.http ? it(title, fn) : it.skip(`${title} — not applicable: ${fx.name} reads files, there is no HTTP exchange`, fn);

    it('pages through every event and stores each exactly once', async () => {
      h = await fx.setup(N, PAGE);
      const store = new MemoryStore();
      const stats = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.stored).toBe(h.expectedIds.length);
      expect(stats.pages).toBeGreaterThanOrEqual(Math.ceil(h.expectedIds.length / PAGE));
      expect(store.quarantine).toEqual([]);
      // A second pull over the same window stores nothing new.
      const again = await run(h, store);
      expect(again.stored).toBe(0);
      expect(store.ids().length).toBe(h.expectedIds.length);
    });

    it('resumes from the committed checkpoint after a stop, without loss or duplicates', async () => {
      h = await fx.setup(N, PAGE);
      const store = new MemoryStore();
      const ac = new AbortController();
      const first = await run(h, store, FAST_HTTP, { signal: ac.signal, onPage: (_p, s) => s.pages >= 2 && ac.abort() });
      expect(first.stopped).toBe(true);
      expect(first.pages).toBe(2);
      expect(store.ids().length).toBeGreaterThan(0);
      expect(store.ids().length).toBeLessThan(h.expectedIds.length);
      const requestsBefore = h.server?.requests ?? 0;
      const second = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(first.stored + second.stored).toBe(h.expectedIds.length);
      if (h.server) {
        // It continued from the checkpoint instead of starting over.
        const full = Math.ceil(h.expectedIds.length / PAGE);
        expect(h.server.requests - requestsBefore).toBeLessThanOrEqual(full + 6);
      }
    });

    it('survives a crash before a page is committed (the page is fetched again, nothing lost)', async () => {
      h = await fx.setup(N, PAGE);
      const store = new MemoryStore();
      store.failAt = 3;
      await expect(run(h, store)).rejects.toThrow(/simulated crash|storing a page/);
      const after = store.ids().length;
      expect(after).toBeLessThan(h.expectedIds.length);
      await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
    });

    it('commits consecutive pages of a feed together, with the checkpoint of the last one', async () => {
      h = await fx.setup(N, PAGE);
      const store = new MemoryStore();
      const stats = await buffered(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.pages).toBeGreaterThan(store.calls.length);
      // one transaction per feed (or stream) run of pages, each carrying the checkpoint it reached
      for (const c of store.calls) expect(c.checkpoint).toBeDefined();
      const again = await buffered(h, store);
      expect(again.stored).toBe(0);
    });

    httpIt('a vendor failure mid-pull commits the pages already received, then fails', async () => {
      h = await fx.setup(N, PAGE);
      // the third page's request and its two retries fail (maxRetries 2); the next run finds the vendor well
      for (const n of [3, 4, 5]) h.server!.faultAt(n, { kind: 'status', status: 503 });
      const store = new MemoryStore();
      const err = await buffered(h, store, { ...FAST_HTTP, maxRetries: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdtrailError);
      // the two pages before the failure fit in one buffer (10,000 records): without the commit on
      // failure nothing would be kept
      const kept = store.ids().length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(2 * PAGE);
      expect(store.calls.every((c) => c.checkpoint !== undefined)).toBe(true);
      await buffered(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
    });

    httpIt('drops the events of a page the vendor sends twice', async () => {
      h = await fx.setup(N, PAGE);
      h.server!.faultAt(2, { kind: 'repeat' });
      const store = new MemoryStore();
      const stats = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.duplicates).toBeGreaterThan(0);
      expect(stats.stored).toBe(h.expectedIds.length);
    });

    httpIt('waits out a 429 storm as the vendor says and then completes', async () => {
      h = await fx.setup(N, PAGE);
      for (const n of [2, 3, 4]) h.server!.faultAt(n, { kind: 'throttle' });
      const store = new MemoryStore();
      const stats = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.throttled).toBeGreaterThanOrEqual(3);
    });

    httpIt('retries 500, 502 and 503 responses', async () => {
      h = await fx.setup(N, PAGE);
      h.server!.faultAt(2, { kind: 'status', status: 500 });
      h.server!.faultAt(4, { kind: 'status', status: 502 });
      h.server!.faultAt(5, { kind: 'status', status: 503 });
      const store = new MemoryStore();
      const stats = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.retries).toBeGreaterThanOrEqual(3);
    });

    httpIt('retries a truncated JSON body and a connection cut mid-body', async () => {
      h = await fx.setup(N, PAGE);
      h.server!.faultAt(2, { kind: 'truncated' });
      h.server!.faultAt(4, { kind: 'cut' });
      const store = new MemoryStore();
      const stats = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.retries).toBeGreaterThanOrEqual(2);
      expect(store.quarantine).toEqual([]);
    });

    httpIt('retries a request that times out', async () => {
      h = await fx.setup(N, PAGE);
      h.server!.faultAt(2, { kind: 'timeout', ms: 5000 });
      const store = new MemoryStore();
      const stats = await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
      expect(stats.retries).toBeGreaterThanOrEqual(1);
    });

    httpIt('gives up on a vendor that keeps failing with one clear error', async () => {
      h = await fx.setup(N, PAGE);
      h.server!.setFaultAll({ kind: 'status', status: 503 });
      const store = new MemoryStore();
      const err = await run(h, store, { ...FAST_HTTP, maxRetries: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdtrailError);
      expect((err as IdtrailError).code).toBe('vendor_error');
      expect((err as IdtrailError).message).toMatch(/503/);
    });

    if (fx.refreshableAuth) {
      httpIt('gets a new access token after a 401 and goes on', async () => {
        h = await fx.setup(N, PAGE);
        h.server!.faultAt(3, { kind: 'expire_token' });
        const store = new MemoryStore();
        await run(h, store);
        expect(store.ids()).toEqual([...h.expectedIds].sort());
      });
    } else {
      httpIt('stops with a clear auth error when the credential is rejected (401)', async () => {
        h = await fx.setup(N, PAGE);
        h.server!.faultAt(3, { kind: 'expire_token' });
        const store = new MemoryStore();
        const err = await run(h, store).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IdtrailError);
        expect((err as IdtrailError).code).toBe('auth_failed');
        expect((err as IdtrailError).message).toMatch(/401/);
        // What was committed before the failure stays committed.
        expect(store.ids().length).toBeGreaterThan(0);
      });
    }

    httpIt('a stop request finishes the page in flight, commits it, and stops', async () => {
      h = await fx.setup(N, PAGE);
      h.server!.faultAt(2, { kind: 'delay', ms: 300 });
      const store = new MemoryStore();
      const ac = new AbortController();
      const stats = await run(h, store, FAST_HTTP, {
        signal: ac.signal,
        onPage: (_p, s) => {
          if (s.pages === 1) setTimeout(() => ac.abort(), 100);
        },
      });
      expect(stats.stopped).toBe(true);
      expect(stats.pages).toBe(2);
      expect(store.calls.length).toBe(2);
      expect(store.ids().length).toBe(stats.stored);
      expect(h.server!.requests).toBe(2);
      await run(h, store);
      expect(store.ids()).toEqual([...h.expectedIds].sort());
    });
  });
}
