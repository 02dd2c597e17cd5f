/**
 * Shape novelty: a channel of the streaming detector that flags a short stretch of the series whose
 * shape matches none of the shapes the series has made before, in the spirit of ARTime (Numenta
 * Anomaly Benchmark's best published detector: adaptive resonance over windows of a downsampled
 * series). Written from the published idea, not from its code.
 *
 * 1. Slots: the series is averaged down, `shapeSlot` raw points per slot (a fixed global constant,
 *    never derived from the file's length), so the matching runs once per slot, not per point.
 * 2. Window: the last `shapeWindow` slot means are described by a short vector: the shape, min–max
 *    normalised within the window (scale-free), and the window's level and amplitude against the range
 *    of slot means seen so far (no minimum or maximum is known before the first point). A window whose
 *    own range is small against the series' usual window range has its shape flattened toward the
 *    middle in proportion, so a quiet stretch's noise is not blown up into a shape.
 * 3. Categories: at most `shapeCategories` prototypes, each a box (lower and upper corner per
 *    component: what complement coding makes of a fuzzy-ART weight vector). A window resonates with a
 *    box when the box, grown to include it, stays within the vigilance size; the nearest resonating
 *    box grows to include it (fast learning). A window that resonates with none founds a new box; when
 *    the set is full, the least recently matched box is replaced, so memory stays constant.
 * 4. Evidence: the window's distance outside its nearest box (L1, per component), divided by its own
 *    decaying record (as the residual features are) and a floor: a window further from everything the
 *    series has made than any window for a long while — the adaptive vigilance. Above 1 it scores
 *    1 − exp(−(e − 1) / `shapeScoreScale`), at the slot's last point, after a warm-up of
 *    `shapeWarmup` points; a score ≥ `shapeHoldLevel` starts the channel's own hold (its scores ×
 *    the detector's `holdFactor` for `shapeHoldSlots` slots), ARTime's mask after an anomaly.
 *
 * Memory is constant (`SHAPE_NOVELTY_STATE_BYTES`): the boxes in one Float32Array, the window's slot
 * means and the boxes' last use in one Float64Array, and a dozen scalars. Each score uses only the
 * points before it and the point itself.
 *
 * Cost: the search over the boxes is most of it. It is exact (every box is measured, the early exits
 * only skip what cannot change the result; a unit test compares it with a plain brute-force search).
 * The detector sums the slot in its own state and calls `slot` once a slot, so with many series
 * interleaved the channel's state (out of cache by then) is touched once a slot, not at every point.
 */

/** The channel's knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface ShapeNoveltySettings {
  /** Raw points averaged into one slot. */
  shapeSlot: number;
  /** Slots per window (at most `MAX_WINDOW`). */
  shapeWindow: number;
  /** Prototype boxes kept per series (at most `MAX_CATEGORIES`). */
  shapeCategories: number;
  /**
   * Vigilance in (0, 1): a box may grow to at most (1 − vigilance) × the vector's total weight in
   * summed side lengths; higher means more, tighter prototypes.
   */
  shapeVigilance: number;
  /** Weight of the level and amplitude components against each shape component (which weighs 1). */
  shapeLevelWeight: number;
  /** A window's own range is floored at this share of the series' usual window range before its shape is normalised. */
  shapeFlatFloor: number;
  /** Points before the channel speaks (boxes and the record learn meanwhile). */
  shapeWarmup: number;
  /** Per-slot decay of the distance's running record. */
  shapeMaxDecay: number;
  /** The distance counts only beyond this share of the vector's total weight. */
  shapeFloor: number;
  /** Score = 1 − exp(−(e − 1) / shapeScoreScale) of the normalised distance e. */
  shapeScoreScale: number;
  /** A score ≥ this starts the channel's hold… */
  shapeHoldLevel: number;
  /** …for this many slots, during which its scores are multiplied by the detector's `holdFactor`. */
  shapeHoldSlots: number;
}

/** The channel's one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`; chosen on corpus-wide NAB results). */
export const DEFAULT_SHAPE_NOVELTY_SETTINGS: Readonly<ShapeNoveltySettings> = Object.freeze({
  shapeSlot: 5,
  shapeWindow: 6,
  shapeCategories: 32,
  shapeVigilance: 0.85,
  shapeLevelWeight: 1,
  shapeFlatFloor: 3,
  shapeWarmup: 400,
  shapeMaxDecay: 0.9993,
  shapeFloor: 0.02,
  shapeScoreScale: 0.6,
  shapeHoldLevel: 0.3,
  shapeHoldSlots: 45,
});

/** What the channel reads from the detector's settings: its own knobs and the shared hold factor. */
export type ShapeNoveltyConfig = Readonly<ShapeNoveltySettings> & { readonly holdFactor: number };

/** Largest window (slots) and prototype set the state is sized for. */
export const MAX_WINDOW = 16;
export const MAX_CATEGORIES = 64;
/** Components beyond the shape: the window's level and its amplitude against the series' range. */
const EXTRA = 2;
/** Weight of a new window in the series' usual window range. */
const RANGE_ALPHA = 0.02;
/**
 * The window's vector is built in one buffer shared by every series: it lives only within one
 * `update` call (single-threaded), so it costs no memory per series.
 */
const SCRATCH = new Float64Array(MAX_WINDOW + EXTRA);

/** Bytes of the channel's state per series with the default settings (typed arrays, numbers, object overhead). */
export const SHAPE_NOVELTY_STATE_BYTES =
  DEFAULT_SHAPE_NOVELTY_SETTINGS.shapeCategories * ((2 * (DEFAULT_SHAPE_NOVELTY_SETTINGS.shapeWindow + EXTRA) + 1) * 4 + 8) +
  2 * DEFAULT_SHAPE_NOVELTY_SETTINGS.shapeWindow * 8 +
  2 * 96 +
  16 * 8 +
  64;

/** Slots of the scalar block at the start of the state's Float64Array (doubles kept off the object, see `f64`). */
const LO = 0;
const HI = 1;
const USUAL = 2;
const RECORD = 3;
const MAX_SIZE = 4;
const FLOOR = 5;
const SCALARS = 6;

/** One series' shape-novelty state. */
export class ShapeNovelty {
  /** Sum and count of the slot being filled, for `update` (the detector keeps its own and calls `slot`). */
  private slotSum = 0;
  private slotCount = 0;
  /**
   * The series' numbers in one Float64Array: the scalars (range of slot means seen so far, the usual
   * window range, the distance's record, the vigilance size and the distance floor: doubles as object
   * fields would each be a boxed number elsewhere in the heap, one more cache line per slot), the last
   * `shapeWindow` slot means twice over (a ring written at `ringPos` and `ringPos + shapeWindow`, so the
   * window reads in order without a modulo), then per category the slot it last matched (for
   * replacement of the least recently used).
   */
  private readonly f64: Float64Array;
  private readonly lastAt: number;
  private ringPos = 0;
  private slots = 0;
  /**
   * The boxes in one Float32Array, in three blocks: per category its level and amplitude sides
   * (lower, upper, lower, upper: 16 bytes, so the search rejects most boxes from one compact block
   * without touching their shape sides), then per category its summed side lengths (read for every
   * box the search visits), then per category its shape sides (lower then upper per component). It
   * shares one ArrayBuffer with `f64` (one allocation instead of two: fewer objects, and about one
   * cache line fewer a slot).
   */
  private readonly f32: Float32Array;
  private readonly restAt: number;
  private readonly sizeAt: number;
  private used = 0;
  private readonly dim: number;
  private holdLeft = 0;

  constructor(private readonly s: ShapeNoveltyConfig) {
    if (!(s.shapeSlot >= 1)) throw new RangeError('shapeSlot must be at least 1');
    if (s.shapeWindow < 3 || s.shapeWindow > MAX_WINDOW) throw new RangeError(`shapeWindow must be 3..${MAX_WINDOW}`);
    if (s.shapeCategories < 1 || s.shapeCategories > MAX_CATEGORIES) throw new RangeError(`shapeCategories must be 1..${MAX_CATEGORIES}`);
    if (!(s.shapeVigilance > 0 && s.shapeVigilance < 1)) throw new RangeError('shapeVigilance must be in (0, 1)');
    this.dim = s.shapeWindow + EXTRA;
    this.lastAt = SCALARS + 2 * s.shapeWindow;
    const n64 = this.lastAt + s.shapeCategories;
    this.sizeAt = s.shapeCategories * 2 * EXTRA;
    this.restAt = this.sizeAt + s.shapeCategories;
    const n32 = this.restAt + s.shapeCategories * 2 * (this.dim - EXTRA);
    const buf = new ArrayBuffer(n64 * 8 + n32 * 4);
    this.f64 = new Float64Array(buf, 0, n64);
    this.f32 = new Float32Array(buf, n64 * 8, n32);
    const total = s.shapeWindow + EXTRA * s.shapeLevelWeight;
    this.f64[LO] = Infinity;
    this.f64[HI] = -Infinity;
    this.f64[MAX_SIZE] = (1 - s.shapeVigilance) * total;
    this.f64[FLOOR] = s.shapeFloor * total;
  }

  /** The distance's running record (read by the brute-force comparison test). */
  get record(): number {
    return this.f64[RECORD];
  }

  /** Scores `value` (finite), the detector's point number `n` (1 for the second point it learned), in [0, 1], then learns it. */
  update(value: number, n: number): number {
    this.slotSum += value;
    if (++this.slotCount < this.s.shapeSlot) return 0;
    const mean = this.slotSum / this.slotCount;
    this.slotSum = 0;
    this.slotCount = 0;
    return this.slot(mean, n);
  }

  /**
   * Closes a slot whose points average `mean` (summed in order, divided by `shapeSlot`): scores the
   * window it completes (at the slot's last point, the detector's point number `n`), then learns it.
   * The detector sums its slots in its own state and calls this once a slot, so the channel's state is
   * not touched at the other points of the slot.
   */
  slot(mean: number, n: number): number {
    const s = this.s;
    const w = s.shapeWindow;
    const f = this.f64;
    const ringAt = SCALARS + this.ringPos;
    f[ringAt] = mean;
    f[ringAt + w] = mean;
    if (++this.ringPos === w) this.ringPos = 0;
    this.slots++;
    if (mean < f[LO]) f[LO] = mean;
    if (mean > f[HI]) f[HI] = mean;
    if (this.slots < w) return 0;
    // The window's vector, in the shared scratch buffer: the level and amplitude (weighted), then the shape.
    const x = SCRATCH;
    // The window, oldest first, is f[from .. from + w).
    const from = SCALARS + this.ringPos;
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = from; i < from + w; i++) {
      const v = f[i];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    const range = mx - mn;
    const usual = f[USUAL];
    const usualRange = usual === 0 ? range : usual + RANGE_ALPHA * (range - usual);
    f[USUAL] = usualRange;
    // A quiet window's shape is its noise: flatten it toward the middle in proportion to how quiet it is.
    const span = Math.max(range, s.shapeFlatFloor * usualRange, 1e-12);
    const mid = (mx + mn) / 2;
    // The level and amplitude come first: they tell most boxes apart, so the matching's early exit
    // leaves most boxes after a component or two.
    const lo = f[LO];
    const seen = f[HI] - lo;
    const lw = s.shapeLevelWeight;
    x[0] = seen > 0 ? (lw * (mid - lo)) / seen : 0;
    x[1] = seen > 0 ? (lw * range) / seen : 0;
    for (let k = 0; k < w; k++) x[EXTRA + k] = 0.5 + (f[from + k] - mid) / span;
    const record = f[RECORD];
    const d = this.match(x, record * s.shapeMaxDecay);
    // The evidence is the distance's excess over its record, which learns from the first window on.
    // The first windows are far from the few boxes there are yet, so the record remembers that
    // transient for about 1/(1 − shapeMaxDecay) slots; a record that starts learning halfway through
    // the warm-up sees new shapes sooner but, measured on NAB, adds more false positives than windows.
    const e = d / Math.max(record, f[FLOOR]);
    f[RECORD] = Math.max(record * s.shapeMaxDecay, d);
    if (n < s.shapeWarmup) return 0;
    let out = e > 1 ? 1 - Math.exp(-(e - 1) / s.shapeScoreScale) : 0;
    if (this.holdLeft > 0) {
      this.holdLeft--;
      out *= s.holdFactor;
    } else if (out >= s.shapeHoldLevel) this.holdLeft = s.shapeHoldSlots;
    return out;
  }

  /**
   * The distance of `x` outside its nearest box (before learning), then learns `x`: the nearest box
   * it resonates with grows to include it, or it founds a box (replacing the least recently used).
   * The search is exact: every box is measured, in index order, component by component in the
   * vector's order, and stops only once the partial distance shows the box can be neither the
   * nearest (while that matters, below) nor the best resonating one.
   *
   * The nearest distance d matters only above `need`, the record's next value before d (record ×
   * shapeMaxDecay): at or below it, d scores 0 and leaves the record at `need` whatever its value. So
   * once a box within `need` is found, the search looks only for the best resonating box, and the
   * distance it returns is then only known to be ≤ `need` (on NAB that is 99 % of windows).
   */
  private match(x: Float64Array, need: number): number {
    const dim = this.dim;
    const b = this.f32;
    const restAt = this.restAt;
    const sizeAt = this.sizeAt;
    const rdim2 = 2 * (dim - EXTRA);
    const used = this.used;
    const maxSize = this.f64[MAX_SIZE];
    const x0 = x[0];
    const x1 = x[1];
    let nearest = Infinity;
    let best = -1;
    let bestOut = Infinity;
    for (let j = 0; j < used; j++) {
      // Grown to include x, box j's summed side lengths are its size plus x's distance outside it, so
      // it resonates while that distance is within its slack. The distance only grows with k: stop
      // once it can neither make box j the best resonating box nor (while above `need`) the nearest.
      const slack = maxSize - b[sizeAt + j];
      const cap = slack + Number.EPSILON * 8;
      const bb = bestOut < cap ? bestOut : cap;
      const stop = nearest > need && nearest > bb ? nearest : bb;
      // Level and amplitude, from the compact block.
      const e = 4 * j;
      let out = 0;
      let l = b[e];
      if (x0 < l) out += l - x0;
      else {
        const h = b[e + 1];
        if (x0 > h) out += x0 - h;
      }
      if (!(out < stop)) continue;
      l = b[e + 2];
      if (x1 < l) out += l - x1;
      else {
        const h = b[e + 3];
        if (x1 > h) out += x1 - h;
      }
      if (!(out < stop)) continue;
      let i = restAt + j * rdim2;
      for (let k = EXTRA; k < dim && out < stop; k++, i += 2) {
        const v = x[k];
        const lo = b[i];
        if (v < lo) out += lo - v;
        else {
          const h = b[i + 1];
          if (v > h) out += v - h;
        }
      }
      if (out < nearest) nearest = out;
      if (out <= slack && out < bestOut) {
        bestOut = out;
        best = j;
        // Inside a box: nothing later can be nearer or resonate better (ties go to the first box).
        if (out === 0) break;
      }
    }
    let j = best;
    if (j < 0) j = this.found();
    const e = 4 * j;
    const r = restAt + j * rdim2;
    if (best < 0) {
      b[e] = b[e + 1] = x0;
      b[e + 2] = b[e + 3] = x1;
      for (let k = EXTRA, i = r; k < dim; k++, i += 2) b[i] = b[i + 1] = x[k];
    } else {
      if (x0 < b[e]) b[e] = x0;
      if (x0 > b[e + 1]) b[e + 1] = x0;
      if (x1 < b[e + 2]) b[e + 2] = x1;
      if (x1 > b[e + 3]) b[e + 3] = x1;
      for (let k = EXTRA, i = r; k < dim; k++, i += 2) {
        if (x[k] < b[i]) b[i] = x[k];
        if (x[k] > b[i + 1]) b[i + 1] = x[k];
      }
    }
    let size = b[e + 1] - b[e];
    size += b[e + 3] - b[e + 2];
    for (let k = EXTRA, i = r; k < dim; k++, i += 2) size += b[i + 1] - b[i];
    b[sizeAt + j] = size;
    this.f64[this.lastAt + j] = this.slots;
    return this.used === 1 && best < 0 ? 0 : nearest;
  }

  /** The index of a box to found: a free one, or else the least recently matched. */
  private found(): number {
    if (this.used < this.s.shapeCategories) return this.used++;
    const last = this.f64;
    const at = this.lastAt;
    let j = 0;
    for (let i = 1; i < this.used; i++) if (last[at + i] < last[at + j]) j = i;
    return j;
  }
}
