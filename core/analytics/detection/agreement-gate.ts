/**
 * Feature agreement: the streaming detector's gate against a residual alert that only one feature sees.
 *
 * The residual channel's score is the strongest of several features (the capped and uncapped point
 * evidence, the multi-scale EWMAs, the CUSUM, the volatility, the log-ratio drop), each divided by its
 * own decaying record. A lone feature crawling a few per cent past a decayed record is how most false
 * positives on NAB come about: measured at the low-FP threshold, of the residual alerts outside any
 * window 103 have a single feature above its record and 27 a single feature above 0.6 of it, against
 * 33 and 4 of the first detections of windows. A change in a series' behaviour usually moves a second
 * feature too (a spike moves the short EWMA, a shift the CUSUM, a spike beyond the cap the uncapped
 * record), so agreement is evidence of its own.
 *
 * The gate counts the residual features at more than `agreementLevel` of their record at this point;
 * when the residual channel gives the combined score x and at most one feature agrees, the headroom
 * 1 − x is stretched by 1 / `agreementFactor`: such an alert needs a score near certainty. The novelty
 * and pattern-change channels are not gated (each is one measurement by design).
 *
 * State: none beyond the per-point count, which the detector keeps.
 */

/** The gate's knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface AgreementSettings {
  /** A feature agrees when its value is above this share of its record. */
  agreementLevel: number;
  /** With at most one agreeing feature, 1 − x is divided by this (1 switches the gate off). */
  agreementFactor: number;
}

/** The gate's one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`; chosen on corpus-wide NAB results). */
export const DEFAULT_AGREEMENT_SETTINGS: Readonly<AgreementSettings> = Object.freeze({
  agreementLevel: 0.6,
  agreementFactor: 0.05,
});

/**
 * The combined score x (in [0, 1], before calibration) after the gate, given how many residual
 * features agreed at this point. Call only when the residual channel gave x.
 */
export function agreementGate(x: number, agreeing: number, s: Readonly<AgreementSettings>): number {
  if (agreeing > 1 || s.agreementFactor >= 1 || x <= 0) return x;
  const y = 1 - (1 - x) / s.agreementFactor;
  return y > 0 ? y : 0;
}
