import { isIPv4, isIPv6 } from 'node:net';

/** IPv4 text → unsigned 32-bit number, or null. */
export function ipv4ToNumber(ip: string): number | null {
  if (!isIPv4(ip)) return null;
  const p = ip.split('.');
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
}

/** IPv6 text → 128-bit bigint, or null (IPv4-mapped `::ffff:a.b.c.d` included). */
export function ipv6ToBigInt(ip: string): bigint | null {
  if (!isIPv6(ip)) return null;
  let text = ip.split('%')[0]!;
  const v4 = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = ipv4ToNumber(v4[2]!);
    if (n === null) return null;
    text = `${v4[1]}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) v = (v << 16n) + BigInt(parseInt(g || '0', 16));
  return v;
}

/** The IPv4 inside an IPv4-mapped IPv6 address, if any. */
export function mappedIpv4(ip: string): string | null {
  const m = ip.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  return m ? m[1]! : null;
}

/** IPv6 text → 32 hex digits (fixed width, so string order is numeric order), or null. */
export function ipv6Hex(ip: string): string | null {
  if (!isIPv6(ip)) return null;
  let text = ip.split('%')[0]!;
  const v4 = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = ipv4ToNumber(v4[2]!);
    if (n === null) return null;
    text = `${v4[1]}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const dbl = text.indexOf('::');
  const head = dbl < 0 ? text : text.slice(0, dbl);
  const tail = dbl < 0 ? '' : text.slice(dbl + 2);
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = dbl < 0 ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return groups.map((g) => g.padStart(4, '0')).join('').toLowerCase();
}
