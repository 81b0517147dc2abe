import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ipv4ToNumber, ipv6Hex, mappedIpv4 } from './ip-parse.js';

/**
 * IP → autonomous system, from the `@ip-location-db/asn` CSV ranges (RouteViews, the five RIRs and
 * DB-IP IP-to-ASN Lite, CC BY 4.0). Rows are `start,end,asn,organization` with inclusive, sorted,
 * non-overlapping ranges, so a lookup is a binary search. Loaded once, on first use.
 */
export interface AsnInfo {
  asn: number;
  org: string | null;
}

interface V4Table {
  start: Uint32Array;
  end: Uint32Array;
  asn: Uint32Array;
  org: (string | null)[];
}
interface V6Table {
  /** 32-digit hex of the address: fixed width, so text order is numeric order. */
  start: string[];
  end: string[];
  asn: Uint32Array;
  org: (string | null)[];
}

let v4: V4Table | undefined;
let v6: V6Table | undefined;

function dataFile(name: string): string {
  return createRequire(import.meta.url).resolve(`@ip-location-db/asn/${name}`);
}

/** Splits one CSV row of the four columns; the organization may be quoted with "" escapes. */
function splitRow(line: string): [string, string, string, string | null] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org || null];
}

function loadV4(): V4Table {
  const text = readFileSync(dataFile('asn-ipv4-num.csv'), 'latin1');
  let cap = 1 << 19;
  let t: V4Table = { start: new Uint32Array(cap), end: new Uint32Array(cap), asn: new Uint32Array(cap), org: [] };
  let n = 0;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const a = text.indexOf(',', pos);
    const b = a < 0 ? -1 : text.indexOf(',', a + 1);
    const c = b < 0 ? -1 : text.indexOf(',', b + 1);
    if (a > 0 && c > 0 && c < nl) {
      if (n === cap) {
        cap *= 2;
        const grow = (x: Uint32Array) => {
          const y = new Uint32Array(cap);
          y.set(x);
          return y;
        };
        t = { start: grow(t.start), end: grow(t.end), asn: grow(t.asn), org: t.org };
      }
      t.start[n] = +text.slice(pos, a);
      t.end[n] = +text.slice(a + 1, b);
      t.asn[n] = +text.slice(b + 1, c);
      let org = text.slice(c + 1, nl);
      if (org.charCodeAt(0) === 34) org = org.slice(1, -1).replace(/""/g, '"');
      t.org.push(org ? Buffer.from(org, 'latin1').toString('utf8') : null);
      n++;
    }
    pos = nl + 1;
  }
  return { start: t.start.subarray(0, n), end: t.end.subarray(0, n), asn: t.asn.subarray(0, n), org: t.org };
}

function loadV6(): V6Table {
  const text = readFileSync(dataFile('asn-ipv6.csv'), 'utf8');
  const t: V6Table = { start: [], end: [], asn: new Uint32Array(0), org: [] };
  const asns: number[] = [];
  for (const line of text.split('\n')) {
    const r = splitRow(line);
    if (!r) continue;
    const s = ipv6Hex(r[0]);
    const e = ipv6Hex(r[1]);
    if (s === null || e === null) continue;
    t.start.push(s);
    t.end.push(e);
    asns.push(Number(r[2]));
    t.org.push(r[3]);
  }
  t.asn = Uint32Array.from(asns);
  return t;
}

function search<T extends number | string>(start: ArrayLike<T>, end: ArrayLike<T>, x: T): number {
  let lo = 0;
  let hi = start.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (start[mid]! > x) hi = mid - 1;
    else if (end[mid]! < x) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function lookupAsn(ip: string): AsnInfo | null {
  const ip4 = mappedIpv4(ip) ?? ip;
  const n4 = ipv4ToNumber(ip4);
  if (n4 !== null) {
    v4 ??= loadV4();
    const i = search(v4.start, v4.end, n4);
    return i < 0 ? null : { asn: v4.asn[i]!, org: v4.org[i] ?? null };
  }
  const n6 = ipv6Hex(ip);
  if (n6 === null) return null;
  v6 ??= loadV6();
  const i = search(v6.start, v6.end, n6);
  return i < 0 ? null : { asn: v6.asn[i]!, org: v6.org[i] ?? null };
}
