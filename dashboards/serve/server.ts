import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { IdtrailError } from '../../lib/errors.js';
import { logger, redactSecrets } from '../../lib/log.js';
import { projectRoot } from '../../lib/paths.js';
import { toPlain } from '../../store/duckdb/db.js';
import type { AlertResolution } from '../../detections/alerts/model.js';
import { queryToArrow } from '../../store/export.js';
import { renderSvg, baseConfig } from '../render.js';
import { buildKpiDashboard } from '../kpi-dashboard.js';
import { buildAlertOverview } from '../alert-overview.js';
import { alertOverviewData } from '../alert-data.js';
import { kpiTiles } from '../kpi-data.js';
import { parseNotebook, bindParams, runNotebook } from '../../notebooks/runner/index.js';
import { renderHtml } from '../../notebooks/runner/render.js';
import { detailPage, errorPage, queuePage, type QueueFilter } from './pages.js';

export interface ServeOptions {
  db: string;
  host?: string;
  port?: number;
  /** Required unless bound to a loopback address. */
  token?: string;
  /** KPI config file (targets) for the dashboard. */
  config?: string;
}

export interface RunningServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The local web view: alert queue with triage, alert detail with evidence, the KPI dashboard, the
 * alert overview, user and IP pages, and data endpoints (JSON and Apache Arrow IPC).
 *
 * The store is opened per request and closed right after, one request at a time: the web view never
 * holds the database while an ingest in another process wants it, and a request that finds the store
 * busy retries briefly, then answers 503.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const loopback = LOOPBACK.test(host);
  if (!loopback && !opts.token) {
    throw new IdtrailError('usage', `binding to ${host} exposes the web view beyond this machine and needs a token`, {
      hint: 'pass --token or set IDTRAIL_SERVE_TOKEN, or bind to 127.0.0.1',
    });
  }
  const csrf = randomBytes(18).toString('base64url');
  let queue: Promise<unknown> = Promise.resolve();
  const withStore = <T>(write: boolean, fn: (store: DuckDbStore) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      const store = await openWithRetry(opts.db, write);
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof IdtrailError ? (err.code === 'store_error' ? 503 : 400) : 500;
      const message = err instanceof IdtrailError ? err.format() : (err as Error).message;
      if (status >= 500) logger().error({ err: redactSecrets(String((err as Error)?.stack ?? err)) }, 'web view request failed');
      if (!res.headersSent) {
        const wantsJson = (req.url ?? '').startsWith('/api/');
        res.writeHead(status, { 'content-type': wantsJson ? 'application/json' : 'text/html; charset=utf-8' });
        res.end(wantsJson ? JSON.stringify({ error: redactSecrets(message) }) : errorPage(status, redactSecrets(message), new Date().toISOString()));
      } else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    // A loopback-bound view only answers to loopback host names (no DNS rebinding from a web page).
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (loopback && !LOOPBACK.test(hostHeader)) throw new HttpError(403, `host ${hostHeader} not allowed`);
    if (url.pathname === '/healthz') return send(res, 200, 'application/json', '{"ok":true}');
    if (opts.token) {
      if (url.pathname === '/login' && method === 'GET') {
        if (!tokenMatches(url.searchParams.get('token'), opts.token)) throw new HttpError(401, 'wrong or missing token');
        res.writeHead(302, { location: '/alerts', 'set-cookie': `idtrail_token=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/` });
        return void res.end();
      }
      if (!authorized(req, opts.token)) throw new HttpError(401, 'this web view needs a token: open /login?token=… or send Authorization: Bearer …');
    }
    const now = new Date().toISOString();
    const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);

    if (method === 'POST' && seg[0] === 'alerts' && seg.length === 3 && (seg[2] === 'ack' || seg[2] === 'close')) {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('csrf') !== csrf) throw new HttpError(403, 'the form has expired; reload the page and try again');
      const id = seg[1];
      const resolution = (form.get('resolution') || null) as AlertResolution | null;
      const note = form.get('note')?.slice(0, 2000) || null;
      await withStore(true, (s) => s.setAlertStatus(id, seg[2] === 'ack' ? 'acknowledged' : 'closed', seg[2] === 'close' ? resolution : null, note));
      const back = form.get('back') ?? '';
      const target = back.startsWith('/') && !back.startsWith('//') ? back : `/alerts/${encodeURIComponent(id)}`;
      res.writeHead(303, { location: target });
      return void res.end();
    }
    if (method !== 'GET') throw new HttpError(405, `${method} not allowed here`);

    if (seg.length === 0) {
      res.writeHead(302, { location: '/alerts' });
      return void res.end();
    }
    if (seg[0] === 'alerts' && seg.length === 1) {
      const f: QueueFilter = Object.fromEntries(['status', 'severity', 'rule', 'q', 'sort', 'dir'].map((k) => [k, url.searchParams.get(k) ?? undefined]));
      const alerts = await withStore(false, (s) => s.listAlerts());
      return send(res, 200, 'text/html; charset=utf-8', queuePage(alerts, f, csrf, now));
    }
    if (seg[0] === 'alerts' && seg.length === 2) {
      const html = await withStore(false, async (s) => {
        const a = await s.getAlert(seg[1]);
        if (!a) throw new HttpError(404, `no alert ${seg[1]}`);
        const evidence = (
          await s.db.all(
            `SELECT event_uid, event_time, source, action, outcome, outcome_reason, actor_name, target_user_name, src_ip,
                    src_as_org, geo_city, geo_country_iso2 AS country, geo_lat, geo_lon, app_name, client_app, is_interactive, session_id
             FROM identity_events WHERE list_contains($1, event_uid) ORDER BY event_time`,
            [a.evidence_event_ids],
          )
        ).map((r) => toPlain(r) as Record<string, unknown>);
        return detailPage(a, evidence, await evidenceCharts(evidence), csrf, now);
      });
      return send(res, 200, 'text/html; charset=utf-8', html);
    }
    if (seg[0] === 'kpis' && seg.length === 1) {
      const html = await withStore(false, async (s) => {
        const { period, tiles } = await kpiTiles(s.db, { week: url.searchParams.get('week') ?? undefined, compute: { write: false, configFile: opts.config } });
        return (await buildKpiDashboard(tiles, { period: period.label, generatedAt: now })).html;
      });
      return send(res, 200, 'text/html; charset=utf-8', fixNav(html));
    }
    if (seg[0] === 'overview' && seg.length === 1) {
      const html = await withStore(false, async (s) => (await buildAlertOverview(await alertOverviewData(s.db, { generatedAt: now }))).html);
      return send(res, 200, 'text/html; charset=utf-8', fixNav(html));
    }
    if ((seg[0] === 'users' || seg[0] === 'ips') && seg.length === 2) {
      const file = seg[0] === 'users' ? 'user-investigation.md' : 'ip-pivot.md';
      const nbPath = path.join(projectRoot(), 'notebooks', file);
      const nb = parseNotebook(await readFile(nbPath, 'utf8'), `notebooks/${file}`);
      const params = bindParams(nb, { [seg[0] === 'users' ? 'user' : 'ip']: seg[1] });
      const html = await withStore(false, async (s) => renderHtml(await runNotebook(s.db, nb, params), now));
      return send(res, 200, 'text/html; charset=utf-8', fixNav(html));
    }
    if (seg[0] === 'api') return api(seg.slice(1), url, res);
    throw new HttpError(404, `nothing at ${url.pathname}`);
  }

  async function api(seg: string[], url: URL, res: http.ServerResponse): Promise<void> {
    const name = seg.join('/');
    const arrow = name.endsWith('.arrow');
    const base = name.replace(/\.(arrow|json)$/, '');
    const q = url.searchParams;
    let sql: string;
    let params: Record<string, unknown> = {};
    if (base === 'alerts') {
      sql = `SELECT alert_id, rule_id, rule_title, rule_author, severity, tactics, techniques, entity_user, entity_ip, entity_app,
                    first_seen, last_seen, event_count, evidence_event_ids, explanation, status, resolution, suppressed_by
             FROM alerts WHERE ($status IS NULL OR status = $status) AND ($rule IS NULL OR rule_id = $rule)
             ORDER BY last_seen DESC, alert_id`;
      params = { status: q.get('status'), rule: q.get('rule') };
    } else if (base === 'kpis') {
      sql = `SELECT kpi_id, period, status, value, numerator, denominator, target, met, previous_value, change, needs
             FROM kpi_results WHERE ($period IS NULL OR period = $period) ORDER BY period, kpi_id`;
      params = { period: q.get('period') };
    } else if (base === 'events') {
      const limit = Math.min(Number(q.get('limit') ?? 10_000) || 10_000, 100_000);
      sql = `SELECT event_uid, event_time, source, event_class, action, outcome, outcome_reason, actor_name, target_user_name,
                    src_ip, src_asn, geo_city, geo_country_iso2, geo_lat, geo_lon, app_name, client_app, is_interactive, session_id
             FROM identity_events
             WHERE ($user IS NULL OR lower(actor_name) = lower($user) OR lower(target_user_name) = lower($user))
               AND ($ip IS NULL OR src_ip = $ip)
               AND ($since IS NULL OR event_time >= CAST($since AS TIMESTAMP))
             ORDER BY event_time LIMIT $limit`;
      const since = q.get('since');
      if (since !== null && Number.isNaN(Date.parse(since))) throw new HttpError(400, 'since must be an ISO-8601 time');
      params = { user: q.get('user'), ip: q.get('ip'), since, limit };
    } else throw new HttpError(404, `no data endpoint ${name}`);
    const body = await withStore(false, async (s) => (arrow ? Buffer.from(await queryToArrow(s.db, sql, params)) : JSON.stringify((await s.db.all(sql, params as never)).map(toPlain))));
    return send(res, 200, arrow ? 'application/vnd.apache.arrow.stream' : 'application/json', body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8787, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 8787;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The dashboards are built as static files with relative links; in the web view the nav points at routes. */
function fixNav(html: string): string {
  return html.replace('<a href="index.html">KPIs</a>', '<a href="/alerts">Alert queue</a><a href="/kpis">KPI dashboard</a>').replace('<a href="alerts.html">Alerts</a>', '<a href="/overview">Alert overview</a>');
}

async function openWithRetry(file: string, write: boolean): Promise<DuckDbStore> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return await DuckDbStore.open(file, { readOnly: !write, migrate: write });
    } catch (err) {
      const busy = /lock|busy|conflicting/i.test((err as Error).message);
      if (!busy || Date.now() > deadline) {
        if (busy) throw new HttpError(503, 'the store is busy (an ingest holds it); try again in a moment');
        throw err;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function authorized(req: http.IncomingMessage, token: string): boolean {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && tokenMatches(auth.slice(7), token)) return true;
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith('idtrail_token='));
  return !!cookie && tokenMatches(decodeURIComponent(cookie.slice('idtrail_token='.length)), token);
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(body);
}

function readBody(req: http.IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The alert detail's charts: the evidence events over time, and where they came from. */
async function evidenceCharts(evidence: Record<string, unknown>[]): Promise<{ timeline?: string; map?: string }> {
  if (evidence.length === 0) return {};
  const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
  const timeline = await renderSvg({
    $schema: schema,
    config: baseConfig(),
    width: 760,
    height: 140,
    data: { values: evidence },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: { field: 'event_time', type: 'temporal', title: null },
      y: { field: 'action', type: 'nominal', title: null },
      color: { field: 'outcome', type: 'nominal', scale: { domain: ['success', 'failure', 'challenge', 'unknown'], range: ['#2e7d32', '#c62828', '#ef6c00', '#78909c'] } },
      tooltip: [{ field: 'event_time', type: 'temporal', format: '%Y-%m-%d %H:%M:%S' }, { field: 'src_ip' }, { field: 'geo_city' }],
    },
  } as unknown as TopLevelSpec);
  const located = evidence.filter((e) => typeof e.geo_lat === 'number' && typeof e.geo_lon === 'number');
  if (located.length === 0) return { timeline };
  const map = await renderSvg({
    $schema: schema,
    config: baseConfig(),
    width: 760,
    height: 380,
    projection: { type: 'equirectangular' },
    layer: [
      { data: { sphere: true }, mark: { type: 'geoshape', fill: '#f5f9fa', stroke: '#90a4ae' } },
      { data: { graticule: { step: [30, 30] } }, mark: { type: 'geoshape', fill: null, stroke: '#cfd8dc', strokeWidth: 0.5 } },
      {
        data: { values: located },
        mark: { type: 'line', color: '#c62828', strokeDash: [4, 3] },
        encoding: { longitude: { field: 'geo_lon', type: 'quantitative' }, latitude: { field: 'geo_lat', type: 'quantitative' }, order: { field: 'event_time', type: 'temporal' } },
      },
      {
        data: { values: located },
        mark: { type: 'circle', size: 90, color: '#c62828' },
        encoding: { longitude: { field: 'geo_lon', type: 'quantitative' }, latitude: { field: 'geo_lat', type: 'quantitative' } },
      },
      {
        data: { values: located },
        mark: { type: 'text', dy: -12, fontSize: 11 },
        encoding: { longitude: { field: 'geo_lon', type: 'quantitative' }, latitude: { field: 'geo_lat', type: 'quantitative' }, text: { field: 'geo_city' } },
      },
    ],
  } as unknown as TopLevelSpec);
  return { timeline, map };
}
