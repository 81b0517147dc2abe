import { z } from 'zod';
import cron from 'node-cron';
import { DURATION_RE } from './duration.js';
import { parseSinkUrl } from '../detections/forward/url.js';
import { metricsOptionsFromConfig } from '../metrics/config.js';
import { IdtrailError } from '../lib/errors.js';
import { AllowlistEntrySchema } from '../detections/engine/allowlist.js';

/**
 * The shape of `idtrail.yaml`. Every key is checked; an unknown key is an error (a typo must not
 * silently fall back to a default). Secrets never appear as values here: a credential is named by
 * the environment variable (`*_env`) or the file (`*_file`) that holds it.
 */

const duration = z.string().regex(DURATION_RE, { message: 'expected a duration such as 30s, 15m, 24h or 7d' });

const cronExpr = z.string().refine((s) => cron.validate(s), {
  message: 'expected a cron expression (5 fields, or 6 with seconds first), e.g. "*/5 * * * *"',
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name such as OKTA_API_TOKEN' });
const filePath = z.string().min(1, { message: 'expected a file path' });
const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' });
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'expected a name of letters, digits, _ . -' });

const http = z
  .object({
    timeout: duration.optional(),
    max_retries: z.int().min(0).max(20).optional(),
    max_429: z.int().min(0).max(1000).optional(),
    backoff: duration.optional(),
    max_backoff: duration.optional(),
    max_wait: duration.optional(),
  })
  .strict();

const common = {
  /** Job name (unique); defaults to `<type>-<tenant>`. */
  name: name.optional(),
  tenant: name,
  /** When `idtrail run` pulls this source. */
  schedule: cronExpr.default('*/5 * * * *'),
  /** How far back the first pull reaches. */
  initial_since: duration.default('24h'),
  /** Trailing window re-read on each pull (vendor reporting delay, out-of-order arrival). */
  lookback: duration.optional(),
  http: http.optional(),
  enabled: z.boolean().default(true),
};

const inventory = z
  .object({
    enabled: z.boolean().default(true),
    schedule: cronExpr.default('0 2 * * *'),
  })
  .strict();

const oktaAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ssws'), token_env: envName.optional(), token_file: filePath.optional() }).strict(),
  z
    .object({
      kind: z.literal('oauth'),
      client_id: z.string().min(1),
      private_key_env: envName.optional(),
      private_key_file: filePath.optional(),
      key_id: z.string().optional(),
      scopes: z.array(z.string()).min(1).default(['okta.logs.read', 'okta.users.read', 'okta.roles.read']),
    })
    .strict(),
]);

export const oktaSource = z
  .object({
    type: z.literal('okta'),
    ...common,
    /** https://<org>.okta.com; defaults to $OKTA_ORG_URL. */
    org_url: httpUrl.optional(),
    auth: oktaAuth.default({ kind: 'ssws' }),
    /** System Log `filter` expression (SCIM filter syntax), optional. */
    filter: z.string().optional(),
    limit: z.int().min(1).max(1000).default(1000),
    inventory: inventory.optional(),
  })
  .strict();

export const ENTRA_STREAMS = ['signins', 'signins_noninteractive', 'signins_service_principal', 'signins_managed_identity', 'directory_audits', 'provisioning'] as const;

const entraAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('secret'), secret_env: envName.optional(), secret_file: filePath.optional() }).strict(),
  z
    .object({
      kind: z.literal('certificate'),
      certificate_file: filePath,
      private_key_file: filePath.optional(),
      private_key_env: envName.optional(),
    })
    .strict(),
]);

export const entraSource = z
  .object({
    type: z.literal('entra'),
    ...common,
    /** Directory (tenant) id; defaults to $ENTRA_TENANT_ID. */
    tenant_id: z.string().optional(),
    /** Application (client) id; defaults to $ENTRA_CLIENT_ID. */
    client_id: z.string().optional(),
    auth: entraAuth.default({ kind: 'secret' }),
    /** National clouds: https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn … ($ENTRA_GRAPH_URL). */
    graph_url: httpUrl.optional(),
    /** https://login.microsoftonline.us … ($ENTRA_LOGIN_URL). */
    login_url: httpUrl.optional(),
    streams: z.array(z.enum(ENTRA_STREAMS)).min(1).default([...ENTRA_STREAMS]),
    top: z.int().min(1).max(1000).default(999),
    /** Client-side limit for auditLogs/* (Graph: 5 requests per 10 s per app per tenant). */
    audit_rate_limit: z
      .object({ requests: z.int().min(1), per: duration })
      .strict()
      .default({ requests: 5, per: '10s' }),
    inventory: inventory.optional(),
  })
  .strict();

export const GOOGLE_APPLICATIONS = ['login', 'admin', 'token'] as const;

export const googleSource = z
  .object({
    type: z.literal('google_workspace'),
    ...common,
    /** Service account JSON key file; defaults to $GOOGLE_APPLICATION_CREDENTIALS. */
    credentials_file: filePath.optional(),
    /** Admin user impersonated through domain-wide delegation; defaults to $GOOGLE_ADMIN_SUBJECT. */
    subject: z.email({ message: 'expected the e-mail address of a Workspace admin' }).optional(),
    /** Defaults to $GOOGLE_REPORTS_URL or https://admin.googleapis.com. */
    reports_url: httpUrl.optional(),
    /** Defaults to $GOOGLE_TOKEN_URL, else the key file's token_uri. */
    token_url: httpUrl.optional(),
    customer_id: z.string().optional(),
    applications: z.array(z.enum(GOOGLE_APPLICATIONS)).min(1).default([...GOOGLE_APPLICATIONS]),
    max_results: z.int().min(1).max(1000).default(1000),
  })
  .strict();

export const awsSource = z
  .object({
    type: z.literal('aws'),
    ...common,
    /** A local folder of CloudTrail files, or the root of an S3 export (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`). */
    path: filePath,
    /** Files per page (one store transaction). */
    files_per_page: z.int().min(1).max(10_000).default(50),
  })
  .strict();

export const sourceConfig = z.discriminatedUnion('type', [oktaSource, entraSource, googleSource, awsSource]);

const store = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duckdb'), path: filePath.default('idtrail.duckdb') }).strict(),
  z
    .object({
      kind: z.literal('elasticsearch'),
      url: httpUrl,
      api_key_env: envName.optional(),
      api_key_file: filePath.optional(),
      index_prefix: z.string().default('idtrail'),
    })
    .strict(),
]);

/**
 * A sink is addressed by URL, as the forwarders read it (detections/forward/url.ts):
 * `file:///var/idtrail/alerts.ndjson?format=ocsf`, `syslog+tcp://siem:514?format=cef`,
 * `splunk-hec+https://splunk:8088?index=identity&token_env=SPLUNK_HEC_TOKEN`, … A mapping form takes
 * the URL and an optional name (the outbox key).
 */
const sink = z.union([z.string().min(1), z.object({ name: name.optional(), url: z.string().min(1) }).strict()]).transform((s) => {
  if (typeof s === 'string') return { url: s, name: undefined as string | undefined };
  return { url: s.name ? withSinkName(s.url, s.name) : s.url, name: s.name };
}).superRefine((s, ctx) => {
  try {
    parseSinkUrl(s.url);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof IdtrailError ? err.format() : String(err) });
  }
});

function withSinkName(url: string, n: string): string {
  try {
    const u = new URL(url);
    u.searchParams.set('name', n);
    return u.toString();
  } catch {
    return url; // reported by the sink URL check
  }
}

export const configSchema = z
  .object({
    version: z.literal(1).default(1),
    store: store.default({ kind: 'duckdb', path: 'idtrail.duckdb' }),
    tenants: z
      .array(z.object({ id: name, name: z.string().optional() }).strict())
      .default([]),
    sources: z.array(sourceConfig).default([]),
    schedules: z
      .object({
        /** Detection also runs after each ingest; this is an extra periodic run. */
        detect: cronExpr.optional(),
        forward: cronExpr.default('* * * * *'),
        kpi_report: cronExpr.default('0 6 * * 1'),
      })
      .strict()
      .default({ forward: '* * * * *', kpi_report: '0 6 * * 1' }),
    sinks: z.array(sink).default([]),
    /** Suppression entries, as detections/engine/allowlist.ts defines them (owner, reason, expiry: no permanent exceptions). */
    allowlists: z.array(AllowlistEntrySchema).default([]),
    /** KPI targets, birthright entitlements and parameters, as metrics/config.ts reads them. */
    kpis: z
      .object({
        targets: z.record(z.string(), z.unknown()).optional(),
        birthright: z.record(z.string(), z.array(z.string())).optional(),
        params: z.record(z.string(), z.record(z.string(), z.number())).optional(),
        /** Where `idtrail run` writes the weekly KPI report (Markdown); absent = kpi_results only. */
        report_dir: filePath.optional(),
      })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const tenantIds = new Set(cfg.tenants.map((t) => t.id));
    const names = new Map<string, number>();
    cfg.sources.forEach((s, i) => {
      if (tenantIds.size > 0 && !tenantIds.has(s.tenant)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'tenant'], message: `tenant '${s.tenant}' is not declared under tenants (declared: ${[...tenantIds].join(', ')})` });
      }
      const n = s.name ?? `${s.type}-${s.tenant}`;
      if (names.has(n)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `source name '${n}' is used twice (also sources[${names.get(n)}]); give each a distinct name` });
      names.set(n, i);
    });
    const sinkNames = new Map<string, number>();
    cfg.sinks.forEach((s, i) => {
      const n = parseSinkUrl(s.url).name;
      if (sinkNames.has(n)) ctx.addIssue({ code: 'custom', path: ['sinks', i], message: `sink name '${n}' is used twice (also sinks[${sinkNames.get(n)}]); add name= to one of them` });
      sinkNames.set(n, i);
    });
    try {
      metricsOptionsFromConfig({ kpis: { targets: cfg.kpis.targets, birthright: cfg.kpis.birthright, params: cfg.kpis.params } });
    } catch (err) {
      const text = err instanceof IdtrailError ? err.message : String(err);
      for (const line of text.split('\n').slice(1)) {
        const m = /^\s*(kpis(?:\.[^:]+)?): (.*)$/.exec(line);
        if (m) ctx.addIssue({ code: 'custom', path: m[1].split('.'), message: m[2] });
      }
    }
  });

export type IdtrailConfig = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceConfig>;
export type OktaSourceConfig = z.output<typeof oktaSource>;
export type EntraSourceConfig = z.output<typeof entraSource>;
export type GoogleSourceConfig = z.output<typeof googleSource>;
export type AwsSourceConfig = z.output<typeof awsSource>;
export type SinkConfig = z.output<typeof sink>;

export function sourceName(s: SourceConfig): string {
  return s.name ?? `${s.type}-${s.tenant}`;
}
