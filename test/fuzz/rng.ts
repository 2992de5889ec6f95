/**
 * A small seeded PRNG (mulberry32 over a splitmix32-scrambled seed): every fuzz session is generated from one
 * 32-bit seed and is the same on every machine and Node version. fast-check would give shrinking, but its
 * generators are built for values, not for stateful protocol sessions; replayable seeds and step-level shrinking
 * (shrink.ts) serve here.
 */
export class Rng {
  private s: number;

  constructor(seed: number) {
    // splitmix32 of the seed, so that neighbouring seeds start far apart.
    let z = (seed + 0x9e3779b9) | 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.s = (z ^ (z >>> 16)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return (items[items.length - 1] as readonly [number, T])[1];
  }

  /** Mostly small numbers: geometric with the given mean, capped. */
  small(mean: number, cap: number): number {
    let n = 0;
    const p = 1 / (mean + 1);
    while (n < cap && !this.chance(p)) n++;
    return n;
  }

  /** A latin1 string of `n` random bytes (0-255). */
  bytes(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(0, 255));
    return s;
  }

  /** A fresh generator derived from this one (for independent sub-streams). */
  fork(): Rng {
    return new Rng(this.int(0, 0x7fffffff));
  }
}
