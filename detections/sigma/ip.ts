/**
 * IP addresses as fixed-width lowercase hex (8 digits for IPv4, 32 for IPv6), so that a CIDR block is
 * a plain string range [low, high] that every target can test the same way (DuckDB: BETWEEN on text,
 * in memory: string compare). IPv4-mapped IPv6 and zone ids are not addresses of the other family.
 */
const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const V6 = /^[0-9a-f:]+$/;

export function ipv4Hex(ip: string): string | null {
  if (!V4.test(ip)) return null;
  return ip
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join('');
}

export function ipv6Hex(ipIn: string): string | null {
  const ip = ipIn.toLowerCase();
  if (!V6.test(ip) || !ip.includes(':')) return null;
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => g.length < 1 || g.length > 4)) return null;
  return groups.map((g) => g.padStart(4, '0')).join('');
}

export interface CidrRange {
  family: 4 | 6;
  low: string;
  high: string;
}

export function parseCidr(cidr: string): CidrRange | null {
  const [addr, bitsText, extra] = cidr.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const v4 = ipv4Hex(addr);
  const hex = v4 ?? ipv6Hex(addr);
  if (!hex) return null;
  const width = hex.length * 4;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!/^\d+$/.test(bitsText ?? String(width)) || bits > width) return null;
  let value = BigInt(`0x${hex}`);
  const hostBits = BigInt(width - bits);
  const mask = (1n << hostBits) - 1n;
  value &= ~mask;
  const low = value.toString(16).padStart(hex.length, '0');
  const high = (value | mask).toString(16).padStart(hex.length, '0');
  return { family: v4 ? 4 : 6, low, high };
}

export function ipHex(text: string, family: 4 | 6): string | null {
  return family === 4 ? ipv4Hex(text) : ipv6Hex(text);
}
