/**
 * Alert memory: the streaming detector's gate against an event that merely repeats the last alert.
 *
 * Each feature of the detector is divided by its own running maximum, which decays (by 0.99995 per
 * point). So an event exactly as large as one a few hundred points before beats the decayed record by
 * a few per cent, and the scores are steep there: on a bursty series (the NAB tweet volumes, an
 * autoscaling group that flaps) the same spike alerts again and again, once the hold and the
 * refractory of the last alert have run out. Most of those repeats are false positives.
 *
 * The memory keeps the combined score (before calibration) of the series' last alert, decaying by
 * `memoryDecay` per point (0.999: half of it after about 700 points, 58 hours at NAB's 5-minute steps
 * and 3 hours at the engine's 15-second steps). A combined score not above the remembered one is
 * multiplied by `memoryFactor`: an event no stronger than the last alert needs clearly more than the
 * threshold to alert again, while a stronger one, or one near certainty (a score that saturates at 1),
 * passes unchanged. Unlike the refractory it has no fixed length: a repeat is damped as long as it is
 * no larger than the decaying memory of the last alert.
 *
 * State: one number per series. Each score uses only the points before it and itself.
 */

/** The gate's knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface AlertMemorySettings {
  /** Per-point decay of the remembered score of the last alert. */
  memoryDecay: number;
  /** A combined score not above the remembered one is multiplied by this (1 switches the gate off). */
  memoryFactor: number;
}

/** The gate's one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`; chosen on corpus-wide NAB results). */
export const DEFAULT_ALERT_MEMORY_SETTINGS: Readonly<AlertMemorySettings> = Object.freeze({
  memoryDecay: 0.9988,
  memoryFactor: 0.9,
});

/** Approximate bytes per series: one small object with one number (about 40 bytes measured in one process, on against off). */
export const ALERT_MEMORY_STATE_BYTES = 40;

/** One series' memory of its last alert. */
export class AlertMemory {
  private last = 0;

  constructor(private readonly s: Readonly<AlertMemorySettings>) {}

  /** The combined score x (in [0, 1], before calibration) after the gate. Call once per point, before `remember`. */
  gate(x: number): number {
    this.last *= this.s.memoryDecay;
    return x > 0 && x <= this.last ? x * this.s.memoryFactor : x;
  }

  /** An alert was raised at this point with combined score x (after the gate). */
  remember(x: number): void {
    if (x > this.last) this.last = x;
  }
}
