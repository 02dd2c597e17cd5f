/**
 * Time-to-limit for one capacity series: exponentially weighted linear regressions at several time
 * scales (minutes to a day), each giving a slope with its standard error, from which the crossing of
 * the limit is estimated with an interval. O(1) memory and time per point, irregular timestamps fine.
 *
 * Why several scales: a disk that fills in minutes (a runaway log) is only visible to a short window,
 * one that fills over a week only to a long one; the soonest trusted crossing wins (the operator would
 * rather hear about the fast fill). A scale is trusted only once it has seen a whole time constant of
 * data since the last break, and only for extrapolations of at most `reachFactor` time constants: a
 * rise seen over four hours may be the morning half of a daily cycle, so it may not speak for the next
 * day; a week-long fill is spoken for by the day-long scale, which averages the daily cycle away.
 * Drops (a cleanup, a restart) restart every scale from the new level, so the slope is never
 * estimated across a reset.
 *
 * Why a departure segment besides the scales: a resource that starts running out from a flat level (a
 * pool whose connections start creeping up) is seen late by an exponentially weighted regression,
 * which still remembers the flat part and underestimates the slope until a time constant has passed.
 * A one-sided CUSUM of the residuals against a slow reference scale finds where the series departed
 * upward; an ordinary regression over the points since that start measures the ramp's own slope, and
 * speaks, like a scale, for at most `reachFactor` times the span it has seen.
 */
import { normalCdf } from './seasonal.ts';

/** Generic settings of the time-to-limit estimate. */
export interface TrendOptions {
  /** Time constants of the regressions, in ms. */
  scalesMs: number[];
  /** A scale may extrapolate at most this many of its time constants ahead. */
  reachFactor: number;
  /** Minimum slope/standard-error ratio for a trend to count. */
  minT: number;
  /** Minimum effective points in a scale before it is used. */
  minPoints: number;
  /** A residual beyond this many residual scales (and `breakMinFrac` of the limit) is a break. */
  breakSigma: number;
  breakMinFrac: number;
  /** z of the crossing interval (1.2816 for 80%). */
  z: number;
  /** The departure segment (a ramp from flat), or null to use the scales alone. */
  departure: DepartureOptions | null;
}

/** Generic settings of the departure segment. */
export interface DepartureOptions {
  /** Time constant of the reference scale whose residuals the CUSUM accumulates (one of `scalesMs`). */
  refScaleMs: number;
  /** CUSUM allowance and decision level, in residual scales of the reference. */
  k: number;
  h: number;
  /** Minimum span of a segment before it is used. */
  minMs: number;
}

/** The defaults: one configuration for every capacity series. */
export const DEFAULT_TREND_OPTIONS: Readonly<TrendOptions> = Object.freeze({
  scalesMs: [60_000, 5 * 60_000, 20 * 60_000, 3_600_000, 4 * 3_600_000, 24 * 3_600_000],
  reachFactor: 2,
  minT: 5,
  minPoints: 6,
  breakSigma: 8,
  breakMinFrac: 0.03,
  z: 1.2816,
  departure: Object.freeze({ refScaleMs: 4 * 3_600_000, k: 0.5, h: 8, minMs: 10 * 60_000 }),
});

/** One time-to-limit estimate. */
export interface Crossing {
  /** Estimated time the series reaches the limit (ms); the present when it already has. */
  time: number;
  /** Interval of the crossing time; `hi` is Infinity when the slope may be zero. */
  lo: number;
  hi: number;
  /** Slope per hour, and its standard error, at the scale used. */
  slopePerHour: number;
  slopeSePerHour: number;
  /** Fitted level at the latest point. */
  level: number;
  /** Time constant of the scale the estimate came from (for the departure segment: the span it reads). */
  scaleMs: number;
}

/** Plain least-squares sums of the points since the segment started (x in hours from `origin`). */
interface Segment {
  start: number;
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  syy: number;
  /** One-sided CUSUM of the standardised residuals against the reference scale. */
  cusum: number;
}

interface Scale {
  tau: number;
  s0: number;
  s2: number;
  st: number;
  sy: number;
  stt: number;
  sty: number;
  syy: number;
}

/** Streaming time-to-limit estimator of one series. */
export class TrendTracker {
  private readonly scales: Scale[];
  /** Times are kept relative to `origin` (hours) for numerical stability. */
  private origin = NaN;
  private lastT = NaN;
  lastValue = NaN;
  /** Breaks (resets, level shifts) seen so far. */
  breaks = 0;
  private decayDt = NaN;
  private readonly decay: Float64Array;
  private readonly segment: Segment = { start: NaN, n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0, cusum: 0 };
  /** The reference scale of the departure segment, or null without one. */
  private readonly ref: Scale | null;

  constructor(private readonly opts: TrendOptions = DEFAULT_TREND_OPTIONS) {
    this.scales = opts.scalesMs.map((tau) => ({ tau, s0: 0, s2: 0, st: 0, sy: 0, stt: 0, sty: 0, syy: 0 }));
    this.decay = new Float64Array(this.scales.length);
    const dep = opts.departure;
    this.ref = dep ? (this.scales.find((sc) => sc.tau === dep.refScaleMs) ?? null) : null;
    if (dep && !this.ref) throw new Error(`departure.refScaleMs: ${dep.refScaleMs} is not one of scalesMs`);
  }

  /** Starts a new segment at t (nothing in it yet). */
  private restartSegment(t: number): void {
    const g = this.segment;
    g.start = t;
    g.n = g.sx = g.sy = g.sxx = g.sxy = g.syy = g.cusum = 0;
  }

  /** Latest point time, NaN before the first. */
  get lastTime(): number {
    return this.lastT;
  }

  /**
   * Feed one point (t increasing; an older or equal t is ignored). `limit` scales the break test:
   * a jump of a few percent of the capacity is a break even on a perfectly smooth series.
   */
  update(t: number, y: number, limit: number): void {
    if (!Number.isFinite(y) || !(t > this.lastT || Number.isNaN(this.lastT))) return;
    if (Number.isNaN(this.origin)) this.origin = t;
    // Breaks are judged against the shortest scale that has a few points to fit.
    const fast = this.scales.find((s) => s.s0 >= 3);
    if (fast) {
      const fit = this.fitAt(fast, t);
      const sigma = Math.sqrt(Math.max(0, fit.resVar));
      const res = y - fit.value;
      // Only a drop is a break (a cleanup, a restart): a jump up is what a fast fill looks like at a
      // coarse scrape interval, and must feed the slope rather than restart it.
      if (-res > Math.max(this.opts.breakSigma * sigma, this.opts.breakMinFrac * Math.abs(limit))) {
        this.breaks++;
        for (const s of this.scales) s.s0 = s.s2 = s.st = s.sy = s.stt = s.sty = s.syy = 0;
        this.origin = t;
        this.restartSegment(NaN);
      }
    }
    const x = (t - this.origin) / 3_600_000;
    this.extendSegment(t, x, y);
    const dt = Number.isNaN(this.lastT) ? 0 : t - this.lastT;
    // Scrapes come at a steady interval: the decay factors are recomputed only when it changes.
    if (dt !== this.decayDt) {
      this.decayDt = dt;
      for (let i = 0; i < this.scales.length; i++) this.decay[i] = Math.exp(-dt / this.scales[i].tau);
    }
    for (let i = 0; i < this.scales.length; i++) {
      const s = this.scales[i];
      const d = this.decay[i];
      const d2 = d * d;
      s.s0 = s.s0 * d + 1;
      s.s2 = s.s2 * d2 + 1;
      s.st = s.st * d + x;
      s.sy = s.sy * d + y;
      s.stt = s.stt * d + x * x;
      s.sty = s.sty * d + x * y;
      s.syy = s.syy * d + y * y;
    }
    this.lastT = t;
    this.lastValue = y;
  }

  /**
   * CUSUM step: the segment grows while the series stays above the reference's prediction by more
   * than the allowance, and restarts (empty) from the next point once the CUSUM falls back to zero.
   */
  private extendSegment(t: number, x: number, y: number): void {
    const dep = this.opts.departure;
    const ref = this.ref;
    if (!dep || !ref) return;
    const g = this.segment;
    if (ref.s0 >= 3) {
      const fit = this.fitAt(ref, t);
      const sigma = Math.sqrt(Math.max(0, fit.resVar));
      if (sigma > 0) g.cusum = Math.max(0, g.cusum + (y - fit.value) / sigma - dep.k);
    }
    if (g.cusum <= 0) {
      this.restartSegment(NaN);
      return;
    }
    if (Number.isNaN(g.start)) g.start = t;
    g.n++;
    g.sx += x;
    g.sy += y;
    g.sxx += x * x;
    g.sxy += x * y;
    g.syy += y * y;
  }

  /** Least-squares line through the segment, or null while it is too short or not a departure. */
  private segmentFit(): { value: number; slope: number; slopeSe: number; spanMs: number } | null {
    const dep = this.opts.departure;
    const g = this.segment;
    if (!dep || g.n < this.opts.minPoints || g.cusum < dep.h) return null;
    // A departure that has lasted longer than the reference's time constant is the reference's own
    // trend (a daily rise keeps the CUSUM up all afternoon): it speaks for no more than that scale.
    const spanMs = Math.min(this.lastT - g.start, dep.refScaleMs);
    if (spanMs < dep.minMs) return null;
    const mx = g.sx / g.n;
    const my = g.sy / g.n;
    const sxx = g.sxx - g.n * mx * mx;
    if (!(sxx > 1e-18)) return null;
    const sxy = g.sxy - g.n * mx * my;
    const slope = sxy / sxx;
    const sse = Math.max(0, g.syy - g.n * my * my - slope * sxy);
    const slopeSe = Math.sqrt(sse / (g.n - 2) / sxx);
    const x = (this.lastT - this.origin) / 3_600_000;
    return { value: my + slope * (x - mx), slope, slopeSe, spanMs };
  }

  /**
   * Probability that a fit (a scale's, with time constant `spanMs`, or the departure segment's, over
   * its span) reaches `limit` within the part of `horizonMs` it speaks for (its reach).
   */
  private reachProbability(fit: { value: number; slope: number; slopeSe: number }, spanMs: number, limit: number, horizonMs: number): number {
    const level = Math.max(fit.value, this.lastValue);
    const within = Math.min(horizonMs, this.opts.reachFactor * spanMs);
    const needed = (limit - level) / (within / 3_600_000);
    const se = Math.max(fit.slopeSe, (1e-6 * Math.abs(limit)) / (spanMs / 3_600_000));
    // Two conditions, both explainable: the trend is real (its t-statistic clears minT) and it is
    // fast enough to close the gap within the horizon.
    const q = normalCdf(fit.slope / se - this.opts.minT) * normalCdf((fit.slope - needed) / se);
    return Math.min(1, Math.max(0, q));
  }

  private fitAt(s: Scale, t: number): { value: number; slope: number; slopeSe: number; resVar: number; neff: number } {
    const x = (t - this.origin) / 3_600_000;
    const mt = s.st / s.s0;
    const my = s.sy / s.s0;
    const sxx = s.stt - s.s0 * mt * mt;
    const sxy = s.sty - s.s0 * mt * my;
    const syy = s.syy - s.s0 * my * my;
    const neff = (s.s0 * s.s0) / s.s2;
    const slope = sxx > 1e-18 ? sxy / sxx : 0;
    const sse = Math.max(0, syy - slope * sxy);
    // Residual variance per unit weight, with two parameters fitted from neff effective points.
    const resVar = neff > 2 ? sse / s.s0 * (neff / (neff - 2)) : 0;
    const slopeSe = sxx > 1e-18 ? Math.sqrt((resVar / sxx) * (s.s0 / neff)) : Infinity;
    return { value: my + slope * (x - mt), slope, slopeSe, resVar, neff };
  }

  /**
   * When the series will reach `limit`, or null when no trusted scale sees it reach it. The soonest
   * trusted crossing wins.
   */
  crossing(limit: number): Crossing | null {
    if (Number.isNaN(this.lastT)) return null;
    const t = this.lastT;
    let best: Crossing | null = null;
    for (const s of this.scales) {
      if (t - this.origin < s.tau) continue;
      const fit = this.fitAt(s, t);
      if (fit.neff < this.opts.minPoints) continue;
      // The fitted level may lag a fast ramp; never predict below what was just measured.
      const level = Math.max(fit.value, this.lastValue);
      if (this.lastValue >= limit) {
        return { time: t, lo: t, hi: t, slopePerHour: fit.slope, slopeSePerHour: fit.slopeSe, level, scaleMs: s.tau };
      }
      // A residual scale of zero would make any slope "significant"; floor it relative to the limit.
      const se = Math.max(fit.slopeSe, (1e-6 * Math.abs(limit)) / (s.tau / 3_600_000));
      if (!(fit.slope > 0) || fit.slope < this.opts.minT * se) continue;
      const gap = limit - level;
      const hours = gap / fit.slope;
      const time = t + hours * 3_600_000;
      if (time - t > this.opts.reachFactor * s.tau) continue;
      const fastSlope = fit.slope + this.opts.z * se;
      const slowSlope = fit.slope - this.opts.z * se;
      const lo = t + (gap / fastSlope) * 3_600_000;
      const hi = slowSlope > 0 ? t + (gap / slowSlope) * 3_600_000 : Infinity;
      if (!best || time < best.time) best = { time, lo, hi, slopePerHour: fit.slope, slopeSePerHour: se, level, scaleMs: s.tau };
    }
    const seg = this.segmentFit();
    if (seg) {
      const level = Math.max(seg.value, this.lastValue);
      const se = Math.max(seg.slopeSe, (1e-6 * Math.abs(limit)) / (seg.spanMs / 3_600_000));
      if (seg.slope > 0 && seg.slope >= this.opts.minT * se) {
        const gap = limit - level;
        const time = t + (gap / seg.slope) * 3_600_000;
        if (time - t <= this.opts.reachFactor * seg.spanMs && (!best || time < best.time)) {
          const slowSlope = seg.slope - this.opts.z * se;
          best = {
            time,
            lo: t + (gap / (seg.slope + this.opts.z * se)) * 3_600_000,
            hi: slowSlope > 0 ? t + (gap / slowSlope) * 3_600_000 : Infinity,
            slopePerHour: seg.slope,
            slopeSePerHour: se,
            level,
            scaleMs: seg.spanMs,
          };
        }
      }
    }
    return best;
  }

  /**
   * Probability that the series reaches `limit` within `horizonMs`, from the slope and its standard
   * error (normal approximation); each scale covers at most its reach, the most confident one wins.
   */
  probabilityWithin(limit: number, horizonMs: number): number {
    if (Number.isNaN(this.lastT)) return 0;
    if (this.lastValue >= limit) return 1;
    const t = this.lastT;
    let p = 0;
    for (const s of this.scales) {
      if (t - this.origin < s.tau) continue;
      const fit = this.fitAt(s, t);
      if (fit.neff < this.opts.minPoints) continue;
      p = Math.max(p, this.reachProbability(fit, s.tau, limit, horizonMs));
    }
    // The departure segment speaks, like a scale, for at most its reach.
    const seg = this.segmentFit();
    if (seg) p = Math.max(p, this.reachProbability(seg, seg.spanMs, limit, horizonMs));
    return p;
  }
}
