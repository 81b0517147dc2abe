import { createHash } from 'node:crypto';
import type { DuckDb } from '../../store/duckdb/db.js';
import { IDENTITY_EVENT_COLUMNS } from '../../store/schema.js';

/**
 * Builds normalized `identity_events` rows for engine unit tests that do not go through a vendor
 * normalizer (the raw-event cases live in each detection's *.test.yml).
 */
export type EventRow = Partial<Record<keyof typeof IDENTITY_EVENT_COLUMNS, unknown>> & { event_time: string };

let seq = 0;

export function ev(row: EventRow): EventRow {
  seq++;
  const uid = (row.event_uid as string) ?? `test:${createHash('sha1').update(`${seq}:${JSON.stringify(row)}`).digest('hex').slice(0, 16)}`;
  return {
    source: 'okta',
    stream: 'okta_system_log',
    tenant_id: 'acme.okta.com',
    native_id: uid,
    ingest_time: row.event_time,
    event_class: 'authentication',
    action: 'logon',
    outcome: 'success',
    actor_type: 'User',
    raw_table: 'raw_test',
    raw_uid: uid,
    ...row,
    event_uid: uid,
  };
}

export async function insertEvents(db: DuckDb, rows: EventRow[]): Promise<void> {
  const cols = Object.keys(IDENTITY_EVENT_COLUMNS) as (keyof typeof IDENTITY_EVENT_COLUMNS)[];
  for (const r of rows) {
    const values = cols.map((c) => {
      const v = r[c];
      if (v === undefined || v === null) return null;
      if (Array.isArray(v)) return JSON.stringify(v);
      return v as string | number | boolean;
    });
    const placeholders = cols.map((c, i) => {
      const type = IDENTITY_EVENT_COLUMNS[c];
      if (type.startsWith('VARCHAR[]')) return `CAST($${i + 1}::JSON AS VARCHAR[])`;
      if (type.startsWith('TIMESTAMP')) return `CAST($${i + 1} AS TIMESTAMP)`;
      if (type.startsWith('BIGINT')) return `CAST($${i + 1} AS BIGINT)`;
      if (type.startsWith('DOUBLE')) return `CAST($${i + 1} AS DOUBLE)`;
      if (type.startsWith('BOOLEAN')) return `CAST($${i + 1} AS BOOLEAN)`;
      return `$${i + 1}`;
    });
    await db.run(`INSERT INTO identity_events (${cols.join(', ')}) VALUES (${placeholders.join(', ')})`, values as never);
  }
}

/** A successful interactive sign-in at a place. */
export function signin(user: string, time: string, ip: string, geo: { city: string; cc: string; lat: number; lon: number; asn?: number; org?: string }, extra: Partial<EventRow> = {}): EventRow {
  return ev({
    event_time: time,
    actor_name: user,
    src_ip: ip,
    geo_city: geo.city,
    geo_country_iso2: geo.cc,
    geo_lat: geo.lat,
    geo_lon: geo.lon,
    src_asn: geo.asn ?? 3320,
    src_as_org: geo.org ?? 'Deutsche Telekom AG',
    is_interactive: true,
    app_name: 'Okta Dashboard',
    ...extra,
  });
}

export const PLACES = {
  berlin: { city: 'Berlin', cc: 'DE', lat: 52.52, lon: 13.405, asn: 3320, org: 'Deutsche Telekom AG' },
  singapore: { city: 'Singapore', cc: 'SG', lat: 1.3521, lon: 103.8198, asn: 14061, org: 'DigitalOcean, LLC' },
  newyork: { city: 'New York', cc: 'US', lat: 40.7128, lon: -74.006, asn: 7922, org: 'Comcast Cable Communications, LLC' },
  frankfurt: { city: 'Frankfurt am Main', cc: 'DE', lat: 50.1109, lon: 8.6821, asn: 3320, org: 'Deutsche Telekom AG' },
  munich: { city: 'Munich', cc: 'DE', lat: 48.1351, lon: 11.582, asn: 3320, org: 'Deutsche Telekom AG' },
  vienna: { city: 'Vienna', cc: 'AT', lat: 48.2082, lon: 16.3738, asn: 8447, org: 'A1 Telekom Austria AG' },
  dallas: { city: 'Dallas', cc: 'US', lat: 32.7767, lon: -96.797, asn: 21928, org: 'T-Mobile USA, Inc.' },
  seattle: { city: 'Seattle', cc: 'US', lat: 47.6062, lon: -122.3321, asn: 21928, org: 'T-Mobile USA, Inc.' },
};
