/**
 * A streaming forecaster for one series on a regular grid: level, damped trend, daily and weekly
 * seasonal profiles, combined from a few simple candidate forecasts by their own recent errors, with
 * prediction intervals taken from the empirical distribution of its own past errors at each horizon.
 *
 * Why an online blend rather than one model: on real operations series the best forecast at one hour
 * is often the latest level (noisy CPU, bursty traffic), while at six hours it is the long-run mean
 * plus the daily profile. Every candidate costs O(1) per point, and the blend weights are learned from
 * the series itself, so one generic configuration serves every series (no per-dataset tuning).
 *
 * Robustness: residuals are clipped (Huber-like) before they move the level or the profiles, so an
 * outlier barely moves the state; a run of `shiftRun` residuals beyond `shiftSigma` scales on the same
 * side is a level shift or a reset (a disk cleanup, a restart): the level jumps to the new regime and
 * the trend restarts from zero, while the seasonal profiles are kept.
 */

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Tuning shared by every series; one generic configuration. */
export interface SeasonalOptions {
  /** Grid step of the series in ms. */
  stepMs: number;
  /** Horizons (in steps) whose errors are tracked for the blend weights and the intervals. */
  horizons: number[];
  /** Central coverage of the prediction interval (0.8 = 80%). */
  coverage?: number;
}

/** One forecast: the central value and the interval around it. */
export interface ForecastPoint {
  mean: number;
  lo: number;
  hi: number;
}

const CANDIDATES = 6;
const ERR_WINDOW = 400;
const MIN_ERRORS = 30;

interface HorizonTrack {
  h: number;
  /** Pending candidate forecasts for the target h steps ahead, ring of h+1 slots × CANDIDATES. */
  pending: Float64Array;
  pendingBlend: Float64Array;
  pendingValid: Uint8Array;
  /** Exponentially weighted squared error per candidate. */
  mse: Float64Array;
  /** Recent absolute errors of the blend, newest overwriting oldest. */
  errs: Float64Array;
  errCount: number;
  errPos: number;
  /** Quantile of `errs` at `coverage`, refreshed every few updates. */
  q: number;
  sinceRefresh: number;
}

/** Streaming forecaster of one series; feed it every grid step in order with `update`. */
export class SeasonalForecaster {
  private readonly stepMs: number;
  private readonly coverage: number;
  private readonly daySlots: number;
  private readonly weekSlots: number;
  private readonly day: Float64Array;
  private readonly dayN: Uint32Array;
  private readonly week: Float64Array;
  private readonly weekN: Uint32Array;
  /** The latest value seen in each daily slot: the seasonal-naive candidate. */
  private readonly dayLast: Float64Array;
  private readonly tracks: HorizonTrack[];
  private n = 0;
  private t = 0;
  private last = NaN;
  /** Fast level (deseasonalised), slow level (long-run mean), trend per step, residual scale. */
  private level = NaN;
  private slow = NaN;
  private trend = 0;
  private scale = NaN;
  private shiftCount = 0;
  private shiftSign = 0;
  private shiftSum = 0;
  /** Level shifts detected so far. */
  shifts = 0;
  private readonly scratchC = new Float64Array(CANDIDATES);
  private readonly scratchW = new Float64Array(CANDIDATES);

  constructor(opts: SeasonalOptions) {
    if (!(opts.stepMs > 0)) throw new RangeError('stepMs: must be positive');
    this.stepMs = opts.stepMs;
    this.coverage = opts.coverage ?? 0.8;
    // Profiles at most 288 slots a day (5-minute bins): finer steps share a slot, which keeps memory
    // bounded and lets every slot learn from several points.
    this.daySlots = Math.max(1, Math.min(288, Math.round(DAY / opts.stepMs)));
    this.weekSlots = 7;
    this.day = new Float64Array(this.daySlots);
    this.dayN = new Uint32Array(this.daySlots);
    this.week = new Float64Array(this.weekSlots);
    this.weekN = new Uint32Array(this.weekSlots);
    this.dayLast = new Float64Array(this.daySlots).fill(NaN);
    this.tracks = [...new Set(opts.horizons.map((h) => Math.max(1, Math.round(h))))]
      .sort((a, b) => a - b)
      .map((h) => ({
        h,
        pending: new Float64Array((h + 1) * CANDIDATES),
        pendingBlend: new Float64Array(h + 1),
        pendingValid: new Uint8Array(h + 1),
        mse: new Float64Array(CANDIDATES),
        errs: new Float64Array(ERR_WINDOW),
        errCount: 0,
        errPos: 0,
        q: NaN,
        sinceRefresh: 0,
      }));
  }

  /** Points seen so far. */
  get count(): number {
    return this.n;
  }

  private daySlot(t: number): number {
    const d = ((t % DAY) + DAY) % DAY;
    return Math.min(this.daySlots - 1, Math.floor((d / DAY) * this.daySlots));
  }

  private weekSlot(t: number): number {
    // Epoch day 0 was a Thursday; any fixed origin works, the slot only has to repeat weekly.
    return Math.floor((((t % WEEK) + WEEK) % WEEK) / DAY);
  }

  /** The seasonal offset expected at time t (0 until a profile slot has been seen). */
  seasonalAt(t: number): number {
    const ds = this.daySlot(t);
    const ws = this.weekSlot(t);
    // A profile only counts once it has seen its slot; the weekly one needs more than a week of data.
    const d = this.dayN[ds] > 0 && this.n * this.stepMs > DAY ? this.day[ds] : 0;
    const w = this.weekN[ws] > 0 && this.n * this.stepMs > 2 * WEEK ? this.week[ws] : 0;
    return d + w;
  }

  /** The candidate forecasts for h steps ahead of the latest point, written into out. */
  private candidates(h: number, out: Float64Array, off: number): void {
    const tt = this.t + h * this.stepMs;
    const s = this.seasonalAt(tt);
    const damp = dampedSum(h);
    out[off] = this.last;
    out[off + 1] = this.level + s;
    out[off + 2] = this.slow + s;
    out[off + 3] = this.level + this.trend * damp + s;
    // Yesterday's value at the same time of day, once a day has been seen (else the seasonal level).
    const yest = this.dayLast[this.daySlot(tt)];
    out[off + 4] = this.n * this.stepMs > DAY && Number.isFinite(yest) ? yest : out[off + 1];
    // A steady trend carried undamped: what a filling disk does until it is full.
    out[off + 5] = this.level + this.trend * h + s;
  }

  private blendWeights(track: HorizonTrack | undefined, w: Float64Array): void {
    if (!track || track.errCount < MIN_ERRORS) {
      // Before errors are known: the seasonal level, a safe middle ground.
      w.fill(0);
      w[1] = 1;
      return;
    }
    let sum = 0;
    let best = Infinity;
    for (let c = 0; c < CANDIDATES; c++) best = Math.min(best, track.mse[c]);
    for (let c = 0; c < CANDIDATES; c++) {
      // Inverse-MSE weights, sharpened so a clearly worse candidate gets almost nothing.
      const r = best / Math.max(track.mse[c], 1e-300);
      w[c] = r * r * r * r;
      sum += w[c];
    }
    for (let c = 0; c < CANDIDATES; c++) w[c] /= sum;
  }

  /** The tracked horizon nearest to h that has enough errors; else the one with the most errors. */
  private trackFor(h: number): HorizonTrack | undefined {
    let best: HorizonTrack | undefined;
    for (const tr of this.tracks) {
      if (tr.errCount < MIN_ERRORS) continue;
      if (!best || Math.abs(tr.h - h) < Math.abs(best.h - h)) best = tr;
    }
    if (best) return best;
    for (const tr of this.tracks) if (!best || tr.errCount > best.errCount) best = tr;
    return best;
  }

  /** Forecast h steps (h ≥ 1) ahead of the latest point, with the interval. */
  forecast(h: number): ForecastPoint {
    if (this.n === 0) return { mean: NaN, lo: NaN, hi: NaN };
    const c = this.scratchC;
    const w = this.scratchW;
    this.candidates(h, c, 0);
    const track = this.trackFor(h);
    this.blendWeights(track, w);
    let mean = 0;
    for (let i = 0; i < CANDIDATES; i++) mean += w[i] * c[i];
    let half: number;
    if (track && track.errCount >= MIN_ERRORS && Number.isFinite(track.q)) {
      // Errors were measured at the tracked horizon; scale by √ of the horizon ratio for others.
      half = track.q * Math.sqrt(h / track.h);
    } else {
      const z = normalQuantile(0.5 + this.coverage / 2);
      half = z * 1.25 * (Number.isFinite(this.scale) ? this.scale : 0) * Math.sqrt(h);
    }
    return { mean, lo: mean - half, hi: mean + half };
  }

  /**
   * Feed the value at grid time t (ms), one call per grid step, in order. A missing point (NaN) is
   * carried forward from the last value so that horizons stay counted in grid steps.
   */
  update(t: number, y: number): void {
    if (!Number.isFinite(y)) {
      if (this.n === 0) return;
      y = this.last;
    }
    this.scoreTracks(y);
    this.learn(t, y);
    this.t = t;
    this.last = y;
    this.dayLast[this.daySlot(t)] = y;
    this.n++;
    this.recordTracks();
  }

  private scoreTracks(y: number): void {
    if (this.n === 0) return;
    for (const tr of this.tracks) {
      // The slot written h steps ago holds the forecast for now.
      const slot = this.n % (tr.h + 1);
      if (!tr.pendingValid[slot]) continue;
      const base = slot * CANDIDATES;
      for (let c = 0; c < CANDIDATES; c++) {
        const e = y - tr.pending[base + c];
        tr.mse[c] = tr.errCount === 0 && tr.mse[c] === 0 ? e * e : 0.97 * tr.mse[c] + 0.03 * e * e;
      }
      tr.errs[tr.errPos] = Math.abs(y - tr.pendingBlend[slot]);
      tr.errPos = (tr.errPos + 1) % ERR_WINDOW;
      tr.errCount++;
      if (++tr.sinceRefresh >= 20 || !Number.isFinite(tr.q)) {
        tr.sinceRefresh = 0;
        tr.q = quantile(tr.errs.subarray(0, Math.min(tr.errCount, ERR_WINDOW)), this.coverage);
      }
    }
  }

  private recordTracks(): void {
    const w = this.scratchW;
    for (const tr of this.tracks) {
      // Written at n−1 (after counting this point) so that it is read back at count n−1+h.
      const slot = (this.n - 1 + tr.h) % (tr.h + 1);
      this.candidates(tr.h, tr.pending, slot * CANDIDATES);
      this.blendWeights(tr, w);
      let m = 0;
      for (let c = 0; c < CANDIDATES; c++) m += w[c] * tr.pending[slot * CANDIDATES + c];
      tr.pendingBlend[slot] = m;
      tr.pendingValid[slot] = 1;
    }
  }

  private learn(t: number, y: number): void {
    const ds = this.daySlot(t);
    const ws = this.weekSlot(t);
    if (this.n === 0) {
      this.level = y;
      this.slow = y;
      this.scale = 0;
      return;
    }
    const s = this.seasonalAt(t);
    const expected = this.level + this.trend + s;
    const res = y - expected;
    const sc = this.scale > 0 ? this.scale : Math.abs(res) || 1e-9;
    // Level shift: a run of large residuals on one side.
    const big = Math.abs(res) > 5 * sc;
    if (big && (this.shiftCount === 0 || Math.sign(res) === this.shiftSign)) {
      this.shiftCount++;
      this.shiftSign = Math.sign(res);
      this.shiftSum += y - s;
    } else {
      this.shiftCount = 0;
      this.shiftSum = 0;
    }
    if (this.shiftCount >= 4) {
      const newLevel = this.shiftSum / this.shiftCount;
      this.slow += newLevel - this.level;
      this.level = newLevel;
      this.trend = 0;
      this.shiftCount = 0;
      this.shiftSum = 0;
      this.shifts++;
      return;
    }
    const clipped = Math.max(-3 * sc, Math.min(3 * sc, res));
    const prevLevel = this.level;
    this.level = this.level + this.trend + 0.3 * clipped;
    this.trend = 0.95 * this.trend + 0.05 * (this.level - prevLevel);
    this.slow += 0.004 * (y - s - this.slow);
    this.scale = this.scale === 0 ? Math.abs(res) : 0.97 * this.scale + 0.03 * Math.min(Math.abs(res), 5 * sc);
    // Profiles learn the deviation of the value from the slow level, split daily then weekly.
    const devDay = y - this.slow - (this.weekN[ws] > 0 ? this.week[ws] : 0);
    const g = this.dayN[ds] === 0 ? 1 : Math.max(0.1, 1 / (this.dayN[ds] + 1));
    this.day[ds] += g * (clampDev(devDay, this.day[ds], sc) - this.day[ds]);
    this.dayN[ds]++;
    if (this.n * this.stepMs > WEEK) {
      const devWeek = y - this.slow - this.day[ds];
      const gw = this.weekN[ws] === 0 ? 0.05 : 0.01;
      this.week[ws] += gw * (clampDev(devWeek, this.week[ws], sc) - this.week[ws]);
      this.weekN[ws]++;
    }
  }
}

function clampDev(dev: number, cur: number, sc: number): number {
  return Math.max(cur - 4 * sc, Math.min(cur + 4 * sc, dev));
}

/** Σ_{i=1..h} 0.98^i: how far a damped trend carries over h steps. */
function dampedSum(h: number): number {
  const phi = 0.98;
  return (phi * (1 - Math.pow(phi, h))) / (1 - phi);
}

/** The q-quantile (0..1) of the values (copied, sorted). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const a = Float64Array.from(values).sort();
  if (a.length === 0) return NaN;
  const pos = (a.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < a.length ? a[i] * (1 - f) + a[i + 1] * f : a[i];
}

/** Inverse of the standard normal CDF (Acklam's rational approximation; |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
