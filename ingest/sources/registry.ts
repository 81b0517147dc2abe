import { readFileSync } from 'node:fs';
import { parseDuration } from '../../config/duration.js';
import { sourceConfig, type AwsSourceConfig, type EntraSourceConfig, type GoogleSourceConfig, type OktaSourceConfig, type SourceConfig } from '../../config/schema.js';
import { readSecret, setting, type Env } from '../../config/secrets.js';
import { IdtrailError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/log.js';
import { clientAssertion, StaticAuth, TokenEndpointAuth } from './auth.js';
import { AwsCloudTrailSource } from './aws.js';
import { entraAuth, EntraSource } from './entra.js';
import { googleServiceAccountAuth, GoogleWorkspaceSource, parseServiceAccountKey } from './google_workspace.js';
import { DEFAULT_HTTP, type HttpSettings } from './http.js';
import { OktaSource } from './okta.js';
import type { Source, SourceType } from './source.js';

/**
 * Source registry: one factory per source type, turning a validated config entry plus the
 * environment into a ready Source (endpoints, credentials, limits). Endpoints and credentials not in
 * the config come from the environment (OKTA_ORG_URL, OKTA_API_TOKEN; ENTRA_TENANT_ID,
 * ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET or ENTRA_CLIENT_CERTIFICATE_PATH, ENTRA_GRAPH_URL,
 * ENTRA_LOGIN_URL; GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_ADMIN_SUBJECT, GOOGLE_REPORTS_URL,
 * GOOGLE_TOKEN_URL), so one binary serves every cloud and a local test server alike.
 */
type Factory<C> = (cfg: C, key: string, env: Env) => Source;

const ms = (d: string | undefined, fallback: number): number => (d ? (parseDuration(d) ?? fallback) : fallback);

export function httpSettings(cfg: SourceConfig): HttpSettings {
  const h = cfg.http ?? {};
  return {
    timeoutMs: ms(h.timeout, DEFAULT_HTTP.timeoutMs),
    maxRetries: h.max_retries ?? DEFAULT_HTTP.maxRetries,
    max429: h.max_429 ?? DEFAULT_HTTP.max429,
    backoffMs: ms(h.backoff, DEFAULT_HTTP.backoffMs),
    maxBackoffMs: ms(h.max_backoff, DEFAULT_HTTP.maxBackoffMs),
    maxWaitMs: ms(h.max_wait, DEFAULT_HTTP.maxWaitMs),
  };
}

function readKeyFile(file: string, keyPath: string, what: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    registerSecret(text.trim());
    return text;
  } catch (err) {
    throw new IdtrailError('config_invalid', `${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { location: { path: keyPath } });
  }
}

const okta: Factory<OktaSourceConfig> = (cfg, key, env) => {
  const orgUrl = setting(cfg.org_url, 'OKTA_ORG_URL', 'the Okta org URL', { env, keyPath: `${key}.org_url` });
  const http = httpSettings(cfg);
  let auth;
  if (cfg.auth.kind === 'ssws') {
    const token = readSecret({ env: cfg.auth.token_env, file: cfg.auth.token_file }, 'the Okta API token', { keyPath: `${key}.auth.token`, defaultEnv: 'OKTA_API_TOKEN', env });
    auth = new StaticAuth(`SSWS ${token}`);
  } else {
    const a = cfg.auth;
    const pem = a.private_key_file
      ? readKeyFile(a.private_key_file, `${key}.auth.private_key_file`, 'the Okta service app private key')
      : readSecret({ env: a.private_key_env }, 'the Okta service app private key', { keyPath: `${key}.auth.private_key`, defaultEnv: 'OKTA_PRIVATE_KEY', env });
    const tokenUrl = `${orgUrl.replace(/\/+$/, '')}/oauth2/v1/token`;
    auth = new TokenEndpointAuth({
      vendor: 'Okta OAuth',
      tokenUrl,
      timeoutMs: http.timeoutMs,
      authHint: `check the service app ${a.client_id}: its public key, and the granted scopes (${a.scopes.join(' ')})`,
      form: async () => ({
        grant_type: 'client_credentials',
        scope: a.scopes.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await clientAssertion({ clientId: a.client_id, audience: tokenUrl, privateKeyPem: pem, keyId: a.key_id }),
      }),
    });
  }
  return new OktaSource({
    tenant: cfg.tenant,
    orgUrl,
    auth,
    http,
    limit: cfg.limit,
    filter: cfg.filter,
    overlapMs: ms(cfg.lookback, 5 * 60_000),
    inventory: cfg.inventory?.enabled ?? false,
  });
};

const entra: Factory<EntraSourceConfig> = (cfg, key, env) => {
  const graphUrl = setting(cfg.graph_url, 'ENTRA_GRAPH_URL', 'the Graph URL', { env, keyPath: `${key}.graph_url`, fallback: 'https://graph.microsoft.com' });
  const loginUrl = setting(cfg.login_url, 'ENTRA_LOGIN_URL', 'the login URL', { env, keyPath: `${key}.login_url`, fallback: 'https://login.microsoftonline.com' });
  const tenantId = setting(cfg.tenant_id, 'ENTRA_TENANT_ID', 'the Entra tenant id', { env, keyPath: `${key}.tenant_id` });
  const clientId = setting(cfg.client_id, 'ENTRA_CLIENT_ID', 'the Entra app (client) id', { env, keyPath: `${key}.client_id` });
  const http = httpSettings(cfg);
  let clientSecret: string | undefined;
  let certificatePem: string | undefined;
  let privateKeyPem: string | undefined;
  if (cfg.auth.kind === 'certificate') {
    certificatePem = readKeyFile(cfg.auth.certificate_file, `${key}.auth.certificate_file`, 'the Entra app certificate');
    privateKeyPem = cfg.auth.private_key_file
      ? readKeyFile(cfg.auth.private_key_file, `${key}.auth.private_key_file`, 'the certificate private key')
      : cfg.auth.private_key_env
        ? readSecret({ env: cfg.auth.private_key_env }, 'the certificate private key', { keyPath: `${key}.auth.private_key`, env })
        : certificatePem; // one PEM holding both the certificate and its key
  } else if (!cfg.auth.secret_env && !cfg.auth.secret_file && !env.ENTRA_CLIENT_SECRET && env.ENTRA_CLIENT_CERTIFICATE_PATH) {
    // No secret anywhere but a certificate PEM (certificate + key in one file, as Azure tooling writes it).
    certificatePem = readKeyFile(env.ENTRA_CLIENT_CERTIFICATE_PATH, 'ENTRA_CLIENT_CERTIFICATE_PATH', 'the Entra app certificate');
    privateKeyPem = certificatePem;
  } else {
    clientSecret = readSecret({ env: cfg.auth.secret_env, file: cfg.auth.secret_file }, 'the Entra client secret', { keyPath: `${key}.auth.secret`, defaultEnv: 'ENTRA_CLIENT_SECRET', env });
  }
  if (privateKeyPem) {
    const m = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(privateKeyPem);
    if (!m) throw new IdtrailError('config_invalid', 'the Entra certificate credential has no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)', { location: { path: `${key}.auth` } });
    privateKeyPem = m[0];
    registerSecret(privateKeyPem);
  }
  return new EntraSource({
    tenant: cfg.tenant,
    graphUrl,
    auth: entraAuth({ loginUrl, tenantId, clientId, graphUrl, clientSecret, certificatePem, privateKeyPem, timeoutMs: http.timeoutMs }),
    http,
    streams: cfg.streams,
    top: cfg.top,
    lookbackMs: ms(cfg.lookback, 60 * 60_000),
    auditRateLimit: { requests: cfg.audit_rate_limit.requests, perMs: ms(cfg.audit_rate_limit.per, 10_000) },
    inventory: cfg.inventory?.enabled ?? false,
  });
};

const google: Factory<GoogleSourceConfig> = (cfg, key, env) => {
  const file = setting(cfg.credentials_file, 'GOOGLE_APPLICATION_CREDENTIALS', 'the service account key file', { env, keyPath: `${key}.credentials_file` });
  const subject = setting(cfg.subject, 'GOOGLE_ADMIN_SUBJECT', 'the admin user to impersonate', { env, keyPath: `${key}.subject` });
  const reportsUrl = setting(cfg.reports_url, 'GOOGLE_REPORTS_URL', 'the Reports API URL', { env, keyPath: `${key}.reports_url`, fallback: 'https://admin.googleapis.com' });
  const sa = parseServiceAccountKey(readKeyFile(file, `${key}.credentials_file`, 'the service account key'), file);
  const http = httpSettings(cfg);
  return new GoogleWorkspaceSource({
    tenant: cfg.tenant,
    reportsUrl,
    auth: googleServiceAccountAuth(sa, subject, { tokenUrl: cfg.token_url ?? env.GOOGLE_TOKEN_URL, timeoutMs: http.timeoutMs }),
    http,
    applications: cfg.applications,
    maxResults: cfg.max_results,
    customerId: cfg.customer_id,
    lookbackMs: ms(cfg.lookback, 3 * 3600_000),
  });
};

const aws: Factory<AwsSourceConfig> = (cfg) =>
  new AwsCloudTrailSource({ tenant: cfg.tenant, path: cfg.path, filesPerPage: cfg.files_per_page, lookbackMs: ms(cfg.lookback, 60 * 60_000) });

export const SOURCES: { [K in SourceType]: Factory<Extract<SourceConfig, { type: K }>> } = {
  okta,
  entra,
  google_workspace: google,
  aws,
};

export const SOURCE_TYPES = Object.keys(SOURCES) as SourceType[];

/** Builds a Source from a config entry (`key` is its path in the config, for error messages). */
export function buildSource(cfg: SourceConfig, key = 'source', env: Env = process.env): Source {
  const factory = SOURCES[cfg.type] as Factory<SourceConfig>;
  return factory(cfg, key, env);
}

/**
 * A source configured from the environment alone (no config file): the CLI's
 * `idtrail ingest okta` with OKTA_ORG_URL and OKTA_API_TOKEN set, and so on.
 */
export function sourceConfigFromEnv(type: SourceType, opts: { tenant?: string; path?: string }, env: Env = process.env): SourceConfig {
  const tenant = opts.tenant ?? defaultTenant(type, env);
  const raw: Record<string, unknown> = { type, tenant };
  if (type === 'aws') raw.path = opts.path ?? env.IDTRAIL_CLOUDTRAIL_PATH;
  const parsed = sourceConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what = type === 'aws' && !raw.path ? 'the CloudTrail folder is not set' : `${issue.path.join('.')}: ${issue.message}`;
    throw new IdtrailError('usage', what, { hint: type === 'aws' ? 'pass --path DIR or set IDTRAIL_CLOUDTRAIL_PATH' : 'use --config FILE' });
  }
  return parsed.data;
}

function defaultTenant(type: SourceType, env: Env): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'default';
  try {
    if (type === 'okta' && env.OKTA_ORG_URL) return clean(new URL(env.OKTA_ORG_URL).hostname.split('.')[0]);
  } catch {
    /* reported when the source is built */
  }
  if (type === 'entra' && env.ENTRA_TENANT_ID) return clean(env.ENTRA_TENANT_ID);
  if (type === 'google_workspace' && env.GOOGLE_ADMIN_SUBJECT?.includes('@')) return clean(env.GOOGLE_ADMIN_SUBJECT.split('@')[1]);
  return 'default';
}
