import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { parseSince } from '../../config/duration.js';
import { sourceName, type IdtrailConfig, type SourceConfig } from '../../config/schema.js';
import type { Env } from '../../config/secrets.js';
import { IdtrailError } from '../../lib/errors.js';
import { logger } from '../../lib/log.js';
import type { DuckDbStore } from '../../store/duckdb/store.js';
import { collect, countersOf } from './collect.js';
import { buildSource } from './registry.js';
import { parseSinkUrl } from '../../detections/forward/url.js';

/**
 * The unattended pipeline behind `idtrail run`: node-cron jobs for each source's collection (and its
 * inventory), detection after each ingest, forwarding, and the weekly KPI report.
 *
 * - One DuckDB file has one writer and its connection runs one transaction at a time, so every job
 *   that touches the store runs through one queue; jobs never interleave their transactions.
 * - A job never overlaps itself: a tick that finds the previous run of the same job still queued or
 *   running is skipped (and logged).
 * - stop() finishes the page in flight (it is committed with its checkpoint), lets the job in hand
 *   end, drops queued jobs and stops the timers.
 * - Detection, forwarding and KPIs are other modules: they are loaded on first use, and a missing
 *   module is logged once instead of failing the scheduler.
 */
export interface JobTotals {
  runs: number;
  failures: number;
  skipped: number;
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  errors: number;
}

export interface SchedulerOptions {
  config: IdtrailConfig;
  store: DuckDbStore;
  env?: Env;
  log?: Logger;
}

interface Job {
  name: string;
  schedule: string;
  run(signal: AbortSignal): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

export class Scheduler {
  readonly totals: Record<string, JobTotals> = {};
  private readonly log: Logger;
  private readonly ac = new AbortController();
  private readonly tasks: ScheduledTask[] = [];
  private readonly pending = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private readonly jobs: Job[] = [];
  private readonly missing = new Set<string>();
  private readonly sinkNames: string[];

  constructor(private readonly opts: SchedulerOptions) {
    this.log = (opts.log ?? logger()).child({ component: 'scheduler' });
    this.sinkNames = [];
    const { config } = opts;
    config.sources.forEach((s, i) => {
      if (!s.enabled) return;
      const name = sourceName(s);
      this.jobs.push({ name: `collect:${name}`, schedule: s.schedule, run: (signal) => this.collectJob(s, i, signal, 'events') });
      if ((s.type === 'okta' || s.type === 'entra') && s.inventory?.enabled) {
        this.jobs.push({ name: `inventory:${name}`, schedule: s.inventory.schedule, run: (signal) => this.collectJob(s, i, signal, 'inventory') });
      }
    });
    if (config.schedules.detect) this.jobs.push({ name: 'detect', schedule: config.schedules.detect, run: async () => void (await this.detect()) });
    if (config.sinks.length) this.jobs.push({ name: 'forward', schedule: config.schedules.forward, run: () => this.forward() });
    this.jobs.push({ name: 'kpi_report', schedule: config.schedules.kpi_report, run: () => this.kpiReport() });
    for (const j of this.jobs) this.totals[j.name] = { runs: 0, failures: 0, skipped: 0, received: 0, stored: 0, duplicates: 0, quarantined: 0, errors: 0 };
  }

  get jobNames(): string[] {
    return this.jobs.map((j) => j.name);
  }

  start(opts: { runNow?: boolean } = {}): void {
    for (const job of this.jobs) {
      const task = cron.schedule(job.schedule, () => this.trigger(job), { name: job.name, noOverlap: true, timezone: 'UTC' });
      this.tasks.push(task);
    }
    this.log.info({ jobs: this.jobs.map((j) => ({ job: j.name, schedule: j.schedule })) }, 'scheduler started');
    if (opts.runNow) for (const job of this.jobs) if (job.name.startsWith('collect:')) void this.trigger(job);
  }

  /** Queue a run of the job unless one is already queued or running. Resolves when it has run. */
  trigger(job: Job | string): Promise<void> {
    const j = typeof job === 'string' ? this.jobs.find((x) => x.name === job) : job;
    if (!j) return Promise.reject(new Error(`no job ${String(job)}`));
    if (this.ac.signal.aborted) return Promise.resolve();
    if (this.pending.has(j.name)) {
      this.totals[j.name].skipped++;
      this.log.info({ job: j.name }, 'previous run of this job has not finished; skipping this tick');
      return Promise.resolve();
    }
    this.pending.add(j.name);
    const run = async () => {
      if (this.ac.signal.aborted) return;
      const t0 = Date.now();
      this.log.info({ job: j.name }, 'job started');
      try {
        await j.run(this.ac.signal);
        this.totals[j.name].runs++;
        this.log.info({ job: j.name, ms: Date.now() - t0, totals: this.totals[j.name] }, 'job finished');
      } catch (err) {
        this.totals[j.name].failures++;
        this.totals[j.name].errors++;
        this.log.error({ job: j.name, ms: Date.now() - t0, err: err instanceof IdtrailError ? err.format() : (err as Error).message }, 'job failed');
      } finally {
        this.pending.delete(j.name);
      }
    };
    const p = this.queue.then(run);
    this.queue = p;
    return p;
  }

  /** Finish the page in flight and the job in hand, drop what is queued, stop the timers. */
  async stop(): Promise<void> {
    this.ac.abort();
    for (const t of this.tasks) await t.destroy();
    await this.queue;
    this.log.info({ totals: this.totals }, 'scheduler stopped');
  }

  private async collectJob(s: SourceConfig, i: number, signal: AbortSignal, what: 'events' | 'inventory'): Promise<void> {
    const source = buildSource(s, `sources[${i}]`, this.opts.env ?? process.env);
    const feeds = what === 'inventory' ? ['inventory'] : source.feeds.filter((f) => f !== 'inventory');
    const since = parseSince(s.initial_since)!;
    const name = `${what === 'inventory' ? 'inventory' : 'collect'}:${sourceName(s)}`;
    const stats = await collect(source, this.opts.store, { since, signal, feeds, log: this.log });
    const t = this.totals[name];
    t.received += stats.received;
    t.stored += stats.stored;
    t.duplicates += stats.duplicates;
    t.quarantined += stats.quarantined;
    t.errors += stats.errors;
    this.log.info({ job: name, source: s.type, tenant: s.tenant, ...countersOf(stats) }, 'source counters');
    // Detection follows each ingest that stored something (it resumes from its own watermark).
    if (what === 'events' && stats.stored > 0 && !signal.aborted) {
      const created = await this.detect();
      if (created > 0 && this.opts.config.sinks.length && !signal.aborted) await this.forward();
    }
  }

  private async hook(spec: string, exportName: string): Promise<AnyFn | null> {
    try {
      const mod = (await import(spec)) as Record<string, unknown>;
      if (typeof mod[exportName] === 'function') return mod[exportName] as AnyFn;
    } catch (err) {
      if (!this.missing.has(spec)) this.log.debug({ module: spec, err: (err as Error).message }, 'module not loadable');
    }
    if (!this.missing.has(spec)) {
      this.missing.add(spec);
      this.log.warn({ module: spec, export: exportName }, `${exportName} is not available (${spec}); this step is skipped`);
    }
    return null;
  }

  private sinks(): string[] {
    if (this.sinkNames.length === 0 && this.opts.config.sinks.length) {
      this.sinkNames.push(...this.opts.config.sinks.map((s) => parseSinkUrl(s.url).name));
    }
    return this.sinkNames;
  }

  /** Runs the detections; returns the number of new alerts. */
  private async detect(): Promise<number> {
    const runDetections = await this.hook('../../detections/run.js', 'runDetections');
    if (!runDetections) return 0;
    const r = (await runDetections(this.opts.store, { sinks: this.sinks(), allowlist: { entries: this.opts.config.allowlists } })) as { new: number; evaluated?: number; window?: unknown };
    this.log.info({ step: 'detect', newAlerts: r.new, evaluated: r.evaluated, window: r.window }, 'detections finished');
    return r.new;
  }

  private async forward(): Promise<void> {
    const openSink = await this.hook('../../detections/forward/registry.js', 'openSink');
    const forwardPending = await this.hook('../../detections/forward/outbox.js', 'forwardPending');
    if (!openSink || !forwardPending) return;
    const sinks = this.opts.config.sinks.map((s) => openSink(s.url));
    const reports = (await forwardPending(this.opts.store, sinks)) as Array<{ sink: string; attempted: number; delivered: number; failed: number; errors: string[] }>;
    for (const r of reports) this.log.info({ step: 'forward', sink: r.sink, attempted: r.attempted, delivered: r.delivered, failed: r.failed, errors: r.errors.slice(0, 3) }, 'forwarding finished');
  }

  /** Computes the KPI table of the last complete ISO week (and writes a JSON report if asked). */
  private async kpiReport(): Promise<void> {
    const computeKpis = await this.hook('../../metrics/compute.js', 'computeKpis');
    const periodContaining = await this.hook('../../metrics/period.js', 'periodContaining');
    if (!computeKpis || !periodContaining) return;
    // The week that has just ended (the report runs early on Monday).
    const period = periodContaining(new Date(Date.now() - 86_400_000), 'week') as { label: string };
    const { targets, birthright, params, report_dir } = this.opts.config.kpis;
    const results = (await computeKpis(this.opts.store.db, period, { config: { kpis: { targets, birthright, params } }, write: true })) as unknown[];
    this.log.info({ step: 'kpi_report', period: period.label, kpis: results.length }, 'weekly KPI table computed');
    if (report_dir) {
      const metricsJson = await this.hook('../../metrics/format.js', 'metricsJson');
      if (!metricsJson) return;
      mkdirSync(report_dir, { recursive: true });
      const file = join(report_dir, `kpi-${period.label}.json`);
      writeFileSync(file, `${JSON.stringify(metricsJson(period.label, results), null, 2)}\n`);
      this.log.info({ step: 'kpi_report', file }, 'KPI report written');
    }
  }
}
