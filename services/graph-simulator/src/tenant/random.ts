/** Deterministic randomness for seeding: the same seed number always yields the same tenant. */

export type Rng = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';

/** A version-4-shaped UUID drawn from the rng. */
export function rngUuid(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 32; i++) {
    let v = Math.floor(rng() * 16);
    if (i === 12) v = 4;
    if (i === 16) v = (v & 0x3) | 0x8;
    s += HEX[v];
    if (i === 7 || i === 11 || i === 15 || i === 19) s += '-';
  }
  return s;
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}
