import { existsSync } from 'node:fs';
import { parseSince } from '../../config/duration.js';
import { loadConfig } from '../../config/load.js';
import { sourceName, type IdtrailConfig, type SourceConfig } from '../../config/schema.js';
import { collect, countersOf, type CollectStats } from '../../ingest/sources/collect.js';
import { buildSource, sourceConfigFromEnv } from '../../ingest/sources/registry.js';
import type { SourceType } from '../../ingest/sources/source.js';
import { IdtrailError, EXIT } from '../../lib/errors.js';
import { logger } from '../../lib/log.js';
import { STORE_OPTIONS, STORE_USAGE, openStore, storeKind } from '../store-flags.js';
import { flag, str, writeJson, type Command, type CommandContext } from '../command.js';

/**
 * `idtrail ingest okta|entra|google_workspace|aws`: one pull of one source into the store, page by
 * page, each page committed with its checkpoint. SIGINT/SIGTERM finish the page in flight, commit
 * it and exit; a second signal exits at once (the uncommitted page is simply fetched again next time).
 */
export function configFile(ctx: CommandContext): string | undefined {
  const f = str(ctx, 'config') ?? process.env.IDTRAIL_CONFIG;
  if (f) return f;
  return existsSync('idtrail.yaml') ? 'idtrail.yaml' : undefined;
}

export function pickSource(config: IdtrailConfig | undefined, type: SourceType, opts: { name?: string; tenant?: string; path?: string }): { cfg: SourceConfig; key: string } {
  const candidates = (config?.sources ?? [])
    .map((cfg, i) => ({ cfg, key: `sources[${i}]` }))
    .filter(({ cfg }) => cfg.type === type && (!opts.name || sourceName(cfg) === opts.name) && (!opts.tenant || cfg.tenant === opts.tenant));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw new IdtrailError('usage', `the config has ${candidates.length} ${type} sources (${candidates.map((c) => sourceName(c.cfg)).join(', ')})`, { hint: 'choose one with --source NAME or --tenant ID' });
  }
  if (opts.name) throw new IdtrailError('usage', `no ${type} source named '${opts.name}' in the config`);
  return { cfg: sourceConfigFromEnv(type, { tenant: opts.tenant, path: opts.path }), key: type };
}

export function parseTimeOption(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = parseSince(value);
  if (!d) throw new IdtrailError('usage', `--${name} must be a duration back from now (30m, 24h, 7d) or an ISO-8601 time, got ${JSON.stringify(value)}`);
  return d;
}

function summary(s: CollectStats): string {
  return `${s.source} ${s.tenant}: ${s.stored} stored, ${s.duplicates} duplicates, ${s.quarantined} quarantined from ${s.received} received in ${s.pages} pages (${s.requests} requests, ${s.retries} retries, ${s.throttled} throttled)${s.stopped ? ' — stopped on request; the next run resumes from the last committed page' : ''}\n`;
}

function ingestCommand(type: SourceType): Command {
  return {
    name: `ingest ${type}`,
    summary: `pull ${type === 'aws' ? 'CloudTrail sign-in events from files' : `the ${type} API`} into the store (resumes from the last checkpoint)`,
    usage: `ingest ${type} ${STORE_USAGE} [--since 24h|7d|ISO] [--until ISO] [--config FILE] [--source NAME] [--tenant ID]${type === 'aws' ? ' [--path DIR]' : ''} [--json]`,
    options: {
      ...STORE_OPTIONS,
      since: { type: 'string' },
      until: { type: 'string' },
      config: { type: 'string' },
      source: { type: 'string' },
      tenant: { type: 'string' },
      ...(type === 'aws' ? { path: { type: 'string' as const } } : {}),
      json: { type: 'boolean' },
    },
    async run(ctx) {
      if (ctx.positionals.length) throw new IdtrailError('usage', `unexpected argument ${JSON.stringify(ctx.positionals[0])}`, { hint: `usage: idtrail ${this.usage}` });
      const file = configFile(ctx);
      const config = file ? loadConfig(file) : undefined;
      if (config?.log.level) logger().level = process.env.IDTRAIL_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : config.log.level);
      const { cfg, key } = pickSource(config, type, { name: str(ctx, 'source'), tenant: str(ctx, 'tenant'), path: str(ctx, 'path') });
      const since = parseTimeOption(str(ctx, 'since'), 'since') ?? parseSince(cfg.initial_since)!;
      const until = parseTimeOption(str(ctx, 'until'), 'until');
      if (until && until <= since) throw new IdtrailError('usage', `--until (${until.toISOString()}) must be after --since (${since.toISOString()})`);
      const source = buildSource(cfg, key);
      const dbPath = storeKind(ctx, config?.store) === 'duckdb' ? (str(ctx, 'db') ?? (config?.store.kind === 'duckdb' ? config.store.path : undefined) ?? 'idtrail.duckdb') : null;
      const store = await openStore(ctx, { config: config?.store });

      const ac = new AbortController();
      let stoppedBy: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        if (ac.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
        stoppedBy = sig;
        logger().info({ signal: sig }, 'stopping after the page in flight is committed');
        ac.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let lastProgress = 0;
      try {
        const stats = await collect(source, store, {
          since,
          until,
          signal: ac.signal,
          onPage: (_page, s) => {
            if (ctx.interactive && Date.now() - lastProgress > 200) {
              lastProgress = Date.now();
              ctx.stderr.write(`\r${type}: ${s.pages} pages, ${s.stored} stored, ${s.duplicates} duplicates, ${s.quarantined} quarantined`);
            }
          },
        });
        if (ctx.interactive) ctx.stderr.write('\n');
        if (flag(ctx, 'json')) writeJson(ctx, { ...stats, counters: countersOf(stats), db: dbPath, since: since.toISOString(), until: until?.toISOString() ?? null });
        else ctx.stdout.write(summary(stats));
        return stats.stopped ? (stoppedBy === 'SIGINT' ? 130 : 143) : EXIT.ok;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await store.close();
      }
    },
  };
}

export const ingestOkta = ingestCommand('okta');
export const ingestEntra = ingestCommand('entra');
export const ingestGoogleWorkspace = ingestCommand('google_workspace');
export const ingestAws = ingestCommand('aws');
