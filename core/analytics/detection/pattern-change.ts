/**
 * Pattern change: a channel of the streaming detector that sees a series leave its time-of-day habit
 * even where no value is extreme against the recent level.
 *
 * The residual channels judge a value against a level that follows the series within tens of points,
 * and against the detector's hour-of-day profile only where that profile explains the value better
 * than the level does. So a daily peak that does not come (the value stays at the night level, which
 * the level has learned) passes them, and so do spikes that come at hours where they never came.
 *
 * This channel keeps its own hour-of-day profile, learned over days and independently of the sampling
 * step: while an hour runs, the channel sums its values and their distances to the profile; when the
 * hour ends, the hour's mean and mean distance are folded into the profile with weight `pcDayAlpha`.
 * So one day weighs the same at NAB's 5-minute steps and at the engine's 15-second steps, and a fault
 * of a few minutes moves its hour's profile by a few per cent only. Once an hour has been folded on
 * `pcMinDays` days, the evidence is a short EWMA (`pcSeasonalAlpha`) of the value's distance to its
 * hour's level in units of that hour's spread: a sustained departure from the habit, not one point.
 *
 * The evidence is divided by its own decaying running maximum (and a floor: its size under Gaussian
 * noise × `pcFloor`), as the residual channels' features are: above 1 means more than this series has
 * shown for a long while, so a series with no daily habit, whose distance to any hour's profile is
 * always large, learns a large maximum and stays quiet. The normalised evidence e becomes
 * 1 − exp(−(e − 1) / `pcScoreScale`); a score at alert level starts the channel's own hold (scores ×
 * the detector's `holdFactor` for `pcHoldPoints` points unless stronger), so one episode is flagged once.
 *
 * Memory is constant: 72 numbers of profile in one Float64Array plus about a dozen scalars
 * (`PATTERN_CHANGE_STATE_BYTES`). Each score uses only the values before it and the value itself.
 */

/** The channel's knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface PatternChangeSettings {
  /** Weight of a new day in an hour's profile (level and mean distance). */
  pcDayAlpha: number;
  /** An hour's profile speaks once it has been folded on this many days. */
  pcMinDays: number;
  /** Weight of a new point in the short EWMA of the standardised distance to the hour's profile. */
  pcSeasonalAlpha: number;
  /** Per-point decay of the evidence's running maximum. */
  pcMaxDecay: number;
  /** Evidence counts only beyond this many of its sizes under Gaussian noise. */
  pcFloor: number;
  /** Score = 1 − exp(−(e − 1) / pcScoreScale) of the normalised evidence e. */
  pcScoreScale: number;
  /** Points before the channel speaks (its maximum learns meanwhile). */
  pcWarmup: number;
  /** A score ≥ this starts the channel's hold… */
  pcHoldLevel: number;
  /** …for this many points, during which its scores are multiplied by the detector's `holdFactor`. */
  pcHoldPoints: number;
}

/** The channel's one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`; chosen on corpus-wide NAB results). */
export const DEFAULT_PATTERN_CHANGE_SETTINGS: Readonly<PatternChangeSettings> = Object.freeze({
  pcDayAlpha: 0.3,
  pcMinDays: 5,
  pcSeasonalAlpha: 0.1,
  pcMaxDecay: 0.9999,
  pcFloor: 3,
  pcScoreScale: 0.6,
  pcWarmup: 300,
  pcHoldLevel: 0.3,
  pcHoldPoints: 180,
});

/** What the channel reads from the detector's settings: its own knobs and the shared hold factor. */
export type PatternChangeConfig = Readonly<PatternChangeSettings> & { readonly holdFactor: number };

const HOUR_MS = 3_600_000;
/** Gaussian: E|x| = σ·√(2/π), so σ ≈ 1.2533 × mean absolute deviation. */
const MAD_TO_SIGMA = 1.2533;
const P_LEVEL = 0;
const P_DIST = 24;
const P_DAYS = 48;
const PROFILE_SIZE = 72;
/** The standardised distance is clipped here before it enters its EWMA (one wild point is not a pattern). */
const Z_CLIP = 10;
/**
 * An hour's spread is floored at this share of the series' long-run mean absolute deviation: an hour
 * that was nearly constant on the days seen must not turn a small move into a large distance.
 */
const SPREAD_FLOOR = 0.1;

/** Approximate bytes of the channel's state per series (profile array, scalars, object overhead). */
export const PATTERN_CHANGE_STATE_BYTES = PROFILE_SIZE * 8 + 64 + 14 * 8 + 64;

/** One series' pattern-change state. */
export class PatternChange {
  private readonly profile = new Float64Array(PROFILE_SIZE);
  /** The hour (since the epoch) being accumulated, its value sum, distance sum and count. */
  private hourNo = -1;
  private hourSum = 0;
  private hourDist = 0;
  private hourCount = 0;
  /** Long-run mean and mean absolute deviation from it: the floor of an hour's spread. */
  private mean = 0;
  private dev = 0;
  private seasonal = 0;
  private max = 0;
  private holdLeft = 0;
  private holdPeak = 0;
  private n = 0;
  /** The EWMA's size under Gaussian noise of unit spread. */
  private readonly noise: number;

  constructor(private readonly s: PatternChangeConfig) {
    const a = s.pcSeasonalAlpha;
    this.noise = Math.sqrt(a / (2 - a)) * MAD_TO_SIGMA;
  }

  /** Scores `value` (finite) at `ts` (ms) in [0, 1], then learns it. */
  update(ts: number, value: number): number {
    const s = this.s;
    const n = this.n++;
    if (n === 0) this.mean = value;
    const hourNo = Math.floor(ts / HOUR_MS);
    if (hourNo !== this.hourNo) this.foldHour(hourNo);
    const h = hourNo % 24;
    const p = this.profile;
    const warm = n >= s.pcWarmup;
    let e = 0;
    if (p[P_DAYS + h] >= s.pcMinDays) {
      const spread = Math.max(p[P_DIST + h] * MAD_TO_SIGMA, SPREAD_FLOOR * this.dev, 1e-9);
      const z = (value - p[P_LEVEL + h]) / spread;
      this.seasonal += s.pcSeasonalAlpha * (Math.max(-Z_CLIP, Math.min(Z_CLIP, z)) - this.seasonal);
      const v = Math.abs(this.seasonal);
      e = v / Math.max(this.max, s.pcFloor * this.noise);
      this.max = warm ? Math.max(this.max * s.pcMaxDecay, v) : Math.max(this.max, v);
    }

    // Learn: the running hour, and the long-run mean and deviation behind the spread floor.
    this.hourSum += value;
    if (p[P_DAYS + h] > 0) this.hourDist += Math.abs(value - p[P_LEVEL + h]);
    this.hourCount++;
    const a = Math.max(0.001, 1 / (n + 1));
    this.mean += a * (value - this.mean);
    this.dev += a * (Math.abs(value - this.mean) - this.dev);

    let out = warm && e > 1 ? 1 - Math.exp(-(e - 1) / s.pcScoreScale) : 0;
    if (this.holdLeft > 0 && out <= this.holdPeak) {
      this.holdLeft--;
      out *= s.holdFactor;
    } else if (out >= s.pcHoldLevel) {
      this.holdLeft = s.pcHoldPoints;
      this.holdPeak = out;
    } else if (this.holdLeft > 0) this.holdLeft--;
    return out;
  }

  /** Folds the finished hour into its profile (one day's weight, whatever the step) and starts `hourNo`. */
  private foldHour(hourNo: number): void {
    if (this.hourNo >= 0 && this.hourCount > 0) {
      const p = this.profile;
      const h = this.hourNo % 24;
      const mean = this.hourSum / this.hourCount;
      const days = p[P_DAYS + h];
      if (days === 0) p[P_LEVEL + h] = mean;
      else {
        // The spread is the values' mean distance to the profile as it stood during the hour: the
        // within-hour wiggle and the day-to-day movement of the hour's level together. It is first
        // measured on the hour's second day, so it averages one day fewer than the level.
        const d = Math.max(this.s.pcDayAlpha, 1 / days);
        p[P_DIST + h] += d * (this.hourDist / this.hourCount - p[P_DIST + h]);
        p[P_LEVEL + h] += Math.max(this.s.pcDayAlpha, 1 / (days + 1)) * (mean - p[P_LEVEL + h]);
      }
      p[P_DAYS + h] = days + 1;
    }
    this.hourNo = hourNo;
    this.hourSum = 0;
    this.hourDist = 0;
    this.hourCount = 0;
  }
}
