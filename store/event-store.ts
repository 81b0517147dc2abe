import type { Alert, AlertResolution, AlertStatus } from '../detections/alerts/model.js';

/**
 * The store seam. DuckDB (embedded, default) and Elasticsearch (scale-out) implement it and run one
 * conformance suite. Shared code asks a store for capabilities, never for its kind.
 */
export interface IngestContext {
  source: string;
  tenant: string;
  /** Where the records came from (file path, API URL) — recorded on quarantine rows. */
  origin: string;
  /** Stream hint when the caller knows it (an API endpoint); otherwise the registry classifies. */
  stream?: string;
  /** Committed in the same transaction as the records it covers. */
  checkpoint?: Checkpoint;
  /** Per-record origin and line (position in its page or file), when records of several pages are stored together. */
  origins?: string[];
  lines?: number[];
}

export interface IngestResult {
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  /** stored per stream */
  streams: Record<string, number>;
  /** identity_events rows written */
  normalized: number;
}

export interface Checkpoint {
  source: string;
  tenant: string;
  stream: string;
  cursor: string | null;
  watermark: string | null; // ISO-8601 UTC
  state?: Record<string, unknown>;
}

export interface AlertFilter {
  status?: AlertStatus;
  ruleId?: string;
  severity?: string;
  since?: string;
  until?: string;
  limit?: number;
}

export interface OutboxItem {
  sink: string;
  alert_id: string;
  attempts: number;
  enqueued_at: string;
  alert: Alert;
}

export interface SinkStatus {
  sink: string;
  queued: number;
  delivered: number;
  failing_since: string | null;
  last_error: string | null;
}

export interface EventStore {
  readonly capabilities: { sql: boolean; bulkFiles: boolean };
  migrate(): Promise<void>;
  /** Raw vendor records (JSON text, one per element) through raw → normalized, with quarantine. */
  ingestRecords(records: string[], ctx: IngestContext): Promise<IngestResult>;
  getCheckpoint(source: string, tenant: string, stream: string): Promise<Checkpoint | null>;
  /** Events per source in identity_events. */
  countEvents(): Promise<Record<string, number>>;
  countQuarantine(): Promise<number>;

  /** Inserts new alerts and updates grouped ones; new alerts enter the outbox of each sink in the same transaction. */
  upsertAlerts(alerts: Alert[], sinks: string[]): Promise<{ created: number; updated: number }>;
  listAlerts(filter?: AlertFilter): Promise<Alert[]>;
  getAlert(alertId: string): Promise<Alert | null>;
  setAlertStatus(alertId: string, status: AlertStatus, resolution?: AlertResolution | null, note?: string | null): Promise<Alert>;

  enqueueOutbox(sink: string, alertIds: string[]): Promise<number>;
  pendingOutbox(sink: string, limit: number, now?: Date): Promise<OutboxItem[]>;
  markDelivered(sink: string, alertIds: string[]): Promise<void>;
  markFailed(sink: string, alertIds: string[], error: string, nextAttemptAt: Date): Promise<void>;
  sinkStatus(): Promise<SinkStatus[]>;

  close(): Promise<void>;
}
