import { importJWK, jwtVerify, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { startFakeServer, bearerOf, type FakeServer, type Router, type VendorReply } from './harness.js';

/**
 * A local Okta org speaking the System Log API (`GET /api/v1/logs`) as documented:
 * since/until/after/limit/sortOrder; `Link: <…>; rel="self"` and `rel="next"` headers (a polling
 * request — no `until` — gets `next` even on an empty page; a bounded request's last page has none);
 * `X-Rate-Limit-Limit/-Remaining/-Reset` on every response with a per-window budget, and the
 * E0000047 body on 429; E0000011 on a bad or expired token; OAuth 2.0 client credentials with a
 * private_key_jwt client assertion at `/oauth2/v1/token`; users, factors and admin role endpoints.
 */
export interface OktaServerOptions {
  events: Record<string, unknown>[];
  /** SSWS API token accepted (exact). */
  apiToken?: string;
  /** OAuth service app: client id and its public JWK; issues bearer tokens. */
  oauth?: { clientId: string; publicJwk: JWK; expiresIn?: number };
  /** Rate-limit budget per window (Okta: per minute per endpoint). */
  rateLimit?: { limit: number; windowMs: number };
  /** Events that only become visible after `afterRequests` log requests (late arrival). */
  late?: Array<{ event: Record<string, unknown>; afterRequests: number }>;
  users?: Array<Record<string, unknown>>;
  factors?: Record<string, unknown[]>;
  roles?: Record<string, unknown[]>;
}

export interface OktaServer extends FakeServer {
  /** 429s answered because the client overspent the budget (not injected ones). */
  readonly budget429s: number;
  /** Access tokens issued by the token endpoint. */
  readonly tokensIssued: number;
}

const err = (code: string, summary: string) => ({ errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${randomUUID().replace(/-/g, '').slice(0, 22)}`, errorCauses: [] });

export async function startOktaServer(opts: OktaServerOptions): Promise<OktaServer> {
  let base = '';
  const rl = opts.rateLimit ?? { limit: 600, windowMs: 60_000 };
  let windowStart = Date.now();
  let used = 0;
  let budget429s = 0;
  let tokensIssued = 0;
  let logRequests = 0;
  const validBearer = new Set<string>();
  let sswsValid = true;
  const events = [...opts.events];

  const visible = () => {
    const all = [...events, ...(opts.late ?? []).filter((l) => logRequests > l.afterRequests).map((l) => l.event)];
    return all.sort((a, b) => String(a.published).localeCompare(String(b.published)) || String(a.uuid).localeCompare(String(b.uuid)));
  };

  const rateHeaders = (): Record<string, string> => {
    const now = Date.now();
    if (now - windowStart >= rl.windowMs) {
      windowStart = now;
      used = 0;
    }
    return {
      'x-rate-limit-limit': String(rl.limit),
      'x-rate-limit-remaining': String(Math.max(0, rl.limit - used)),
      'x-rate-limit-reset': String(Math.ceil((windowStart + rl.windowMs) / 1000)),
    };
  };

  const throttleReply = (): VendorReply => {
    const h = rateHeaders();
    h['x-rate-limit-remaining'] = '0';
    if (h['x-rate-limit-reset'] === String(Math.ceil(Date.now() / 1000))) h['x-rate-limit-reset'] = String(Math.ceil(Date.now() / 1000) + 1);
    return { status: 429, headers: h, body: err('E0000047', 'API call exceeded rate limit due to too many requests.') };
  };

  const authorized = (auth: string | undefined): boolean => {
    if (!auth) return false;
    if (auth.startsWith('SSWS ')) return sswsValid && opts.apiToken !== undefined && auth.slice(5) === opts.apiToken;
    if (auth.startsWith('Bearer ')) return validBearer.has(auth.slice(7));
    return false;
  };

  const router: Router = {
    counts: (url) => url.pathname.startsWith('/api/v1/'),
    throttle: throttleReply,
    serverError: (status) => ({ status, body: status === 500 ? err('E0000009', 'Internal Server Error') : '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' }),
    expireToken() {
      validBearer.clear();
      sswsValid = opts.oauth !== undefined; // an SSWS token "expires" for good: it was revoked
    },
    async handle({ url, req, body }) {
      if (url.pathname === '/oauth2/v1/token') return token(body);
      if (!authorized(bearerOf(req))) {
        const headers: Record<string, string> = {};
        if (bearerOf(req)?.startsWith('Bearer ')) headers['www-authenticate'] = `Bearer authorization_uri="${base}/oauth2/v1/authorize", realm="${base}", scope="okta.logs.read", error="invalid_token", error_description="The token has expired.", resource="${url.pathname}"`;
        return { status: 401, headers: { ...headers, ...rateHeaders() }, body: err('E0000011', 'Invalid token provided') };
      }
      const headers: Record<string, string | string[]> = rateHeaders();
      if (used >= rl.limit) {
        budget429s++;
        return throttleReply();
      }
      used++;
      headers['x-rate-limit-remaining'] = String(Math.max(0, rl.limit - used));
      if (url.pathname === '/api/v1/logs') return logs(url, headers);
      if (url.pathname === '/api/v1/users') return list(url, headers, opts.users ?? []);
      const f = /^\/api\/v1\/users\/([^/]+)\/factors$/.exec(url.pathname);
      if (f) return { status: 200, headers, body: opts.factors?.[decodeURIComponent(f[1])] ?? [] };
      const r = /^\/api\/v1\/users\/([^/]+)\/roles$/.exec(url.pathname);
      if (r) return { status: 200, headers, body: opts.roles?.[decodeURIComponent(r[1])] ?? [] };
      if (url.pathname === '/api/v1/iam/assignees/users') {
        const ids = Object.keys(opts.roles ?? {});
        return { status: 200, headers, body: { value: ids.map((id) => ({ id, orn: `orn:okta:directory:00o1:users:${id}`, _links: { self: { href: `${base}/api/v1/users/${id}` } } })), _links: {} } };
      }
      return { status: 404, headers, body: err('E0000022', 'The endpoint does not support the provided HTTP method') };
    },
  };

  function logs(url: URL, headers: Record<string, string | string[]>): VendorReply {
    logRequests++;
    const q = url.searchParams;
    const limit = Math.min(1000, Number(q.get('limit') ?? 100));
    const until = q.get('until');
    const since = q.get('since') ?? new Date(Date.now() - 7 * 86_400_000).toISOString();
    const sinceMs = Date.parse(since);
    const untilMs = until ? Date.parse(until) : Infinity;
    if (!Number.isFinite(sinceMs) || (until && !Number.isFinite(untilMs))) {
      return { status: 400, headers, body: err('E0000001', 'Api validation failed: since') };
    }
    if (q.get('sortOrder') && q.get('sortOrder') !== 'ASCENDING') {
      return { status: 400, headers, body: err('E0000001', 'this fake serves ASCENDING only') };
    }
    const inWindow = visible().filter((e) => {
      const t = Date.parse(String(e.published));
      return t >= sinceMs && t < untilMs;
    });
    // The `after` cursor is opaque to clients; here it is the position of the last event served.
    const after = q.get('after');
    let start = 0;
    if (after) {
      const [pub, id] = Buffer.from(after, 'base64url').toString('utf8').split('|');
      start = inWindow.findIndex((e) => String(e.published) > pub || (String(e.published) === pub && String(e.uuid) > id));
      if (start < 0) start = inWindow.length;
    }
    const page = inWindow.slice(start, start + limit);
    const self = url.toString().replace('http://127.0.0.1', base.replace(/\/$/, ''));
    const links = [`<${self}>; rel="self"`];
    const last = page[page.length - 1];
    const more = start + page.length < inWindow.length;
    if (!until || more) {
      const next = new URL(`${base}/api/v1/logs`);
      for (const [k, v] of q) if (k !== 'after') next.searchParams.set(k, v);
      const cursor = last ? Buffer.from(`${last.published}|${last.uuid}`).toString('base64url') : after;
      if (cursor) next.searchParams.set('after', cursor);
      links.push(`<${next.toString()}>; rel="next"`);
    }
    return { status: 200, headers: { ...headers, link: links }, body: page };
  }

  function list(url: URL, headers: Record<string, string | string[]>, items: Array<Record<string, unknown>>): VendorReply {
    const limit = Number(url.searchParams.get('limit') ?? 200);
    const after = url.searchParams.get('after');
    const start = after ? items.findIndex((u) => u.id === after) + 1 : 0;
    const page = items.slice(start, start + limit);
    const links = [`<${base}${url.pathname}${url.search}>; rel="self"`];
    if (start + limit < items.length) links.push(`<${base}${url.pathname}?limit=${limit}&after=${page[page.length - 1].id}>; rel="next"`);
    return { status: 200, headers: { ...headers, link: links }, body: page };
  }

  async function token(body: string): Promise<VendorReply> {
    const form = new URLSearchParams(body);
    const bad = (e: string, d: string): VendorReply => ({ status: 401, body: { error: e, error_description: d } });
    if (!opts.oauth) return bad('invalid_client', 'No OAuth client configured');
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' } };
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return bad('invalid_client', 'client_assertion_type is invalid.');
    try {
      const key = await importJWK(opts.oauth.publicJwk, 'RS256');
      const { payload } = await jwtVerify(form.get('client_assertion') ?? '', key, { audience: `${base}/oauth2/v1/token`, issuer: opts.oauth.clientId, subject: opts.oauth.clientId });
      if (!payload.jti || !payload.exp) return bad('invalid_client', 'The client_assertion token is missing jti or exp.');
    } catch (e) {
      return bad('invalid_client', `The client_assertion signature is invalid (${(e as Error).message}).`);
    }
    const scope = form.get('scope') ?? '';
    if (!scope.includes('okta.logs.read')) return { status: 400, body: { error: 'invalid_scope', error_description: 'The authorization server resource does not have any configured default scopes, \'scope\' must be provided.' } };
    const t = `eyJraWQiOi${randomUUID().replace(/-/g, '')}`;
    validBearer.add(t);
    tokensIssued++;
    return { status: 200, body: { token_type: 'Bearer', expires_in: opts.oauth.expiresIn ?? 3600, access_token: t, scope } };
  }

  const server = await startFakeServer(router);
  base = server.url;
  return Object.defineProperties(server, {
    budget429s: { get: () => budget429s },
    tokensIssued: { get: () => tokensIssued },
  }) as OktaServer;
}
