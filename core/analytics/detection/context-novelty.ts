/**
 * Context novelty: the streaming detector's contextual channel, beside its residual score.
 *
 * Each value is put in a value bin; the last few bins form a context, and a context never seen before
 * is evidence whatever the series' scale (a flat stretch in a daily cycle, a missing peak, denser
 * spikes, a value beyond anything seen). The score is the short-run rate of new contexts in excess of
 * the series' long-run rate, in standard deviations of that rate's EWMA, ÷ `noveltyZ`: a series that
 * keeps meeting new contexts (noise) needs a burst well above its habit. The channel has its own hold,
 * so one novel episode is flagged once and does not silence the residual evidence.
 *
 * Bins divide the range seen so far. With `noveltyStableBins` their width and origin freeze at the end of
 * warm-up, so a value beyond the old range lands in an overflow bin of its own (a new context at once)
 * instead of stretching every bin, which makes the new extreme look familiar (it joins the top bin);
 * they are re-drawn only when the range has grown by a real factor (`noveltyRebinGrowth`). That makes
 * the channel stronger alone but, measured on NAB, the combination with the residual score weaker (the
 * residual channels already flag a new level), so it is off by default.
 *
 * Two resolutions: beside the fine context (the last `noveltyContext` bins) a coarse one (the last
 * `noveltyCoarseContext` bins merged in pairs) goes into the same set; a step's novelty is the share of
 * its two contexts that are new, so a longer shape that is new at a coarse grain counts even when its
 * fine-grained jitter is familiar, and fine noise alone counts only half.
 *
 * A second switch, `noveltyRobustTail`, draws the bins after warm-up over a range whose ends track
 * streaming quantiles (the `noveltyRobustTail` share of values beyond each end), moving by
 * `noveltyRobustStep` of the range per point: a value beyond the usual range lands in an overflow bin
 * (a new context at once), and the range follows the series slowly instead of being stretched for
 * good by one extreme. Measured on NAB it detects more windows alone (73 of 116 against 61, with a tail of 1 %) but with
 * more than twice the false positives, and the combination is weaker, so it is off as well.
 *
 * A third switch, `noveltyDayBuckets`, adds time-of-day contexts: per bucket of the day, the set of
 * bins the series has visited in that bucket; once the series is `noveltyDayWarmupDays` days old, a
 * bin never seen at this time of day is a seasonal novelty (a daily peak that does not come, a night
 * at day-time level), with its own EWMA and long-run rate, whose excess in standard deviations joins
 * the context excess (the larger counts, under the same divisor and hold). It makes the channel
 * stronger alone on every NAB profile, but the combination weaker, so it is off too.
 *
 * Memory is constant: a hashed bit set of contexts (2^`noveltyHashBits` bits, 512 bytes by default)
 * plus a few numbers (`NOVELTY_STATE_BYTES`).
 */

/** The context-novelty knobs (part of the detector's one global configuration). */
export interface NoveltySettings {
  /** Value bins across the range (bins + 2 × overflow ≤ 32). */
  noveltyBins: number;
  /** Bins beyond each end of the frozen range (a value further out shares the last one). */
  noveltyOverflow: number;
  /** The bins are re-drawn over the range seen so far when it exceeds this many times their span. */
  noveltyRebinGrowth: number;
  /** How many consecutive binned values form a context (at most 6). */
  noveltyContext: number;
  /** Length of the coarse context (bins merged in pairs; at most 7; 0: fine contexts only). */
  noveltyCoarseContext: number;
  /** log2 of the size in bits of the hashed context set. */
  noveltyHashBits: number;
  /** The channel is silent for this many points (every context is new at first); the bins freeze then. */
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
  /** Points a novelty hold lasts (its scores × `holdFactor`). */
  noveltyHoldPoints: number;
  /** Freeze the bins after warm-up (false: bins always divide the range seen so far, as in v2.0). */
  noveltyStableBins: boolean;
  /**
   * 0: off. Otherwise, after warm-up, the bins divide a range whose ends track the quantiles that leave
   * this share of values beyond each end (values further out fall in overflow bins).
   */
  noveltyRobustTail: number;
  /** Per-point step of the robust range's ends, as a share of the range's span. */
  noveltyRobustStep: number;
  /** Time-of-day buckets of the seasonal contexts (0: off; each bucket keeps one bit per bin). */
  noveltyDayBuckets: number;
  /** Weight of a new point in the short EWMA of "this bin is new at this time of day". */
  noveltyDayAlpha: number;
  /** The seasonal contexts speak once the series is this many days old (every bucket seen before). */
  noveltyDayWarmupDays: number;
}

/** What the channel reads from the detector's settings: its own knobs and the shared hold factor. */
export type ContextNoveltyConfig = Readonly<NoveltySettings> & { readonly holdFactor: number };

/** The novelty part of the detector's one global configuration (chosen on corpus-wide NAB results). */
export const DEFAULT_NOVELTY_SETTINGS: Readonly<NoveltySettings> = Object.freeze({
  noveltyBins: 8,
  noveltyOverflow: 5,
  noveltyRebinGrowth: 2,
  noveltyContext: 3,
  noveltyCoarseContext: 4,
  noveltyHashBits: 12,
  noveltyWarmup: 300,
  noveltyAlpha: 0.1,
  noveltyRateAlpha: 0.003,
  noveltyRateFloor: 0.005,
  noveltyZ: 15,
  noveltyHoldZ: 6,
  noveltyHoldPoints: 75,
  noveltyStableBins: false,
  noveltyRobustTail: 0,
  noveltyRobustStep: 0.001,
  noveltyDayBuckets: 0,
  noveltyDayAlpha: 0.02,
  noveltyDayWarmupDays: 2,
});

/**
 * The channel speaks only for a series that has visited at least this many value bins: in a
 * two-valued series (0 and 1) every context is a combination of familiar values, and the first time
 * two rare 1s fall close together is chance, not a new shape.
 */
const MIN_NOVELTY_BINS = 3;
/** Bits per bin number in the packed context (bins + 2 × overflow ≤ 32). */
const BIN_BITS = 5;
const MAX_CONTEXT = 6;
/** Bits per merged (coarse) bin number: (32 bins) / 2 = 16 values. */
const COARSE_BITS = 4;
const MAX_COARSE_CONTEXT = 7;
const DAY_MS = 86_400_000;
/** Slots of the switched-off parts' numbers: robust range ends (NaN until warm-up ends), first time, seasonal EWMA and rate. */
const O_QLO = 0;
const O_QHI = 1;
const O_T0 = 2;
const O_DAY_SHORT = 3;
const O_DAY_RATE = 4;
const OPT_SIZE = 5;

/** Approximate bytes of the channel's state per series with the default settings (bit set, numbers, object overhead). */
export const NOVELTY_STATE_BYTES = (1 << DEFAULT_NOVELTY_SETTINGS.noveltyHashBits) / 8 + 17 * 8 + 64;

/** One series' context-novelty state. */
export class ContextNovelty {
  private lo = Infinity;
  private hi = -Infinity;
  /** Frozen bin width and origin (0 width: not frozen yet). */
  private width = 0;
  private origin = 0;
  /** The largest value of the range when the bins were drawn: it belongs to the top bin, not an overflow bin. */
  private top = 0;
  /**
   * The switched-off parts' numbers (robust range ends, first time, seasonal EWMA and rate), allocated
   * only when a switch is on, so the default state carries one null field, not six boxed numbers.
   */
  private readonly opt: Float64Array | null;
  /** Per time-of-day bucket, one bit per bin visited in it (null when the seasonal contexts are off). */
  private readonly dayBins: Uint32Array | null;
  /** The last `noveltyContext` bin numbers, BIN_BITS each, newest lowest. */
  private context = 0;
  /** The last `noveltyCoarseContext` merged bin numbers, COARSE_BITS each, newest lowest. */
  private coarse = 0;
  private novelShort = 0;
  private novelRate = 0;
  private holdLeft = 0;
  /** One bit per bin number ever visited. */
  private binsSeen = 0;
  /** One bit per hashed context: seen before or not. */
  private readonly seen: Uint32Array;
  private readonly hashMask: number;
  private readonly contextMask: number;
  private readonly coarseMask: number;
  /** Standard deviation of the novelty EWMA per unit of √(p(1 − p)). */
  private readonly sd: number;

  constructor(private readonly s: ContextNoveltyConfig) {
    if (s.noveltyBins + 2 * s.noveltyOverflow > 1 << BIN_BITS) throw new RangeError('noveltyBins + 2 × noveltyOverflow must be at most 32');
    if (s.noveltyContext < 1 || s.noveltyContext > MAX_CONTEXT) throw new RangeError(`noveltyContext must be 1..${MAX_CONTEXT}`);
    if (s.noveltyCoarseContext < 0 || s.noveltyCoarseContext > MAX_COARSE_CONTEXT) throw new RangeError(`noveltyCoarseContext must be 0..${MAX_COARSE_CONTEXT}`);
    this.sd = Math.sqrt(s.noveltyAlpha / (2 - s.noveltyAlpha));
    this.opt = s.noveltyRobustTail > 0 || s.noveltyDayBuckets > 0 ? new Float64Array(OPT_SIZE).fill(NaN, O_QLO, O_T0 + 1).fill(0, O_DAY_SHORT) : null;
    this.dayBins = s.noveltyDayBuckets > 0 ? new Uint32Array(s.noveltyDayBuckets) : null;
    this.seen = new Uint32Array(Math.max(1, 2 ** s.noveltyHashBits / 32));
    this.hashMask = 2 ** s.noveltyHashBits - 1;
    this.contextMask = 2 ** (BIN_BITS * s.noveltyContext) - 1;
    this.coarseMask = 2 ** (COARSE_BITS * s.noveltyCoarseContext) - 1;
  }

  /**
   * Scores `value` (finite) at `ts` (ms; only the seasonal contexts read it), the detector's point
   * number `n` (1 for the second point it learned), in [0, 1], then learns it.
   */
  update(value: number, n: number, ts = NaN): number {
    const s = this.s;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    const bins = s.noveltyBins;
    const span = this.hi - this.lo;
    if (s.noveltyStableBins && (this.width === 0 ? n >= s.noveltyWarmup && span > 0 : span > s.noveltyRebinGrowth * this.width * bins)) {
      // At the freeze the frozen bins equal the range-so-far bins, so the warm-up's contexts stay valid.
      this.width = span / bins;
      this.origin = this.lo;
      this.top = this.hi;
    }
    const R = s.noveltyOverflow;
    let b: number;
    if (s.noveltyRobustTail > 0 && n >= s.noveltyWarmup && this.opt !== null) b = R + this.robustBin(this.opt, value);
    else if (this.width > 0) {
      // As in the range-so-far bins, the range's maximum falls in the top bin; only values beyond it overflow.
      const k = Math.floor((value - this.origin) / this.width);
      b = R + Math.max(-R, Math.min(value > this.top ? bins - 1 + R : bins - 1, k));
    } else b = R + (span > 0 ? Math.min(bins - 1, Math.floor(((value - this.lo) / span) * bins)) : 0);
    this.binsSeen |= 1 << b;
    this.context = ((this.context * (1 << BIN_BITS)) % (this.contextMask + 1)) + b;
    let novel = this.visit(this.context ^ 0x9e3779b9);
    if (s.noveltyCoarseContext > 0) {
      this.coarse = ((this.coarse * (1 << COARSE_BITS)) % (this.coarseMask + 1)) + (b >> 1);
      // A different seed keeps a coarse context from colliding with the fine one of the same number.
      novel = (novel + this.visit(this.coarse ^ 0x7f4a7c15)) / 2;
    }
    this.novelShort += s.noveltyAlpha * (novel - this.novelShort);
    const dayZ = this.dayBins !== null && this.opt !== null && Number.isFinite(ts) ? this.seasonal(this.opt, this.dayBins, b, ts) : 0;
    let out = 0;
    if (n >= s.noveltyWarmup && popcount(this.binsSeen) >= MIN_NOVELTY_BINS) {
      const p = Math.max(this.novelRate, s.noveltyRateFloor);
      const z = Math.max(dayZ, (this.novelShort - p) / (this.sd * Math.sqrt(p * (1 - p))));
      if (z > 0) out = Math.min(1, z / s.noveltyZ);
      if (this.holdLeft > 0) {
        this.holdLeft--;
        out *= s.holdFactor;
      } else if (z >= s.noveltyHoldZ) this.holdLeft = s.noveltyHoldPoints;
    }
    this.novelRate += Math.max(s.noveltyRateAlpha, 1 / n) * (novel - this.novelRate);
    return out;
  }

  /**
   * The seasonal contexts: bin `b` at the time of day of `ts`. Returns the excess of the short rate of
   * bins new at their time of day over its long-run rate, in standard deviations (0 while the series
   * is younger than the warm-up days), then marks the bin seen in its bucket.
   */
  private seasonal(o: Float64Array, dayBins: Uint32Array, b: number, ts: number): number {
    const s = this.s;
    if (Number.isNaN(o[O_T0])) o[O_T0] = ts;
    const buckets = dayBins.length;
    const k = Math.floor(((((ts % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS) * buckets);
    const bit = 1 << b;
    const ready = ts - o[O_T0] >= s.noveltyDayWarmupDays * DAY_MS && dayBins[k] !== 0;
    const novel = ready && (dayBins[k] & bit) === 0 ? 1 : 0;
    dayBins[k] |= bit;
    o[O_DAY_SHORT] += s.noveltyDayAlpha * (novel - o[O_DAY_SHORT]);
    if (!ready) return 0;
    const p = Math.max(o[O_DAY_RATE], s.noveltyRateFloor);
    const sd = Math.sqrt(s.noveltyDayAlpha / (2 - s.noveltyDayAlpha));
    const z = (o[O_DAY_SHORT] - p) / (sd * Math.sqrt(p * (1 - p)));
    o[O_DAY_RATE] += s.noveltyRateAlpha * (novel - o[O_DAY_RATE]);
    return z;
  }

  /**
   * The bin of `value` (from −overflow) in the robust range, which then learns the value: each end
   * moves by the step toward the quantile that leaves `noveltyRobustTail` of the values beyond it
   * (a stochastic-approximation quantile: out by (1 − tail) × step when the value is beyond, in by
   * tail × step otherwise), so one extreme moves it by one step, not to the extreme.
   */
  private robustBin(o: Float64Array, value: number): number {
    const s = this.s;
    // The range starts as the warm-up's range seen so far, the bins the contexts were learned in.
    if (!(o[O_QHI] > o[O_QLO])) {
      o[O_QLO] = this.lo;
      o[O_QHI] = this.hi;
    }
    const span = o[O_QHI] - o[O_QLO];
    const R = s.noveltyOverflow;
    const k = span > 0 ? Math.floor(((value - o[O_QLO]) / span) * s.noveltyBins) : 0;
    const step = s.noveltyRobustStep * span;
    const t = s.noveltyRobustTail;
    o[O_QHI] += step * ((value > o[O_QHI] ? 1 : 0) - t);
    o[O_QLO] -= step * ((value < o[O_QLO] ? 1 : 0) - t);
    // A constant stretch after warm-up would close the range; keep it open around its centre.
    if (!(o[O_QHI] > o[O_QLO])) o[O_QHI] = o[O_QLO] + Math.max(1e-12, Math.abs(o[O_QLO]) * 1e-9);
    return Math.max(-R, Math.min(s.noveltyBins - 1 + R, k));
  }

  /** Marks a seeded packed context as seen; 1 if it was new. */
  private visit(key: number): number {
    // A multiplicative hash (murmur3's finaliser) spreads the packed context over the bit set.
    let h = Math.imul(key, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const idx = (h >>> 0) & this.hashMask;
    const bit = 1 << (idx & 31);
    if ((this.seen[idx >>> 5] & bit) !== 0) return 0;
    this.seen[idx >>> 5] |= bit;
    return 1;
  }
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c++;
  return c;
}
