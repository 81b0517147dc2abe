import type { CommandContext, OptionSpec } from './command.js';
import { str, flag } from './command.js';
import { IdtrailError } from '../lib/errors.js';
import type { EventStore } from '../store/event-store.js';
import { DuckDbStore } from '../store/duckdb/store.js';

/**
 * The store flags every command that reads or writes events shares:
 *   --store duckdb (default) with --db FILE, or
 *   --store elasticsearch with --es-url (or ELASTICSEARCH_URL), --es-namespace, --es-ca, --es-insecure;
 * credentials come from ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD.
 */
export const STORE_OPTIONS: OptionSpec = {
  store: { type: 'string', default: 'duckdb' },
  db: { type: 'string', default: 'idtrail.duckdb' },
  'es-url': { type: 'string' },
  'es-namespace': { type: 'string', default: 'default' },
  'es-ca': { type: 'string' },
  'es-insecure': { type: 'boolean' },
};

export async function openStore(ctx: CommandContext, opts: { readOnly?: boolean } = {}): Promise<EventStore> {
  const kind = str(ctx, 'store', 'duckdb');
  if (kind === 'duckdb') return DuckDbStore.open(str(ctx, 'db', 'idtrail.duckdb')!, { readOnly: opts.readOnly });
  if (kind === 'elasticsearch') {
    const { ElasticStore } = await import('../store/elastic/store.js');
    const { esConnectionFromEnv } = await import('../store/elastic/client.js');
    const conn = esConnectionFromEnv({ url: str(ctx, 'es-url'), caFile: str(ctx, 'es-ca'), insecure: flag(ctx, 'es-insecure') || undefined });
    return ElasticStore.open(conn, { namespace: str(ctx, 'es-namespace', 'default') });
  }
  throw new IdtrailError('usage', `--store must be duckdb or elasticsearch, got '${kind}'`);
}
