/**
 * Context novelty: the streaming detector's contextual channel, beside its residual score.
 *
 * The value is binned over the range seen so far, the last few bins form a context, and a context
 * never seen before is evidence whatever the series' scale (a flat stretch in a daily cycle, a missing
 * peak, denser spikes). The score is the short-run rate of new contexts in excess of the series'
 * long-run rate, in standard deviations of that rate's EWMA, ÷ `noveltyZ`: a series that keeps meeting
 * new contexts (noise) needs a burst well above its habit. The channel has its own hold, so one novel
 * episode is flagged once and does not silence the residual evidence.
 *
 * Memory is constant: one bit per possible context (bins^length ≤ 4096 bits, 512 bytes) plus a few
 * numbers (`NOVELTY_STATE_BYTES`).
 */

/** The context-novelty knobs (part of the detector's one global configuration). */
export interface NoveltySettings {
  /** Value bins over the range seen so far (at most 16). */
  noveltyBins: number;
  /** How many consecutive binned values form a context (bins^length ≤ 4096). */
  noveltyContext: number;
  /** The channel is silent for this many points (every context is new at first). */
  noveltyWarmup: number;
  /** Weight of a new point in the short EWMA of "this context is new". */
  noveltyAlpha: number;
  /** Weight of a new point in the long-run rate of new contexts. */
  noveltyRateAlpha: number;
  /** Floor of the long-run rate (a series that has stopped seeing new contexts is not infinitely sure). */
  noveltyRateFloor: number;
  /** Novelty score = excess of the short EWMA over the long-run rate, in its standard deviations, ÷ this (capped at 1). */
  noveltyZ: number;
  /** A novelty excess of this many standard deviations starts a novelty hold (`holdPoints` × `holdFactor`). */
  noveltyHoldZ: number;
}

/** What the channel reads from the detector's settings: its own knobs and the shared hold. */
export type ContextNoveltyConfig = Readonly<NoveltySettings> & { readonly holdPoints: number; readonly holdFactor: number };

/** The novelty part of the detector's one global configuration (chosen on corpus-wide NAB results). */
export const DEFAULT_NOVELTY_SETTINGS: Readonly<NoveltySettings> = Object.freeze({
  noveltyBins: 10,
  noveltyContext: 3,
  noveltyWarmup: 300,
  noveltyAlpha: 0.1,
  noveltyRateAlpha: 0.003,
  noveltyRateFloor: 0.005,
  noveltyZ: 15,
  noveltyHoldZ: 6,
});

/**
 * The channel speaks only for a series that has visited at least this many value bins: in a
 * two-valued series (0 and 1) every context is a combination of familiar values, and the first time
 * two rare 1s fall close together is chance, not a new shape.
 */
const MIN_NOVELTY_BINS = 3;
/** Words of the context bit set: room for 4096 contexts. */
const CONTEXT_WORDS = 128;

/** Approximate bytes of the channel's state per series (bit set, numbers, object overhead). */
export const NOVELTY_STATE_BYTES = CONTEXT_WORDS * 4 + 12 * 8 + 64;

/** One series' context-novelty state. */
export class ContextNovelty {
  private lo = Infinity;
  private hi = -Infinity;
  /** The last `noveltyContext` value bins as one base-`noveltyBins` number. */
  private context = 0;
  private novelShort = 0;
  private novelRate = 0;
  private holdLeft = 0;
  /** One bit per value bin ever visited. */
  private binsSeen = 0;
  /** One bit per context: seen before or not. */
  private readonly seen = new Uint32Array(CONTEXT_WORDS);
  /** bins^length: the number of distinct contexts (≤ 4096, the bit set's size). */
  private readonly contextSize: number;
  /** Standard deviation of the novelty EWMA per unit of √(p(1 − p)). */
  private readonly sd: number;

  constructor(private readonly s: ContextNoveltyConfig) {
    this.contextSize = Math.min(CONTEXT_WORDS * 32, Math.pow(s.noveltyBins, s.noveltyContext));
    this.sd = Math.sqrt(s.noveltyAlpha / (2 - s.noveltyAlpha));
  }

  /**
   * Scores `value` (finite), the detector's point number `n` (1 for the second point it learned), in
   * [0, 1], then learns it.
   */
  update(value: number, n: number): number {
    const s = this.s;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    const bins = s.noveltyBins;
    const span = this.hi - this.lo;
    const b = span > 0 ? Math.min(bins - 1, Math.floor(((value - this.lo) / span) * bins)) : 0;
    this.context = (this.context * bins + b) % this.contextSize;
    this.binsSeen |= 1 << b;
    const word = this.context >>> 5;
    const bit = 1 << (this.context & 31);
    const novel = (this.seen[word] & bit) === 0 ? 1 : 0;
    this.seen[word] |= bit;
    this.novelShort += s.noveltyAlpha * (novel - this.novelShort);
    let out = 0;
    if (n >= s.noveltyWarmup && popcount(this.binsSeen) >= MIN_NOVELTY_BINS) {
      const p = Math.max(this.novelRate, s.noveltyRateFloor);
      const z = (this.novelShort - p) / (this.sd * Math.sqrt(p * (1 - p)));
      if (z > 0) out = Math.min(1, z / s.noveltyZ);
      if (this.holdLeft > 0) {
        this.holdLeft--;
        out *= s.holdFactor;
      } else if (z >= s.noveltyHoldZ) this.holdLeft = s.holdPoints;
    }
    this.novelRate += Math.max(s.noveltyRateAlpha, 1 / n) * (novel - this.novelRate);
    return out;
  }
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c++;
  return c;
}
