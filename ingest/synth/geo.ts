/**
 * Places and networks of the demo organisation. Every IP the generator emits comes from a /24 block
 * in `ip-blocks.ts`, which was derived from the offline DB-IP city database, so an enrichment of
 * Google Workspace or AWS events (which carry only an IP) lands in the same country and near the
 * same city that Okta and Entra report as the vendor's own geo for that IP.
 */
import { IP_BLOCKS, type IpBlock } from './ip-blocks.js';
import type { Rng } from './prng.js';

export interface City {
  key: string;
  name: string;
  iso2: string;
  /** UTC offset in hours during the demo window (November: northern winter, southern summer). */
  tz: number;
  /** Share of the workforce that lives there. */
  weight: number;
  office: boolean;
}

export const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States', CA: 'Canada', MX: 'Mexico', BR: 'Brazil', AR: 'Argentina', GB: 'United Kingdom',
  IE: 'Ireland', DE: 'Germany', FR: 'France', NL: 'Netherlands', ES: 'Spain', IT: 'Italy', SE: 'Sweden',
  PL: 'Poland', CH: 'Switzerland', AT: 'Austria', DK: 'Denmark', FI: 'Finland', NO: 'Norway', PT: 'Portugal',
  CZ: 'Czechia', IN: 'India', SG: 'Singapore', JP: 'Japan', KR: 'South Korea', AU: 'Australia',
  NZ: 'New Zealand', IL: 'Israel', AE: 'United Arab Emirates', ZA: 'South Africa', HK: 'Hong Kong',
  RU: 'Russia', NG: 'Nigeria', RO: 'Romania', BE: 'Belgium',
};

export const CITIES: City[] = [
  { key: 'berlin', name: 'Berlin', iso2: 'DE', tz: 1, weight: 200, office: true },
  { key: 'london', name: 'London', iso2: 'GB', tz: 0, weight: 190, office: true },
  { key: 'new_york', name: 'New York', iso2: 'US', tz: -5, weight: 190, office: true },
  { key: 'san_francisco', name: 'San Francisco', iso2: 'US', tz: -8, weight: 170, office: true },
  { key: 'bangalore', name: 'Bengaluru', iso2: 'IN', tz: 5.5, weight: 170, office: true },
  { key: 'singapore', name: 'Singapore', iso2: 'SG', tz: 8, weight: 80, office: true },
  { key: 'sydney', name: 'Sydney', iso2: 'AU', tz: 11, weight: 70, office: true },
  { key: 'toronto', name: 'Toronto', iso2: 'CA', tz: -5, weight: 70, office: true },
  { key: 'seattle', name: 'Seattle', iso2: 'US', tz: -8, weight: 35, office: false },
  { key: 'chicago', name: 'Chicago', iso2: 'US', tz: -6, weight: 35, office: false },
  { key: 'austin', name: 'Austin', iso2: 'US', tz: -6, weight: 35, office: false },
  { key: 'boston', name: 'Boston', iso2: 'US', tz: -5, weight: 30, office: false },
  { key: 'denver', name: 'Denver', iso2: 'US', tz: -7, weight: 20, office: false },
  { key: 'atlanta', name: 'Atlanta', iso2: 'US', tz: -5, weight: 20, office: false },
  { key: 'vancouver', name: 'Vancouver', iso2: 'CA', tz: -8, weight: 15, office: false },
  { key: 'mexico_city', name: 'Mexico City', iso2: 'MX', tz: -6, weight: 15, office: false },
  { key: 'sao_paulo', name: 'Sao Paulo', iso2: 'BR', tz: -3, weight: 25, office: false },
  { key: 'buenos_aires', name: 'Buenos Aires', iso2: 'AR', tz: -3, weight: 10, office: false },
  { key: 'manchester', name: 'Manchester', iso2: 'GB', tz: 0, weight: 25, office: false },
  { key: 'dublin', name: 'Dublin', iso2: 'IE', tz: 0, weight: 30, office: false },
  { key: 'munich', name: 'Munich', iso2: 'DE', tz: 1, weight: 40, office: false },
  { key: 'hamburg', name: 'Hamburg', iso2: 'DE', tz: 1, weight: 30, office: false },
  { key: 'paris', name: 'Paris', iso2: 'FR', tz: 1, weight: 35, office: false },
  { key: 'amsterdam', name: 'Amsterdam', iso2: 'NL', tz: 1, weight: 30, office: false },
  { key: 'madrid', name: 'Madrid', iso2: 'ES', tz: 1, weight: 20, office: false },
  { key: 'barcelona', name: 'Barcelona', iso2: 'ES', tz: 1, weight: 20, office: false },
  { key: 'milan', name: 'Milan', iso2: 'IT', tz: 1, weight: 15, office: false },
  { key: 'stockholm', name: 'Stockholm', iso2: 'SE', tz: 1, weight: 15, office: false },
  { key: 'warsaw', name: 'Warsaw', iso2: 'PL', tz: 1, weight: 25, office: false },
  { key: 'zurich', name: 'Zurich', iso2: 'CH', tz: 1, weight: 10, office: false },
  { key: 'vienna', name: 'Vienna', iso2: 'AT', tz: 1, weight: 10, office: false },
  { key: 'copenhagen', name: 'Copenhagen', iso2: 'DK', tz: 1, weight: 10, office: false },
  { key: 'helsinki', name: 'Helsinki', iso2: 'FI', tz: 2, weight: 8, office: false },
  { key: 'oslo', name: 'Oslo', iso2: 'NO', tz: 1, weight: 8, office: false },
  { key: 'lisbon', name: 'Lisbon', iso2: 'PT', tz: 0, weight: 15, office: false },
  { key: 'prague', name: 'Prague', iso2: 'CZ', tz: 1, weight: 12, office: false },
  { key: 'mumbai', name: 'Mumbai', iso2: 'IN', tz: 5.5, weight: 30, office: false },
  { key: 'tokyo', name: 'Tokyo', iso2: 'JP', tz: 9, weight: 20, office: false },
  { key: 'seoul', name: 'Seoul', iso2: 'KR', tz: 9, weight: 8, office: false },
  { key: 'melbourne', name: 'Melbourne', iso2: 'AU', tz: 11, weight: 20, office: false },
  { key: 'auckland', name: 'Auckland', iso2: 'NZ', tz: 13, weight: 8, office: false },
  { key: 'tel_aviv', name: 'Tel Aviv', iso2: 'IL', tz: 2, weight: 12, office: false },
  { key: 'dubai', name: 'Dubai', iso2: 'AE', tz: 4, weight: 8, office: false },
  { key: 'johannesburg', name: 'Johannesburg', iso2: 'ZA', tz: 2, weight: 10, office: false },
  { key: 'hong_kong', name: 'Hong Kong', iso2: 'HK', tz: 8, weight: 10, office: false },
];

export const CITY_BY_KEY: Record<string, City> = Object.fromEntries(CITIES.map((c) => [c.key, c]));

/** Where an IP is, as the vendor (and DB-IP) would report it. */
export interface IpInfo {
  ip: string;
  asn: number;
  org: string;
  city: string;
  state: string;
  iso2: string;
  country: string;
  lat: number;
  lon: number;
  /** Okta network zone the IP belongs to ("null" outside every zone, as Okta writes it). */
  zone: string;
  kind: 'residential' | 'office' | 'vpn' | 'carrier' | 'hosting' | 'cloud';
}

function info(block: IpBlock, host: number, kind: IpInfo['kind'], zone = 'null'): IpInfo {
  return {
    ip: `${block.block}.${host}`,
    asn: block.asn,
    org: block.org,
    city: block.city,
    state: block.state,
    iso2: block.country,
    country: COUNTRY_NAMES[block.country] ?? block.country,
    lat: block.lat,
    lon: block.lon,
    zone,
    kind,
  };
}

export function cityBlocks(cityKey: string): IpBlock[] {
  const blocks = IP_BLOCKS.cities[cityKey];
  if (!blocks || blocks.length === 0) throw new Error(`no IP blocks for city ${cityKey}`);
  return blocks;
}

/**
 * Operators that run mobile networks as well as fixed lines (Telstra, Rogers, O2 Germany, SFR,
 * KDDI, Claro …): detections commonly treat their ASNs as mobile carriers and discount location
 * changes through them, so attack traffic that must read as a plain location change avoids them.
 */
export const MOBILE_OPERATOR_ASNS: ReadonlySet<number> = new Set([
  21928, 22394, 6167, 20057, 812, 36522, 6805, 3209, 12576, 25135, 206067, 15557, 51207, 12430, 30722, 55836, 45609, 45143, 9506,
  17676, 2516, 9605, 26599, 27699, 18881, 28573, 1221, 133612, 4804,
]);

/** A residential IP in a city (hosts .20–.254; .1–.19 are kept for office NAT). */
export function residentialIp(rng: Rng, cityKey: string, fixedLineOnly = false): IpInfo {
  const all = cityBlocks(cityKey);
  const fixed = fixedLineOnly ? all.filter((b) => !MOBILE_OPERATOR_ASNS.has(b.asn)) : all;
  return info(rng.pick(fixed.length ? fixed : all), rng.int(20, 254), 'residential');
}

/** The office NAT egress IPs of an office city (two per office). */
export function officeIps(cityKey: string): IpInfo[] {
  const b = cityBlocks(cityKey)[0];
  return [info(b, 5, 'office', 'Acme Offices'), info(b, 6, 'office', 'Acme Offices')];
}

/**
 * Corporate VPN egress: the company's Zscaler gateways, all in one ASN (AS62044). Users anywhere
 * may egress through any of them, which is the classic impossible-travel false positive.
 */
const VPN_GATEWAYS: IpBlock[] = [
  { block: '165.225.72', asn: 62044, org: 'Zscaler Switzerland GmbH', city: 'Frankfurt am Main', state: 'Hesse', country: 'DE', lat: 50.1109, lon: 8.6821 },
  { block: '137.31.90', asn: 62044, org: 'Zscaler Switzerland GmbH', city: 'London', state: 'England', country: 'GB', lat: 51.5085, lon: -0.1257 },
  { block: '165.225.88', asn: 62044, org: 'Zscaler Switzerland GmbH', city: 'Amsterdam', state: 'North Holland', country: 'NL', lat: 52.374, lon: 4.8897 },
  { block: '165.225.52', asn: 62044, org: 'Zscaler Switzerland GmbH', city: 'Zurich', state: 'Zurich', country: 'CH', lat: 47.3667, lon: 8.55 },
];
export const VPN_EGRESS: IpInfo[] = VPN_GATEWAYS.flatMap((b) => [info(b, 10, 'vpn', 'Acme VPN'), info(b, 11, 'vpn', 'Acme VPN')]);
export const VPN_ASN = 62044;

/** Mobile carrier networks by country: their egress often geolocates far from the subscriber. */
export const CARRIER_NETWORKS: Record<string, string> = { US: 'carrier_us', DE: 'carrier_de', IN: 'carrier_in', AU: 'carrier_au' };
export const CARRIER_ASNS: number[] = [
  ...new Set(Object.values(CARRIER_NETWORKS).flatMap((k) => IP_BLOCKS.networks[k].map((b) => b.asn))),
];

export function carrierIp(rng: Rng, iso2: string): IpInfo | undefined {
  const key = CARRIER_NETWORKS[iso2];
  if (!key) return undefined;
  return info(rng.pick(IP_BLOCKS.networks[key]), rng.int(2, 254), 'carrier');
}

/** A carrier IP whose geolocation is at least `minKm` from a point (for the carrier-hop look-alike). */
export function farCarrierIp(rng: Rng, iso2: string, lat: number, lon: number, minKm: number): IpInfo | undefined {
  const key = CARRIER_NETWORKS[iso2];
  if (!key) return undefined;
  const far = IP_BLOCKS.networks[key].filter((b) => haversineKm(lat, lon, b.lat, b.lon) >= minKm);
  if (far.length === 0) return undefined;
  return info(rng.pick(far), rng.int(2, 254), 'carrier');
}

export function networkIp(rng: Rng, key: string, kind: IpInfo['kind']): IpInfo {
  const blocks = IP_BLOCKS.networks[key];
  if (!blocks || blocks.length === 0) throw new Error(`no IP blocks for network ${key}`);
  return info(rng.pick(blocks), rng.int(2, 254), kind);
}

/** Great-circle distance in km (mean Earth radius 6371 km). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function pickCity(rng: Rng): City {
  return rng.weighted(CITIES.map((c) => [c, c.weight] as const));
}
