import { lookupAsn } from './asn.js';
import { lookupGeo } from './geo.js';

/** What the offline databases say about one address (all fields null when it is private or unknown). */
export interface IpContext {
  ip: string;
  asn: number | null;
  as_org: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
}

/** Looks up each distinct address once (callers pass the distinct addresses of a batch). */
export function ipContexts(ips: Iterable<string>): IpContext[] {
  const out: IpContext[] = [];
  for (const ip of new Set(ips)) {
    const text = ip.trim();
    const asn = lookupAsn(text);
    const geo = lookupGeo(text);
    out.push({
      ip,
      asn: asn?.asn ?? null,
      as_org: asn?.org ?? null,
      country: geo?.country ?? null,
      region: geo?.region ?? null,
      city: geo?.city ?? null,
      lat: geo?.lat ?? null,
      lon: geo?.lon ?? null,
    });
  }
  return out;
}
