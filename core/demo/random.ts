/**
 * Deterministic randomness for the demo estate. Two kinds:
 * - a seeded sequential PRNG (`Rng`) for choices made once, in order (estate shape, fault targets);
 * - stateless hashing (`hash32`, `unitAt`, `gaussianAt`, `smoothNoise`) for values that must be the same
 *   however an interval is split into `generate()` calls, so a metric at time t never depends on what
 *   was generated before it.
 * Never Math.random: the same seed must always give the same estate and the same telemetry.
 */

/** A seeded pseudo-random sequence (mulberry32: small, fast, good enough for simulation). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed >>> 0, 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A copy of `items` in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** Mixes numbers into a 32-bit hash (murmur3-style finaliser per 32-bit word); integers up to 2^53 keep all their bits. */
export function hash32(...words: number[]): number {
  let h = 0x811c9dc5;
  for (const w of words) {
    // Fold values above 2^32 (epoch seconds are fine, epoch ms are not) so they still count.
    const lo = w >>> 0;
    const hi = Math.floor(w / 4294967296) >>> 0;
    h = mix(h ^ lo);
    if (hi !== 0) h = mix(h ^ hi);
  }
  return h >>> 0;
}

function mix(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.imul(h ^ 0x27d4eb2f, 0x165667b1) >>> 0;
}

/** A 32-bit hash of a string (FNV-1a, then mixed). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h >>> 0);
}

/** Uniform in [0, 1), a pure function of its inputs. */
export function unitAt(...words: number[]): number {
  return hash32(...words) / 4294967296;
}

/**
 * Approximately standard normal (Irwin–Hall of four uniforms), a pure function of a key and an
 * integer position. Fixed arity, because metric generation calls it for every point.
 */
export function gaussianAt(key: number, pos: number): number {
  const h = mix(mix(0x811c9dc5 ^ (key >>> 0)) ^ (pos >>> 0)) ^ (Math.floor(pos / 4294967296) >>> 0);
  let sum = 0;
  for (let i = 1; i <= 4; i++) sum += mix(h ^ i) / 4294967296;
  return (sum - 2) * SQRT3;
}

const SQRT3 = Math.sqrt(3);

/**
 * Smooth value noise in about [-1, 1]: uniform values at knots every `periodMs`, blended with a
 * smoothstep, so a series wanders slowly instead of jumping.
 */
export function smoothNoise(key: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const s = f * f * (3 - 2 * f);
  const base = mix(0x811c9dc5 ^ (key >>> 0));
  const a = (mix(base ^ (k >>> 0)) / 4294967296) * 2 - 1;
  const b = (mix(base ^ ((k + 1) >>> 0)) / 4294967296) * 2 - 1;
  return a + (b - a) * s;
}
