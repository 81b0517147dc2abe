import { randomUUID } from 'node:crypto';
import { importX509, jwtVerify } from 'jose';
import { bearerOf, startFakeServer, type FakeServer, type Router, type VendorReply } from './harness.js';

/**
 * A local Microsoft identity platform + Microsoft Graph: the v2.0 token endpoint (client credentials
 * with a client secret or a certificate client assertion) and `auditLogs/signIns` (v1.0 and beta with
 * `signInEventTypes/any(t: t eq '…')`), `auditLogs/directoryAudits`, `auditLogs/provisioning`, listed
 * newest first, filtered with `$filter=<time> ge … and <time> le …`, paged with `$top` and an opaque
 * `@odata.nextLink` ($skiptoken). Throttling answers 429 with `Retry-After` (fractional seconds) and
 * the Graph error body; the audit-log budget (5 requests per 10 s) is enforced when configured.
 * Inventory: users with signInActivity, userRegistrationDetails, role assignments and PIM schedules.
 */
export interface GraphServerOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM certificate whose key signs client assertions. */
  certificatePem?: string;
  signIns?: Record<string, unknown>[];
  /** beta sign-ins by signInEventTypes value. */
  betaSignIns?: Record<string, Record<string, unknown>[]>;
  directoryAudits?: Record<string, unknown>[];
  provisioning?: Record<string, unknown>[];
  /** Server-side audit budget; absent = unlimited. */
  auditBudget?: { requests: number; windowMs: number };
  /** Retry-After sent with a 429 (seconds, may be fractional). */
  retryAfter?: string;
  inventory?: Record<string, unknown[]>;
  tokenLifetimeSec?: number;
}

export interface GraphServer extends FakeServer {
  readonly budget429s: number;
  readonly tokensIssued: number;
  /** Times at which auditLogs requests arrived. */
  readonly auditTimes: number[];
}

const innerError = () => ({ date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() });
const graphError = (code: string, message: string) => ({ error: { code, message, innerError: innerError() } });

export async function startGraphServer(opts: GraphServerOptions): Promise<GraphServer> {
  let base = '';
  const tokens = new Set<string>();
  let tokensIssued = 0;
  let budget429s = 0;
  const auditTimes: number[] = [];
  const retryAfter = opts.retryAfter ?? '0.3';
  const byTimeDesc = (field: string, list: Record<string, unknown>[]) => [...list].sort((a, b) => String(b[field]).localeCompare(String(a[field])) || String(b.id).localeCompare(String(a.id)));
  const data = {
    signIns: byTimeDesc('createdDateTime', opts.signIns ?? []),
    beta: Object.fromEntries(Object.entries(opts.betaSignIns ?? {}).map(([k, v]) => [k, byTimeDesc('createdDateTime', v)])),
    directoryAudits: byTimeDesc('activityDateTime', opts.directoryAudits ?? []),
    provisioning: byTimeDesc('activityDateTime', opts.provisioning ?? []),
  };

  const throttle = (): VendorReply => ({
    status: 429,
    headers: { 'retry-after': retryAfter },
    body: graphError('TooManyRequests', 'Too many requests.'),
  });

  const router: Router = {
    counts: (url) => !url.pathname.endsWith('/oauth2/v2.0/token'),
    throttle,
    serverError: (status) => ({
      status,
      body: status === 503 ? graphError('ServiceUnavailable', 'Service Unavailable') : status === 504 ? graphError('GatewayTimeout', 'The gateway did not receive a response') : graphError('UnknownError', ''),
    }),
    expireToken: () => tokens.clear(),
    async handle({ url, req, body }) {
      if (url.pathname === `/${opts.tenantId}/oauth2/v2.0/token`) return token(body);
      if (url.pathname.endsWith('/oauth2/v2.0/token')) {
        return { status: 400, body: { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${url.pathname.split('/')[1]}' not found.` } };
      }
      const auth = bearerOf(req);
      if (!auth?.startsWith('Bearer ') || !tokens.has(auth.slice(7))) {
        return { status: 401, headers: { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"' }, body: graphError('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.') };
      }
      const m = /^\/(v1\.0|beta)\/(.*)$/.exec(url.pathname);
      if (!m) return { status: 404, body: graphError('BadRequest', 'Invalid version.') };
      const [, version, path] = m;
      if (path.startsWith('auditLogs/') || path.startsWith('reports/')) {
        const now = Date.now();
        auditTimes.push(now);
        if (opts.auditBudget) {
          const recent = auditTimes.filter((t) => now - t < opts.auditBudget!.windowMs);
          if (recent.length > opts.auditBudget.requests) {
            budget429s++;
            return throttle();
          }
        }
      }
      if (path === 'auditLogs/signIns') {
        const types = /signInEventTypes\/any\(t: t eq '(\w+)'\)/.exec(url.searchParams.get('$filter') ?? '');
        if (version === 'v1.0' && types) return { status: 400, body: graphError('BadRequest', "Invalid filter clause: property 'signInEventTypes' does not exist on v1.0") };
        const list = version === 'beta' ? (types ? data.beta[types[1]] ?? [] : data.signIns) : data.signIns;
        return listPage(url, version, 'signIns', 'createdDateTime', list);
      }
      if (path === 'auditLogs/directoryAudits') return listPage(url, version, 'directoryAudits', 'activityDateTime', data.directoryAudits);
      if (path === 'auditLogs/provisioning') return listPage(url, version, 'provisioning', 'activityDateTime', data.provisioning);
      const inv = Object.entries(opts.inventory ?? {}).find(([p]) => path === p.split('?')[0]);
      if (inv) return { status: 200, body: { '@odata.context': `${base}/${version}/$metadata#${path}`, value: inv[1] } };
      return { status: 404, body: graphError('Request_ResourceNotFound', `Resource '${path}' does not exist.`) };
    },
  };

  function listPage(url: URL, version: string, entity: string, field: string, list: Record<string, unknown>[]): VendorReply {
    const q = url.searchParams;
    const top = Number(q.get('$top') ?? 1000);
    if (!Number.isInteger(top) || top < 1 || top > 1000) return { status: 400, body: graphError('BadRequest', `Invalid page size specified: '${q.get('$top')}'. Must be between 1 and 1000 inclusive.`) };
    const filter = q.get('$filter') ?? '';
    const ge = new RegExp(`${field} ge (\\S+)`).exec(filter)?.[1];
    const le = new RegExp(`${field} le (\\S+)`).exec(filter)?.[1];
    if ((ge && !Number.isFinite(Date.parse(ge))) || (le && !Number.isFinite(Date.parse(le)))) return { status: 400, body: graphError('BadRequest', `Invalid filter clause`) };
    const rows = list.filter((e) => (!ge || Date.parse(String(e[field])) >= Date.parse(ge)) && (!le || Date.parse(String(e[field])) <= Date.parse(le)));
    const skip = q.get('$skiptoken') ? Number(Buffer.from(q.get('$skiptoken')!, 'base64url').toString().split(':')[1]) : 0;
    if (!Number.isInteger(skip) || skip < 0) return { status: 400, body: graphError('BadRequest', 'Skip token is null or invalid.') };
    const page = rows.slice(skip, skip + top);
    const out: Record<string, unknown> = { '@odata.context': `${base}/${version}/$metadata#auditLogs/${entity}`, value: page };
    if (skip + top < rows.length) {
      const next = new URL(`${base}/${version}/auditLogs/${entity}`);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$filter', filter);
      next.searchParams.set('$skiptoken', Buffer.from(`${randomUUID()}:${skip + top}`).toString('base64url'));
      out['@odata.nextLink'] = next.toString();
    }
    return { status: 200, headers: { 'request-id': randomUUID(), 'client-request-id': randomUUID() }, body: out };
  }

  async function token(body: string): Promise<VendorReply> {
    const f = new URLSearchParams(body);
    const aad = (status: number, error: string, code: number, desc: string): VendorReply => ({
      status,
      body: { error, error_description: `AADSTS${code}: ${desc}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() },
    });
    if (f.get('grant_type') !== 'client_credentials') return aad(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    if (f.get('client_id') !== opts.clientId) return aad(400, 'unauthorized_client', 700016, `Application with identifier '${f.get('client_id')}' was not found in the directory '${opts.tenantId}'.`);
    if (!f.get('scope')?.endsWith('/.default')) return aad(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.');
    if (f.get('client_secret') !== null) {
      if (f.get('client_secret') !== opts.clientSecret) return aad(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    } else if (f.get('client_assertion')) {
      if (f.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return aad(400, 'invalid_request', 700023, 'Invalid client assertion type.');
      if (!opts.certificatePem) return aad(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
      try {
        const key = await importX509(opts.certificatePem, 'RS256');
        const { protectedHeader } = await jwtVerify(f.get('client_assertion')!, key, { audience: `${base}/${opts.tenantId}/oauth2/v2.0/token`, issuer: opts.clientId, subject: opts.clientId });
        if (!protectedHeader['x5t#S256'] && !protectedHeader.x5t) return aad(401, 'invalid_client', 700027, 'The certificate thumbprint is missing from the client assertion header.');
      } catch (e) {
        return aad(401, 'invalid_client', 700027, `Client assertion failed signature validation. (${(e as Error).message})`);
      }
    } else return aad(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    const t = `eyJ0eXAiOiJKV1Qi.${randomUUID().replace(/-/g, '')}`;
    tokens.add(t);
    tokensIssued++;
    const ttl = opts.tokenLifetimeSec ?? 3599;
    return { status: 200, body: { token_type: 'Bearer', expires_in: ttl, ext_expires_in: ttl, access_token: t } };
  }

  const server = await startFakeServer(router);
  base = server.url;
  return Object.defineProperties(server, {
    budget429s: { get: () => budget429s },
    tokensIssued: { get: () => tokensIssued },
    auditTimes: { get: () => auditTimes },
  }) as GraphServer;
}
