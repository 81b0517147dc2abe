import { Client } from '@elastic/elasticsearch';
import type { errors } from '@elastic/elasticsearch';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EsqlError, getPath, runEsql } from './fake-esql.js';

/** The request as the mock hands it to a resolver (bulk bodies arrive parsed, one object per line). */
interface MockPattern {
  method: string;
  path: string;
  body?: unknown;
  querystring?: Record<string, string>;
}
interface ClientMock {
  add(pattern: { method: string | string[]; path: string | string[] }, resolver: (p: MockPattern) => unknown): ClientMock;
  getConnection(): unknown;
}
// A CommonJS package whose type declarations do not describe its default export for ESM callers.
const require = createRequire(import.meta.url);
const Mock = require('@elastic/elasticsearch-mock') as new () => ClientMock;
// The mock recognises an error response by `instanceof` against the CommonJS build of the client,
// so errors are made from that build (the ESM build's class is a different one).
const { ResponseError } = (require('@elastic/elasticsearch') as { errors: typeof errors }).errors;

/**
 * An in-memory Elasticsearch behind `@elastic/elasticsearch-mock`, for the store's contract tests.
 * It reproduces the parts of the documented REST contract that idtrail relies on, including the
 * rules a real cluster enforces and a naive fake would not:
 * - index templates with `data_stream: {}` create the data stream on the first write; a data stream
 *   only accepts the `create` op type, and every document needs `@timestamp`;
 * - `create` of an existing `_id` answers 409 `version_conflict_engine_exception` per item;
 * - `dynamic: strict` mappings reject unknown fields with 400 `strict_dynamic_mapping_exception`;
 * - keyword fields with a lowercase normalizer match terms case-insensitively;
 * - optimistic concurrency with `if_seq_no` / `if_primary_term`;
 * - faults on demand: a 429 for the next N bulk items, a whole-request 429 for the next bulk call.
 * Queries: bool (filter, must, must_not, should), term, terms, range, exists, ids, match_all; sort,
 * size; aggregations: terms, missing, filter, min, max, top_hits. ES|QL (`POST /_query` with
 * `{"query": …}`, answered `{columns: [{name, type}], values: [[…]]}`) for the subset in
 * fake-esql.ts; a query outside it answers 400 `verification_exception`. Anything else fails loudly.
 */
interface Doc {
  source: Record<string, unknown>;
  seq: number;
}
type Mapping = Record<string, unknown>;

function responseError(statusCode: number, type: string, reason: string): errors.ResponseError {
  return new ResponseError({
    body: { error: { type, reason, root_cause: [{ type, reason }] }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  } as never);
}

function values(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.flat(Infinity).filter((x) => x !== null && x !== undefined) : [v];
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An Elasticsearch wildcard pattern (`*`, `?`, backslash escapes) as a regular expression body. */
function wildcardRe(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += escapeRe(pattern[++i]);
    else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += escapeRe(c);
  }
  return out;
}

export class FakeElasticsearch {
  readonly mock: ClientMock = new Mock();
  readonly indices = new Map<string, { docs: Map<string, Doc>; mapping: Mapping; dataStream: boolean }>();
  readonly templates = new Map<string, Record<string, unknown>>();
  private seq = 0;
  /** Reject the next N bulk items with 429. */
  itemRejections = 0;
  /** Reject the next N bulk requests as a whole with 429. */
  requestRejections = 0;
  readonly calls: { method: string; path: string }[] = [];
  /** Every ES|QL query received, in order. */
  readonly esqlQueries: string[] = [];

  constructor() {
    const m = this.mock;
    const track = (p: MockPattern) => this.calls.push({ method: p.method, path: p.path });
    m.add({ method: 'PUT', path: '/_index_template/:name' }, (p: MockPattern) => {
      track(p);
      this.templates.set(String((p as unknown as { path: string }).path.split('/').pop()), p.body as Record<string, unknown>);
      return { acknowledged: true };
    });
    m.add({ method: 'HEAD', path: '/_index_template/:name' }, (p: MockPattern) => (this.templates.has(p.path.split('/').pop()!) ? '' : responseError(404, 'resource_not_found_exception', 'no template')));
    m.add({ method: 'HEAD', path: '/:index' }, (p: MockPattern) => (this.indices.has(decodeURIComponent(p.path.slice(1))) ? '' : responseError(404, 'index_not_found_exception', 'no such index')));
    m.add({ method: 'PUT', path: '/:index' }, (p: MockPattern) => {
      track(p);
      const name = decodeURIComponent(p.path.slice(1));
      if (this.indices.has(name)) return responseError(400, 'resource_already_exists_exception', `index [${name}] already exists`);
      this.indices.set(name, { docs: new Map(), mapping: ((p.body as { mappings?: Mapping } | undefined)?.mappings ?? {}) as Mapping, dataStream: false });
      return { acknowledged: true, shards_acknowledged: true, index: name };
    });
    m.add({ method: ['POST', 'PUT'], path: ['/_bulk', '/:index/_bulk'] }, (p: MockPattern) => {
      track(p);
      return this.bulk(p.body as unknown as Record<string, unknown>[]);
    });
    m.add({ method: 'GET', path: '/:index/_doc/:id' }, (p: MockPattern) => {
      const [, index, , id] = p.path.split('/').map(decodeURIComponent);
      const doc = this.indices.get(index)?.docs.get(id);
      if (!this.indices.has(index)) return responseError(404, 'index_not_found_exception', `no such index [${index}]`);
      return doc ? { _index: index, _id: id, found: true, _seq_no: doc.seq, _primary_term: 1, _source: doc.source } : new ResponseError({ body: { _index: index, _id: id, found: false }, statusCode: 404, headers: {}, warnings: null, meta: {} as never } as never);
    });
    m.add({ method: ['PUT', 'POST'], path: '/:index/_doc/:id' }, (p: MockPattern) => {
      track(p);
      const [, index, , id] = p.path.split('/').map(decodeURIComponent);
      const idx = this.indexFor(index);
      if (idx instanceof Error) return idx;
      const qs = p.querystring as Record<string, string>;
      const cur = idx.docs.get(id);
      if (qs.if_seq_no !== undefined && (!cur || String(cur.seq) !== String(qs.if_seq_no))) {
        return responseError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, required seqNo [${qs.if_seq_no}]`);
      }
      const err = this.validate(index, idx, p.body as Record<string, unknown>);
      if (err) return err;
      idx.docs.set(id, { source: structuredClone(p.body as Record<string, unknown>), seq: ++this.seq });
      return { _index: index, _id: id, result: cur ? 'updated' : 'created', _seq_no: this.seq, _primary_term: 1 };
    });
    m.add({ method: ['GET', 'POST'], path: ['/_mget', '/:index/_mget'] }, (p: MockPattern) => {
      const index = p.path === '/_mget' ? undefined : decodeURIComponent(p.path.split('/')[1]);
      const body = p.body as { ids?: string[]; docs?: { _index: string; _id: string }[] };
      const wanted = body.ids ? body.ids.map((id) => ({ _index: index!, _id: id })) : (body.docs ?? []);
      return {
        docs: wanted.map(({ _index, _id }) => {
          const doc = this.indices.get(_index)?.docs.get(_id);
          return doc ? { _index, _id, found: true, _seq_no: doc.seq, _primary_term: 1, _source: doc.source } : { _index, _id, found: false };
        }),
      };
    });
    m.add({ method: ['GET', 'POST'], path: '/:index/_search' }, (p: MockPattern) => this.search(decodeURIComponent(p.path.split('/')[1]), (p.body ?? {}) as Record<string, unknown>, p.querystring as Record<string, string>));
    m.add({ method: 'POST', path: '/_query' }, (p: MockPattern) => {
      track(p);
      const query = (p.body as { query?: unknown } | undefined)?.query;
      if (typeof query !== 'string') return responseError(400, 'parsing_exception', '[query] is required');
      this.esqlQueries.push(query);
      try {
        return runEsql(query, {
          docs: (index) => {
            const idx = this.indices.get(index);
            return idx ? [...idx.docs.entries()].map(([id, d]) => ({ id, index, source: d.source })) : null;
          },
          fieldType: (index, field) => this.fieldType(index, field),
        });
      } catch (err) {
        if (err instanceof EsqlError) return responseError(400, 'verification_exception', err.message);
        throw err;
      }
    });
    m.add({ method: ['GET', 'POST'], path: '/:index/_count' }, (p: MockPattern) => {
      const docs = this.docsOf(decodeURIComponent(p.path.split('/')[1]), false);
      if (docs instanceof Error) return docs;
      const q = (p.body as { query?: unknown } | undefined)?.query;
      return { count: docs.filter((d) => !q || this.matches(d.source, q as Record<string, unknown>, '')).length };
    });
  }

  /**
   * The same in-memory cluster over HTTP on 127.0.0.1, for code that builds its own client from a
   * URL (the CLI's --es-url). Requests are routed to the resolvers above; answers carry the
   * `X-Elastic-Product: Elasticsearch` header the client checks. Requests seen are in `httpRequests`
   * (method, path and headers), so tests can check authentication was sent.
   */
  readonly httpRequests: { method: string; path: string; authorization?: string }[] = [];

  async listen(): Promise<{ url: string; close: () => Promise<void> }> {
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        this.httpRequests.push({ method: req.method ?? 'GET', path: url.pathname, authorization: req.headers.authorization });
        const text = Buffer.concat(chunks).toString('utf8');
        const type = String(req.headers['content-type'] ?? '');
        let body: unknown = undefined;
        if (text) body = type.includes('x-ndjson') ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown) : (JSON.parse(text) as unknown);
        const params = { method: req.method ?? 'GET', path: url.pathname, querystring: Object.fromEntries(url.searchParams), body };
        const resolver = (this.mock as unknown as { get(p: unknown): ((p: unknown) => unknown) | null }).get(params);
        let status = 200;
        let payload: unknown = resolver ? resolver(params) : { error: 'no route', params };
        if (!resolver) status = 404;
        if (payload instanceof ResponseError) {
          status = payload.statusCode ?? 500;
          payload = payload.body;
        }
        const out = req.method === 'HEAD' ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  client(): Client {
    return new Client({ node: 'http://localhost:9200', Connection: this.mock.getConnection() as never, maxRetries: 0 });
  }

  docs(index: string): Record<string, unknown>[] {
    return [...(this.indices.get(index)?.docs.values() ?? [])].map((d) => d.source);
  }

  private templateFor(name: string): Record<string, unknown> | undefined {
    let best: Record<string, unknown> | undefined;
    let prio = -1;
    for (const t of this.templates.values()) {
      const patterns = (t.index_patterns as string[]) ?? [];
      if (patterns.some((pat) => new RegExp(`^${pat.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(name)) && Number(t.priority ?? 0) > prio) {
        best = t;
        prio = Number(t.priority ?? 0);
      }
    }
    return best;
  }

  /** The target of a write: an existing index, or a data stream created from its template. */
  private indexFor(name: string): { docs: Map<string, Doc>; mapping: Mapping; dataStream: boolean } | errors.ResponseError {
    const cur = this.indices.get(name);
    if (cur) return cur;
    const t = this.templateFor(name);
    const mapping = ((t?.template as { mappings?: Mapping } | undefined)?.mappings ?? {}) as Mapping;
    const created = { docs: new Map<string, Doc>(), mapping, dataStream: !!t?.data_stream };
    this.indices.set(name, created);
    return created;
  }

  private validate(index: string, idx: { mapping: Mapping; dataStream: boolean }, doc: Record<string, unknown>): errors.ResponseError | null {
    if (idx.dataStream && typeof doc['@timestamp'] !== 'string') {
      return responseError(400, 'document_parsing_exception', `data stream [${index}] requires a [@timestamp] field`);
    }
    const check = (mapping: Mapping, value: Record<string, unknown>, prefix: string, strict: boolean): string | null => {
      const props = (mapping.properties ?? {}) as Record<string, Mapping>;
      const dyn = mapping.dynamic === undefined ? strict : mapping.dynamic === 'strict';
      for (const [k, v] of Object.entries(value)) {
        const m = props[k];
        if (!m) {
          if (dyn && v !== null && v !== undefined) return `${prefix}${k}`;
          continue;
        }
        if (m.type === 'flattened' || m.type !== undefined) continue;
        const inner = Array.isArray(v) ? v : [v];
        for (const item of inner) {
          if (item && typeof item === 'object') {
            const bad = check(m, item as Record<string, unknown>, `${prefix}${k}.`, dyn);
            if (bad) return bad;
          }
        }
      }
      return null;
    };
    const bad = check(idx.mapping, doc, '', idx.mapping.dynamic === 'strict');
    return bad ? responseError(400, 'strict_dynamic_mapping_exception', `mapping set to strict, dynamic introduction of [${bad}] is not allowed`) : null;
  }

  private bulk(lines: Record<string, unknown>[]): unknown {
    if (this.requestRejections > 0) {
      this.requestRejections--;
      return responseError(429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation');
    }
    const items: Record<string, unknown>[] = [];
    let errorsSeen = false;
    for (let i = 0; i < lines.length; ) {
      const action = lines[i++];
      const [op, meta] = Object.entries(action)[0] as [string, { _index: string; _id?: string }];
      const doc = op === 'delete' ? undefined : (lines[i++] as Record<string, unknown>);
      const index = meta._index;
      const id = meta._id ?? `auto-${++this.seq}`;
      const fail = (status: number, type: string, reason: string) => {
        errorsSeen = true;
        items.push({ [op]: { _index: index, _id: id, status, error: { type, reason } } });
      };
      if (this.itemRejections > 0) {
        this.itemRejections--;
        fail(429, 'es_rejected_execution_exception', 'rejected execution of primary operation');
        continue;
      }
      const idx = this.indexFor(index);
      if (idx instanceof Error) {
        fail(404, 'index_not_found_exception', `no such index [${index}]`);
        continue;
      }
      if (idx.dataStream && op !== 'create') {
        fail(400, 'illegal_argument_exception', `only write ops with an op_type of create are allowed in data streams`);
        continue;
      }
      if (op === 'create' && idx.docs.has(id)) {
        fail(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists`);
        continue;
      }
      if (op === 'create' || op === 'index') {
        const err = this.validate(index, idx, doc!);
        if (err) {
          const body = err.body as { error: { type: string; reason: string } };
          fail(400, body.error.type, body.error.reason);
          continue;
        }
        const existed = idx.docs.has(id);
        idx.docs.set(id, { source: structuredClone(doc!), seq: ++this.seq });
        items.push({ [op]: { _index: index, _id: id, status: existed ? 200 : 201, result: existed ? 'updated' : 'created', _seq_no: this.seq } });
      } else fail(400, 'illegal_argument_exception', `unsupported bulk op ${op}`);
    }
    return { took: 1, errors: errorsSeen, items };
  }

  private docsOf(index: string, ignoreUnavailable: boolean): Doc[] | errors.ResponseError {
    const idx = this.indices.get(index);
    if (!idx) return ignoreUnavailable ? [] : responseError(404, 'index_not_found_exception', `no such index [${index}]`);
    return [...idx.docs.values()];
  }

  /** The mapped type of a field as ES|QL sees it ('lkw' = keyword with a normalizer). */
  private fieldType(index: string, field: string): string | undefined {
    if (field === '@timestamp') return 'date';
    const idx = this.indices.get(index);
    let m: Mapping | undefined = idx?.mapping;
    for (const part of field.split('.')) m = (m?.properties as Record<string, Mapping> | undefined)?.[part];
    if ((!m || typeof m.type !== 'string') && idx && idx.mapping.dynamic !== 'strict' && idx.mapping.dynamic !== false) {
      // a dynamically mapped field: typed by the first value indexed, strings by the dynamic template
      for (const d of idx.docs.values()) {
        const v = values(getPath(d.source, field))[0];
        if (v === undefined || (typeof v === 'object' && v !== null)) continue;
        if (typeof v === 'string') {
          const templates = (idx.mapping.dynamic_templates ?? []) as Record<string, { match_mapping_type?: string; mapping?: Mapping }>[];
          const str = templates.map((t) => Object.values(t)[0]).find((t) => t?.match_mapping_type === 'string');
          return str?.mapping?.type === 'keyword' ? (typeof str.mapping.normalizer === 'string' ? 'lkw' : 'keyword') : 'text';
        }
        if (typeof v === 'boolean') return 'boolean';
        return Number.isInteger(v) ? 'long' : 'double';
      }
      return undefined;
    }
    if (!m || typeof m.type !== 'string') return undefined;
    if (m.type === 'keyword') return typeof m.normalizer === 'string' ? 'lkw' : 'keyword';
    return m.type as string;
  }

  private keywordLower(index: string, field: string): boolean {
    const idx = this.indices.get(index);
    let m: Mapping | undefined = idx?.mapping;
    for (const part of field.split('.')) m = (m?.properties as Record<string, Mapping> | undefined)?.[part];
    return !!m && typeof m.normalizer === 'string';
  }

  private search(index: string, body: Record<string, unknown>, qs: Record<string, string>): unknown {
    const docs = this.docsOf(index, qs?.ignore_unavailable === 'true' || body.ignore_unavailable === true);
    if (docs instanceof Error) return docs;
    const idOf = new Map<Doc, string>([...(this.indices.get(index)?.docs ?? [])].map(([id, d]) => [d, id]));
    let hits = docs.filter((d) => !body.query || this.matches(d.source, body.query as Record<string, unknown>, index, idOf.get(d)));
    for (const s of [...((body.sort as Record<string, { order: string }>[]) ?? [])].reverse()) {
      const [field, spec] = Object.entries(s)[0];
      const dir = spec.order === 'desc' ? -1 : 1;
      hits = [...hits].sort((a, b) => {
        const x = values(getPath(a.source, field))[0] as string | number | undefined;
        const y = values(getPath(b.source, field))[0] as string | number | undefined;
        if (x === y) return 0;
        if (x === undefined) return 1;
        if (y === undefined) return -1;
        return (x < y ? -1 : 1) * dir;
      });
    }
    const sortFields = ((body.sort as Record<string, unknown>[]) ?? []).map((s) => Object.keys(s)[0]);
    const sortValues = (d: Doc) => sortFields.map((f) => values(getPath(d.source, f))[0] ?? null);
    if (Array.isArray(body.search_after)) {
      const after = body.search_after as unknown[];
      const dirs = ((body.sort as Record<string, { order: string }>[]) ?? []).map((s) => (Object.values(s)[0].order === 'desc' ? -1 : 1));
      hits = hits.filter((d) => {
        const v = sortValues(d);
        for (let i = 0; i < v.length; i++) {
          if (v[i] === after[i]) continue;
          return ((v[i] as string) > (after[i] as string) ? 1 : -1) * dirs[i] > 0;
        }
        return false;
      });
    }
    const size = body.size === undefined ? 10 : Number(body.size);
    const aggregations = body.aggs ? this.aggs(hits, body.aggs as Record<string, Record<string, unknown>>, index) : undefined;
    return {
      took: 1,
      timed_out: false,
      hits: { total: { value: hits.length, relation: 'eq' }, hits: hits.slice(0, size).map((d) => ({ _index: index, _id: idOf.get(d) ?? '', _source: this.sourceFilter(d.source, body._source), sort: sortValues(d) })) },
      ...(aggregations ? { aggregations } : {}),
    };
  }

  private aggs(docs: Doc[], spec: Record<string, Record<string, unknown>>, index: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, a] of Object.entries(spec)) {
      const sub = a.aggs as Record<string, Record<string, unknown>> | undefined;
      if (a.terms) {
        const t = a.terms as { field: string; size?: number };
        const groups = new Map<string, Doc[]>();
        for (const d of docs) for (const v of values(getPath(d.source, t.field))) groups.set(String(v), [...(groups.get(String(v)) ?? []), d]);
        const buckets = [...groups.entries()].sort((x, y) => y[1].length - x[1].length || x[0].localeCompare(y[0])).slice(0, t.size ?? 10);
        out[name] = { buckets: buckets.map(([key, ds]) => ({ key, doc_count: ds.length, ...(sub ? this.aggs(ds, sub, index) : {}) })) };
      } else if (a.missing) {
        const f = (a.missing as { field: string }).field;
        out[name] = { doc_count: docs.filter((d) => values(getPath(d.source, f)).length === 0).length };
      } else if (a.filter) {
        const ds = docs.filter((d) => this.matches(d.source, a.filter as Record<string, unknown>, index));
        out[name] = { doc_count: ds.length, ...(sub ? this.aggs(ds, sub, index) : {}) };
      } else if (a.min || a.max) {
        const f = ((a.min ?? a.max) as { field: string }).field;
        const nums = docs.flatMap((d) => values(getPath(d.source, f))).map((v) => (typeof v === 'string' ? Date.parse(v) : Number(v))).filter((n) => !Number.isNaN(n));
        out[name] = { value: nums.length ? nums.reduce((m, n) => (a.min ? Math.min(m, n) : Math.max(m, n))) : null };
      } else if (a.top_hits) {
        const th = a.top_hits as { size: number; sort?: Record<string, { order: string }>[] };
        const r = this.search(index, { size: th.size, sort: th.sort }, {}) as unknown;
        void r;
        const sorted = [...docs].sort((x, y) => {
          const [field, s] = Object.entries(th.sort?.[0] ?? { _id: { order: 'asc' } })[0];
          const a1 = String(values(getPath(x.source, field))[0] ?? '');
          const b1 = String(values(getPath(y.source, field))[0] ?? '');
          return (a1 < b1 ? -1 : a1 > b1 ? 1 : 0) * (s.order === 'desc' ? -1 : 1);
        });
        out[name] = { hits: { hits: sorted.slice(0, th.size).map((d) => ({ _source: d.source })) } };
      } else throw new Error(`fake Elasticsearch: unsupported aggregation ${JSON.stringify(a)}`);
    }
    return out;
  }

  /** `_source` filtering with a list of field paths (a path keeps everything under it). */
  private sourceFilter(src: Record<string, unknown>, spec: unknown): Record<string, unknown> {
    if (!Array.isArray(spec)) return src;
    const out: Record<string, unknown> = {};
    for (const path of spec as string[]) {
      const v = getPath(src, path);
      if (v === undefined) continue;
      const parts = path.split('.');
      let cur = out;
      for (const part of parts.slice(0, -1)) cur = (cur[part] ??= {}) as Record<string, unknown>;
      cur[parts[parts.length - 1]] = v;
    }
    return out;
  }

  private matches(src: Record<string, unknown>, q: Record<string, unknown>, index: string, id?: string): boolean {
    const [kind, arg] = Object.entries(q)[0] as [string, Record<string, unknown>];
    const eq = (field: string, v: unknown, x: unknown) =>
      this.keywordLower(index, field) && typeof x === 'string' && typeof v === 'string' ? x.toLowerCase() === v.toLowerCase() : String(x) === String(v);
    switch (kind) {
      case 'match_all':
        return true;
      case 'ids':
        return id !== undefined && ((arg.values as string[]) ?? []).includes(id);
      case 'bool': {
        const all = (k: string) => ((arg[k] as Record<string, unknown>[] | Record<string, unknown> | undefined) ?? []);
        const list = (k: string) => {
          const v = all(k);
          return Array.isArray(v) ? v : [v];
        };
        const should = list('should');
        return (
          list('filter').every((c) => this.matches(src, c, index, id)) &&
          list('must').every((c) => this.matches(src, c, index, id)) &&
          !list('must_not').some((c) => this.matches(src, c, index, id)) &&
          (should.length === 0 || should.some((c) => this.matches(src, c, index, id)))
        );
      }
      case 'term': {
        const [field, v] = Object.entries(arg)[0];
        const spec = v && typeof v === 'object' && 'value' in (v as object) ? (v as { value: unknown; case_insensitive?: boolean }) : { value: v };
        return values(getPath(src, field)).some((x) =>
          spec.case_insensitive && typeof x === 'string' ? x.toLowerCase() === String(spec.value).toLowerCase() : eq(field, spec.value, x),
        );
      }
      case 'wildcard':
      case 'prefix':
      case 'regexp': {
        const [field, v] = Object.entries(arg)[0] as [string, { value: string; case_insensitive?: boolean } | string];
        const spec = typeof v === 'string' ? { value: v } : v;
        const ci = spec.case_insensitive === true || this.keywordLower(index, field);
        const re = new RegExp(`^(?:${kind === 'regexp' ? spec.value : kind === 'prefix' ? `${escapeRe(spec.value)}.*` : wildcardRe(spec.value)})$`, ci ? 'is' : 's');
        return values(getPath(src, field)).some((x) => typeof x !== 'object' && re.test(String(x)));
      }
      case 'terms': {
        const [field, list] = Object.entries(arg)[0] as [string, unknown[]];
        return values(getPath(src, field)).some((x) => list.some((v) => eq(field, v, x)));
      }
      case 'exists':
        return values(getPath(src, String(arg.field))).length > 0;
      case 'range': {
        const [field, r] = Object.entries(arg)[0] as [string, Record<string, unknown>];
        const num = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)));
        return values(getPath(src, field)).some((x) => {
          const n = num(x);
          return (
            (r.gte === undefined || n >= num(r.gte)) &&
            (r.gt === undefined || n > num(r.gt)) &&
            (r.lte === undefined || n <= num(r.lte)) &&
            (r.lt === undefined || n < num(r.lt))
          );
        });
      }
      default:
        throw new Error(`fake Elasticsearch: unsupported query ${kind}`);
    }
  }
}
