import type { InventoryKind } from '../mapping/inventory-kinds.js';
import { clientAssertion, TokenEndpointAuth, type AuthProvider } from './auth.js';
import { HttpClient, retryAfterPolicy, safeUrl, type HttpSettings } from './http.js';
import { WindowLimiter } from './limiter.js';
import { queryString } from './link.js';
import { emptyCounters, wantsFeed, type Page, type PullRequest, type Source } from './source.js';
import { StopRequested } from './wait.js';
import { pullWindow, type WindowFeed } from './window.js';

/**
 * Microsoft Entra ID through Microsoft Graph (learn.microsoft.com/graph/api/resources/azure-ad-auditlog-overview):
 * - `auditLogs/signIns` v1.0 lists interactive user sign-ins; the beta endpoint with
 *   `signInEventTypes/any(t: t eq '…')` lists non-interactive, service-principal and managed-identity
 *   sign-ins, with the MFA detail fields.
 * - `auditLogs/directoryAudits` and `auditLogs/provisioning`, filtered on `activityDateTime`.
 * - Paging: `@odata.nextLink` is an opaque absolute URL and is followed exactly as given.
 * - Throttling: 429 with `Retry-After` in seconds (Graph sends fractional values too); the identity
 *   and access reports allow 5 requests per 10 seconds per app per tenant, so a client-side
 *   limiter keeps every auditLogs request of this source under that.
 * - Reporting latency: sign-ins and audits appear minutes (occasionally hours) after they happen,
 *   so each pull re-reads a trailing lookback window; ids already seen are dropped.
 */
export type EntraStream = 'signins' | 'signins_noninteractive' | 'signins_service_principal' | 'signins_managed_identity' | 'directory_audits' | 'provisioning';

interface StreamSpec {
  version: 'v1.0' | 'beta';
  path: string;
  timeField: 'createdDateTime' | 'activityDateTime';
  eventType?: string;
  rawStream: string;
}

const STREAMS: Record<EntraStream, StreamSpec> = {
  signins: { version: 'v1.0', path: 'auditLogs/signIns', timeField: 'createdDateTime', rawStream: 'entra_signin' },
  signins_noninteractive: { version: 'beta', path: 'auditLogs/signIns', timeField: 'createdDateTime', eventType: 'nonInteractiveUser', rawStream: 'entra_signin' },
  signins_service_principal: { version: 'beta', path: 'auditLogs/signIns', timeField: 'createdDateTime', eventType: 'servicePrincipal', rawStream: 'entra_signin' },
  signins_managed_identity: { version: 'beta', path: 'auditLogs/signIns', timeField: 'createdDateTime', eventType: 'managedIdentity', rawStream: 'entra_signin' },
  directory_audits: { version: 'v1.0', path: 'auditLogs/directoryAudits', timeField: 'activityDateTime', rawStream: 'entra_directory_audit' },
  provisioning: { version: 'v1.0', path: 'auditLogs/provisioning', timeField: 'activityDateTime', rawStream: 'entra_provisioning' },
};

export const ENTRA_INVENTORY_FEED = 'inventory';

/** Inventory listings: endpoint (v1.0) → the inventory loader's kind. */
const INVENTORY: Array<{ path: string; kind: InventoryKind }> = [
  {
    path: 'users?$select=id,userPrincipalName,mail,displayName,accountEnabled,userType,employeeId,employeeType,createdDateTime,signInActivity&$top=999',
    kind: 'graph_users',
  },
  { path: 'reports/authenticationMethods/userRegistrationDetails?$top=999', kind: 'registration_details' },
  { path: 'roleManagement/directory/roleAssignments?$expand=roleDefinition', kind: 'role_assignments' },
  { path: 'roleManagement/directory/roleEligibilitySchedules?$expand=roleDefinition', kind: 'role_eligibility_schedules' },
  { path: 'roleManagement/directory/roleAssignmentScheduleInstances?$expand=roleDefinition', kind: 'role_assignment_schedule_instances' },
];

export interface EntraOptions {
  tenant: string;
  graphUrl: string;
  auth: AuthProvider;
  http: HttpSettings;
  streams?: EntraStream[];
  top?: number;
  lookbackMs?: number;
  /** Client-side limit for auditLogs/* requests. */
  auditRateLimit?: { requests: number; perMs: number };
  inventory?: boolean;
  authHint?: string;
}

interface GraphPage<T = unknown> {
  value?: T[];
  '@odata.nextLink'?: string;
}

export function describeGraphError(body: unknown): string | undefined {
  const e = (body as { error?: { code?: string; message?: string } | string; error_description?: string })?.error;
  if (typeof e === 'string') return `${e}${(body as { error_description?: string }).error_description ? `: ${(body as { error_description?: string }).error_description}` : ''}`;
  return e?.code ? `${e.code}: ${e.message ?? ''}`.trim() : undefined;
}

export class EntraSource implements Source {
  readonly type = 'entra' as const;
  readonly tenant: string;
  readonly feeds: readonly string[];
  private readonly base: string;
  private readonly streams: EntraStream[];
  /** One limiter per source = per app per tenant, shared by every auditLogs feed. */
  private readonly auditLimiter: WindowLimiter;

  constructor(private readonly opts: EntraOptions) {
    this.tenant = opts.tenant;
    this.base = opts.graphUrl.replace(/\/+$/, '');
    this.streams = opts.streams ?? (Object.keys(STREAMS) as EntraStream[]);
    this.feeds = [...this.streams, ...(opts.inventory ? [ENTRA_INVENTORY_FEED] : [])];
    const rl = opts.auditRateLimit ?? { requests: 5, perMs: 10_000 };
    this.auditLimiter = new WindowLimiter(rl.requests, rl.perMs);
  }

  private client(signal?: AbortSignal): HttpClient {
    return new HttpClient({
      vendor: 'Microsoft Graph',
      auth: this.opts.auth,
      settings: this.opts.http,
      policy: retryAfterPolicy,
      describeError: describeGraphError,
      authHint:
        this.opts.authHint ??
        'check ENTRA_TENANT_ID, ENTRA_CLIENT_ID and the client secret or certificate, and that the app has the AuditLog.Read.All and Directory.Read.All application permissions with admin consent',
      signal,
    });
  }

  private streamFeed(name: EntraStream): WindowFeed<{ id?: string }> {
    const spec = STREAMS[name];
    return {
      feed: name,
      stream: spec.rawStream,
      source: 'entra',
      tenant: this.tenant,
      vendor: 'Microsoft Graph',
      lookbackMs: this.opts.lookbackMs ?? 60 * 60_000,
      limiter: this.auditLimiter,
      firstUrl: (from, to) => {
        const clauses = [`${spec.timeField} ge ${from.toISOString()}`, `${spec.timeField} le ${to.toISOString()}`];
        if (spec.eventType) clauses.push(`signInEventTypes/any(t: t eq '${spec.eventType}')`);
        return `${this.base}/${spec.version}/${spec.path}?${queryString({ $filter: clauses.join(' and '), $top: this.opts.top ?? 999 })}`;
      },
      items: (body) => (Array.isArray((body as GraphPage)?.value) ? ((body as GraphPage<{ id?: string }>).value as Array<{ id?: string }>) : undefined),
      // The nextLink is opaque ($skiptoken): follow it exactly as given.
      nextUrl: (body) => (body as GraphPage)['@odata.nextLink'] ?? undefined,
      idOf: (item) => (typeof item?.id === 'string' ? item.id : undefined),
    };
  }

  async *pull(req: PullRequest): AsyncIterable<Page> {
    const client = this.client(req.signal);
    try {
      for (const s of this.streams) {
        if (req.signal?.aborted) return;
        if (!wantsFeed(req, s)) continue;
        yield* pullWindow(this.streamFeed(s), req, client);
      }
      if (this.opts.inventory && wantsFeed(req, ENTRA_INVENTORY_FEED) && !req.signal?.aborted) yield* this.pullInventory(client, req.signal);
    } catch (err) {
      if (err instanceof StopRequested) return;
      throw err;
    }
  }

  private async *pullInventory(client: HttpClient, signal?: AbortSignal): AsyncIterable<Page> {
    const snapshotAt = new Date();
    for (const { path, kind } of INVENTORY) {
      let url: string | undefined = `${this.base}/v1.0/${path}`;
      while (url) {
        if (signal?.aborted) return;
        const counters = emptyCounters();
        const limiter = path.startsWith('reports/') ? this.auditLimiter : undefined;
        const res: { body: GraphPage } = await client.getJson<GraphPage>(url, counters, limiter);
        yield { kind: 'inventory', feed: ENTRA_INVENTORY_FEED, inventory: kind, snapshotAt, origin: safeUrl(url), items: res.body.value ?? [], counters };
        url = res.body['@odata.nextLink'];
      }
    }
  }
}

export interface EntraCredentials {
  loginUrl: string;
  tenantId: string;
  clientId: string;
  graphUrl: string;
  clientSecret?: string;
  /** Certificate credential: the PEM certificate registered on the app and its private key. */
  certificatePem?: string;
  privateKeyPem?: string;
  timeoutMs: number;
}

/**
 * Client-credentials grant at the Microsoft identity platform v2.0 token endpoint, with a client
 * secret or a certificate (a client assertion signed RS256 whose header carries the certificate
 * thumbprint). The scope is the Graph resource of the cloud in use + `/.default`.
 */
export function entraAuth(c: EntraCredentials): TokenEndpointAuth {
  const tokenUrl = `${c.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`;
  const scope = `${new URL(c.graphUrl).origin}/.default`;
  return new TokenEndpointAuth({
    vendor: 'Microsoft identity platform',
    tokenUrl,
    timeoutMs: c.timeoutMs,
    authHint: 'check ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET (the secret value, not its id) or the certificate registered on the app',
    form: async () => {
      const form: Record<string, string> = { client_id: c.clientId, scope, grant_type: 'client_credentials' };
      if (c.certificatePem && c.privateKeyPem) {
        form.client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
        form.client_assertion = await clientAssertion({ clientId: c.clientId, audience: tokenUrl, privateKeyPem: c.privateKeyPem, certificatePem: c.certificatePem });
      } else if (c.clientSecret) {
        form.client_secret = c.clientSecret;
      }
      return form;
    },
  });
}
