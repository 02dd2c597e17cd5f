/**
 * Small deterministic string hashes for ids and sharding. Not cryptographic: ids only need to be
 * stable across runs and unlikely to collide inside one estate.
 */

/** 32-bit FNV-1a of `s`, with an optional seed mixed into the offset basis. */
export function fnv1a32(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A 64-bit (16 hex digit) id hash of `s`, from two independently seeded FNV-1a passes. */
export function hashId(s: string): string {
  return fnv1a32(s).toString(16).padStart(8, '0') + fnv1a32(s, 0x9e3779b9).toString(16).padStart(8, '0');
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1); for tests and synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
