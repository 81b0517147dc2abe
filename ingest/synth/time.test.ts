import { describe, expect, it } from 'vitest';
import { isoMs, isoSec } from './time.js';
import { Rng } from './prng.js';

describe('ISO timestamps', () => {
  it('are exactly what Date#toISOString writes (milliseconds, and whole seconds for Graph and CloudTrail)', () => {
    const rng = new Rng('iso-times');
    const times: number[] = [0, -1, -1.5, 1.5, 999.999, 86_399_999.9, Date.UTC(2026, 10, 23), Date.UTC(1000, 0, 1), Date.UTC(1000, 0, 1) - 0.5, Date.UTC(9999, 11, 30, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 12), Date.UTC(999, 11, 31, 23, 59, 59, 999)];
    for (let i = 0; i < 4_000; i++) times.push(rng.float(-5e12, 5e12), Date.UTC(2026, 9, 1) + rng.float(0, 90 * 86_400_000), Math.round(rng.float(-3e13, 2.5e14)));
    const wrong = times.filter((t) => isoMs(t) !== new Date(t).toISOString() || isoSec(t) !== new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(wrong.map((t) => [t, isoMs(t), isoSec(t)])).toEqual([]);
  });
});
