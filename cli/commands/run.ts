import { loadConfig } from '../../config/load.js';
import { Scheduler } from '../../ingest/sources/scheduler.js';
import { EXIT, IdtrailError } from '../../lib/errors.js';
import { logger } from '../../lib/log.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import type { EventStore } from '../../store/event-store.js';
import { flag, str, writeJson, type Command } from '../command.js';
import { STORE_OPTIONS, STORE_USAGE, openStore, storeKind } from '../store-flags.js';
import { configFile } from './ingest-source.js';

/**
 * The scheduler's view of the store. Collection, detection and forwarding work on either store; the
 * weekly KPI table and the inventory loads are SQL over DuckDB tables, so on the Elasticsearch store
 * those jobs fail with this error (logged per run) instead of a TypeError.
 */
function schedulerStore(store: EventStore): DuckDbStore {
  if (store instanceof DuckDbStore) return store;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'db') {
        throw new IdtrailError('store_error', 'the KPI report and inventory, HRIS and ITSM loads are SQL over DuckDB tables; the Elasticsearch store has none', {
          hint: 'run them against a DuckDB store (idtrail metrics --db FILE, idtrail ingest file --source inventory --db FILE)',
        });
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as DuckDbStore;
}

/**
 * `idtrail run`: the unattended pipeline from idtrail.yaml — each source on its cron schedule,
 * detection after each ingest, forwarding, the weekly KPI table. SIGTERM or SIGINT stops it cleanly:
 * the page in flight is committed with its checkpoint, the job in hand finishes, the store closes.
 * `--once` runs every collection (then detection and forwarding) one time and exits.
 */
export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipeline unattended: scheduled collection, detection, forwarding and the weekly KPI report',
  usage: `run [--config FILE] ${STORE_USAGE} [--once] [--json]`,
  options: { ...STORE_OPTIONS, config: { type: 'string' }, once: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(ctx) {
    const file = configFile(ctx);
    if (!file) throw new IdtrailError('usage', 'no configuration: idtrail run needs an idtrail.yaml', { hint: 'pass --config FILE (or set IDTRAIL_CONFIG); see config/idtrail.example.yaml' });
    const config = loadConfig(file);
    logger().level = process.env.IDTRAIL_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : config.log.level);
    const kind = storeKind(ctx, config.store);
    const dbPath = kind === 'duckdb' ? (str(ctx, 'db') ?? (config.store.kind === 'duckdb' ? config.store.path : 'idtrail.duckdb')) : null;
    const store = await openStore(ctx, { config: config.store });
    const scheduler = new Scheduler({ config, store: schedulerStore(store) });
    const log = logger().child({ component: 'run' });
    try {
      if (flag(ctx, 'once')) {
        const collects = scheduler.jobNames.filter((n) => n.startsWith('collect:') || n.startsWith('inventory:'));
        for (const n of collects) await scheduler.trigger(n);
        if (scheduler.jobNames.includes('forward')) await scheduler.trigger('forward');
      } else {
        let stopping: ((sig: NodeJS.Signals) => void) | undefined;
        const stopped = new Promise<NodeJS.Signals>((resolve) => {
          stopping = resolve;
        });
        const onSignal = (sig: NodeJS.Signals) => {
          if (!stopping) process.exit(sig === 'SIGINT' ? 130 : 143);
          log.info({ signal: sig }, 'stopping: finishing the page in flight');
          const s = stopping;
          stopping = undefined;
          s(sig);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        scheduler.start({ runNow: true });
        await stopped;
        await scheduler.stop();
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      if (flag(ctx, 'json')) writeJson(ctx, { config: file, db: dbPath, jobs: scheduler.totals });
      else if (flag(ctx, 'once')) {
        for (const [job, t] of Object.entries(scheduler.totals)) {
          if (t.runs || t.failures) ctx.stdout.write(`${job}: ${t.runs} run${t.runs === 1 ? '' : 's'}, ${t.failures} failed, ${t.stored} stored, ${t.duplicates} duplicates, ${t.quarantined} quarantined\n`);
        }
      }
      const failed = Object.values(scheduler.totals).some((t) => t.failures > 0);
      return flag(ctx, 'once') && failed ? EXIT.failure : EXIT.ok;
    } finally {
      await store.close();
      log.info('store closed; idtrail run stopped');
    }
  },
};
