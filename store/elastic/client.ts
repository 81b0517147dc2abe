import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { IdtrailError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/log.js';

export type EsClientOptions = ConstructorParameters<typeof Client>[0];

export interface EsConnection {
  /** http(s)://host:9200 */
  url: string;
  /** API key (the base64 `id:key` form Elasticsearch returns as `encoded`). */
  apiKey?: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the cluster's certificate. */
  caFile?: string;
  /** Skip certificate verification (test clusters only). */
  insecure?: boolean;
  timeoutMs?: number;
}

/**
 * The connection to a cluster, from command-line flags and the environment:
 * `--es-url` or ELASTICSEARCH_URL; ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME +
 * ELASTICSEARCH_PASSWORD; ELASTICSEARCH_CA_FILE. Credentials are registered for redaction.
 */
export function esConnectionFromEnv(over: Partial<EsConnection> = {}, env: NodeJS.ProcessEnv = process.env): EsConnection {
  const url = over.url ?? env.ELASTICSEARCH_URL;
  if (!url) {
    throw new IdtrailError('config_invalid', 'no Elasticsearch URL', { hint: 'pass --es-url https://host:9200 or set ELASTICSEARCH_URL' });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new IdtrailError('config_invalid', `the Elasticsearch URL is not a URL: ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//…@'))}`);
  }
  if (parsed.username || parsed.password) {
    throw new IdtrailError('config_invalid', 'put Elasticsearch credentials in the environment, not in the URL', {
      hint: 'ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD',
    });
  }
  const conn: EsConnection = {
    url: parsed.toString().replace(/\/$/, ''),
    apiKey: over.apiKey ?? env.ELASTICSEARCH_API_KEY,
    username: over.username ?? env.ELASTICSEARCH_USERNAME,
    password: over.password ?? env.ELASTICSEARCH_PASSWORD,
    caFile: over.caFile ?? env.ELASTICSEARCH_CA_FILE,
    insecure: over.insecure ?? env.ELASTICSEARCH_INSECURE === 'true',
    timeoutMs: over.timeoutMs,
  };
  registerSecret(conn.apiKey);
  registerSecret(conn.password);
  return conn;
}

export function createEsClient(conn: EsConnection, extra: Partial<EsClientOptions> = {}): Client {
  let auth: EsClientOptions['auth'];
  if (conn.apiKey) auth = { apiKey: conn.apiKey };
  else if (conn.username) {
    if (!conn.password) throw new IdtrailError('config_invalid', `no password for Elasticsearch user ${conn.username}`, { hint: 'set ELASTICSEARCH_PASSWORD' });
    auth = { username: conn.username, password: conn.password };
  }
  let ca: Buffer | undefined;
  if (conn.caFile) {
    try {
      ca = readFileSync(conn.caFile);
    } catch {
      throw new IdtrailError('config_invalid', `cannot read the CA file ${conn.caFile}`);
    }
  }
  return new Client({
    node: conn.url,
    ...(auth ? { auth } : {}),
    ...(ca || conn.insecure ? { tls: { ...(ca ? { ca } : {}), ...(conn.insecure ? { rejectUnauthorized: false } : {}) } } : {}),
    requestTimeout: conn.timeoutMs ?? 30_000,
    maxRetries: 3,
    name: 'idtrail-store',
    ...extra,
  });
}
