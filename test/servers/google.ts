import { randomUUID } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { bearerOf, startFakeServer, type FakeServer, type Router, type VendorReply } from './harness.js';

/**
 * A local Google OAuth token endpoint + Admin SDK Reports API. The token endpoint accepts the JWT
 * bearer grant of a service account (RS256, iss = client_email, sub = the impersonated admin,
 * scope = admin.reports.audit.readonly, aud = the token URL). `activities.list` for users/all and an
 * application answers newest first with `items` (absent when empty), `nextPageToken`, `startTime`/
 * `endTime`/`maxResults` (1..1000), and Google's error bodies (`{"error":{"code","message","errors",
 * "status"}}`).
 */
export interface GoogleServerOptions {
  clientEmail: string;
  publicKeyPem: string;
  /** Admins that domain-wide delegation lets the service account act as. */
  subjects: string[];
  activities: Record<string, Record<string, unknown>[]>;
}

export interface GoogleServer extends FakeServer {
  readonly tokensIssued: number;
  readonly lastAssertion: Record<string, unknown> | undefined;
}

const gError = (code: number, status: string, message: string, reason: string) => ({
  error: { code, message, errors: [{ message, domain: code === 429 ? 'usageLimits' : 'global', reason }], status },
});

export async function startGoogleServer(opts: GoogleServerOptions): Promise<GoogleServer> {
  let base = '';
  const tokens = new Set<string>();
  let tokensIssued = 0;
  let lastAssertion: Record<string, unknown> | undefined;
  const data = Object.fromEntries(Object.entries(opts.activities).map(([app, list]) => [app, [...list].sort((a, b) => String((b.id as { time: string }).time).localeCompare(String((a.id as { time: string }).time)))]));

  const router: Router = {
    counts: (url) => url.pathname !== '/token',
    throttle: () => ({
      status: 429,
      body: gError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com' for consumer 'project_number:123456789012'.", 'rateLimitExceeded'),
    }),
    serverError: (status) => ({ status, body: status === 503 ? gError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'backendError') : gError(status, 'INTERNAL', 'Internal error encountered.', 'backendError') }),
    expireToken: () => tokens.clear(),
    async handle({ url, req, body }) {
      if (url.pathname === '/token') return token(body);
      const auth = bearerOf(req);
      if (!auth?.startsWith('Bearer ') || !tokens.has(auth.slice(7))) {
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
          body: gError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError'),
        };
      }
      const m = /^\/admin\/reports\/v1\/activity\/users\/all\/applications\/([a-z_]+)$/.exec(url.pathname);
      if (!m) return { status: 404, body: gError(404, 'NOT_FOUND', 'Not Found', 'notFound') };
      const app = m[1];
      if (!['login', 'admin', 'token', 'drive', 'saml', 'user_accounts', 'groups'].includes(app)) {
        return { status: 400, body: gError(400, 'INVALID_ARGUMENT', `Invalid value '${app}'. Values must match the following regular expression: '(access_transparency)|(admin)|…'`, 'invalid') };
      }
      const q = url.searchParams;
      const max = Number(q.get('maxResults') ?? 1000);
      if (!Number.isInteger(max) || max < 1 || max > 1000) return { status: 400, body: gError(400, 'INVALID_ARGUMENT', 'Invalid value for maxResults', 'invalid') };
      const start = q.get('startTime');
      const end = q.get('endTime');
      if ((start && !Number.isFinite(Date.parse(start))) || (end && !Number.isFinite(Date.parse(end)))) return { status: 400, body: gError(400, 'INVALID_ARGUMENT', 'Invalid value for startTime/endTime', 'invalid') };
      const rows = (data[app] ?? []).filter((a) => {
        const t = Date.parse((a.id as { time: string }).time);
        return (!start || t >= Date.parse(start)) && (!end || t <= Date.parse(end));
      });
      let offset = 0;
      const pt = q.get('pageToken');
      if (pt) {
        const [s, e, o] = Buffer.from(pt, 'base64url').toString().split('|');
        if (s !== (start ?? '') || e !== (end ?? '') || !/^\d+$/.test(o ?? '')) return { status: 400, body: gError(400, 'INVALID_ARGUMENT', 'Invalid page token', 'invalid') };
        offset = Number(o);
      }
      const page = rows.slice(offset, offset + max);
      const out: Record<string, unknown> = { kind: 'admin#reports#activities', etag: `"${randomUUID()}"` };
      if (page.length) out.items = page;
      if (offset + max < rows.length) out.nextPageToken = Buffer.from(`${start ?? ''}|${end ?? ''}|${offset + max}`).toString('base64url');
      return { status: 200, body: out };
    },
  };

  async function token(body: string): Promise<VendorReply> {
    const f = new URLSearchParams(body);
    const bad = (error: string, desc: string, status = 400): VendorReply => ({ status, body: { error, error_description: desc } });
    if (f.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return bad('unsupported_grant_type', 'Invalid grant_type: ' + f.get('grant_type'));
    let payload: Record<string, unknown>;
    try {
      const key = await importSPKI(opts.publicKeyPem, 'RS256');
      ({ payload } = await jwtVerify(f.get('assertion') ?? '', key, { audience: `${base}/token`, issuer: opts.clientEmail }));
    } catch (e) {
      return bad('invalid_grant', `Invalid JWT Signature. (${(e as Error).message})`);
    }
    lastAssertion = payload;
    if (!String(payload.scope ?? '').split(' ').includes('https://www.googleapis.com/auth/admin.reports.audit.readonly')) return bad('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    if (!opts.subjects.includes(String(payload.sub))) return bad('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.', 401);
    const t = `ya29.${randomUUID().replace(/-/g, '')}`;
    tokens.add(t);
    tokensIssued++;
    return { status: 200, body: { access_token: t, expires_in: 3599, token_type: 'Bearer' } };
  }

  const server = await startFakeServer(router);
  base = server.url;
  return Object.defineProperties(server, {
    tokensIssued: { get: () => tokensIssued },
    lastAssertion: { get: () => lastAssertion },
  }) as GoogleServer;
}
