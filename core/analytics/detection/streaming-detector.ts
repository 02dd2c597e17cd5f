/**
 * The streaming anomaly detector (v2), shared by the engine's detector workers and `watchfloor detect`.
 *
 * Per series it keeps a fixed set of numbers (no window buffers: memory is constant, see
 * `DETECTOR_STATE_BYTES`) and scores each point from the points before it only:
 *
 * 1. Baseline: a robust level (EWMA whose residual updates are Huber-clipped, so one outlier cannot
 *    poison it) and a robust scale (EWMA of |residual|), with floors from the level and the series'
 *    resolution (its smallest step), so a flat or discrete series is judged in its own steps.
 * 2. Seasonal baseline: an hour-of-day profile of level and scale; once an hour has been seen on two
 *    days, the residual the profile explains best is used (a daily peak is not an anomaly).
 * 3. Multi-scale evidence: EWMAs of the standardised residual at several time scales — a lone point,
 *    a short burst, a level shift — so a small sustained change is seen as early as a large spike.
 * 4. Change-point evidence: a two-sided CUSUM of the standardised residual.
 * 4b. Volatility evidence: an EWMA of |standardised residual| (spikes growing denser, noise widening).
 * 4c. Log-ratio evidence, for positive series: ln(expected / value) of a value at most half its
 *    expectation, in its own scale (a fall toward zero that is small in scales when the spread is wide).
 * 4d. Regime evidence (regime-evidence.ts, measured and off): a volatility shift, a short EWMA of
 *    |first difference| against a long one (the noise growing while the level stays), and a level
 *    excursion, the medium level far from the long-run one in long-run spreads.
 * 5. Self-normalisation: each evidence is divided by its own decaying running maximum, so a series
 *    that is always jumpy does not alert all the time and a quiet one is flagged as soon as it moves;
 *    the strongest normalised evidence e becomes the score 1 − exp(−(e − 1)/s) in [0, 1].
 *    The point evidence |z| is capped (one large fault must not hide the next ones); beside it the
 *    uncapped |z| against its own record lets a clearly larger spike stand out where capped ones are routine.
 *    Where runs beyond the cap are routine (several recent ones), a point at the cap ties with a capped
 *    record set at the cap instead of beating its decayed value; where they are rare it still beats it.
 * 6. Re-alert suppression: a score not above the recent maximum score is damped, and after an
 *    alert-level score a hold damps what follows unless it is a clearly stronger event, so one
 *    incident is flagged once, at its start.
 *    A point beyond the cap whose uncapped |z| is clearly larger than the one that started the hold
 *    escapes it too (capped, the two would tie).
 * 7. Context novelty, a channel of its own (context-novelty.ts): a burst of never-seen shapes of
 *    recent values beyond the series' habit flags a new shape even inside the usual range. The output
 *    is the larger of the residual score and the novelty score.
 * 8. Pattern change, a channel of its own (pattern-change.ts): a sustained departure from a time-of-day
 *    profile learned over days (a daily peak that does not come).
 * 8b. Shape novelty, a channel of its own (shape-novelty.ts): a window of the downsampled series
 *    that matches none of the series' prototype shapes. The output is the largest of the four.
 * 9. Alert refractory across the channels: after an alert-level output the next outputs are damped
 *    unless clearly stronger, so one event is not flagged twice, once by each channel.
 * 10. Alert memory (alert-memory.ts): a combined score not above the decaying score of the series'
 *    last alert is damped, so the same burst does not alert again each time the records have decayed
 *    a little. (An alert budget, alert-budget.ts, damping by the recent alert rate, is measured and off.)
 * 9b. Feature agreement (agreement-gate.ts), before the memory: a residual score that at most one
 *    feature supports (the others below 0.6 of their records) needs near certainty.
 *
 * One global configuration (`DEFAULT_DETECTOR_SETTINGS`) serves every series; the `use*` switches exist
 * only so the NAB evaluation can measure each ingredient's contribution.
 */

import { ContextNovelty, DEFAULT_NOVELTY_SETTINGS, NOVELTY_STATE_BYTES } from './context-novelty.ts';
import type { NoveltySettings } from './context-novelty.ts';
import { DEFAULT_SPECTRAL_RESIDUAL_SETTINGS, SpectralResidual } from './spectral-residual.ts';
import type { SpectralResidualSettings } from './spectral-residual.ts';
import { DEFAULT_PATTERN_CHANGE_SETTINGS, PATTERN_CHANGE_STATE_BYTES, PatternChange } from './pattern-change.ts';
import type { PatternChangeSettings } from './pattern-change.ts';
import { DEFAULT_SHAPE_NOVELTY_SETTINGS, SHAPE_NOVELTY_STATE_BYTES, ShapeNovelty } from './shape-novelty.ts';
import type { ShapeNoveltySettings } from './shape-novelty.ts';
import { ALERT_MEMORY_STATE_BYTES, AlertMemory, DEFAULT_ALERT_MEMORY_SETTINGS } from './alert-memory.ts';
import type { AlertMemorySettings } from './alert-memory.ts';
import { AlertBudget, DEFAULT_ALERT_BUDGET_SETTINGS } from './alert-budget.ts';
import type { AlertBudgetSettings } from './alert-budget.ts';
import { agreementGate, DEFAULT_AGREEMENT_SETTINGS } from './agreement-gate.ts';
import type { AgreementSettings } from './agreement-gate.ts';
import { DEFAULT_REGIME_SETTINGS, LEVEL_EXCURSION_STATE_BYTES, LevelExcursion, VOLATILITY_SHIFT_STATE_BYTES, VolatilityShift } from './regime-evidence.ts';
import type { RegimeSettings } from './regime-evidence.ts';

/** The detector's knobs: one global configuration for every series (never tuned per series). */
export interface DetectorSettings extends NoveltySettings, SpectralResidualSettings, PatternChangeSettings, ShapeNoveltySettings, AlertMemorySettings, AlertBudgetSettings, AgreementSettings, RegimeSettings {
  /** Points a series must have seen before it scores above 0. */
  warmupPoints: number;
  /** Weight of a new point in the baseline level after warm-up. */
  levelAlpha: number;
  /** Weight of a new point in the baseline scale (mean absolute residual). */
  scaleAlpha: number;
  /** Residuals are clipped at this many scales before they update the baseline. */
  huberK: number;
  /** Weights (alpha) of the multi-scale EWMAs of the standardised residual (at most 4). */
  scaleAlphas: readonly number[];
  /** CUSUM allowance in scales. */
  cusumK: number;
  /** Weight of a new point in the volatility EWMA of |standardised residual|. */
  volAlpha: number;
  /** Evidence counts only beyond this many of its Gaussian-noise sizes (see `noiseSize`). */
  evidenceFloor: number;
  /** Per-point decay of each feature's running maximum (self-normalisation). */
  maxDecay: number;
  /**
   * Per-point decay of the CUSUM's running maximum. The CUSUM grows with a shift's duration, so one
   * long fault leaves a maximum far above anything later; it needs a shorter memory than the
   * spike-like features, whose records should be remembered long (a series that often makes spikes of
   * size X needs more than X).
   */
  cusumMaxDecay: number;
  /**
   * Per-point decay of the point evidence's running maximum, kept equal to `maxDecay`: a longer one
   * (0.99998) scores better on NAB but, at the engine's 15-second steps, lets one fault's record delay
   * the detection of the next on the same series (README, "Anomaly detection").
   */
  pointMaxDecay: number;
  /**
   * The point evidence |z| is capped here. A feature that saturates cannot tell a new record from a
   * repeat, but an uncapped one lets a single large fault set a record that later, smaller faults on
   * the same series cannot beat for days at the engine's 15-second steps: 20 scales (the clip that
   * keeps one outlier from moving the level, the EWMAs and the CUSUM) flags every recurrence.
   */
  pointEvidenceCap: number;
  /**
   * The combined score x (the larger of the residual and novelty scores) is reported as
   * 1 − (1 − x)^calibrationPower: monotone, so no ranking changes; it puts the corpus-optimal NAB
   * threshold at the engine's alert threshold (0.6), so the product alerts where the benchmark says it
   * should. The unsuppressed `raw` score gets the same stretch.
   */
  calibrationPower: number;
  /** A series younger than this many points needs evidence beyond its maxima by a youth factor. */
  recordHorizon: number;
  /** Internal score = 1 − exp(−(e − 1) / scoreScale) of the strongest normalised evidence e (0 when e ≤ 1). */
  scoreScale: number;
  /**
   * The output stretches the internal (suppressed) score s to 1 − (1 − s)^outputPower: monotone, so it
   * changes no ranking, only where on [0, 1] the alert-worthy scores sit.
   */
  outputPower: number;
  /** Per-point decay of the recent maximum score: a score not above it is damped by (1 − it). */
  suppressDecay: number;
  /** After a score ≥ holdLevel, the next holdPoints scores are multiplied by holdFactor… */
  holdLevel: number;
  holdPoints: number;
  holdFactor: number;
  /** …unless 1 − score falls below holdEscape × (1 − the score that started the hold): a stronger event. */
  holdEscape: number;
  /**
   * Alert refractory across channels: after a combined (calibrated) score ≥ refractoryLevel — the
   * engine's alert threshold — the next refractoryPoints combined scores are multiplied by
   * refractoryFactor (before calibration)… Each channel has its own hold, but without this a residual
   * alert is often followed within a few points by a novelty alert on the same event (or the reverse):
   * a second alert for one event, a false positive wherever it falls outside a labelled window.
   */
  refractoryLevel: number;
  refractoryPoints: number;
  refractoryFactor: number;
  /** …unless 1 − score falls below refractoryEscape × (1 − the score that started it): a stronger event, which starts its own. */
  refractoryEscape: number;
  /** Scale floor relative to |level|. */
  minRelativeScale: number;
  useSeasonal: boolean;
  useMultiScale: boolean;
  useChangePoint: boolean;
  /** Volatility evidence: spikes growing denser, noise growing wider. */
  useVolatility: boolean;
  /** Step evidence: the standardised first difference. */
  useDifference: boolean;
  useSelfNormalise: boolean;
  useSuppression: boolean;
  /** Context-novelty evidence: a shape of recent values never seen before. */
  useNovelty: boolean;
  /** Spectral-residual evidence (spectral-residual.ts): a point salient against its window's spectrum. */
  useSpectralResidual: boolean;
  /** Pattern-change evidence (pattern-change.ts): a missing time-of-day habit, a spread growing. */
  usePatternChange: boolean;
  /** Overshoot evidence: the uncapped point evidence against its own uncapped record, beside the capped one. */
  usePointOvershoot: boolean;
  /**
   * Log-ratio evidence: ln(expected / value) for a positive value below a positive expectation, in its
   * own scale (EWMA of |ln ratio|), capped like the point evidence: a value falling toward zero.
   */
  useLogRatio: boolean;
  /** Share of a warm-up point's point evidence (capped and uncapped) that its record learns: the scale is still rough then. */
  warmupRecordShare: number;
  /** The log-ratio evidence counts only for a value at most exp(−this) × its expectation (ln 2: half or less). */
  logDropMin: number;
  /** Floor of the log-ratio scale (a series whose ratios barely move). */
  logScaleFloor: number;
  /** Smoothness evidence: roughness (mean |second difference|) collapsing far below its long-run level. */
  useSmoothness: boolean;
  /** Weight of a new point in the short roughness EWMA. */
  smoothShortAlpha: number;
  /** Weight of a new point in the long-run roughness EWMA. */
  smoothLongAlpha: number;
  /** The short roughness is floored at this share of the long-run one (caps the evidence at its inverse). */
  smoothFloor: number;
  /**
   * A capped point evidence (at the cap) cannot beat a record that was itself set at the cap, at least
   * this share of it, however much that record decayed: a tie, not a new record; only where points
   * beyond the cap are routine (`capRoutineEvents`), so a rare smaller recurrence still alerts. 0 = off.
   */
  capRecordGuard: number;
  /**
   * The guard applies only where points beyond the cap are routine: at least this many separate runs
   * of them (onsets, counted with `capRoutineDecay` per point) before the point. 0 = always.
   */
  capRoutineEvents: number;
  /** Per-point decay of the count of beyond-cap runs. */
  capRoutineDecay: number;
  /** Hold escape on magnitudes: during a hold, an uncapped |z| ≥ this × the one that started it escapes. 0 = off. */
  holdEscapeRatio: number;
  /**
   * Shape-novelty evidence (shape-novelty.ts): a short downsampled window whose shape matches no
   * prototype. On since session 8 (README, "Anomaly detection": what it adds and what it costs).
   */
  useShapeNovelty: boolean;
}

/**
 * The one global configuration. `outputPower` spreads the residual scores over [0, 1] and
 * `calibrationPower` then puts the corpus-optimal NAB threshold at the engine's alert threshold (0.6),
 * so the product alerts where the benchmark says it should.
 */
export const DEFAULT_DETECTOR_SETTINGS: Readonly<DetectorSettings> = Object.freeze({
  warmupPoints: 30,
  levelAlpha: 0.03,
  scaleAlpha: 0.003,
  huberK: 3,
  scaleAlphas: Object.freeze([0.25, 0.05]),
  cusumK: 0.5,
  volAlpha: 0.05,
  evidenceFloor: 4,
  maxDecay: 0.99995,
  cusumMaxDecay: 0.99995,
  pointMaxDecay: 0.99995,
  pointEvidenceCap: 20,
  calibrationPower: 1.21,
  recordHorizon: 1000,
  scoreScale: 0.6,
  outputPower: 30,
  suppressDecay: 0.995,
  holdLevel: 0.03,
  holdPoints: 180,
  holdFactor: 0.08,
  holdEscape: 0.5,
  refractoryLevel: 0.6,
  refractoryPoints: 75,
  refractoryFactor: 0.5,
  refractoryEscape: 0.1,
  minRelativeScale: 0.001,
  ...DEFAULT_NOVELTY_SETTINGS,
  ...DEFAULT_SPECTRAL_RESIDUAL_SETTINGS,
  ...DEFAULT_PATTERN_CHANGE_SETTINGS,
  ...DEFAULT_SHAPE_NOVELTY_SETTINGS,
  ...DEFAULT_ALERT_MEMORY_SETTINGS,
  ...DEFAULT_ALERT_BUDGET_SETTINGS,
  ...DEFAULT_AGREEMENT_SETTINGS,
  ...DEFAULT_REGIME_SETTINGS,
  useSeasonal: true,
  useMultiScale: true,
  useChangePoint: true,
  useVolatility: true,
  useDifference: false,
  useSelfNormalise: true,
  useSuppression: true,
  useNovelty: true,
  useSpectralResidual: false,
  usePatternChange: true,
  usePointOvershoot: true,
  useLogRatio: true,
  logScaleFloor: 0.001,
  logDropMin: Math.LN2,
  warmupRecordShare: 0.5,
  useSmoothness: false,
  smoothShortAlpha: 0.1,
  smoothLongAlpha: 0.003,
  smoothFloor: 0.05,
  holdEscapeRatio: 1.1,
  capRecordGuard: 0.8,
  capRoutineEvents: 4,
  capRoutineDecay: 0.9995,
  useShapeNovelty: true,
});

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Gaussian: E|x| = σ·√(2/π), so σ ≈ 1.2533 × mean absolute deviation. */
const MAD_TO_SIGMA = 1.2533;
const MAX_SCALES = 4;
const FEATURES = MAX_SCALES + 9;
const F_VOLSHIFT = MAX_SCALES + 7;
const F_EXCURSION = MAX_SCALES + 8;
const F_LOG = MAX_SCALES + 6;
const F_OVERSHOOT = MAX_SCALES + 4;
const F_SMOOTH = MAX_SCALES + 5;
/**
 * Layout of a series' one Float64Array. With thousands of series interleaved, a series' state is out
 * of the cache at each of its points, so what a point touches is kept together: the scalars first (a
 * double field of an object is a heap number of its own in V8, another cache line to fetch), then the
 * multi-scale EWMAs, the features' records and the shape slot's sum; the hour-of-day profile last, its
 * five numbers per hour side by side (one line a point instead of five).
 */
const X_EXPECTED = 0;
const X_LOWER = 1;
const X_UPPER = 2;
const X_RAW = 3;
const X_LEVEL = 4;
const X_SCALE = 5;
const X_PREV = 6;
const X_RESOLUTION = 7;
const X_CUSUM_UP = 8;
const X_VOL = 9;
const X_DIFF_SCALE = 10;
const X_CUSUM_DOWN = 11;
const X_LAST_DIFF = 12;
const X_ROUGH_SHORT = 13;
const X_ROUGH_LONG = 14;
const X_HOLD_Z = 15;
const X_LOG_SCALE = 16;
const X_RECENT_MAX = 17;
const X_HOLD_PEAK = 18;
const X_REFRACT_PEAK = 19;
const X_YOUTH = 20;
const X_CAP_RUNS = 21;
const X_AGREE_LEVEL = 22;
const SCALARS = 23;
const MS = SCALARS;
const F_MAX = MS + MAX_SCALES;
/** The shape-novelty channel's slot sum and count, kept here so the channel's own state is touched once a slot, not at every point. */
const SHAPE_SUM = F_MAX + FEATURES;
/** Per hour of the day, side by side: level, scale, count, days seen, last day seen. */
const HOURS = SHAPE_SUM + 2;
const H_STRIDE = 5;
const H_LEVEL = 0;
const H_SCALE = 1;
const H_COUNT = 2;
const H_DAYS = 3;
const H_LASTDAY = 4;
const STATE_SIZE = HOURS + 24 * H_STRIDE;
/** Points at the very start whose features are not learned (their scale estimate is meaningless). */
const WARMUP_SKIP = 5;

/** Approximate bytes of state per series (numbers × 8 plus object overhead), for the memory statement. */
export const DETECTOR_STATE_BYTES = STATE_SIZE * 8 + 16 * 8 + 240 + NOVELTY_STATE_BYTES + (DEFAULT_DETECTOR_SETTINGS.usePatternChange ? PATTERN_CHANGE_STATE_BYTES : 0) + (DEFAULT_DETECTOR_SETTINGS.useShapeNovelty ? SHAPE_NOVELTY_STATE_BYTES : 0) + (DEFAULT_DETECTOR_SETTINGS.memoryFactor < 1 ? ALERT_MEMORY_STATE_BYTES : 0) + (DEFAULT_DETECTOR_SETTINGS.useVolatilityShift ? VOLATILITY_SHIFT_STATE_BYTES : 0) + (DEFAULT_DETECTOR_SETTINGS.useLevelExcursion ? LEVEL_EXCURSION_STATE_BYTES : 0);

const noiseCache = new WeakMap<Readonly<DetectorSettings>, Float64Array>();

/** Each feature's size under Gaussian noise of unit scale (what `evidenceFloor` multiplies), once per configuration. */
function noiseSizes(s: Readonly<DetectorSettings>): Float64Array {
  let out = noiseCache.get(s);
  if (out !== undefined) return out;
  out = new Float64Array(FEATURES);
  for (let i = 0; i < FEATURES; i++) {
    if (i < MAX_SCALES) {
      const a = s.scaleAlphas[i] ?? 0;
      out[i] = Math.sqrt(a / (2 - a)) * MAD_TO_SIGMA;
    } else if (i === F_SMOOTH) out[i] = 1;
    else if (i === F_VOLSHIFT) out[i] = s.volShiftNoise;
    else if (i === F_EXCURSION) out[i] = Math.sqrt(s.excursionMidAlpha / (2 - s.excursionMidAlpha)) * MAD_TO_SIGMA;
    else out[i] = i === MAX_SCALES + 1 ? 2 : MAD_TO_SIGMA;
  }
  noiseCache.set(s, out);
  return out;
}

/**
 * One series' detector. `update` returns the score of the point (in [0, 1]); after it, `expected`,
 * `lower` and `upper` describe the range the detector expected for that point.
 */
export class StreamingDetector {
  /**
   * All the state's numbers in one typed array (one allocation per series; layout above). The scalars
   * are read and written through the accessors below, which the optimiser inlines.
   */
  private readonly st = new Float64Array(STATE_SIZE);
  private n = 0;
  private holdLeft = 0;
  private refractLeft = 0;
  private lastBeyondCap = false;
  /** Residual features above `agreementLevel` of their record at this point (the agreement gate's count). */
  private agreeing = 0;
  /** Each feature's size under Gaussian noise of unit scale (shared by the series of one configuration). */
  private readonly noise: Float64Array;
  /** The context-novelty channel (null when switched off). */
  private readonly novelty: ContextNovelty | null;
  /** The spectral-residual channel (null when switched off). */
  private readonly sr: SpectralResidual | null;
  /** The pattern-change channel (null when switched off). */
  private readonly pattern: PatternChange | null;
  /** The shape-novelty channel (null when switched off). */
  private readonly shape: ShapeNovelty | null;
  /** The alert memory (null when its factor is 1). */
  private readonly memory: AlertMemory | null;
  /** The alert budget (null when its weight is 0). */
  private readonly budget: AlertBudget | null;
  /** Volatility-shift evidence (null when switched off). */
  private readonly volShift: VolatilityShift | null;
  /** Level-excursion evidence (null when switched off). */
  private readonly excursion: LevelExcursion | null;

  constructor(private readonly s: Readonly<DetectorSettings> = DEFAULT_DETECTOR_SETTINGS) {
    this.novelty = s.useNovelty ? new ContextNovelty(s) : null;
    this.sr = s.useSpectralResidual ? new SpectralResidual(s) : null;
    this.pattern = s.usePatternChange ? new PatternChange(s) : null;
    this.shape = s.useShapeNovelty ? new ShapeNovelty(s) : null;
    this.memory = s.memoryFactor < 1 ? new AlertMemory(s) : null;
    this.budget = s.budgetWeight > 0 ? new AlertBudget(s) : null;
    this.volShift = s.useVolatilityShift ? new VolatilityShift(s) : null;
    this.excursion = s.useLevelExcursion ? new LevelExcursion(s) : null;
    this.st[X_AGREE_LEVEL] = s.agreementLevel;
    this.st[X_PREV] = NaN;
    this.st[X_RESOLUTION] = Infinity;
    this.st[X_LAST_DIFF] = NaN;
    this.st[X_YOUTH] = 1;
    for (let h = 0; h < 24; h++) this.st[HOURS + h * H_STRIDE + H_LASTDAY] = -1;
    this.noise = noiseSizes(s);
  }

  /** What the detector expected for the last point (before seeing it). */
  get expected(): number { return this.st[X_EXPECTED]; }
  set expected(v: number) { this.st[X_EXPECTED] = v; }
  /** Lower end of the expected range of the last point (expected − 3σ). */
  get lower(): number { return this.st[X_LOWER]; }
  set lower(v: number) { this.st[X_LOWER] = v; }
  /** Upper end of the expected range of the last point (expected + 3σ). */
  get upper(): number { return this.st[X_UPPER]; }
  set upper(v: number) { this.st[X_UPPER] = v; }
  /** Raw (unsuppressed) score of the last point. */
  get raw(): number { return this.st[X_RAW]; }
  set raw(v: number) { this.st[X_RAW] = v; }
  private get level(): number { return this.st[X_LEVEL]; }
  private set level(v: number) { this.st[X_LEVEL] = v; }
  private get scale(): number { return this.st[X_SCALE]; }
  private set scale(v: number) { this.st[X_SCALE] = v; }
  private get prev(): number { return this.st[X_PREV]; }
  private set prev(v: number) { this.st[X_PREV] = v; }
  private get resolution(): number { return this.st[X_RESOLUTION]; }
  private set resolution(v: number) { this.st[X_RESOLUTION] = v; }
  private get cusumUp(): number { return this.st[X_CUSUM_UP]; }
  private set cusumUp(v: number) { this.st[X_CUSUM_UP] = v; }
  private get vol(): number { return this.st[X_VOL]; }
  private set vol(v: number) { this.st[X_VOL] = v; }
  private get diffScale(): number { return this.st[X_DIFF_SCALE]; }
  private set diffScale(v: number) { this.st[X_DIFF_SCALE] = v; }
  private get cusumDown(): number { return this.st[X_CUSUM_DOWN]; }
  private set cusumDown(v: number) { this.st[X_CUSUM_DOWN] = v; }
  private get lastDiff(): number { return this.st[X_LAST_DIFF]; }
  private set lastDiff(v: number) { this.st[X_LAST_DIFF] = v; }
  private get roughShort(): number { return this.st[X_ROUGH_SHORT]; }
  private set roughShort(v: number) { this.st[X_ROUGH_SHORT] = v; }
  private get roughLong(): number { return this.st[X_ROUGH_LONG]; }
  private set roughLong(v: number) { this.st[X_ROUGH_LONG] = v; }
  private get holdZ(): number { return this.st[X_HOLD_Z]; }
  private set holdZ(v: number) { this.st[X_HOLD_Z] = v; }
  private get logScale(): number { return this.st[X_LOG_SCALE]; }
  private set logScale(v: number) { this.st[X_LOG_SCALE] = v; }
  private get recentMax(): number { return this.st[X_RECENT_MAX]; }
  private set recentMax(v: number) { this.st[X_RECENT_MAX] = v; }
  private get holdPeak(): number { return this.st[X_HOLD_PEAK]; }
  private set holdPeak(v: number) { this.st[X_HOLD_PEAK] = v; }
  private get refractPeak(): number { return this.st[X_REFRACT_PEAK]; }
  private set refractPeak(v: number) { this.st[X_REFRACT_PEAK] = v; }
  private get youth(): number { return this.st[X_YOUTH]; }
  private set youth(v: number) { this.st[X_YOUTH] = v; }
  /** Runs of points beyond the point-evidence cap (onsets, decaying): how routine such points are here. */
  private get capRuns(): number { return this.st[X_CAP_RUNS]; }
  private set capRuns(v: number) { this.st[X_CAP_RUNS] = v; }
  /** `agreementLevel`, read once: `feature` runs several times per point, and the state is closer than the settings. */
  private get agreeLevel(): number { return this.st[X_AGREE_LEVEL]; }

  /** Scores `value` at `ts` (ms) against the history, then learns it. Non-finite values score 0 and are not learned. */
  update(ts: number, value: number): number {
    const s = this.s;
    if (!Number.isFinite(value)) {
      this.raw = 0;
      return 0;
    }
    if (this.n === 0) {
      this.level = value;
      this.prev = value;
      this.n = 1;
      this.expected = this.lower = this.upper = value;
      this.learnHour(ts, value, 0);
      this.raw = 0;
      return 0;
    }
    this.agreeing = 0;
    const hour = Math.floor(ts / HOUR_MS) % 24;
    const floor = Math.max(s.minRelativeScale * Math.abs(this.level), Number.isFinite(this.resolution) ? this.resolution : 0, 1e-12);
    const scale = Math.max(this.scale, floor);
    let resid = value - this.level;
    let z = resid / scale;
    let expected = this.level;
    let sc = scale;
    const hb = HOURS + hour * H_STRIDE;
    if (s.useSeasonal && this.st[hb + H_DAYS] >= 2) {
      const hs = Math.max(this.st[hb + H_SCALE], floor);
      const zs = (value - this.st[hb + H_LEVEL]) / hs;
      if (Math.abs(zs) < Math.abs(z)) {
        z = zs;
        expected = this.st[hb + H_LEVEL];
        sc = hs;
      }
    }
    this.expected = expected;
    this.lower = expected - 3 * MAD_TO_SIGMA * sc;
    this.upper = expected + 3 * MAD_TO_SIGMA * sc;

    // A young series has seen few points, so its running maxima are low and new records are frequent
    // (about 1 in n for noise): raise the bar by the ratio of the extreme of `recordHorizon` Gaussian
    // points to the extreme of n, √(ln H / ln n), until n reaches H.
    this.youth = this.n < s.recordHorizon ? Math.sqrt(Math.log(s.recordHorizon) / Math.log(Math.max(this.n, 3))) : 1;
    // Evidence: each feature's value now, relative to its own history when self-normalising.
    const zc = Math.max(-20, Math.min(20, z));
    const az = Math.abs(z);
    // The guard (in `feature`) reads the count of earlier runs beyond the cap; this point's run counts after it.
    if (s.capRecordGuard > 0) this.capRuns *= s.capRoutineDecay;
    let e = this.feature(MAX_SCALES, Math.min(s.pointEvidenceCap, az));
    if (s.capRecordGuard > 0) {
      const beyond = az >= s.pointEvidenceCap;
      if (beyond && !this.lastBeyondCap && this.n >= s.warmupPoints) this.capRuns++;
      this.lastBeyondCap = beyond;
    }
    if (s.usePointOvershoot) {
      const f = this.feature(F_OVERSHOOT, az);
      if (f > e) e = f;
    }
    if (s.useLogRatio && value > 0 && expected > 0) {
      // A fall toward zero is small in scales when the series' spread is wide, large in ratios: a
      // value at 1/300 of its expectation. Upward ratios are left to z (they add false positives).
      const lr = Math.log(expected / value);
      const ls = Math.max(this.logScale, s.logScaleFloor);
      if (this.n >= s.warmupPoints && lr >= s.logDropMin) {
        const f = this.feature(F_LOG, Math.min(s.pointEvidenceCap, lr / ls));
        if (f > e) e = f;
      }
      const a = this.n < s.warmupPoints ? 1 / this.n : s.scaleAlpha;
      this.logScale += a * (Math.min(Math.abs(lr), s.huberK * ls) - this.logScale);
    }
    if (s.useSmoothness) {
      const d = value - this.prev;
      if (Number.isFinite(this.lastDiff)) {
        const d2 = Math.abs(d - this.lastDiff);
        const aL = Math.max(s.smoothLongAlpha, 1 / this.n);
        this.roughShort += Math.max(s.smoothShortAlpha, 1 / this.n) * (d2 - this.roughShort);
        const v = this.roughLong / Math.max(this.roughShort, s.smoothFloor * this.roughLong, 1e-12);
        this.roughLong += aL * (d2 - this.roughLong);
        const f = this.feature(F_SMOOTH, v);
        if (f > e) e = f;
      }
      this.lastDiff = d;
    }
    if (s.useMultiScale) {
      const k = Math.min(MAX_SCALES, s.scaleAlphas.length);
      for (let i = 0; i < k; i++) {
        this.st[MS + i] += s.scaleAlphas[i] * (zc - this.st[MS + i]);
        const f = this.feature(i, Math.abs(this.st[MS + i]));
        if (f > e) e = f;
      }
    }
    if (s.useChangePoint) {
      this.cusumUp = Math.max(0, this.cusumUp + zc - s.cusumK);
      this.cusumDown = Math.max(0, this.cusumDown - zc - s.cusumK);
      const f = this.feature(MAX_SCALES + 1, Math.max(this.cusumUp, this.cusumDown));
      if (f > e) e = f;
    }
    if (s.useVolatility) {
      this.vol += s.volAlpha * (Math.abs(zc) - this.vol);
      const f = this.feature(MAX_SCALES + 2, this.vol);
      if (f > e) e = f;
    }
    if (s.useDifference) {
      const dz = Math.max(-20, Math.min(20, (value - this.prev) / Math.max(this.diffScale, floor)));
      const f = this.feature(MAX_SCALES + 3, Math.abs(dz));
      if (f > e) e = f;
      const alpha = this.n < s.warmupPoints ? 1 / this.n : s.scaleAlpha;
      this.diffScale += alpha * (Math.min(Math.abs(value - this.prev), s.huberK * Math.max(this.diffScale, floor)) - this.diffScale);
    }
    if (this.volShift !== null) {
      const f = this.feature(F_VOLSHIFT, this.volShift.update(value, floor));
      if (f > e) e = f;
    }
    if (this.excursion !== null) {
      const f = this.feature(F_EXCURSION, this.excursion.update(value, floor));
      if (f > e) e = f;
    }
    if (this.sr !== null) {
      const f = this.sr.update(value, Math.abs(zc));
      if (f > e) e = f;
    }
    const warm = this.n >= s.warmupPoints;
    let raw = warm && e > 1 ? 1 - Math.exp(-(e - 1) / s.scoreScale) : 0;
    this.raw = raw > 0 ? 1 - Math.pow(1 - raw, s.outputPower * s.calibrationPower) : 0;
    if (s.useSuppression) {
      const m = this.recentMax;
      this.recentMax = Math.max(m * s.suppressDecay, raw);
      if (raw <= m) raw *= 1 - m;
      // A hold damps what follows an alert-level score, unless the evidence is stronger than what
      // started the hold: then it is a new event and starts its own hold.
      const zEscape = s.holdEscapeRatio > 0 && this.holdLeft > 0 && az >= s.pointEvidenceCap && az >= s.holdEscapeRatio * this.holdZ;
      if (this.holdLeft > 0 && !zEscape && 1 - raw >= (1 - this.holdPeak) * s.holdEscape) {
        this.holdLeft--;
        raw *= s.holdFactor;
        if (az > this.holdZ) this.holdZ = az;
      } else if (raw >= s.holdLevel) {
        this.holdLeft = s.holdPoints;
        this.holdPeak = raw;
        this.holdZ = az;
      } else if (this.holdLeft > 0) this.holdLeft--;
    }

    // Learn: Huber-clipped level, scale from the clipped residual; plain averages during warm-up.
    const alphaL = warm ? s.levelAlpha : Math.max(s.levelAlpha, 1 / (this.n + 1));
    const alphaS = warm ? s.scaleAlpha : Math.max(s.scaleAlpha, 1 / (this.n + 1));
    const bound = s.huberK * scale;
    const r = warm ? Math.max(-bound, Math.min(bound, resid)) : resid;
    this.level += alphaL * r;
    this.scale += alphaS * (Math.abs(r) - this.scale);
    this.learnHour(ts, value, warm ? s.huberK : Infinity);
    const step = Math.abs(value - this.prev);
    if (step > 0 && step < this.resolution) this.resolution = step;
    this.prev = value;
    const out = raw > 0 ? 1 - Math.pow(1 - raw, s.outputPower) : 0;
    const nov = this.novelty !== null ? this.novelty.update(value, this.n, ts) : 0;
    const pc = this.pattern !== null ? this.pattern.update(ts, value) : 0;
    let sh = 0;
    if (this.shape !== null) {
      const st = this.st;
      st[SHAPE_SUM] += value;
      if (++st[SHAPE_SUM + 1] === s.shapeSlot) {
        sh = this.shape.slot(st[SHAPE_SUM] / s.shapeSlot, this.n);
        st[SHAPE_SUM] = st[SHAPE_SUM + 1] = 0;
      }
    }
    this.n++;
    // The agreement gate judges the residual score only; the other channels then compete with what is left.
    let best = out > 0 ? agreementGate(out, this.agreeing, s) : 0;
    if (nov > best) best = nov;
    if (pc > best) best = pc;
    if (sh > best) best = sh;
    if (this.memory !== null) best = this.memory.gate(best);
    if (this.budget !== null) best = this.budget.gate(best);
    // The refractory counts points whatever their score, and a clearly stronger event escapes it (a
    // new fault right after a weak novelty alert must still reach the engine's threshold at once).
    if (best <= 0) {
      if (this.refractLeft > 0) this.refractLeft--;
      return 0;
    }
    const cal = 1 - Math.pow(1 - best, s.calibrationPower);
    if (this.refractLeft > 0 && 1 - cal >= (1 - this.refractPeak) * s.refractoryEscape) {
      this.refractLeft--;
      return 1 - Math.pow(1 - best * s.refractoryFactor, s.calibrationPower);
    }
    if (cal >= s.refractoryLevel) {
      this.refractLeft = s.refractoryPoints;
      this.refractPeak = cal;
      this.memory?.remember(best);
      this.budget?.spend();
    } else if (this.refractLeft > 0) this.refractLeft--;
    return cal;
  }

  /**
   * A feature value relative to its own decaying running maximum (then learned): above 1 means "more
   * than anything this feature showed for a long while". No buffer, any scale; a series that is always
   * spiky has a high maximum and stops alerting on its ordinary spikes, while a quiet one that moves
   * is flagged at once. The maximum starts at the warm-up's largest value (for the point evidence,
   * half of it: the scale is rough then, so a warm-up point's |z| overstates it) and decays.
   */
  private feature(i: number, v: number): number {
    const s = this.s;
    if (!s.useSelfNormalise) return v / (1.5 * s.evidenceFloor * this.noise[i]);
    // The first points see a scale estimated from almost nothing; their features teach nothing.
    if (this.n < WARMUP_SKIP) return 0;
    const m = this.st[F_MAX + i];
    // The floor keeps a feature whose history is nearly constant (a series that is usually exactly
    // its level) from calling a one-step move an anomaly: evidence must also be large in scales.
    let out = v / Math.max(m * this.youth, s.evidenceFloor * this.noise[i]);
    if (s.capRecordGuard > 0 && i === MAX_SCALES && this.capRuns >= s.capRoutineEvents && v >= s.pointEvidenceCap && m >= s.capRecordGuard * s.pointEvidenceCap && out > 1) out = 1;
    if (out > this.agreeLevel) this.agreeing++;
    const decay = i === MAX_SCALES + 1 ? s.cusumMaxDecay : i === MAX_SCALES ? s.pointMaxDecay : s.maxDecay;
    // A warm-up point's |z| comes from a scale estimated from a few points and overstates the point;
    // learned in full it can hide later spikes of the same size for thousands of points.
    const share = i === MAX_SCALES || i === F_OVERSHOOT ? s.warmupRecordShare : 1;
    this.st[F_MAX + i] = this.n < s.warmupPoints ? Math.max(m, v * share) : Math.max(m * decay, v);
    return out;
  }


  private learnHour(ts: number, value: number, k: number): void {
    const hour = Math.floor(ts / HOUR_MS) % 24;
    const day = Math.floor(ts / DAY_MS);
    const hb = HOURS + hour * H_STRIDE;
    const c = this.st[hb + H_COUNT];
    if (c === 0) this.st[hb + H_LEVEL] = value;
    else {
      const a = Math.max(this.s.levelAlpha, 1 / (c + 1));
      const sc = Math.max(this.st[hb + H_SCALE], 1e-12);
      const r = Math.max(-k * sc, Math.min(k * sc, value - this.st[hb + H_LEVEL]));
      this.st[hb + H_LEVEL] += a * r;
      this.st[hb + H_SCALE] += a * (Math.abs(r) - this.st[hb + H_SCALE]);
    }
    this.st[hb + H_COUNT] = c + 1;
    if (this.st[hb + H_LASTDAY] !== day) {
      this.st[hb + H_LASTDAY] = day;
      this.st[hb + H_DAYS]++;
    }
  }
}

/** Scores a whole series with a fresh detector: one score per point, in input order. */
export function scoreSeries(ts: Float64Array, values: Float64Array, settings: Readonly<DetectorSettings> = DEFAULT_DETECTOR_SETTINGS): Float64Array {
  const d = new StreamingDetector(settings);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = d.update(ts[i], values[i]);
  return out;
}
