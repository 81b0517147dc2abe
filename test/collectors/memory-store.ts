import type { Checkpoint, EventStore, IngestContext, IngestResult } from '../../store/event-store.js';

/**
 * An in-memory EventStore for source unit tests: keeps raw records by (source, tenant, vendor id),
 * ignores ids it already holds, quarantines what is not JSON or has no id, and commits the checkpoint
 * with the records of the same call. Only the ingest side is implemented.
 */
export function vendorId(rec: Record<string, unknown>): string | undefined {
  if (typeof rec.uuid === 'string') return rec.uuid; // Okta
  if (typeof rec.eventID === 'string') return rec.eventID; // CloudTrail
  const id = rec.id as unknown;
  if (typeof id === 'string') return id; // Graph
  if (id && typeof id === 'object') {
    const g = id as { time?: string; uniqueQualifier?: string; applicationName?: string };
    if (g.uniqueQualifier) return `${g.applicationName}:${g.time}:${g.uniqueQualifier}`; // Google Reports
  }
  return undefined;
}

export class MemoryStore implements Partial<EventStore> {
  readonly capabilities = { sql: false, bulkFiles: false };
  readonly events = new Map<string, string>();
  readonly quarantine: Array<{ reason: string; raw: string }> = [];
  readonly checkpoints = new Map<string, Checkpoint>();
  /** Every ingest call, in order (records count and checkpoint). */
  readonly calls: Array<{ records: number; checkpoint?: Checkpoint; stream?: string }> = [];
  /** Fail the nth ingest call (1-based) to simulate a crash before commit. */
  failAt?: number;

  async migrate(): Promise<void> {}

  async ingestRecords(records: string[], ctx: IngestContext): Promise<IngestResult> {
    if (this.failAt !== undefined && this.calls.length + 1 === this.failAt) {
      this.failAt = undefined;
      throw new Error('simulated crash before commit');
    }
    const result: IngestResult = { received: records.length, stored: 0, duplicates: 0, quarantined: 0, streams: {}, normalized: 0 };
    // Stage, then apply: a throw leaves nothing half-written (one transaction).
    const staged = new Map<string, string>();
    const q: Array<{ reason: string; raw: string }> = [];
    for (const text of records) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(text) as Record<string, unknown>;
      } catch {
        q.push({ reason: 'not JSON', raw: text });
        continue;
      }
      const id = vendorId(rec);
      if (!id) {
        q.push({ reason: 'no vendor id', raw: text });
        continue;
      }
      const key = `${ctx.source}:${ctx.tenant}:${id}`;
      if (this.events.has(key) || staged.has(key)) result.duplicates++;
      else staged.set(key, text);
    }
    for (const [k, v] of staged) this.events.set(k, v);
    this.quarantine.push(...q);
    result.stored = staged.size;
    result.quarantined = q.length;
    if (ctx.checkpoint) this.checkpoints.set(`${ctx.checkpoint.source}|${ctx.checkpoint.tenant}|${ctx.checkpoint.stream}`, structuredClone(ctx.checkpoint));
    this.calls.push({ records: records.length, checkpoint: ctx.checkpoint, stream: ctx.stream });
    return result;
  }

  async getCheckpoint(source: string, tenant: string, stream: string): Promise<Checkpoint | null> {
    const c = this.checkpoints.get(`${source}|${tenant}|${stream}`);
    return c ? structuredClone(c) : null;
  }

  async countEvents(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const k of this.events.keys()) {
      const s = k.split(':')[0];
      out[s] = (out[s] ?? 0) + 1;
    }
    return out;
  }

  async countQuarantine(): Promise<number> {
    return this.quarantine.length;
  }

  /** Vendor ids stored, sorted. */
  ids(): string[] {
    return [...this.events.keys()].map((k) => k.split(':').slice(2).join(':')).sort();
  }

  asStore(): EventStore {
    return this as unknown as EventStore;
  }
}
