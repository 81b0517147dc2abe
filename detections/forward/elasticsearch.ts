import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';

type ClientOptions = ConstructorParameters<typeof Client>[0];
import type { Alert } from '../alerts/model.js';
import { redactSecrets } from '../../lib/log.js';
import { toEcs } from './ecs.js';
import { alertsIndexTemplate } from './elasticsearch-template.js';
import { readSecret } from './secrets.js';
import { allFailed, retryAfterMs, type DeliveryOutcome, type Sink } from './sink.js';
import type { ElasticsearchSinkSpec } from './url.js';

/**
 * `elasticsearch`: alerts as ECS documents into a data stream (default `logs-idtrail.alerts-default`),
 * through the bulk API with the `create` action (the only write a data stream accepts) and
 * `_id` = alert id. Per item: 201 created; 409 `version_conflict_engine_exception` means the document
 * is already there (an earlier attempt landed), so it counts as delivered; 429 and 5xx are retried;
 * other errors (e.g. 400 mapping errors) are kept queued with their reason. A whole-request 429
 * (`es_rejected_execution_exception`) or 5xx retries the batch. The index template and the data
 * stream are created on first use when absent. Auth: an API key (ELASTICSEARCH_API_KEY) or a user
 * name in the URL with ELASTICSEARCH_PASSWORD; TLS trust with `ca=`.
 */
export function elasticsearchSink(spec: ElasticsearchSinkSpec, opts: { clientOptions?: Partial<ClientOptions> } = {}): Sink {
  const apiKey = readSecret({ env: spec.apiKeyEnv, file: spec.apiKeyFile }, 'Elasticsearch API key');
  let auth: ClientOptions['auth'];
  if (apiKey) auth = { apiKey };
  else if (spec.username) {
    const password = readSecret({ env: spec.passwordEnv, file: spec.passwordFile }, `password of Elasticsearch user ${spec.username}`, { required: true });
    auth = { username: spec.username, password };
  }
  const client = new Client({
    node: spec.node,
    ...(auth ? { auth } : {}),
    ...(spec.caFile ? { tls: { ca: readFileSync(spec.caFile) } } : {}),
    // Retries belong to the outbox (backoff that survives restarts), not to the client.
    maxRetries: 0,
    requestTimeout: spec.timeoutMs,
    name: 'idtrail',
    ...opts.clientOptions,
  });
  const [type, dataset, namespace] = spec.dataStream.split('-');
  const templateName = `${type}-${dataset}`;
  let ready = !spec.setup;
  const where = `Elasticsearch ${spec.display}`;

  async function setup(): Promise<void> {
    if (!(await client.indices.existsIndexTemplate({ name: templateName }))) {
      await client.indices.putIndexTemplate({ name: templateName, ...(alertsIndexTemplate(spec.dataStream) as object) });
    }
    try {
      await client.indices.getDataStream({ name: spec.dataStream });
    } catch (err) {
      if (!(err instanceof errors.ResponseError && err.statusCode === 404)) throw err;
      try {
        await client.indices.createDataStream({ name: spec.dataStream });
      } catch (e) {
        // Another writer created it in between.
        if (!(e instanceof errors.ResponseError && e.body && JSON.stringify(e.body).includes('resource_already_exists_exception'))) throw e;
      }
    }
    ready = true;
  }

  function describe(err: unknown): { message: string; wait?: number } {
    if (err instanceof errors.ResponseError) {
      const body = err.body as { error?: { type?: string; reason?: string } | string } | undefined;
      const reason = typeof body?.error === 'object' ? `${body.error.type}: ${body.error.reason}` : String(body?.error ?? err.message);
      const ra = err.headers?.['retry-after'];
      return { message: `${where}: HTTP ${err.statusCode} ${reason}`, wait: retryAfterMs(Array.isArray(ra) ? ra[0] : ra) };
    }
    return { message: `${where}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` };
  }

  return {
    name: spec.name,
    kind: 'elasticsearch',
    display: spec.display,
    maxBatch: 500,
    async deliver(alerts: Alert[]): Promise<DeliveryOutcome> {
      try {
        if (!ready) await setup();
      } catch (err) {
        const d = describe(err);
        return allFailed(alerts, redactSecrets(`cannot set up the alerts data stream: ${d.message}`), d.wait);
      }
      const operations = alerts.flatMap((a) => [
        { create: { _index: spec.dataStream, _id: a.alert_id } },
        toEcs(a, { dataStream: { type, dataset, namespace } }),
      ]);
      let res;
      try {
        res = await client.bulk({ operations });
      } catch (err) {
        const d = describe(err);
        return allFailed(alerts, redactSecrets(d.message), d.wait);
      }
      const out: DeliveryOutcome = { delivered: [], failed: [] };
      alerts.forEach((a, i) => {
        const item = res.items[i]?.create;
        if (!item) {
          out.failed.push({ alert_id: a.alert_id, error: `${where}: no result for this document in the bulk response` });
        } else if ((item.status >= 200 && item.status < 300) || item.status === 409) {
          out.delivered.push(a.alert_id);
        } else {
          const e = item.error;
          out.failed.push({ alert_id: a.alert_id, error: redactSecrets(`${where}: item ${item.status} ${e ? `${e.type}: ${e.reason ?? ''}` : ''}`.trim()) });
        }
      });
      return out;
    },
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}
