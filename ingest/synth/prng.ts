/**
 * A seeded pseudo-random generator (sfc32, seeded through a 128-bit string hash). The demo generator
 * draws every random choice from one of these, never from Math.random, so that a seed always gives
 * byte-identical files. `fork(label)` derives an independent stream per concern, so adding draws in
 * one part of the generator does not shift the choices of another.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';
/** Two hex digits per byte value: a 32-bit draw is four look-ups instead of toString(16) and padding. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A 32-bit draw as eight hex digits (most significant first), as `x.toString(16).padStart(8, '0')`. */
function hex8(x: number): string {
  return HEX2[x >>> 24] + HEX2[(x >>> 16) & 255] + HEX2[(x >>> 8) & 255] + HEX2[x & 255];
}

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  readonly seedLabel: string;

  constructor(seed: string | number) {
    this.seedLabel = String(seed);
    [this.a, this.b, this.c, this.d] = cyrb128(this.seedLabel);
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An independent stream for one concern (population, day 12 activity, scenario X …). */
  fork(label: string): Rng {
    return new Rng(`${this.seedLabel}/${label}`);
  }

  u32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  float(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Normal deviate (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  sample<T>(items: readonly T[], n: number): T[] {
    return this.shuffle(items.slice()).slice(0, Math.min(n, items.length));
  }

  hex(n: number): string {
    let s = '';
    while (s.length < n) s += hex8(this.u32());
    return s.length === n ? s : s.slice(0, n);
  }

  base62(n: number): string {
    let s = '';
    while (s.length < n) {
      // Five base-62 digits per 32-bit draw (62^5 < 2^32); the slight bias is irrelevant here.
      let x = this.u32();
      for (let k = 0; k < 5 && s.length < n; k++) {
        s += BASE62[x % 62];
        x = Math.floor(x / 62);
      }
    }
    return s;
  }

  digits(n: number): string {
    let s = String(this.int(1, 9));
    for (let i = 1; i < n; i++) s += String(this.u32() % 10);
    return s;
  }

  /** RFC 4122 version-4 shaped UUID, lower case. */
  uuid(): string {
    // 32 hex digits from four draws; digit 12 becomes the version (4), digit 16 the variant (8–b).
    const a = hex8(this.u32());
    const b = hex8(this.u32());
    const c = hex8(this.u32());
    const d = hex8(this.u32());
    const v = HEX[(parseInt(c[0], 16) & 3) | 8];
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${v}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}
