import { IDENTITY_EVENT_COLUMNS } from '../schema.js';

/**
 * Index templates and index mappings of the Elasticsearch store. Names follow the data stream
 * naming scheme `<type>-<dataset>-<namespace>`:
 *   logs-idtrail.events-<ns>            normalized identity events (ECS + `identity.*`)
 *   logs-idtrail.raw.<stream>-<ns>      raw vendor events per source stream (the vendor's own fields)
 * and plain indices for what is updated in place: `idtrail-<ns>-alerts`, `-outbox`, `-checkpoints`,
 * `-quarantine`.
 *
 * Strings in raw streams are `keyword` fields with a lowercase normalizer: Sigma matches
 * case-insensitively, and a normalized keyword makes term, terms, prefix and wildcard queries do so
 * on every Elasticsearch version (a plain keyword would be case-sensitive).
 */
export const LOWERCASE_NORMALIZER = 'idtrail_lowercase';

const analysis = {
  normalizer: { [LOWERCASE_NORMALIZER]: { type: 'custom', filter: ['lowercase'] } },
};

const kw = { type: 'keyword', ignore_above: 8191 };
const lkw = { type: 'keyword', ignore_above: 8191, normalizer: LOWERCASE_NORMALIZER };

export function eventsDataStream(ns: string): string {
  return `logs-idtrail.events-${ns}`;
}

export function rawDataStream(stream: string, ns: string): string {
  return `logs-idtrail.raw.${stream}-${ns}`;
}

export function plainIndex(ns: string, what: 'alerts' | 'outbox' | 'checkpoints' | 'quarantine'): string {
  return `idtrail-${ns}-${what}`;
}

function esType(duckType: string): Record<string, unknown> {
  const t = duckType.replace(/\s+NOT NULL$/, '');
  if (t === 'BOOLEAN') return { type: 'boolean' };
  if (t === 'DOUBLE') return { type: 'double' };
  if (t === 'BIGINT' || t === 'INTEGER') return { type: 'long' };
  if (t === 'TIMESTAMP') return { type: 'date' };
  return lkw; // VARCHAR and VARCHAR[]
}

/** `identity.*`: every normalized column, typed as in DuckDB. */
export function identityProperties(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(IDENTITY_EVENT_COLUMNS).map(([name, type]) => [name, esType(type)]));
}

export function eventsTemplate(ns: string): Record<string, unknown> {
  return {
    name: `idtrail-events-${ns}`,
    index_patterns: [`${eventsDataStream(ns)}*`],
    data_stream: {},
    priority: 250,
    template: {
      settings: { analysis, 'index.mapping.ignore_malformed': true },
      mappings: {
        dynamic: 'strict',
        properties: {
          '@timestamp': { type: 'date' },
          ecs: { properties: { version: kw } },
          data_stream: { properties: { type: { type: 'constant_keyword' }, dataset: { type: 'constant_keyword' }, namespace: { type: 'constant_keyword' } } },
          event: {
            properties: {
              id: kw, kind: kw, category: kw, type: kw, action: kw, outcome: kw, provider: kw, dataset: kw, reason: kw,
              code: kw, ingested: { type: 'date' },
            },
          },
          user: { properties: { id: kw, name: lkw, target: { properties: { id: kw, name: lkw } } } },
          source: {
            properties: {
              ip: { type: 'ip' },
              as: { properties: { number: { type: 'long' }, organization: { properties: { name: kw } } } },
              geo: { properties: { city_name: kw, region_name: kw, country_iso_code: kw, location: { type: 'geo_point' } } },
            },
          },
          user_agent: { properties: { original: kw } },
          related: { properties: { user: lkw, ip: { type: 'ip' } } },
          cloud: { properties: { account: { properties: { id: kw } }, provider: kw } },
          identity: { properties: identityProperties() },
        },
      },
    },
    _meta: { managed_by: 'idtrail', description: 'normalized identity events' },
  };
}

export function rawTemplate(ns: string): Record<string, unknown> {
  return {
    name: `idtrail-raw-${ns}`,
    index_patterns: [`logs-idtrail.raw.*-${ns}`],
    data_stream: {},
    priority: 250,
    template: {
      settings: {
        analysis,
        'index.mapping.ignore_malformed': true,
        'index.mapping.total_fields.limit': 5000,
        'index.mapping.depth.limit': 40,
      },
      mappings: {
        dynamic: true,
        date_detection: false,
        numeric_detection: false,
        dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: lkw } }],
        properties: {
          '@timestamp': { type: 'date' },
          event: { properties: { original: { type: 'keyword', index: false, doc_values: false } } },
          idtrail: {
            properties: {
              uid: kw, tenant: kw, native_id: kw, stream: kw, source: kw, batch: { type: 'long' }, ingest_time: { type: 'date' },
            },
          },
        },
      },
    },
    _meta: { managed_by: 'idtrail', description: 'raw vendor events, one data stream per source stream' },
  };
}

export function plainIndexBody(what: 'alerts' | 'outbox' | 'checkpoints' | 'quarantine'): Record<string, unknown> {
  const common = { settings: { analysis } };
  switch (what) {
    case 'alerts':
      return {
        ...common,
        mappings: {
          dynamic: 'strict',
          properties: {
            alert_id: kw, rule_id: kw, rule_title: kw, rule_author: kw, rule_kind: kw, severity: kw,
            tactics: kw, techniques: kw,
            entity: { properties: { user: lkw, ip: kw, app: kw } },
            tenant_id: kw, first_seen: { type: 'date' }, last_seen: { type: 'date' }, event_count: { type: 'long' },
            evidence_event_ids: kw, explanation: { type: 'text' }, details: { type: 'flattened' },
            status: kw, resolution: kw, status_note: { type: 'text' }, suppressed_by: kw,
            created_at: { type: 'date' }, updated_at: { type: 'date' },
          },
        },
      };
    case 'outbox':
      return {
        ...common,
        mappings: {
          dynamic: 'strict',
          properties: {
            sink: kw, alert_id: kw, enqueued_at: { type: 'date' }, attempts: { type: 'integer' },
            next_attempt_at: { type: 'date' }, delivered_at: { type: 'date' }, last_error: { type: 'text' }, failing_since: { type: 'date' },
          },
        },
      };
    case 'checkpoints':
      return {
        ...common,
        mappings: {
          dynamic: 'strict',
          properties: { source: kw, tenant: kw, stream: kw, cursor: kw, watermark: { type: 'date' }, state: { type: 'flattened' }, updated_at: { type: 'date' } },
        },
      };
    case 'quarantine':
      return {
        ...common,
        mappings: {
          dynamic: 'strict',
          properties: {
            source: kw, stream: kw, tenant_id: kw, origin: kw, line_no: { type: 'long' }, reason: kw,
            raw_text: { type: 'keyword', index: false, doc_values: false }, quarantined_at: { type: 'date' },
          },
        },
      };
  }
}
