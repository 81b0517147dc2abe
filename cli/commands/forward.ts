import type { Command } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { STORE_OPTIONS, openStore } from '../store-flags.js';
import { IdtrailError, EXIT } from '../../lib/errors.js';
import { forwardPending } from '../../detections/forward/outbox.js';
import { openSink } from '../../detections/forward/registry.js';
import { parseSinkUrl, sinkUrlsFromEnv, type SinkSpec } from '../../detections/forward/url.js';
import type { Sink } from '../../detections/forward/sink.js';
import type { SinkStatus } from '../../store/event-store.js';

function list(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

function statusTable(rows: SinkStatus[]): string {
  if (rows.length === 0) return 'no sink has queued alerts\n';
  const head = ['SINK', 'QUEUED', 'DELIVERED', 'FAILING SINCE', 'LAST ERROR'];
  const body = rows.map((r) => [r.sink, String(r.queued), String(r.delivered), r.failing_since ?? '-', r.last_error ?? '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (i === 4 ? 0 : b[i].length))));
  return [head, ...body].map((cols) => cols.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export const forwardCommand: Command = {
  name: 'forward',
  summary: 'deliver queued alerts to the SIEM sinks (outbox), or show per-sink delivery status',
  usage: 'forward [--db FILE | --store elasticsearch --es-url URL] [--config FILE] [--sink NAME]... [--to URL]... [--status] [--retry-now] [--batch N] [--json]',
  options: {
    ...STORE_OPTIONS,
    config: { type: 'string' },
    sink: { type: 'string', multiple: true },
    to: { type: 'string', multiple: true },
    status: { type: 'boolean', default: false },
    'retry-now': { type: 'boolean', default: false },
    batch: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const store = await openStore(ctx);
    const opened: Sink[] = [];
    try {
      const names = list(ctx.values.sink);
      if (flag(ctx, 'status')) {
        const rows = (await store.sinkStatus()).filter((r) => names.length === 0 || names.includes(r.sink));
        if (flag(ctx, 'json')) writeJson(ctx, { sinks: rows });
        else ctx.stdout.write(statusTable(rows));
        return EXIT.ok;
      }
      const toUrls = list(ctx.values.to);
      // Where sinks come from: --to on the command line, else the config file's `sinks`, else IDTRAIL_SINKS.
      const configFile = str(ctx, 'config');
      let urls = toUrls;
      if (!urls.length && configFile) {
        const { loadConfig } = await import('../../config/load.js');
        urls = loadConfig(configFile).sinks.map((s) => s.url);
      } else if (!urls.length) {
        urls = sinkUrlsFromEnv();
      }
      if (urls.length === 0) {
        throw new IdtrailError('usage', 'no sink to forward to', {
          hint: 'pass --to URL (e.g. --to file:///var/idtrail/alerts.ndjson?format=ocsf), list sinks in --config FILE, or set IDTRAIL_SINKS',
        });
      }
      let specs: SinkSpec[] = urls.map(parseSinkUrl);
      if (names.length) {
        const unknown = names.filter((n) => !specs.some((s) => s.name === n));
        if (unknown.length) {
          throw new IdtrailError('usage', `no sink named ${unknown.join(', ')}`, { hint: `configured sinks: ${specs.map((s) => s.name).join(', ')}` });
        }
        specs = specs.filter((s) => names.includes(s.name));
      }
      const dup = specs.find((s, i) => specs.findIndex((o) => o.name === s.name) !== i);
      if (dup) throw new IdtrailError('usage', `two sinks are named ${dup.name}`, { hint: 'give each a distinct ?name=' });
      for (const spec of specs) opened.push(openSink(spec));
      // A sink named on the command line receives every stored alert it has not had yet (an export).
      if (toUrls.length) {
        const ids = (await store.listAlerts()).filter((a) => !a.suppressed_by).map((a) => a.alert_id);
        for (const s of opened) await store.enqueueOutbox(s.name, ids);
      }
      const batch = ctx.values.batch === undefined ? undefined : int(ctx, 'batch', 0) || undefined;
      const reports = await forwardPending(store, opened, {
        retryNow: flag(ctx, 'retry-now'),
        batchSize: batch,
        onBatch: ctx.interactive && !flag(ctx, 'json')
          ? (sink, o) => ctx.stderr.write(`${sink}: +${o.delivered.length} delivered${o.failed.length ? `, ${o.failed.length} failed` : ''}\n`)
          : undefined,
      });
      const status = await store.sinkStatus();
      if (flag(ctx, 'json')) {
        writeJson(ctx, { sinks: reports.map((r) => ({ ...r, ...(status.find((s) => s.sink === r.sink) ?? {}) })) });
      } else {
        for (const r of reports) {
          const st = status.find((s) => s.sink === r.sink);
          ctx.stdout.write(`${r.sink} (${r.display}): ${r.delivered} delivered, ${r.failed} failed, ${st?.queued ?? 0} still queued\n`);
          for (const e of r.errors) ctx.stdout.write(`  error: ${e}\n`);
        }
      }
      return reports.some((r) => r.failed > 0) ? EXIT.unreachable : EXIT.ok;
    } finally {
      for (const s of opened) await s.close().catch(() => undefined);
      await store.close();
    }
  },
};
