import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { Alert, AlertResolution, AlertStatus } from '../../detections/alerts/model.js';
import { checkTransition } from '../../detections/alerts/status.js';
import { mergeAlert } from '../../detections/alerts/merge.js';
import { IdtrailError } from '../../lib/errors.js';
import { redactSecrets } from '../../lib/log.js';
import { STREAMS_BY_NAME, rawTable } from '../../ingest/streams.js';
import { DuckDbStore } from '../duckdb/store.js';
import { ident } from '../duckdb/db.js';
import type { AlertFilter, Checkpoint, EventStore, IngestContext, IngestResult, OutboxItem, SinkStatus } from '../event-store.js';
import { createEsClient, type EsConnection } from './client.js';
import { eventsDataStream, eventsTemplate, plainIndex, plainIndexBody, rawDataStream, rawTemplate } from './templates.js';
import { identityDoc, rawDoc } from './docs.js';

export interface ElasticStoreOptions {
  /** Data stream namespace (`default`); lets several deployments or tests share a cluster. */
  namespace?: string;
  /** An existing client (tests pass one wired to a mock). */
  client?: Client;
  /** Bulk retries of items rejected with 429/5xx. */
  maxItemRetries?: number;
}

type Hit<T> = { _id: string; _source: T; _seq_no?: number; _primary_term?: number };

interface BulkItemResult {
  status: number;
  error?: { type?: string; reason?: string };
}

const MAX_RESULT = 10_000;

/**
 * The scale-out store: raw and normalized events in data streams, alerts, outbox, checkpoints and
 * quarantine in plain indices. Normalization runs in an embedded in-memory DuckDB with the very
 * same pipeline as the DuckDB store (validation, stream classification, quarantine, normalizer
 * mappings), then the results are indexed — one mapping, written once, for both stores.
 *
 * Idempotence: every document has a deterministic `_id` (`_uid` for raw events, `event_uid` for
 * normalized ones) and is written with the `create` action, so re-ingesting a window answers 409
 * for each event and stores nothing twice. Elasticsearch has no multi-document transactions: the
 * checkpoint is written after the page's events are acknowledged, so a crash in between re-reads
 * the page and the 409s make the retry a no-op — no loss, no duplicate.
 */
export class ElasticStore implements EventStore {
  readonly capabilities = { sql: false, bulkFiles: false };
  readonly ns: string;
  private local?: DuckDbStore;

  private constructor(readonly client: Client, opts: ElasticStoreOptions, private readonly ownsClient: boolean) {
    this.ns = opts.namespace ?? 'default';
    if (!/^[a-z0-9_.]+$/.test(this.ns)) throw new IdtrailError('config_invalid', `namespace must be lowercase letters, digits, _ or ., got ${JSON.stringify(this.ns)}`);
    this.maxItemRetries = opts.maxItemRetries ?? 5;
  }

  private readonly maxItemRetries: number;

  static async open(conn: EsConnection | null, opts: ElasticStoreOptions = {}): Promise<ElasticStore> {
    const client = opts.client ?? (conn ? createEsClient(conn) : undefined);
    if (!client) throw new IdtrailError('config_invalid', 'the Elasticsearch store needs a connection', { hint: 'pass --es-url or set ELASTICSEARCH_URL' });
    const store = new ElasticStore(client, opts, !opts.client);
    await store.migrate();
    return store;
  }

  private index(what: 'alerts' | 'outbox' | 'checkpoints' | 'quarantine'): string {
    return plainIndex(this.ns, what);
  }

  async migrate(): Promise<void> {
    try {
      for (const t of [eventsTemplate(this.ns), rawTemplate(this.ns)]) {
        const { name, ...body } = t as { name: string } & Record<string, unknown>;
        await this.client.indices.putIndexTemplate({ name, ...(body as object) });
      }
      for (const what of ['alerts', 'outbox', 'checkpoints', 'quarantine'] as const) {
        const index = this.index(what);
        if (!(await this.client.indices.exists({ index }))) {
          try {
            await this.client.indices.create({ index, ...(plainIndexBody(what) as object) });
          } catch (err) {
            if (!isAlreadyExists(err)) throw err;
          }
        }
      }
    } catch (err) {
      throw wrap(err, 'cannot prepare the Elasticsearch store');
    }
  }

  private async localStore(): Promise<DuckDbStore> {
    this.local ??= await DuckDbStore.open(':memory:');
    return this.local;
  }

  async ingestRecords(records: string[], ctx: IngestContext): Promise<IngestResult> {
    const local = await this.localStore();
    const { checkpoint, ...rest } = ctx;
    const r = await local.ingestRecords(records, rest);
    const db = local.db;
    const ops: { index: string; id: string; doc: Record<string, unknown>; kind: 'raw' | 'event' }[] = [];
    const raw: Map<string, { stream: string; json: string }> = new Map();
    for (const streamName of Object.keys(r.streams)) {
      const stream = STREAMS_BY_NAME.get(streamName);
      if (!stream) continue;
      const rows = await db.all<{ _uid: string; _tenant: string; _native_id: string; _event_time: Date | null; _ingest_time: Date; _batch: bigint; json: string }>(
        `SELECT _uid, _tenant, _native_id, _event_time, _ingest_time, _batch, _json::VARCHAR AS json FROM ${ident(rawTable(stream))}`,
      );
      for (const row of rows) {
        raw.set(row._uid, { stream: streamName, json: row.json });
        ops.push({ index: rawDataStream(streamName, this.ns), id: row._uid, kind: 'raw', doc: rawDoc(row, stream) });
      }
    }
    const events = await db.all<Record<string, unknown>>(`SELECT * FROM identity_events`);
    for (const e of events) ops.push({ index: eventsDataStream(this.ns), id: String(e.event_uid), kind: 'event', doc: identityDoc(e) });
    const quarantined = await db.all<Record<string, unknown>>(`SELECT * FROM quarantine`);
    await this.clearLocal();

    const results = await this.bulkCreate(ops);
    let stored = 0;
    let duplicates = r.duplicates;
    let normalized = 0;
    let rejected = 0;
    const streams: Record<string, number> = {};
    const extraQuarantine: Record<string, unknown>[] = [...quarantined];
    const now = new Date().toISOString();
    ops.forEach((op, i) => {
      const res = results[i];
      if (op.kind === 'raw') {
        if (res.status === 201 || res.status === 200) {
          stored++;
          const s = raw.get(op.id)!.stream;
          streams[s] = (streams[s] ?? 0) + 1;
        } else if (res.status === 409) duplicates++;
        else {
          rejected++;
          extraQuarantine.push({
            source: ctx.source,
            stream: raw.get(op.id)?.stream ?? null,
            tenant_id: ctx.tenant,
            origin: ctx.origin,
            line_no: null,
            reason: `rejected_by_elasticsearch:${res.error?.type ?? res.status}`,
            raw_text: raw.get(op.id)?.json ?? null,
            quarantined_at: now,
          });
        }
      } else if (res.status === 201 || res.status === 200) normalized++;
    });
    if (extraQuarantine.length) await this.writeQuarantine(extraQuarantine);
    if (checkpoint) await this.writeCheckpoint(checkpoint);
    return {
      received: r.received,
      stored,
      duplicates,
      quarantined: r.quarantined + rejected,
      streams,
      normalized,
    };
  }

  private async clearLocal(): Promise<void> {
    const db = this.local!.db;
    for (const s of STREAMS_BY_NAME.values()) await db.run(`DELETE FROM ${ident(rawTable(s))}`);
    await db.run('DELETE FROM identity_events');
    await db.run('DELETE FROM quarantine');
  }

  /** Bulk `create` with per-item handling: 429 and 5xx items are retried with backoff; the rest are final. */
  private async bulkCreate(ops: { index: string; id: string; doc: Record<string, unknown> }[]): Promise<BulkItemResult[]> {
    const results: BulkItemResult[] = new Array(ops.length);
    for (let start = 0; start < ops.length; start += 1000) {
      let pending = ops.slice(start, start + 1000).map((op, k) => ({ op, at: start + k }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        let items: BulkItemResult[];
        try {
          const resp = await this.client.bulk({
            refresh: 'wait_for',
            operations: pending.flatMap(({ op }) => [{ create: { _index: op.index, _id: op.id } }, op.doc]),
          });
          items = resp.items.map((it) => {
            const v = (it.create ?? Object.values(it)[0]) as { status: number; error?: { type?: string; reason?: string } };
            return { status: v.status, error: v.error ?? undefined };
          });
        } catch (err) {
          if (attempt < this.maxItemRetries && isRetryable(err)) {
            await sleep(backoff(attempt));
            continue;
          }
          throw wrap(err, 'bulk indexing failed');
        }
        const retry: typeof pending = [];
        pending.forEach((p, k) => {
          const it = items[k];
          if ((it.status === 429 || it.status >= 500) && attempt < this.maxItemRetries) retry.push(p);
          else results[p.at] = it;
        });
        pending = retry;
        if (pending.length) await sleep(backoff(attempt));
      }
    }
    return results;
  }

  private async writeQuarantine(rows: Record<string, unknown>[]): Promise<void> {
    await this.client.bulk({
      refresh: 'wait_for',
      operations: rows.flatMap((q) => [
        { index: { _index: this.index('quarantine') } },
        {
          source: q.source,
          stream: q.stream ?? null,
          tenant_id: q.tenant_id ?? null,
          origin: q.origin ?? null,
          line_no: q.line_no === null || q.line_no === undefined ? null : Number(q.line_no),
          reason: q.reason,
          raw_text: q.raw_text ?? null,
          quarantined_at: q.quarantined_at instanceof Date ? q.quarantined_at.toISOString() : q.quarantined_at,
        },
      ]),
    });
  }

  private checkpointId(source: string, tenant: string, stream: string): string {
    return `${source}|${tenant}|${stream}`;
  }

  private async writeCheckpoint(cp: Checkpoint): Promise<void> {
    await this.client.index({
      index: this.index('checkpoints'),
      id: this.checkpointId(cp.source, cp.tenant, cp.stream),
      refresh: 'wait_for',
      document: { source: cp.source, tenant: cp.tenant, stream: cp.stream, cursor: cp.cursor, watermark: cp.watermark, state: cp.state ?? null, updated_at: new Date().toISOString() },
    });
  }

  async getCheckpoint(source: string, tenant: string, stream: string): Promise<Checkpoint | null> {
    const doc = await this.getDoc<{ cursor: string | null; watermark: string | null; state: Record<string, unknown> | null }>(this.index('checkpoints'), this.checkpointId(source, tenant, stream));
    if (!doc) return null;
    return { source, tenant, stream, cursor: doc._source.cursor ?? null, watermark: doc._source.watermark ?? null, state: doc._source.state ?? undefined };
  }

  async countEvents(): Promise<Record<string, number>> {
    try {
      const resp = await this.client.search({
        index: eventsDataStream(this.ns),
        size: 0,
        ignore_unavailable: true,
        aggs: { sources: { terms: { field: 'identity.source', size: 100 } } },
      });
      const buckets = ((resp.aggregations?.sources as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? []);
      return Object.fromEntries(buckets.map((b) => [b.key, b.doc_count]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    } catch (err) {
      if (isNotFound(err)) return {};
      throw wrap(err, 'cannot count events');
    }
  }

  /** Earliest and latest event time and latest ingest time of the normalized events (nulls when empty). */
  async eventTimes(filter?: { ingestedAfter?: Date }): Promise<{ min: Date | null; max: Date | null; maxIngest: Date | null }> {
    try {
      const resp = await this.client.search({
        index: eventsDataStream(this.ns),
        size: 0,
        ignore_unavailable: true,
        ...(filter?.ingestedAfter ? { query: { bool: { filter: [{ range: { 'identity.ingest_time': { gt: filter.ingestedAfter.toISOString() } } }] } } } : {}),
        aggs: { min_t: { min: { field: 'identity.event_time' } }, max_t: { max: { field: 'identity.event_time' } }, max_ingest: { max: { field: 'identity.ingest_time' } } },
      });
      const v = (k: string) => {
        const x = (resp.aggregations?.[k] as { value?: number | null } | undefined)?.value;
        return typeof x === 'number' && Number.isFinite(x) ? new Date(x) : null;
      };
      return { min: v('min_t'), max: v('max_t'), maxIngest: v('max_ingest') };
    } catch (err) {
      throw wrap(err, 'cannot read event times');
    }
  }

  private watermarkId(name: string): string {
    return `idtrail|watermark|${name}`;
  }

  /** The detection watermark (see detections/engine/watermark.ts), kept beside the checkpoints. */
  async readWatermark(name: string): Promise<{ value: Date | null; ingestedUpTo: Date | null }> {
    const doc = await this.getDoc<{ watermark: string | null; state: { ingested_up_to?: string | null } | null }>(this.index('checkpoints'), this.watermarkId(name));
    if (!doc) return { value: null, ingestedUpTo: null };
    const up = doc._source.state?.ingested_up_to;
    return { value: doc._source.watermark ? new Date(doc._source.watermark) : null, ingestedUpTo: up ? new Date(up) : null };
  }

  async writeWatermark(name: string, wm: { value: Date; ingestedUpTo: Date | null }): Promise<void> {
    await this.client.index({
      index: this.index('checkpoints'),
      id: this.watermarkId(name),
      refresh: 'wait_for',
      document: {
        source: 'idtrail', tenant: '*', stream: `watermark:${name}`, cursor: null, watermark: wm.value.toISOString(),
        state: wm.ingestedUpTo ? { ingested_up_to: wm.ingestedUpTo.toISOString() } : null, updated_at: new Date().toISOString(),
      },
    });
  }

  async countQuarantine(): Promise<number> {
    const resp = await this.client.count({ index: this.index('quarantine') });
    return resp.count;
  }

  private async getDoc<T>(index: string, id: string): Promise<Hit<T> | null> {
    try {
      const resp = await this.client.get<T>({ index, id });
      return resp.found ? { _id: resp._id, _source: resp._source as T, _seq_no: resp._seq_no, _primary_term: resp._primary_term } : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw wrap(err, `cannot read ${id}`);
    }
  }

  async upsertAlerts(list: Alert[], sinks: string[]): Promise<{ created: number; updated: number }> {
    if (list.length === 0) return { created: 0, updated: 0 };
    const now = new Date().toISOString();
    const existing = await this.client.mget<Alert>({ index: this.index('alerts'), ids: list.map((a) => a.alert_id) });
    const found = new Map<string, Alert>();
    for (const d of existing.docs) if ('found' in d && d.found && d._source) found.set(d._id, d._source as Alert);
    let created = 0;
    let updated = 0;
    const ops: Record<string, unknown>[] = [];
    const queued: string[] = [];
    for (const hit of list) {
      for (const t of [hit.first_seen, hit.last_seen]) {
        if (Number.isNaN(Date.parse(t))) throw new IdtrailError('input_invalid', `alert ${hit.alert_id}: ${JSON.stringify(t)} is not an ISO-8601 time`);
      }
      const old = found.get(hit.alert_id);
      if (old) {
        ops.push({ index: { _index: this.index('alerts'), _id: hit.alert_id } }, { ...mergeAlert(old, hit, now) });
        updated++;
      } else {
        const doc: Alert = { ...hit, evidence_event_ids: [...new Set(hit.evidence_event_ids)], status: hit.status ?? 'new', created_at: now, updated_at: now };
        ops.push({ index: { _index: this.index('alerts'), _id: hit.alert_id } }, { ...doc });
        found.set(hit.alert_id, doc);
        created++;
        if (!hit.suppressed_by) queued.push(hit.alert_id);
      }
    }
    // Alerts first, then their outbox entries (Elasticsearch has no multi-document transaction).
    // Outbox ids are deterministic, so queuing again is harmless.
    await this.checkedBulk(ops);
    for (const sink of sinks) await this.enqueueOutbox(sink, queued);
    return { created, updated };
  }

  private async checkedBulk(operations: Record<string, unknown>[]): Promise<void> {
    if (operations.length === 0) return;
    const resp = await this.client.bulk({ refresh: 'wait_for', operations });
    if (resp.errors) {
      const bad = resp.items.map((it) => Object.values(it)[0] as { status: number; error?: { reason?: string } }).filter((v) => v.status >= 300 && v.status !== 409);
      if (bad.length) throw new IdtrailError('store_error', `Elasticsearch rejected ${bad.length} writes: ${redactSecrets(bad[0].error?.reason ?? String(bad[0].status))}`);
    }
  }

  async listAlerts(f: AlertFilter = {}): Promise<Alert[]> {
    const filter: Record<string, unknown>[] = [];
    if (f.status) filter.push({ term: { status: f.status } });
    if (f.ruleId) filter.push({ term: { rule_id: f.ruleId } });
    if (f.severity) filter.push({ term: { severity: f.severity } });
    if (f.since) filter.push({ range: { last_seen: { gte: f.since } } });
    if (f.until) filter.push({ range: { first_seen: { lt: f.until } } });
    const resp = await this.client.search<Alert>({
      index: this.index('alerts'),
      size: Math.min(f.limit ?? MAX_RESULT, MAX_RESULT),
      query: { bool: { filter } },
      sort: [{ last_seen: { order: 'desc' } }, { alert_id: { order: 'asc' } }],
    });
    return resp.hits.hits.map((h) => h._source as Alert);
  }

  async getAlert(alertId: string): Promise<Alert | null> {
    return (await this.getDoc<Alert>(this.index('alerts'), alertId))?._source ?? null;
  }

  async setAlertStatus(alertId: string, status: AlertStatus, resolution?: AlertResolution | null, note?: string | null): Promise<Alert> {
    const doc = await this.getDoc<Alert>(this.index('alerts'), alertId);
    if (!doc) throw new IdtrailError('input_invalid', `no alert with id ${JSON.stringify(alertId)}`, { hint: "list alert ids with 'idtrail alerts list'" });
    const err = checkTransition(alertId, doc._source.status, status, resolution ?? null);
    if (err) throw err;
    const now = new Date().toISOString();
    const next: Alert = { ...doc._source, status, resolution: resolution ?? null, status_note: note ?? doc._source.status_note, updated_at: now };
    try {
      // Optimistic concurrency: two analysts triaging the same alert cannot both win silently.
      await this.client.index({ index: this.index('alerts'), id: alertId, document: next, if_seq_no: doc._seq_no, if_primary_term: doc._primary_term, refresh: 'wait_for' });
    } catch (e) {
      if (e instanceof errors.ResponseError && e.statusCode === 409) {
        throw new IdtrailError('input_invalid', `alert ${alertId} was changed by someone else meanwhile`, { hint: 'reload it and try again' });
      }
      throw wrap(e, `cannot update alert ${alertId}`);
    }
    return next;
  }

  private outboxId(sink: string, alertId: string): string {
    return `${sink}|${alertId}`;
  }

  async enqueueOutbox(sink: string, alertIds: string[]): Promise<number> {
    if (alertIds.length === 0) return 0;
    const now = new Date().toISOString();
    const ids = [...new Set(alertIds)];
    const resp = await this.client.bulk({
      refresh: 'wait_for',
      operations: ids.flatMap((id) => [
        { create: { _index: this.index('outbox'), _id: this.outboxId(sink, id) } },
        { sink, alert_id: id, enqueued_at: now, attempts: 0, next_attempt_at: now, delivered_at: null, last_error: null },
      ]),
    });
    return resp.items.filter((it) => (Object.values(it)[0] as { status: number }).status === 201).length;
  }

  async pendingOutbox(sink: string, limit: number, now: Date = new Date()): Promise<OutboxItem[]> {
    const resp = await this.client.search<{ sink: string; alert_id: string; attempts: number; enqueued_at: string }>({
      index: this.index('outbox'),
      size: Math.min(limit, MAX_RESULT),
      query: {
        bool: {
          filter: [{ term: { sink } }, { range: { next_attempt_at: { lte: now.toISOString() } } }],
          must_not: [{ exists: { field: 'delivered_at' } }],
        },
      },
      sort: [{ next_attempt_at: { order: 'asc' } }, { enqueued_at: { order: 'asc' } }, { alert_id: { order: 'asc' } }],
    });
    const rows = resp.hits.hits.map((h) => h._source!);
    if (rows.length === 0) return [];
    const alerts = await this.client.mget<Alert>({ index: this.index('alerts'), ids: rows.map((r) => r.alert_id) });
    const byId = new Map<string, Alert>();
    for (const d of alerts.docs) if ('found' in d && d.found && d._source) byId.set(d._id, d._source as Alert);
    return rows.filter((r) => byId.has(r.alert_id)).map((r) => ({ sink: r.sink, alert_id: r.alert_id, attempts: r.attempts, enqueued_at: r.enqueued_at, alert: byId.get(r.alert_id)! }));
  }

  private async outboxDocs(sink: string, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const resp = await this.client.mget<Record<string, unknown>>({ index: this.index('outbox'), ids: ids.map((id) => this.outboxId(sink, id)) });
    const out = new Map<string, Record<string, unknown>>();
    for (const d of resp.docs) if ('found' in d && d.found && d._source) out.set(String((d._source as { alert_id: string }).alert_id), d._source as Record<string, unknown>);
    return out;
  }

  async markDelivered(sink: string, alertIds: string[]): Promise<void> {
    if (alertIds.length === 0) return;
    const docs = await this.outboxDocs(sink, alertIds);
    const now = new Date().toISOString();
    const ops: Record<string, unknown>[] = [];
    for (const [id, doc] of docs) {
      if (doc.delivered_at) continue;
      ops.push({ index: { _index: this.index('outbox'), _id: this.outboxId(sink, id) } }, { ...doc, delivered_at: now, attempts: Number(doc.attempts ?? 0) + 1, last_error: null, failing_since: null });
    }
    await this.checkedBulk(ops);
  }

  async markFailed(sink: string, alertIds: string[], error: string, nextAttemptAt: Date): Promise<void> {
    if (alertIds.length === 0) return;
    const docs = await this.outboxDocs(sink, alertIds);
    const message = redactSecrets(error).slice(0, 2000);
    const now = new Date().toISOString();
    const ops: Record<string, unknown>[] = [];
    for (const [id, doc] of docs) {
      if (doc.delivered_at) continue;
      ops.push(
        { index: { _index: this.index('outbox'), _id: this.outboxId(sink, id) } },
        { ...doc, attempts: Number(doc.attempts ?? 0) + 1, last_error: message, next_attempt_at: nextAttemptAt.toISOString(), failing_since: doc.failing_since ?? now },
      );
    }
    await this.checkedBulk(ops);
  }

  async sinkStatus(): Promise<SinkStatus[]> {
    const resp = await this.client.search({
      index: this.index('outbox'),
      size: 0,
      aggs: {
        sinks: {
          terms: { field: 'sink', size: 1000, order: { _key: 'asc' } },
          aggs: {
            queued: { missing: { field: 'delivered_at' } },
            failing: {
              filter: { bool: { must_not: [{ exists: { field: 'delivered_at' } }], filter: [{ exists: { field: 'failing_since' } }] } },
              aggs: { since: { min: { field: 'failing_since' } }, last: { top_hits: { size: 1, sort: [{ next_attempt_at: { order: 'desc' } }], _source: ['last_error'] } } },
            },
          },
        },
      },
    });
    type Bucket = { key: string; doc_count: number; queued: { doc_count: number }; failing: { doc_count: number; since: { value: number | null; value_as_string?: string }; last: { hits: { hits: { _source: { last_error: string | null } }[] } } } };
    const buckets = ((resp.aggregations?.sinks as { buckets?: Bucket[] } | undefined)?.buckets ?? []);
    return buckets.map((b) => ({
      sink: b.key,
      queued: b.queued.doc_count,
      delivered: b.doc_count - b.queued.doc_count,
      failing_since: b.failing.doc_count > 0 && b.failing.since.value !== null ? new Date(b.failing.since.value).toISOString() : null,
      last_error: b.failing.doc_count > 0 ? (b.failing.last.hits.hits[0]?._source.last_error ?? null) : null,
    }));
  }

  async close(): Promise<void> {
    await this.local?.close();
    this.local = undefined;
    // A client handed in by the caller is the caller's to close.
    if (this.ownsClient) await this.client.close();
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 404;
}

function isAlreadyExists(err: unknown): boolean {
  return err instanceof errors.ResponseError && JSON.stringify(err.body ?? '').includes('resource_already_exists_exception');
}

function isRetryable(err: unknown): boolean {
  if (err instanceof errors.ResponseError) return err.statusCode === 429 || (err.statusCode ?? 0) >= 500;
  return err instanceof errors.ConnectionError || err instanceof errors.TimeoutError;
}

function backoff(attempt: number): number {
  return Math.min(100 * 2 ** attempt, 5_000) * (0.5 + Math.random() / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function wrap(err: unknown, what: string): IdtrailError {
  if (err instanceof IdtrailError) return err;
  if (err instanceof errors.ResponseError) {
    const body = err.body as { error?: { type?: string; reason?: string } } | undefined;
    const reason = body?.error?.reason ?? err.message;
    const code = err.statusCode === 401 || err.statusCode === 403 ? 'auth_failed' : 'store_error';
    return new IdtrailError(code, `${what}: HTTP ${err.statusCode} ${redactSecrets(String(reason))}`, {
      hint: code === 'auth_failed' ? 'check ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD and the key\'s privileges' : undefined,
    });
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError) {
    return new IdtrailError('unreachable', `${what}: ${redactSecrets(err.message)}`, { hint: 'check --es-url / ELASTICSEARCH_URL and that the cluster is up' });
  }
  return new IdtrailError('store_error', `${what}: ${redactSecrets(String((err as Error)?.message ?? err))}`);
}
