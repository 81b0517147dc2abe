import type { IncomingMessage, ServerResponse } from 'node:http';
import { RestartableServer, sendJson } from './http-util.js';

/**
 * A local Elasticsearch reproducing the parts of its REST contract the alert sink uses:
 * - every reply carries `X-Elastic-Product: Elasticsearch` (the official client refuses a server without it);
 * - auth: `Authorization: ApiKey <base64>` or `Basic …`, else 401 `security_exception`;
 * - `HEAD|GET|PUT /_index_template/<name>`, `GET|PUT /_data_stream/<name>` (404 `index_not_found_exception`,
 *   400 `resource_already_exists_exception`, 400 when no template with `data_stream` matches);
 * - `POST /_bulk` and `/<target>/_bulk`: NDJSON that must end with a newline; into a data stream only
 *   the `create` action is allowed and a document needs `@timestamp`; an existing `_id` gives item
 *   409 `version_conflict_engine_exception`; the reply is `{took, errors, items:[{create:{…, status}}]}`
 *   and HTTP 200 even when items failed;
 * - faults on demand: whole-request 429 `es_rejected_execution_exception`, and per-document item
 *   failures (429 or 503) for chosen ids.
 */
interface Template {
  index_patterns: string[];
  data_stream?: object;
  priority?: number;
  template?: unknown;
}

const PRODUCT = { 'x-elastic-product': 'Elasticsearch' };

function error(type: string, reason: string, status: number, extra: Record<string, unknown> = {}) {
  return { error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status };
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

export class FakeElasticsearch {
  readonly server: RestartableServer;
  readonly templates = new Map<string, Template>();
  readonly dataStreams = new Map<string, Map<string, Record<string, unknown>>>();
  /** Every create attempt that reached the cluster, before deduplication by `_id`. */
  readonly createAttempts: string[] = [];
  readonly authHeaders: string[] = [];
  rejectNext = 0;
  /** Fail these document ids once each with the given item status. */
  readonly failItemsOnce = new Map<string, 429 | 503 | 400>();
  private seq = 0;

  constructor(readonly auth: { apiKey?: string; basic?: { username: string; password: string } } = {}) {
    this.server = new RestartableServer((req, body, res) => this.handle(req, body, res));
  }

  start(): Promise<number> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  docs(ds: string): Map<string, Record<string, unknown>> {
    return this.dataStreams.get(ds) ?? new Map();
  }

  private reply(res: ServerResponse, status: number, body?: unknown, head = false): void {
    if (head || body === undefined) {
      res.writeHead(status, { ...PRODUCT, 'content-type': 'application/json', 'content-length': 0 });
      res.end();
      return;
    }
    sendJson(res, status, body, PRODUCT);
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    this.authHeaders.push(h);
    if (!this.auth.apiKey && !this.auth.basic) return true;
    if (this.auth.apiKey && h === `ApiKey ${this.auth.apiKey}`) return true;
    if (this.auth.basic) {
      const expect = Buffer.from(`${this.auth.basic.username}:${this.auth.basic.password}`).toString('base64');
      if (h === `Basic ${expect}`) return true;
    }
    return false;
  }

  private templateFor(name: string): Template | undefined {
    return [...this.templates.values()]
      .filter((t) => t.index_patterns.some((p) => wildcardMatch(p, name)))
      .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))[0];
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    if (!this.authorized(req)) {
      return this.reply(res, 401, error('security_exception', `missing authentication credentials for REST request [${path}]`, 401, { header: { 'WWW-Authenticate': ['Basic realm="security" charset="UTF-8"', 'ApiKey'] } }));
    }
    if (path === '/' && (method === 'GET' || head)) {
      return this.reply(res, 200, head ? undefined : { name: 'es01', cluster_name: 'docker-cluster', version: { number: '9.1.0', build_flavor: 'default' }, tagline: 'You Know, for Search' }, head);
    }
    let m = /^\/_index_template\/([^/]+)$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]);
      if (method === 'PUT') {
        const t = JSON.parse(body.toString('utf8')) as Template;
        if (!Array.isArray(t.index_patterns)) return this.reply(res, 400, error('action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;', 400));
        this.templates.set(name, t);
        return this.reply(res, 200, { acknowledged: true });
      }
      const t = this.templates.get(name);
      if (!t) return this.reply(res, 404, head ? undefined : error('resource_not_found_exception', `index template matching [${name}] not found`, 404), head);
      return this.reply(res, 200, head ? undefined : { index_templates: [{ name, index_template: t }] }, head);
    }
    m = /^\/_data_stream\/([^/]+)$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]);
      if (method === 'PUT') {
        if (this.dataStreams.has(name)) return this.reply(res, 400, error('resource_already_exists_exception', `data_stream [${name}] already exists`, 400));
        if (!this.templateFor(name)?.data_stream) return this.reply(res, 400, error('illegal_argument_exception', `no matching index template found for data stream [${name}]`, 400));
        this.dataStreams.set(name, new Map());
        return this.reply(res, 200, { acknowledged: true });
      }
      if (!this.dataStreams.has(name)) return this.reply(res, 404, error('index_not_found_exception', `no such index [${name}]`, 404, { 'resource.type': 'index_or_alias', 'resource.id': name, index: name }));
      return this.reply(res, 200, { data_streams: [{ name, timestamp_field: { name: '@timestamp' }, indices: [{ index_name: `.ds-${name}-2026.11.26-000001` }], generation: 1, status: 'GREEN', template: 'logs-idtrail.alerts' }] });
    }
    m = /^(?:\/([^/_][^/]*))?\/_bulk$/.exec(path);
    if (m && (method === 'POST' || method === 'PUT')) return this.bulk(m[1] ? decodeURIComponent(m[1]) : undefined, body.toString('utf8'), res);
    return this.reply(res, 404, error('no_handler_found_exception', `no handler found for uri [${path}] and method [${method}]`, 404));
  }

  private bulk(defaultIndex: string | undefined, text: string, res: ServerResponse): void {
    if (this.rejectNext > 0) {
      this.rejectNext--;
      return this.reply(res, 429, error('es_rejected_execution_exception', 'rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=0]', 429));
    }
    if (!text.endsWith('\n')) return this.reply(res, 400, error('illegal_argument_exception', 'The bulk request must be terminated by a newline [\\n]', 400));
    const lines = text.split('\n').filter((l) => l.length > 0);
    const items: Record<string, unknown>[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]) as Record<string, { _index?: string; _id?: string }>;
      const op = Object.keys(action)[0];
      const meta = action[op];
      const index = meta._index ?? defaultIndex ?? '';
      const id = meta._id ?? `auto-${++this.seq}`;
      const doc = JSON.parse(lines[i + 1] ?? 'null') as Record<string, unknown>;
      const fail = (status: number, type: string, reason: string) => {
        errors = true;
        items.push({ [op]: { _index: index, _id: id, status, error: { type, reason, index } } });
      };
      const ds = this.dataStreams.get(index) ?? (this.templateFor(index)?.data_stream ? new Map() : undefined);
      if (ds && !this.dataStreams.has(index)) this.dataStreams.set(index, ds);
      if (ds && op !== 'create') {
        fail(400, 'illegal_argument_exception', `only write ops with an op_type of create are allowed in data streams`);
        continue;
      }
      if (!ds) {
        fail(404, 'index_not_found_exception', `no such index [${index}]`);
        continue;
      }
      if (op === 'create') this.createAttempts.push(id);
      const injected = this.failItemsOnce.get(id);
      if (injected) {
        this.failItemsOnce.delete(id);
        if (injected === 429) fail(429, 'es_rejected_execution_exception', 'rejected execution of primary operation');
        else if (injected === 503) fail(503, 'unavailable_shards_exception', `[${index}][0] primary shard is not active Timeout: [1m]`);
        else fail(400, 'document_parsing_exception', '[1:2] failed to parse field [source.ip] of type [ip]');
        continue;
      }
      if (!doc || typeof doc['@timestamp'] !== 'string') {
        fail(400, 'document_parsing_exception', 'data stream timestamp field [@timestamp] is missing');
        continue;
      }
      if (ds.has(id)) {
        fail(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [1])`);
        continue;
      }
      ds.set(id, doc);
      items.push({ [op]: { _index: `.ds-${index}-2026.11.26-000001`, _id: id, _version: 1, result: 'created', _shards: { total: 2, successful: 1, failed: 0 }, _seq_no: this.seq++, _primary_term: 1, status: 201 } });
    }
    this.reply(res, 200, { errors, took: 3, items });
  }
}
