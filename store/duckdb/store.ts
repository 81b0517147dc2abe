import type { Alert, AlertResolution, AlertStatus } from '../../detections/alerts/model.js';
import type {
  AlertFilter,
  Checkpoint,
  EventStore,
  IngestContext,
  IngestResult,
  OutboxItem,
  SinkStatus,
} from '../event-store.js';
import { DuckDb } from './db.js';
import { migrate } from './migrate.js';
import * as ingest from './ingest.js';
import * as alerts from './alerts.js';

/**
 * The embedded store: one DuckDB file, written by one process. Ingest lives in `ingest.ts`,
 * alerts and the outbox in `alerts.ts`; this class only composes them behind the EventStore seam.
 * Code that needs SQL (detections, metrics, notebooks) uses `store.db` directly.
 */
export class DuckDbStore implements EventStore {
  readonly capabilities = { sql: true, bulkFiles: true };

  private constructor(readonly db: DuckDb) {}

  static async open(path = 'idtrail.duckdb', opts: { readOnly?: boolean; migrate?: boolean; memoryLimit?: string } = {}): Promise<DuckDbStore> {
    const db = await DuckDb.open(path, { readOnly: opts.readOnly, memoryLimit: opts.memoryLimit ?? process.env.IDTRAIL_DUCKDB_MEMORY_LIMIT });
    const store = new DuckDbStore(db);
    if (!opts.readOnly && opts.migrate !== false) await store.migrate();
    return store;
  }

  async migrate(): Promise<void> {
    await migrate(this.db);
    await ingest.ensureRawTables(this.db);
  }

  ingestRecords(records: string[], ctx: IngestContext): Promise<IngestResult> {
    return ingest.ingestRecords(this.db, records, ctx);
  }

  getCheckpoint(source: string, tenant: string, stream: string): Promise<Checkpoint | null> {
    return ingest.getCheckpoint(this.db, source, tenant, stream);
  }

  countEvents(): Promise<Record<string, number>> {
    return ingest.countEvents(this.db);
  }

  countQuarantine(): Promise<number> {
    return ingest.countQuarantine(this.db);
  }

  upsertAlerts(list: Alert[], sinks: string[]): Promise<{ created: number; updated: number }> {
    return alerts.upsertAlerts(this.db, list, sinks);
  }

  listAlerts(filter?: AlertFilter): Promise<Alert[]> {
    return alerts.listAlerts(this.db, filter);
  }

  getAlert(alertId: string): Promise<Alert | null> {
    return alerts.getAlert(this.db, alertId);
  }

  setAlertStatus(alertId: string, status: AlertStatus, resolution?: AlertResolution | null, note?: string | null): Promise<Alert> {
    return alerts.setAlertStatus(this.db, alertId, status, resolution ?? null, note ?? null);
  }

  enqueueOutbox(sink: string, alertIds: string[]): Promise<number> {
    return alerts.enqueueOutbox(this.db, sink, alertIds);
  }

  pendingOutbox(sink: string, limit: number, now?: Date): Promise<OutboxItem[]> {
    return alerts.pendingOutbox(this.db, sink, limit, now ?? new Date());
  }

  markDelivered(sink: string, alertIds: string[]): Promise<void> {
    return alerts.markDelivered(this.db, sink, alertIds);
  }

  markFailed(sink: string, alertIds: string[], error: string, nextAttemptAt: Date): Promise<void> {
    return alerts.markFailed(this.db, sink, alertIds, error, nextAttemptAt);
  }

  sinkStatus(): Promise<SinkStatus[]> {
    return alerts.sinkStatus(this.db);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
