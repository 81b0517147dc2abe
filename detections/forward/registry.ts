import type { Sink, SinkKind } from './sink.js';
import { parseSinkUrl, sinkUrlsFromEnv, type SinkSpec } from './url.js';
import { elasticsearchSink } from './elasticsearch.js';
import { fileSink } from './file.js';
import { splunkHecSink } from './splunk_hec.js';
import { syslogSink } from './syslog.js';
import { webhookSink } from './webhook.js';

/** Every sink kind, one line each. */
export const SINKS: { [K in SinkKind]: (spec: Extract<SinkSpec, { kind: K }>) => Sink } = {
  elasticsearch: (spec) => elasticsearchSink(spec),
  splunk_hec: (spec) => splunkHecSink(spec),
  syslog: (spec) => syslogSink(spec),
  webhook: (spec) => webhookSink(spec),
  file: (spec) => fileSink(spec),
};

/** A sink from its URL (or parsed spec). Throws IdtrailError config_invalid for a bad URL or a missing secret. */
export function openSink(urlOrSpec: string | SinkSpec): Sink {
  const spec = typeof urlOrSpec === 'string' ? parseSinkUrl(urlOrSpec) : urlOrSpec;
  return (SINKS[spec.kind] as (s: SinkSpec) => Sink)(spec);
}

/** The sinks configured in IDTRAIL_SINKS, parsed (not opened): their names are the outbox keys. */
export function configuredSinkSpecs(env: NodeJS.ProcessEnv = process.env): SinkSpec[] {
  return sinkUrlsFromEnv(env).map(parseSinkUrl);
}

/** Outbox keys of the configured sinks: pass these to `store.upsertAlerts(alerts, sinks)`. */
export function configuredSinkNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return configuredSinkSpecs(env).map((s) => s.name);
}
