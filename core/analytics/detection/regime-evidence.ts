/**
 * Regime evidence: two residual features of the streaming detector for windows where no single point
 * is extreme but the series' regime changes.
 *
 * - Volatility shift: a short EWMA of |first difference| against a long one. The level may stay where
 *   it was while the noise grows (a series that was calm for a day turns jittery).
 * - Level excursion: a medium EWMA of the value against a long EWMA, in units of the long-run mean
 *   |value − long EWMA|. The level EWMA of the residual channel follows a slow drift (a sensor
 *   cooling by a tenth of a degree per step for a day never leaves its band), but over a long horizon
 *   the series sits far from where it has lived.
 *
 * Each returns a raw, non-negative feature; the detector divides it by its own decaying record like
 * every other feature (self-normalisation), so a series whose regime moves all the time is not flagged
 * for it. Both are off: on NAB each finds at most one window at the edge of the corpus jitter (README,
 * "Session 7 (3l)"). State: a few numbers per series; each value uses only the points before it and itself.
 */

/** The features' knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface RegimeSettings {
  /** Volatility-shift evidence on or off. */
  useVolatilityShift: boolean;
  /** Weight of a new |first difference| in the short EWMA. */
  volShiftShortAlpha: number;
  /** Weight of a new |first difference| in the long EWMA. */
  volShiftLongAlpha: number;
  /** The ratio's size under unchanged noise, which the detector's evidence floor multiplies. */
  volShiftNoise: number;
  /** Level-excursion evidence on or off. */
  useLevelExcursion: boolean;
  /** Weight of a new value in the medium level EWMA. */
  excursionMidAlpha: number;
  /** Weight of a new value in the long level EWMA and its spread. */
  excursionLongAlpha: number;
}

/** The features' one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`). */
export const DEFAULT_REGIME_SETTINGS: Readonly<RegimeSettings> = Object.freeze({
  useVolatilityShift: false,
  volShiftShortAlpha: 0.06,
  volShiftLongAlpha: 0.002,
  volShiftNoise: 0.6,
  useLevelExcursion: false,
  excursionMidAlpha: 0.02,
  excursionLongAlpha: 0.001,
});

/** Approximate bytes per series of the volatility-shift state: one small object with four numbers. */
export const VOLATILITY_SHIFT_STATE_BYTES = 64;

/** Approximate bytes per series of the level-excursion state: one small object with four numbers. */
export const LEVEL_EXCURSION_STATE_BYTES = 64;

/** Short against long EWMA of |first difference|. */
export class VolatilityShift {
  private short = 0;
  private long = 0;
  private prev = NaN;
  private n = 0;

  constructor(private readonly s: Readonly<RegimeSettings>) {}

  /** The ratio before learning `value` updates the long EWMA (0 until two points are seen); `floor` is the series' smallest meaningful step. */
  update(value: number, floor: number): number {
    if (Number.isNaN(this.prev)) {
      this.prev = value;
      return 0;
    }
    const d = Math.abs(value - this.prev);
    this.prev = value;
    this.n++;
    const aS = Math.max(this.s.volShiftShortAlpha, 1 / this.n);
    const aL = Math.max(this.s.volShiftLongAlpha, 1 / this.n);
    this.short += aS * (d - this.short);
    const v = this.short / Math.max(this.long, floor, 1e-12);
    this.long += aL * (d - this.long);
    return v;
  }
}

/** Medium against long EWMA of the value, in long-run spreads. */
export class LevelExcursion {
  private mid = 0;
  private long = 0;
  private spread = 0;
  private n = 0;

  constructor(private readonly s: Readonly<RegimeSettings>) {}

  /** |mid − long| / spread before `value` updates the long statistics; `floor` is the series' smallest meaningful spread. */
  update(value: number, floor: number): number {
    this.n++;
    if (this.n === 1) {
      this.mid = this.long = value;
      return 0;
    }
    this.mid += Math.max(this.s.excursionMidAlpha, 1 / this.n) * (value - this.mid);
    const v = Math.abs(this.mid - this.long) / Math.max(this.spread, floor, 1e-12);
    const aL = Math.max(this.s.excursionLongAlpha, 1 / this.n);
    this.spread += aL * (Math.abs(value - this.long) - this.spread);
    this.long += aL * (value - this.long);
    return v;
  }
}
