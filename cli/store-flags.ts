import { readFileSync } from 'node:fs';
import type { CommandContext, OptionSpec } from './command.js';
import { str, flag } from './command.js';
import { IdtrailError } from '../lib/errors.js';
import type { EventStore } from '../store/event-store.js';
import { DuckDbStore } from '../store/duckdb/store.js';
import type { IdtrailConfig } from '../config/schema.js';

/**
 * The store flags every command that reads or writes events shares:
 *   --store duckdb (default) with --db FILE, or
 *   --store elasticsearch with --es-url (or ELASTICSEARCH_URL), --es-namespace, --es-ca, --es-insecure;
 * credentials come from ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD
 * (never from the command line, where every process listing shows them). Without --store, the
 * config file's `store:` decides, else DuckDB.
 */
export const STORE_OPTIONS: OptionSpec = {
  store: { type: 'string' },
  db: { type: 'string' },
  'es-url': { type: 'string' },
  'es-namespace': { type: 'string' },
  'es-ca': { type: 'string' },
  'es-insecure': { type: 'boolean' },
};

export const STORE_USAGE = '[--db FILE | --store elasticsearch --es-url URL [--es-namespace NS] [--es-ca PEM] [--es-insecure]]';

export type StoreConfig = IdtrailConfig['store'];

export function storeKind(ctx: CommandContext, config?: StoreConfig): string {
  return str(ctx, 'store') ?? config?.kind ?? 'duckdb';
}

export async function openStore(ctx: CommandContext, opts: { readOnly?: boolean; config?: StoreConfig } = {}): Promise<EventStore> {
  const kind = storeKind(ctx, opts.config);
  if (kind === 'duckdb') {
    const path = str(ctx, 'db') ?? (opts.config?.kind === 'duckdb' ? opts.config.path : undefined) ?? 'idtrail.duckdb';
    return DuckDbStore.open(path, { readOnly: opts.readOnly });
  }
  if (kind === 'elasticsearch') {
    if (str(ctx, 'db')) throw new IdtrailError('usage', '--db names a DuckDB file; the Elasticsearch store takes --es-url');
    const { ElasticStore } = await import('../store/elastic/store.js');
    const { esConnectionFromEnv } = await import('../store/elastic/client.js');
    const cfg = opts.config?.kind === 'elasticsearch' ? opts.config : undefined;
    let apiKey: string | undefined;
    if (cfg?.api_key_env) apiKey = process.env[cfg.api_key_env];
    else if (cfg?.api_key_file) {
      try {
        apiKey = readFileSync(cfg.api_key_file, 'utf8').trim();
      } catch {
        throw new IdtrailError('config_invalid', `cannot read the Elasticsearch API key file ${cfg.api_key_file}`, { location: { path: 'store.api_key_file' } });
      }
    }
    const conn = esConnectionFromEnv({
      url: str(ctx, 'es-url') ?? cfg?.url,
      caFile: str(ctx, 'es-ca'),
      insecure: flag(ctx, 'es-insecure') || undefined,
      ...(apiKey ? { apiKey } : {}),
    });
    return ElasticStore.open(conn, { namespace: str(ctx, 'es-namespace', 'default') });
  }
  throw new IdtrailError('usage', `--store must be duckdb or elasticsearch, got '${kind}'`);
}
