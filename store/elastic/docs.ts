import type { RawStream } from '../../ingest/streams.js';
import { toPlain } from '../duckdb/db.js';

/**
 * Documents of the Elasticsearch store. A raw event is the vendor record as received (for envelope
 * shapes such as the Azure Monitor export, the envelope with the vendor object under `properties`,
 * which is what the Sigma Elasticsearch target addresses), plus `@timestamp`, `idtrail.*` metadata
 * and the untouched original text in `event.original`.
 */
export function rawDoc(
  row: { _uid: string; _tenant: string; _native_id: string; _event_time: Date | null; _ingest_time: Date; _batch: bigint; json: string },
  stream: RawStream,
): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(row.json) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    /* the record is validated JSON by the time it is stored; an unparsable one keeps only metadata */
  }
  const { ['@timestamp']: _ts, idtrail: _meta, event: vendorEvent, ...rest } = body;
  return {
    ...rest,
    // A vendor field called `event` (CloudTrail has none, GCP has none) would collide with ECS; keep it.
    ...(vendorEvent !== undefined ? { vendor_event: vendorEvent } : {}),
    '@timestamp': (row._event_time ?? row._ingest_time).toISOString(),
    event: { original: row.json },
    idtrail: {
      uid: row._uid,
      tenant: row._tenant,
      native_id: row._native_id,
      stream: stream.name,
      source: stream.source,
      batch: Number(row._batch),
      ingest_time: row._ingest_time.toISOString(),
    },
  };
}

const CATEGORY: Record<string, string[]> = {
  authentication: ['authentication'],
  mfa: ['authentication'],
  session: ['session'],
  account_change: ['iam'],
  privilege_change: ['iam'],
  consent_grant: ['iam'],
  provisioning: ['iam'],
  other: ['iam'],
};

const ECS_OUTCOME: Record<string, string> = { success: 'success', failure: 'failure', challenge: 'unknown', unknown: 'unknown' };

/** A normalized event as ECS (for Elastic Security's views) plus every column under `identity.*`. */
export function identityDoc(e: Record<string, unknown>): Record<string, unknown> {
  const plain = toPlain(e) as Record<string, unknown>;
  const str = (k: string) => (plain[k] === null || plain[k] === undefined ? undefined : String(plain[k]));
  const lat = plain.geo_lat as number | null;
  const lon = plain.geo_lon as number | null;
  const users = [str('actor_name'), str('target_user_name')].filter((u): u is string => !!u);
  return {
    '@timestamp': str('event_time'),
    ecs: { version: '8.11.0' },
    event: {
      id: str('event_uid'),
      kind: 'event',
      category: CATEGORY[String(plain.event_class)] ?? ['iam'],
      action: str('action'),
      outcome: ECS_OUTCOME[String(plain.outcome)] ?? 'unknown',
      provider: str('source'),
      dataset: 'idtrail.events',
      reason: str('outcome_reason'),
      code: str('status_code'),
      ingested: str('ingest_time'),
    },
    user: {
      id: str('actor_id'),
      name: str('actor_name'),
      ...(str('target_user_name') || str('target_user_id') ? { target: { id: str('target_user_id'), name: str('target_user_name') } } : {}),
    },
    source: {
      ip: str('src_ip'),
      as: { number: plain.src_asn ?? undefined, organization: { name: str('src_as_org') } },
      geo: {
        city_name: str('geo_city'),
        region_name: str('geo_region'),
        country_iso_code: str('geo_country_iso2'),
        ...(typeof lat === 'number' && typeof lon === 'number' ? { location: { lat, lon } } : {}),
      },
    },
    user_agent: { original: str('user_agent') },
    related: { user: users, ip: str('src_ip') ? [str('src_ip')] : [] },
    cloud: { account: { id: str('tenant_id') } },
    identity: plain,
  };
}
