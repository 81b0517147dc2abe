import { isIP } from 'node:net';

/** IPv4/IPv6 parsing and CIDR membership, for allowlists. */
export function isIp(s: string): boolean {
  return isIP(s) !== 0;
}

function toBigInt(ip: string): { v: bigint; bits: number } | null {
  const kind = isIP(ip);
  if (kind === 4) {
    const v = ip.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
    return { v, bits: 32 };
  }
  if (kind === 6) {
    let s = ip.toLowerCase();
    // IPv4-mapped tail (::ffff:1.2.3.4)
    const m = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
    if (m) {
      const v4 = toBigInt(m[1])!.v;
      s = s.slice(0, -m[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head, tail] = s.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail ? tail.split(':') : [];
    const groups = s.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    const v = groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
    return { v, bits: 128 };
  }
  return null;
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const [net, lenText] = cidr.split('/');
  const a = toBigInt(ip);
  const b = toBigInt(net);
  if (!a || !b || a.bits !== b.bits) return false;
  const len = lenText === undefined ? b.bits : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > b.bits) return false;
  const shift = BigInt(b.bits - len);
  return a.v >> shift === b.v >> shift;
}
