/**
 * Spectral residual, as a streaming evidence channel of the detector (after Ren et al., "Time-Series
 * Anomaly Detection Service at Microsoft", KDD 2019).
 *
 * The idea: in the log-amplitude spectrum of a window, what a series does all the time is smooth
 * (neighbouring frequencies carry similar energy); what is unusual stands out from its neighbours. The
 * log amplitude minus its local average over frequencies is the spectral residual; with the phases kept
 * and transformed back it gives a saliency map in time, large where the window holds something the rest
 * of it does not explain. A point is judged by its saliency against the saliency usually seen.
 *
 * What this file does, per series and per point, in constant memory:
 * - The window is the last `N = srWindow − srExtend` values followed by `srExtend` made-up ones, so the
 *   newest point is not at the window's edge (where a transform sees the wrap-around as a jump). The
 *   made-up value is what the points before the newest predict for it — the one before it plus the mean
 *   slope to it from each of the `srExtend` before that — repeated `srExtend` times; the newest point
 *   then stands against the series' own course rather than against a continuation of itself.
 * - The spectrum of the real part of the window is kept by a sliding DFT: when a value enters and the
 *   oldest leaves, each frequency bin moves in O(1); the made-up tail adds (its value × a precomputed
 *   twiddle sum) per bin. Bins are recomputed from the ring every `RECOMPUTE_EVERY` points so rounding
 *   cannot drift. The mean (bin 0) is left out: saliency is the shape around the window's mean.
 * - Every `srEvery` points each bin's weight is set to exp(−local mean of log amplitude) over itself and
 *   `srRadius` neighbours each side, so F·weight is the residual exp(log|F| − mean) with F's phase. The
 *   newest point's saliency is one sample of the inverse transform of F·weight: a real sum over the
 *   bins, since a real window's spectrum is conjugate-symmetric. At `srEvery` = 1 this is the paper's
 *   residual of the window ending at the newest point; with `srEvery` = k the weights (the logarithms
 *   and exponentials, the costly part) are taken once per k points, from a window that includes the
 *   point where they are taken, and serve until the next refresh.
 * - The evidence is the saliency's excess over its running mean (an EWMA of earlier saliencies), the
 *   paper's (S − mean) / mean, counted only where the point is also off its baseline by `srGateZ`
 *   scales (the detector's own standardised residual: whitening makes tiny wiggles on a smooth series
 *   as salient as real moves), and divided by the larger of its decaying running maximum and `srFloor`:
 *   above 1 means "more salient than anything this series showed for a long while".
 *
 * State per series: one Float64Array of N + 3·(W/2 + 1) numbers (ring, bins, weights; 40 with the
 * defaults) and a few scalars, about 650 bytes measured (`test/bench/detector.bench.ts
 * --spectral-residual`); the twiddle tables are shared per window shape.
 */

/** The channel's knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface SpectralResidualSettings {
  /** Points in the transformed window, the made-up tail included (a power of two, 16 to 256). */
  srWindow: number;
  /** Made-up points appended after the newest point (and the slopes averaged to predict them). */
  srExtend: number;
  /** Neighbouring bins on each side in the local average of the log-amplitude spectrum. */
  srRadius: number;
  /** The bin weights (the logarithms and exponentials) are refreshed every this many points. */
  srEvery: number;
  /**
   * The first weight refresh comes this many points after the window first fills (0 to srEvery − 1).
   * Only for the evaluation: it shows how much a score with srEvery > 1 depends on which rows happen
   * to take fresh weights.
   */
  srPhase: number;
  /** Weight of a new saliency in the running mean it is compared with. */
  srMeanAlpha: number;
  /** The saliency counts only where the point's standardised residual is at least this many scales. */
  srGateZ: number;
  /** Evidence is the excess ratio ÷ max(its decaying running maximum, this floor). */
  srFloor: number;
  /** Per-point decay of the excess ratio's running maximum. */
  srMaxDecay: number;
  /** Points after the window first fills before the channel speaks (its mean and maximum settle). */
  srWarmup: number;
}

/** The channel's one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`). */
export const DEFAULT_SPECTRAL_RESIDUAL_SETTINGS: Readonly<SpectralResidualSettings> = Object.freeze({
  srWindow: 16,
  srExtend: 3,
  srRadius: 2,
  srEvery: 1,
  srPhase: 0,
  srMeanAlpha: 0.05,
  srGateZ: 3,
  srFloor: 16,
  srMaxDecay: 0.99995,
  srWarmup: 100,
});

/** A bin whose power is below this fraction of the window's total is numerically empty: weight 0. */
const EMPTY_BIN = 1e-24;
/** The excess ratio is capped (a saliency out of a perfectly flat history would be unbounded). */
const MAX_RATIO = 1000;
/** Bins are recomputed from the ring this often (points), so the sliding DFT's rounding cannot drift. */
const RECOMPUTE_EVERY = 1024;
const MAX_WINDOW = 256;

/** Twiddle tables of one (window, extend) shape, shared by every series that uses it. Index k = bin. */
interface Tables {
  w: number;
  n: number;
  m: number;
  half: number;
  /** cos and sin of 2πd/W, d = 0..W−1 (the from-scratch recomputation). */
  cos: Float64Array;
  sin: Float64Array;
  /** e^{+2πik/W}: shifting the window one place earlier. */
  stepRe: Float64Array;
  stepIm: Float64Array;
  /** e^{−2πik(N−1)/W}: where the newest value enters. */
  inRe: Float64Array;
  inIm: Float64Array;
  /** Σ_{j=N}^{W−1} e^{−2πikj/W}: the made-up tail's twiddle sum. */
  tailRe: Float64Array;
  tailIm: Float64Array;
  /** c_k·cos and c_k·sin of 2πk(N−1)/W ÷ W, c_k = 2 (bins k and W − k) but 1 for the Nyquist bin. */
  outRe: Float64Array;
  outIm: Float64Array;
  /** 1/i for i = 0..m (the tail's slopes). */
  inverse: Float64Array;
}

const tableCache = new Map<string, Tables>();

function tablesFor(w: number, m: number): Tables {
  const key = `${w}/${m}`;
  const hit = tableCache.get(key);
  if (hit) return hit;
  const n = w - m;
  const half = w >> 1;
  const bins = () => new Float64Array(half + 1);
  const t: Tables = {
    w,
    n,
    m,
    half,
    cos: Float64Array.from({ length: w }, (_, d) => Math.cos((2 * Math.PI * d) / w)),
    sin: Float64Array.from({ length: w }, (_, d) => Math.sin((2 * Math.PI * d) / w)),
    stepRe: bins(),
    stepIm: bins(),
    inRe: bins(),
    inIm: bins(),
    tailRe: bins(),
    tailIm: bins(),
    outRe: bins(),
    outIm: bins(),
    inverse: Float64Array.from({ length: m + 1 }, (_, i) => (i === 0 ? 0 : 1 / i)),
  };
  for (let k = 1; k <= half; k++) {
    const a = (2 * Math.PI * k) / w;
    t.stepRe[k] = Math.cos(a);
    t.stepIm[k] = Math.sin(a);
    t.inRe[k] = Math.cos(a * (n - 1));
    t.inIm[k] = -Math.sin(a * (n - 1));
    for (let j = n; j < w; j++) {
      t.tailRe[k] += Math.cos(a * j);
      t.tailIm[k] -= Math.sin(a * j);
    }
    const c = (2 * k === w ? 1 : 2) / w;
    t.outRe[k] = c * Math.cos(a * (n - 1));
    t.outIm[k] = c * Math.sin(a * (n - 1));
  }
  tableCache.set(key, t);
  return t;
}

/**
 * Fast base-2 logarithm and power for the bin weights: a refresh takes one of each per bin, and
 * Math.log / Math.exp cost several times a multiply-add. The weights need a few significant digits,
 * not fifteen. log2 reads the exponent and the mantissa's top 20 bits from the float's high word and
 * takes the mantissa's logarithm from the odd series in t = (m − 1)/(m + 1) (|error| < 3e-6); exp2
 * takes 2^f, f ∈ [0, 1), from a Taylor series of e^{f·ln 2} (relative error < 1e-7) times 2^i from a
 * table. Outside the normal range, or on a big-endian host, the Math functions serve.
 */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : -1;
const POW2 = Float64Array.from({ length: 2046 }, (_, i) => Math.pow(2, i - 1022));

function log2Fast(x: number): number {
  if (HIGH_WORD < 0 || !(x >= 2.2250738585072014e-308 && x < Infinity)) return Math.log2(x);
  BITS[0] = x;
  const hi = WORDS[HIGH_WORD];
  const m = 1 + (hi & 0xfffff) * 9.5367431640625e-7;
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  // 2/ln 2 · (t + t³/3 + t⁵/5 + t⁷/7 + t⁹/9)
  return (hi >>> 20) - 1023 + t * (2.8853900817779268 + t2 * (0.9617966939259756 + t2 * (0.5770780163555854 + t2 * (0.41219858311113243 + t2 * 0.3205988979753252))));
}

function exp2Fast(y: number): number {
  const i = Math.floor(y);
  if (!(i >= -1022 && i <= 1023)) return Math.pow(2, y);
  const u = (y - i) * 0.6931471805599453;
  // e^u for u ∈ [0, ln 2): Taylor to u⁸/8!.
  return (1 + u * (1 + u * (0.5 + u * (1 / 6 + u * (1 / 24 + u * (1 / 120 + u * (1 / 720 + u * (1 / 5040 + u / 40320)))))))) * POW2[i + 1022];
}

/** Scratch for a refresh's log powers (one thread refreshes one series at a time). */
const LOG_POWER = new Float64Array(MAX_WINDOW / 2 + 1);

/**
 * One series' spectral-residual channel. `update(value, absZ)` takes the next finite value and the
 * detector's |standardised residual| for it, and returns its evidence (≥ 0; above 1 is "more salient
 * than the series' recent record"); it uses only that value and the ones before it.
 */
export class SpectralResidual {
  /** Saliency of the last point (its sample of the inverse transform of the weighted spectrum). */
  saliency = 0;
  private readonly t: Tables;
  /** The ring of the last N values (minus `ref`; the oldest at `head`), then bins' re, im, weight. */
  private readonly st: Float64Array;
  private readonly reOff: number;
  private readonly imOff: number;
  private readonly wOff: number;
  /** Values are stored minus the series' first value, so a large offset costs no precision. */
  private ref = 0;
  private count = 0;
  /** The ring slot the next value goes to (the oldest value's). */
  private head = 0;
  private untilRecompute = 0;
  private untilRefresh = 0;
  private scored = 0;
  private meanSal = 0;
  private maxExcess = 0;

  constructor(private readonly s: Readonly<SpectralResidualSettings>) {
    const n = s.srWindow - s.srExtend;
    const bad = (field: string, rule: string) => new RangeError(`spectral residual: ${field} must be ${rule}`);
    if (!(s.srWindow >= 16 && s.srWindow <= MAX_WINDOW && (s.srWindow & (s.srWindow - 1)) === 0)) throw bad(`srWindow (${s.srWindow})`, `a power of two from 16 to ${MAX_WINDOW}`);
    if (!(s.srExtend >= 1 && n >= s.srExtend + 2)) throw bad(`srExtend (${s.srExtend})`, 'from 1 to (srWindow − 2) / 2');
    if (!(s.srEvery >= 1)) throw bad(`srEvery (${s.srEvery})`, 'at least 1');
    if (!(s.srPhase >= 0 && s.srPhase < s.srEvery)) throw bad(`srPhase (${s.srPhase})`, 'from 0 to srEvery − 1');
    if (!(s.srRadius >= 0)) throw bad(`srRadius (${s.srRadius})`, 'at least 0');
    this.t = tablesFor(s.srWindow, s.srExtend);
    const h1 = this.t.half + 1;
    this.reOff = n;
    this.imOff = n + h1;
    this.wOff = n + 2 * h1;
    this.st = new Float64Array(n + 3 * h1);
    this.untilRefresh = s.srPhase + 1;
  }

  /** Takes the next (finite) value and |standardised residual|; returns its evidence (0 until warm). */
  update(value: number, absZ: number): number {
    const t = this.t;
    const st = this.st;
    const n = t.n;
    const half = t.half;
    const re = this.reOff;
    const im = this.imOff;
    if (this.count === 0) this.ref = value;
    const x = value - this.ref;
    const slot = this.head;
    const old = st[slot];
    st[slot] = x;
    this.head = slot + 1 === n ? 0 : slot + 1;
    this.count++;
    if (this.count < n) return 0;
    if (--this.untilRecompute <= 0) this.recompute();
    else {
      // Slide: drop the oldest (position 0), shift every value one place earlier (× e^{2πik/W}), add
      // the newest at position N − 1.
      for (let k = 1; k <= half; k++) {
        const ar = st[re + k] - old;
        const ai = st[im + k];
        st[re + k] = ar * t.stepRe[k] - ai * t.stepIm[k] + x * t.inRe[k];
        st[im + k] = ar * t.stepIm[k] + ai * t.stepRe[k] + x * t.inIm[k];
      }
    }
    // The made-up tail: what the points before the newest predict for it (see the file comment).
    const m = t.m;
    let j = slot === 0 ? n - 1 : slot - 1;
    const last = st[j];
    let slope = 0;
    for (let i = 1; i <= m; i++) {
      j = j === 0 ? n - 1 : j - 1;
      slope += (last - st[j]) * t.inverse[i];
    }
    const tail = last + slope / m;
    if (--this.untilRefresh <= 0) this.refresh(tail);
    // Saliency of the newest point: Σ_k weight_k · Re(F_k · e^{2πik(N−1)/W}) · c_k / W.
    const wo = this.wOff;
    let sum = 0;
    for (let k = 1; k <= half; k++) {
      const fr = st[re + k] + tail * t.tailRe[k];
      const fi = st[im + k] + tail * t.tailIm[k];
      sum += st[wo + k] * (fr * t.outRe[k] - fi * t.outIm[k]);
    }
    const sal = sum < 0 ? -sum : sum;
    this.saliency = sal;
    const s = this.s;
    let out = 0;
    if (this.scored === 0) this.meanSal = sal;
    else {
      const excess = this.meanSal > 0 ? Math.min(MAX_RATIO, sal / this.meanSal - 1) : sal > 0 ? MAX_RATIO : 0;
      const e = excess > 0 && absZ >= s.srGateZ ? excess : 0;
      if (this.scored >= s.srWarmup) {
        out = e / Math.max(this.maxExcess, s.srFloor);
        this.maxExcess = Math.max(this.maxExcess * s.srMaxDecay, e);
      } else this.maxExcess = Math.max(this.maxExcess, e);
      this.meanSal += Math.max(s.srMeanAlpha, 1 / (this.scored + 1)) * (sal - this.meanSal);
    }
    this.scored++;
    return out;
  }

  /** Bin weights exp(−local mean of log |F|) from the current window (its tail value given). */
  private refresh(tail: number): void {
    this.untilRefresh = this.s.srEvery;
    const t = this.t;
    const st = this.st;
    const half = t.half;
    const re = this.reOff;
    const im = this.imOff;
    const wo = this.wOff;
    const lp = LOG_POWER;
    let total = 0;
    for (let k = 1; k <= half; k++) {
      const fr = st[re + k] + tail * t.tailRe[k];
      const fi = st[im + k] + tail * t.tailIm[k];
      const p = fr * fr + fi * fi;
      lp[k] = p;
      total += p;
    }
    if (!(total > 0)) {
      st.fill(0, wo, wo + half + 1);
      return;
    }
    // A numerically empty bin gets weight 0 and enters its neighbours' average at the floor.
    const empty = total * EMPTY_BIN;
    const floorLog = log2Fast(empty);
    for (let k = 1; k <= half; k++) {
      const p = lp[k];
      st[wo + k] = p > empty ? 1 : 0;
      lp[k] = p > empty ? log2Fast(p) : floorLog;
    }
    const r = this.s.srRadius;
    for (let k = 1; k <= half; k++) {
      if (st[wo + k] === 0) continue;
      const a = k - r < 1 ? 1 : k - r;
      const b = k + r > half ? half : k + r;
      let acc = 0;
      for (let j = a; j <= b; j++) acc += lp[j];
      // exp(−mean ln|F|) = 2^(−mean log2 |F|² / 2).
      st[wo + k] = exp2Fast((-0.5 * acc) / (b - a + 1));
    }
  }

  /** Bins 1..half of the ring's values (oldest at position 0) from scratch. */
  private recompute(): void {
    this.untilRecompute = RECOMPUTE_EVERY;
    const t = this.t;
    const st = this.st;
    const n = t.n;
    const mask = t.w - 1;
    const start = this.head;
    for (let k = 1; k <= t.half; k++) {
      let ar = 0;
      let ai = 0;
      for (let j = 0, d = 0; j < n; j++, d = (d + k) & mask) {
        const v = st[(start + j) % n];
        ar += v * t.cos[d];
        ai -= v * t.sin[d];
      }
      st[this.reOff + k] = ar;
      st[this.imOff + k] = ai;
    }
  }
}
