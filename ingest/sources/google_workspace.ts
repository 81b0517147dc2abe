import { SignJWT } from 'jose';
import { IdtrailError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/log.js';
import { importRsaKey, TokenEndpointAuth, type AuthProvider } from './auth.js';
import { HttpClient, retryAfterPolicy, type HttpSettings } from './http.js';
import { queryString } from './link.js';
import { wantsFeed, type Page, type PullRequest, type Source } from './source.js';
import { StopRequested } from './wait.js';
import { pullWindow, type WindowFeed } from './window.js';

/**
 * Google Workspace Admin SDK Reports API, `activities.list`
 * (`GET /admin/reports/v1/activity/users/all/applications/{login|admin|token}`):
 * - `startTime`/`endTime` (RFC 3339) bound the window, `maxResults` ≤ 1000, `nextPageToken` pages;
 *   every page request repeats the same startTime/endTime. Activities come newest first.
 * - Reports lag: events appear from minutes (admin) to hours (login, token) after they happen
 *   (Google's "Data retention and lag times"), so each pull re-reads a trailing lookback window.
 * - Auth: a service account with domain-wide delegation. A JWT (RS256, iss = the service account,
 *   sub = the admin it acts as, scope = admin.reports.audit.readonly, aud = the token URL) is
 *   exchanged for an access token with the JWT bearer grant (RFC 7523).
 * - Errors: `{"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED"}}` and the like.
 */
export type GoogleApplication = 'login' | 'admin' | 'token';

export const REPORTS_SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';

export interface GoogleOptions {
  tenant: string;
  reportsUrl: string;
  auth: AuthProvider;
  http: HttpSettings;
  applications?: GoogleApplication[];
  maxResults?: number;
  customerId?: string;
  lookbackMs?: number;
  authHint?: string;
}

interface ActivityId {
  id?: { time?: string; uniqueQualifier?: string; applicationName?: string };
}

export function describeGoogleError(body: unknown): string | undefined {
  const e = (body as { error?: { status?: string; message?: string } | string; error_description?: string })?.error;
  if (typeof e === 'string') return `${e}${(body as { error_description?: string }).error_description ? `: ${(body as { error_description?: string }).error_description}` : ''}`;
  return e?.status || e?.message ? `${e.status ?? ''}: ${e.message ?? ''}`.trim() : undefined;
}

export class GoogleWorkspaceSource implements Source {
  readonly type = 'google_workspace' as const;
  readonly tenant: string;
  readonly feeds: readonly string[];
  private readonly base: string;

  constructor(private readonly opts: GoogleOptions) {
    this.tenant = opts.tenant;
    this.base = opts.reportsUrl.replace(/\/+$/, '');
    this.feeds = opts.applications ?? ['login', 'admin', 'token'];
  }

  private feed(app: GoogleApplication): WindowFeed<ActivityId> {
    const path = `${this.base}/admin/reports/v1/activity/users/all/applications/${app}`;
    return {
      feed: app,
      stream: `google_workspace_${app}`,
      source: 'google_workspace',
      tenant: this.tenant,
      vendor: 'Google Reports API',
      lookbackMs: this.opts.lookbackMs ?? 3 * 3600_000,
      firstUrl: (from, to) => `${path}?${queryString({ startTime: from.toISOString(), endTime: to.toISOString(), maxResults: this.opts.maxResults ?? 1000, customerId: this.opts.customerId })}`,
      // An empty result has no `items` key at all.
      items: (body) => (body && typeof body === 'object' ? (((body as { items?: ActivityId[] }).items ?? []) as ActivityId[]) : undefined),
      nextUrl: (body, current) => {
        const token = (body as { nextPageToken?: string }).nextPageToken;
        if (!token) return undefined;
        const u = new URL(current);
        const params: Record<string, string> = {};
        for (const [k, v] of u.searchParams) if (k !== 'pageToken') params[k] = v;
        params.pageToken = token;
        return `${u.origin}${u.pathname}?${queryString(params)}`;
      },
      idOf: (a) => (a?.id?.uniqueQualifier && a.id.time ? `${a.id.applicationName ?? app}:${a.id.time}:${a.id.uniqueQualifier}` : undefined),
    };
  }

  async *pull(req: PullRequest): AsyncIterable<Page> {
    const client = new HttpClient({
      vendor: 'Google Reports API',
      auth: this.opts.auth,
      settings: this.opts.http,
      policy: retryAfterPolicy,
      describeError: describeGoogleError,
      authHint: this.opts.authHint ?? 'check GOOGLE_APPLICATION_CREDENTIALS (service account key), GOOGLE_ADMIN_SUBJECT (an admin user) and the domain-wide delegation of the admin.reports.audit.readonly scope',
      signal: req.signal,
    });
    try {
      for (const app of this.feeds as GoogleApplication[]) {
        if (req.signal?.aborted) return;
        if (!wantsFeed(req, app)) continue;
        yield* pullWindow(this.feed(app), req, client);
      }
    } catch (err) {
      if (err instanceof StopRequested) return;
      throw err;
    }
  }
}

export interface ServiceAccountKey {
  type?: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

/** Reads a service account JSON key; the error names the file and the missing field, never the key. */
export function parseServiceAccountKey(text: string, file: string): ServiceAccountKey {
  let k: Partial<ServiceAccountKey>;
  try {
    k = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw new IdtrailError('config_invalid', `${file} is not a JSON service account key`, { hint: 'download a JSON key for the service account in the Google Cloud console' });
  }
  if (typeof k.private_key === 'string') registerSecret(k.private_key);
  for (const f of ['client_email', 'private_key'] as const) {
    if (typeof k[f] !== 'string' || !k[f]) throw new IdtrailError('config_invalid', `${file}: the service account key has no ${f}`, { hint: 'use the JSON key file of a service account (type service_account)' });
  }
  if (k.type && k.type !== 'service_account') throw new IdtrailError('config_invalid', `${file}: key type is ${JSON.stringify(k.type)}, expected "service_account"`);
  return k as ServiceAccountKey;
}

/** Domain-wide delegation: a signed JWT assertion exchanged at the token URL (JWT bearer grant). */
export function googleServiceAccountAuth(key: ServiceAccountKey, subject: string, opts: { tokenUrl?: string; timeoutMs: number; scopes?: string[] }): TokenEndpointAuth {
  const tokenUrl = opts.tokenUrl ?? key.token_uri ?? 'https://oauth2.googleapis.com/token';
  return new TokenEndpointAuth({
    vendor: 'Google OAuth',
    tokenUrl,
    timeoutMs: opts.timeoutMs,
    authHint: 'check that the service account has domain-wide delegation for https://www.googleapis.com/auth/admin.reports.audit.readonly and that GOOGLE_ADMIN_SUBJECT is an admin user of the domain',
    form: async () => {
      const pk = await importRsaKey(key.private_key, 'the service account private_key');
      const now = Math.floor(Date.now() / 1000);
      const header: { alg: string; typ: string; kid?: string } = { alg: 'RS256', typ: 'JWT' };
      if (key.private_key_id) header.kid = key.private_key_id;
      const assertion = await new SignJWT({ scope: (opts.scopes ?? [REPORTS_SCOPE]).join(' ') })
        .setProtectedHeader(header)
        .setIssuer(key.client_email)
        .setSubject(subject)
        .setAudience(tokenUrl)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(pk);
      return { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion };
    },
  });
}
