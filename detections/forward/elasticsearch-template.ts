import { ECS_VERSION } from './ecs.js';

/**
 * The index template behind the alerts data stream: explicit mappings for the ECS fields the alert
 * documents use (keywords for ids and names, `ip` for addresses, `date` for times) and `flattened`
 * for free-form detection details, so a detail key can never cause a mapping conflict. Priority 200
 * wins over Elasticsearch's built-in `logs-*-*` template (priority 100).
 */
const kw = { type: 'keyword', ignore_above: 1024 };

export function alertsIndexTemplate(dataStream: string): Record<string, unknown> {
  const [type, dataset] = dataStream.split('-');
  return {
    index_patterns: [`${type}-${dataset}-*`],
    data_stream: {},
    priority: 200,
    template: {
      settings: { 'index.mapping.total_fields.limit': 2000 },
      mappings: {
        dynamic: true,
        properties: {
          '@timestamp': { type: 'date' },
          message: { type: 'match_only_text' },
          ecs: { properties: { version: kw } },
          data_stream: { properties: { type: { type: 'constant_keyword' }, dataset: { type: 'constant_keyword' }, namespace: { type: 'constant_keyword' } } },
          event: {
            properties: {
              kind: kw, id: kw, category: kw, type: kw, module: kw, dataset: kw,
              severity: { type: 'long' }, risk_score: { type: 'float' },
              start: { type: 'date' }, end: { type: 'date' }, created: { type: 'date' },
              reason: { type: 'match_only_text' },
            },
          },
          rule: { properties: { id: kw, name: kw, ruleset: kw, author: kw } },
          threat: {
            properties: {
              framework: kw,
              tactic: { properties: { id: kw, name: kw, reference: kw } },
              technique: { properties: { id: kw, name: kw, reference: kw, subtechnique: { properties: { id: kw, name: kw, reference: kw } } } },
            },
          },
          user: { properties: { name: kw, email: kw, domain: kw } },
          source: { properties: { ip: { type: 'ip' } } },
          related: { properties: { user: kw, ip: { type: 'ip' } } },
          organization: { properties: { id: kw } },
          observer: { properties: { vendor: kw, product: kw, version: kw } },
          idtrail: {
            properties: {
              alert: {
                properties: {
                  status: kw, resolution: kw, severity: kw, suppressed_by: kw,
                  event_count: { type: 'long' }, evidence_event_ids: kw, details: { type: 'flattened' },
                },
              },
              entity: { properties: { user: kw, ip: kw, app: kw } },
              tenant_id: kw,
            },
          },
        },
      },
    },
    _meta: { description: 'idtrail alerts (ECS)', ecs_version: ECS_VERSION, managed_by: 'idtrail' },
  };
}
