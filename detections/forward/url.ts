import { IdtrailError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/log.js';
import { FACILITIES, DEFAULT_SD_ID } from './rfc5424.js';
import type { SinkKind } from './sink.js';

/**
 * Sinks are addressed by URL, in configuration and on the command line:
 *   file:///var/idtrail/alerts.ndjson?format=ocsf|ecs
 *   syslog+udp://host:514?format=cef|rfc5424     syslog+tcp://host:514   syslog+tls://host:6514?ca=/etc/ssl/ca.pem
 *   https://hooks.example/path?format=json|slack|teams&secret_env=IDTRAIL_WEBHOOK_SECRET
 *   splunk-hec+https://splunk:8088?index=identity&ack=true          (token: SPLUNK_HEC_TOKEN)
 *   elasticsearch+https://es:9200?data_stream=logs-idtrail.alerts-default   (ELASTICSEARCH_API_KEY, or
 *     a user name in the URL with ELASTICSEARCH_PASSWORD)
 * Every sink takes `name=` (its outbox key; the kind by default) and `timeout_ms=`. Secrets never sit
 * in the URL: a password in it is refused, and tokens are named by `*_env` / `*_file` options.
 * Unknown options are refused, so a typo never silently changes where alerts go.
 */
interface Common {
  name: string;
  display: string;
  timeoutMs: number;
}

export interface FileSinkSpec extends Common {
  kind: 'file';
  path: string;
  format: 'ocsf' | 'ecs';
}

export interface SyslogSinkSpec extends Common {
  kind: 'syslog';
  transport: 'udp' | 'tcp' | 'tls';
  host: string;
  port: number;
  format: 'cef' | 'rfc5424';
  facility: number;
  appName: string;
  sdId: string;
  caFile?: string;
  servername?: string;
}

export interface WebhookSinkSpec extends Common {
  kind: 'webhook';
  url: string;
  format: 'json' | 'slack' | 'teams';
  secretEnv: string;
  secretFile?: string;
}

export interface SplunkHecSinkSpec extends Common {
  kind: 'splunk_hec';
  baseUrl: string;
  tokenEnv: string;
  tokenFile?: string;
  index?: string;
  source: string;
  sourcetype: string;
  host?: string;
  ack: boolean;
  ackTimeoutMs: number;
  caFile?: string;
}

export interface ElasticsearchSinkSpec extends Common {
  kind: 'elasticsearch';
  node: string;
  dataStream: string;
  apiKeyEnv: string;
  apiKeyFile?: string;
  username?: string;
  passwordEnv: string;
  passwordFile?: string;
  caFile?: string;
  /** Create the index template and the data stream when they are absent. */
  setup: boolean;
}

export type SinkSpec = FileSinkSpec | SyslogSinkSpec | WebhookSinkSpec | SplunkHecSinkSpec | ElasticsearchSinkSpec;

const SCHEMES: Record<string, SinkKind> = {
  'file:': 'file',
  'syslog:': 'syslog',
  'syslog+udp:': 'syslog',
  'syslog+tcp:': 'syslog',
  'syslog+tls:': 'syslog',
  'http:': 'webhook',
  'https:': 'webhook',
  'splunk-hec+http:': 'splunk_hec',
  'splunk-hec+https:': 'splunk_hec',
  'elasticsearch+http:': 'elasticsearch',
  'elasticsearch+https:': 'elasticsearch',
};

const OPTIONS: Record<SinkKind, string[]> = {
  file: ['format'],
  syslog: ['format', 'facility', 'app_name', 'sd_id', 'ca', 'servername'],
  webhook: ['format', 'secret_env', 'secret_file'],
  splunk_hec: ['index', 'source', 'sourcetype', 'host', 'ack', 'ack_timeout_ms', 'token_env', 'token_file', 'ca'],
  elasticsearch: ['data_stream', 'api_key_env', 'api_key_file', 'password_env', 'password_file', 'ca', 'setup'],
};

const COMMON_OPTIONS = ['name', 'timeout_ms'];

function bad(url: string, message: string, hint?: string): IdtrailError {
  return new IdtrailError('config_invalid', `sink ${url}: ${message}`, { hint });
}

function oneOf<T extends string>(url: string, key: string, value: string | null, allowed: readonly T[], fallback: T): T {
  if (value === null) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw bad(url, `${key}=${value} is not one of ${allowed.join(', ')}`);
  return value as T;
}

function num(url: string, key: string, value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw bad(url, `${key} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

function bool(url: string, key: string, value: string | null, fallback: boolean): boolean {
  if (value === null) return fallback;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw bad(url, `${key} must be true or false, got ${JSON.stringify(value)}`);
}

export function parseSinkUrl(raw: string): SinkSpec {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new IdtrailError('config_invalid', `not a sink URL: ${JSON.stringify(raw.replace(/\/\/[^/]*@/, '//…@'))}`, {
      hint: 'e.g. file:///var/idtrail/alerts.ndjson?format=ocsf, syslog+tcp://siem:514?format=cef, splunk-hec+https://splunk:8088',
    });
  }
  const kind = SCHEMES[u.protocol];
  const shown = `${u.protocol}//${u.host}${kind === 'webhook' ? (u.pathname.length > 1 ? '/…' : '') : u.pathname}`;
  if (!kind) {
    throw bad(shown, `unknown scheme ${u.protocol}`, `use one of ${Object.keys(SCHEMES).map((s) => s.slice(0, -1)).join(', ')}`);
  }
  if (u.password) {
    throw bad(shown, 'a password in the URL is not accepted', 'put it in the environment (e.g. ELASTICSEARCH_PASSWORD) or a file (password_file=)');
  }
  const params = u.searchParams;
  const get = (k: string) => params.get(k);
  const allowed = new Set([...COMMON_OPTIONS, ...OPTIONS[kind]]);
  if (kind !== 'webhook') {
    for (const key of params.keys()) {
      if (!allowed.has(key)) throw bad(shown, `unknown option ${key}`, `options for ${kind}: ${[...allowed].join(', ')}`);
    }
  }
  const name = get('name') ?? kind;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw bad(shown, `name ${JSON.stringify(name)} must be letters, digits, '_', '.' or '-'`);
  const common = { name, display: shown, timeoutMs: num(shown, 'timeout_ms', get('timeout_ms'), 10_000) };
  const port = (fallback: number) => (u.port ? Number(u.port) : fallback);
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const hostPart = hostname.includes(':') ? `[${hostname}]` : hostname;

  switch (kind) {
    case 'file': {
      if (u.host && u.host !== 'localhost') throw bad(shown, 'a file sink writes on this machine: use file:///absolute/path');
      const path = decodeURIComponent(u.pathname);
      if (!path || path === '/') throw bad(shown, 'no file path', 'e.g. file:///var/idtrail/alerts.ndjson?format=ocsf');
      return { ...common, kind, path, format: oneOf(shown, 'format', get('format'), ['ocsf', 'ecs'] as const, 'ocsf') };
    }
    case 'syslog': {
      const transport = u.protocol === 'syslog+tcp:' ? 'tcp' : u.protocol === 'syslog+tls:' ? 'tls' : 'udp';
      if (!hostname) throw bad(shown, 'no host');
      const facilityName = get('facility');
      let facility = FACILITIES.auth;
      if (facilityName !== null) {
        const f = /^\d+$/.test(facilityName) ? Number(facilityName) : FACILITIES[facilityName];
        if (f === undefined || f > 23) throw bad(shown, `unknown facility ${facilityName}`, `use one of ${Object.keys(FACILITIES).join(', ')}`);
        facility = f;
      }
      return {
        ...common,
        kind,
        transport,
        host: hostname,
        port: port(transport === 'tls' ? 6514 : 514),
        format: oneOf(shown, 'format', get('format'), ['cef', 'rfc5424'] as const, 'cef'),
        facility,
        appName: get('app_name') ?? 'idtrail',
        sdId: get('sd_id') ?? DEFAULT_SD_ID,
        ...(get('ca') ? { caFile: get('ca')! } : {}),
        ...(get('servername') ? { servername: get('servername')! } : {}),
      };
    }
    case 'webhook': {
      const format = oneOf(shown, 'format', get('format'), ['json', 'slack', 'teams'] as const, 'json');
      const secretEnv = get('secret_env') ?? 'IDTRAIL_WEBHOOK_SECRET';
      const secretFile = get('secret_file') ?? undefined;
      const target = new URL(u.href);
      for (const k of [...COMMON_OPTIONS, ...OPTIONS.webhook]) target.searchParams.delete(k);
      // Slack and Teams webhook URLs carry their credential in the path or query (`sig=`).
      if (target.pathname.length > 1) registerSecret(target.pathname);
      if (target.search.length > 1) registerSecret(target.search.slice(1));
      return { ...common, kind, url: target.href, format, secretEnv, ...(secretFile ? { secretFile } : {}) };
    }
    case 'splunk_hec': {
      const scheme = u.protocol === 'splunk-hec+http:' ? 'http' : 'https';
      if (!hostname) throw bad(shown, 'no host');
      const base = `${scheme}://${hostPart}:${port(8088)}`;
      return {
        ...common,
        kind,
        baseUrl: base,
        tokenEnv: get('token_env') ?? 'SPLUNK_HEC_TOKEN',
        ...(get('token_file') ? { tokenFile: get('token_file')! } : {}),
        ...(get('index') ? { index: get('index')! } : {}),
        source: get('source') ?? 'idtrail',
        sourcetype: get('sourcetype') ?? 'idtrail:alert',
        ...(get('host') ? { host: get('host')! } : {}),
        ack: bool(shown, 'ack', get('ack'), false),
        ackTimeoutMs: num(shown, 'ack_timeout_ms', get('ack_timeout_ms'), 30_000),
        ...(get('ca') ? { caFile: get('ca')! } : {}),
      };
    }
    case 'elasticsearch': {
      const scheme = u.protocol === 'elasticsearch+http:' ? 'http' : 'https';
      if (!hostname) throw bad(shown, 'no host');
      const dataStream = get('data_stream') ?? 'logs-idtrail.alerts-default';
      // Data stream names follow <type>-<dataset>-<namespace> and must be lowercase.
      if (!/^[a-z0-9][a-z0-9._]*-[a-z0-9._]+-[a-z0-9._]+$/.test(dataStream)) {
        throw bad(shown, `data_stream ${JSON.stringify(dataStream)} is not <type>-<dataset>-<namespace> in lowercase`);
      }
      return {
        ...common,
        kind,
        node: `${scheme}://${hostPart}:${port(9200)}${u.pathname === '/' ? '' : u.pathname}`,
        dataStream,
        apiKeyEnv: get('api_key_env') ?? 'ELASTICSEARCH_API_KEY',
        ...(get('api_key_file') ? { apiKeyFile: get('api_key_file')! } : {}),
        ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
        passwordEnv: get('password_env') ?? 'ELASTICSEARCH_PASSWORD',
        ...(get('password_file') ? { passwordFile: get('password_file')! } : {}),
        ...(get('ca') ? { caFile: get('ca')! } : {}),
        setup: bool(shown, 'setup', get('setup'), true),
      };
    }
  }
}

/** Sinks configured in the environment: `IDTRAIL_SINKS`, sink URLs separated by whitespace. */
export function sinkUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.IDTRAIL_SINKS ?? '').split(/\s+/).filter(Boolean);
}
