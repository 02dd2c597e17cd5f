/**
 * The one configuration of the analytics. Generic on purpose: the same values serve every estate and
 * every dataset (no per-dataset tuning), so a value here is a product decision, not a fit.
 */

/** Settings of detection, noise reduction, correlation and RCA. All durations are event-time ms. */
export interface AnalyticsConfig {
  /** A signal joins an open incident only within this time of the incident's last signal. */
  windowMs: number;
  /** A signal joins an open incident only within this many undirected topology hops of its entities. */
  maxHops: number;
  /** The correlator decides a signal once the watermark is this far past it (room for late input). */
  allowedLatenessMs: number;
  /** An incident with only anomaly members resolves after this long without a new signal. */
  quietMs: number;
  /** A detector score at or above this emits an anomaly. */
  anomalyThreshold: number;
  /**
   * A series must score at or above the threshold on this many consecutive points before an anomaly
   * is emitted (dated at the first of them): a lone spike, e.g. a queue count going 0 → 1 once, is not
   * an anomaly, a shift is.
   */
  anomalyConfirmPoints: number;
  /** At most one anomaly per series per this much event time (a sustained shift is one anomaly). */
  anomalyCooldownMs: number;
  /** A series scores 0 until it has seen this many points. */
  warmupPoints: number;
  /** Weight of a new point in the EWMA mean and variance (after warm-up). */
  ewmaAlpha: number;
  /** Residuals are clipped at this many standard deviations before they update the baseline. */
  huberK: number;
  /** |z| below this scores 0. */
  zThreshold: number;
  /** How fast the score approaches 1 past zThreshold: score = 1 − exp(−(|z| − zThreshold) / zScale). */
  zScale: number;
  /** Standard deviation floor relative to |expected|, so a perfectly flat series is not infinitely sensitive. */
  minRelativeSigma: number;
  /** Absolute standard deviation floor. */
  minAbsoluteSigma: number;
  /** An hour-of-day bucket is used as the expectation once it has seen this many points on ≥ 2 days. */
  profileMinPoints: number;
  /** Flap detection window. */
  flapWindowMs: number;
  /** More than this many state changes of one fingerprint inside flapWindowMs marks it flapping. */
  flapMaxTransitions: number;
  /** A flapping fingerprint is trusted again after this long without a state change. */
  flapStableMs: number;
  /** A change this long (or less) before an incident's first signal is evidence for its entity. */
  changeLookbackMs: number;
}

/** The defaults: 10 min correlation window, 2 hops, 30 s lateness. */
export const DEFAULT_ANALYTICS_CONFIG: Readonly<AnalyticsConfig> = Object.freeze({
  windowMs: 10 * 60_000,
  maxHops: 2,
  allowedLatenessMs: 30_000,
  quietMs: 15 * 60_000,
  anomalyThreshold: 0.6,
  anomalyCooldownMs: 15 * 60_000,
  anomalyConfirmPoints: 3,
  warmupPoints: 30,
  ewmaAlpha: 0.05,
  huberK: 3,
  zThreshold: 3,
  zScale: 2,
  minRelativeSigma: 0.01,
  minAbsoluteSigma: 1e-6,
  profileMinPoints: 20,
  flapWindowMs: 10 * 60_000,
  flapMaxTransitions: 4,
  flapStableMs: 10 * 60_000,
  changeLookbackMs: 30 * 60_000,
});

/** The defaults with `partial` laid over them (undefined fields keep their default). */
export function resolveConfig(partial: Partial<AnalyticsConfig> = {}): AnalyticsConfig {
  const out: AnalyticsConfig = { ...DEFAULT_ANALYTICS_CONFIG };
  for (const [k, v] of Object.entries(partial) as [keyof AnalyticsConfig, number | undefined][]) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}
