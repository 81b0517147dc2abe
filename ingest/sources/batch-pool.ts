import { availableParallelism } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventStore, IngestContext, IngestResult } from '../../store/event-store.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { ingestStaged, type StagedRecord } from '../../store/duckdb/ingest.js';

/**
 * Stores file batches concurrently. DuckDB runs one statement over a table of fewer than 122,880 rows
 * (one row group) on one thread, so a pipeline of 50k-record batches uses one core; with one
 * connection per worker, the next batch is parsed, classified and stored while the previous one is
 * still being written, and reading the file overlaps both.
 *
 * Each batch is its own transaction. Two batches in flight that insert the same `_uid` (a record
 * repeated far apart in one export) conflict; the losing batch rolls back as a whole and is stored
 * again once the others are done, where its copy of the record counts as a duplicate.
 * Stores other than DuckDB take batches one at a time.
 */
export class BatchPool {
  private readonly inflight = new Set<Promise<void>>();
  private readonly retry: { records: StagedRecord[]; ctx: IngestContext; done: (r: IngestResult) => void }[] = [];
  private failure: unknown = null;

  private constructor(
    private readonly store: EventStore,
    private readonly free: DuckDBConnection[],
    private readonly extra: DuckDBConnection[],
  ) {}

  static async open(store: EventStore, workers?: number): Promise<BatchPool> {
    if (!(store instanceof DuckDbStore)) return new BatchPool(store, [], []);
    const n = Math.max(1, Math.min(workers ?? Math.min(availableParallelism(), 4), 8));
    const extra = await Promise.all(Array.from({ length: n - 1 }, () => store.db.connect()));
    return new BatchPool(store, [store.db.conn, ...extra], extra);
  }

  /** Queues a batch; resolves once a worker has taken it (so at most `workers` batches are held). */
  async submit(records: StagedRecord[], ctx: IngestContext, done: (r: IngestResult) => void): Promise<void> {
    if (!(this.store instanceof DuckDbStore)) {
      done(await this.store.ingestRecords(records.map((r) => r.text), ctx));
      return;
    }
    while (this.free.length === 0) await Promise.race(this.inflight);
    this.throwIfFailed();
    const db = this.store.db;
    const conn = this.free.pop()!;
    const task = ingestStaged(db, records, ctx, conn).then(
      (r) => done(r),
      (err: unknown) => {
        if (isWriteConflict(err)) this.retry.push({ records, ctx, done });
        else this.failure ??= err;
      },
    );
    const tracked: Promise<void> = task.finally(() => {
      this.inflight.delete(tracked);
      this.free.push(conn);
    });
    this.inflight.add(tracked);
  }

  /** Waits for every batch; batches that lost a write conflict are stored again, one at a time. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.race(this.inflight);
    this.throwIfFailed();
    if (!(this.store instanceof DuckDbStore)) return;
    for (const b of this.retry.splice(0)) b.done(await ingestStaged(this.store.db, b.records, b.ctx));
  }

  /** Closes the extra connections once no batch runs on them (after a failure, the others still finish). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    for (const c of this.extra) c.closeSync();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}

function isWriteConflict(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ''}` : String(err);
  // DuckDB reports a key that a concurrent transaction inserted as a constraint violation, either at
  // the insert ("Duplicate key … violates primary key constraint") or at commit ("Failed to commit:
  // PRIMARY KEY or UNIQUE constraint violation: duplicate key …"), or as a write-write conflict.
  return /conflict|duplicate key/i.test(msg);
}
