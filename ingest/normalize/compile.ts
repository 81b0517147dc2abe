import { ACTIONS, EVENT_CLASSES, IDENTITY_EVENT_COLUMNS, OUTCOMES, type IdentityEventColumn } from '../../store/schema.js';
import { STREAMS_BY_NAME, rawTable } from '../streams.js';
import { lit, type Normalizer } from './mapping.js';

/**
 * Compiles a Normalizer into SQL. Two statements per batch:
 *   stage:  SELECT <mapped columns> FROM raw_<stream> r [unnest] LEFT JOIN (VALUES types) m WHERE r._batch = $1
 *           (materialized as a temp table, so the IP enrichment can see the batch's distinct addresses)
 *   finish: INSERT INTO identity_events SELECT <columns with geo/ASN completion and ISO country codes>
 *           FROM staged n LEFT JOIN <ip context> g LEFT JOIN country_iso2 c
 */
export interface CompiledNormalizer {
  stream: string;
  /** Parameter $1 = batch number. */
  stageSql: (target: string) => string;
  /** Inserts from the staged temp table, joined with the IP context table; returns rows inserted. */
  insertSql: (staged: string, ipContext: string) => string;
  /** Distinct addresses of the staged rows that lack vendor geo or ASN. */
  ipsSql: (staged: string) => string;
}

const META: IdentityEventColumn[] = ['event_uid', 'source', 'stream', 'tenant_id', 'native_id', 'native_type', 'event_time', 'ingest_time', 'raw_table', 'raw_uid'];
const ENRICHED: IdentityEventColumn[] = ['src_asn', 'src_as_org', 'geo_city', 'geo_region', 'geo_country_iso2', 'geo_lat', 'geo_lon', 'geo_source'];

function typeValues(n: Normalizer): string {
  const rows = Object.entries(n.types).map(([k, [cls, action, outcome]]) => `(${lit(k)}, ${lit(cls)}, ${lit(action)}, ${outcome ? lit(outcome) : 'NULL'})`);
  if (rows.length === 0) return `(SELECT NULL::VARCHAR AS k, NULL::VARCHAR AS event_class, NULL::VARCHAR AS action, NULL::VARCHAR AS outcome WHERE false)`;
  return `(VALUES ${rows.join(', ')}) m0(k, event_class, action, outcome)`;
}

function vocab(expr: string, values: readonly string[], fallback: string): string {
  return `CASE WHEN (${expr}) IN (${values.map(lit).join(', ')}) THEN (${expr}) ELSE ${lit(fallback)} END`;
}

export function compileNormalizer(n: Normalizer): CompiledNormalizer {
  const stream = STREAMS_BY_NAME.get(n.stream);
  if (!stream) throw new Error(`normalizer for unknown stream ${n.stream}`);
  const table = rawTable(stream);
  const cols = n.columns;
  const uid = n.each
    ? `CASE WHEN len(r."${n.each.list}") > 1 THEN r._uid || '#' || ${n.each.as}_i ELSE r._uid END`
    : 'r._uid';
  // the batch's rows (one per list element with `each`), joined to the type table outside the lateral
  const from = n.each
    ? `(SELECT r.*, u.${n.each.as}, u.${n.each.as}_i FROM ${table} r, LATERAL (SELECT unnest(r."${n.each.list}") AS ${n.each.as}, unnest(range(1, len(r."${n.each.list}") + 1)) AS ${n.each.as}_i) u WHERE r._batch = $1) r`
    : `(SELECT * FROM ${table} WHERE _batch = $1) r`;
  const select: string[] = [];
  const push = (c: IdentityEventColumn, expr: string) => select.push(`(${expr})::${baseType(c)} AS ${c}`);
  push('event_uid', uid);
  push('source', lit(stream.source));
  push('stream', lit(stream.name));
  push('tenant_id', 'r._tenant');
  push('native_id', 'r._native_id');
  push('native_type', n.typeKey);
  push('event_time', 'r._event_time');
  push('ingest_time', 'r._ingest_time');
  push('raw_table', lit(table));
  push('raw_uid', 'r._uid');
  push('event_class', vocab(cols.event_class ?? 'm.event_class', EVENT_CLASSES, 'other'));
  push('action', vocab(cols.action ?? 'm.action', ACTIONS, 'other'));
  push('outcome', vocab(cols.outcome ?? 'm.outcome', OUTCOMES, 'unknown'));
  for (const c of Object.keys(IDENTITY_EVENT_COLUMNS) as IdentityEventColumn[]) {
    if (META.includes(c) || c === 'event_class' || c === 'action' || c === 'outcome') continue;
    push(c, cols[c] ?? 'NULL');
  }
  const stageSql = (target: string) =>
    `CREATE OR REPLACE TEMP TABLE ${target} AS SELECT ${select.join(',\n  ')}\nFROM ${from}\nLEFT JOIN ${typeValues(n)} ON m0.k = (${n.typeKey})`.replace(
      /\bm\.(event_class|action|outcome)\b/g,
      'm0.$1',
    );

  // Vendor geo wins. A vendor point (lat/lon) is taken whole; a vendor country without a point (Workspace
  // networkInfo.regionCode) keeps the country and takes city and point from DB-IP when DB-IP agrees on it.
  const vendorCountry = `CASE WHEN length(n.geo_country_iso2) = 2 THEN upper(n.geo_country_iso2) ELSE c.iso2 END`;
  const vendorPoint = `(n.geo_lat IS NOT NULL AND n.geo_lon IS NOT NULL)`;
  const dbipUsable = `(NOT ${vendorPoint} AND n.geo_city IS NULL AND g.country IS NOT NULL AND (${vendorCountry} IS NULL OR ${vendorCountry} = g.country))`;
  const finals = (Object.keys(IDENTITY_EVENT_COLUMNS) as IdentityEventColumn[]).map((c) => {
    if (!ENRICHED.includes(c)) return `n.${c}`;
    switch (c) {
      case 'geo_country_iso2':
        return `coalesce(${vendorCountry}, CASE WHEN ${dbipUsable} THEN g.country END) AS geo_country_iso2`;
      case 'geo_city':
        return `CASE WHEN ${dbipUsable} THEN g.city ELSE n.geo_city END AS geo_city`;
      case 'geo_region':
        return `CASE WHEN ${dbipUsable} AND n.geo_region IS NULL THEN g.region ELSE n.geo_region END AS geo_region`;
      case 'geo_lat':
        return `CASE WHEN ${dbipUsable} THEN g.lat ELSE n.geo_lat END AS geo_lat`;
      case 'geo_lon':
        return `CASE WHEN ${dbipUsable} THEN g.lon ELSE n.geo_lon END AS geo_lon`;
      case 'geo_source':
        return `CASE WHEN ${dbipUsable} THEN 'dbip' WHEN ${vendorPoint} OR ${vendorCountry} IS NOT NULL OR n.geo_city IS NOT NULL THEN 'vendor' END AS geo_source`;
      case 'src_asn':
        return `coalesce(n.src_asn, g.asn) AS src_asn`;
      case 'src_as_org':
        return `coalesce(n.src_as_org, CASE WHEN n.src_asn IS NULL OR n.src_asn = g.asn THEN g.as_org END) AS src_as_org`;
      default:
        return `n.${c}`;
    }
  });
  const insertSql = (staged: string, ipContext: string) =>
    `INSERT INTO identity_events SELECT ${finals.join(', ')}\nFROM ${staged} n\nLEFT JOIN ${ipContext} g ON g.ip = n.src_ip\nLEFT JOIN country_iso2 c ON c.name = lower(n.geo_country_iso2)\nON CONFLICT DO NOTHING`;
  const ipsSql = (staged: string) =>
    `SELECT DISTINCT src_ip AS ip FROM ${staged} n WHERE src_ip IS NOT NULL AND (geo_lat IS NULL OR src_asn IS NULL OR src_as_org IS NULL)`;
  return { stream: stream.name, stageSql, insertSql, ipsSql };
}

function baseType(c: IdentityEventColumn): string {
  return IDENTITY_EVENT_COLUMNS[c].replace(/\s+NOT NULL$/, '');
}
