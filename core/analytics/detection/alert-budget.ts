/**
 * Alert budget: the streaming detector's gate on a series that alerts often.
 *
 * The alert refractory (streaming-detector.ts) keeps one event from alerting twice within a few dozen
 * points. A bursty series (the NAB tweet volumes, an autoscaling group that flaps) makes many separate
 * events, each a new record of some feature for a moment: one alert every few hundred points, most of
 * them false positives. The budget generalises the refractory from "the last alert" to "the recent
 * alert rate": the series keeps a load, a count of its recent alerts that decays by `budgetDecay` per
 * point; beyond `budgetFree` alerts of load, each further one stretches the headroom 1 − x of the
 * combined score x by `budgetWeight`, so a series that alerted often needs clearly more to alert
 * again, and an event near certainty (x close to 1) still alerts whatever the load.
 *
 * State: two numbers per series. Each score uses only the points before it and itself.
 */

/** The budget's knobs (fields of the detector's `DetectorSettings`; one global configuration). */
export interface AlertBudgetSettings {
  /** Per-point decay of the series' alert load (one alert adds 1). 1 − budgetDecay is the forgetting rate. */
  budgetDecay: number;
  /** Alerts of load that cost nothing: below it the combined score passes unchanged. */
  budgetFree: number;
  /** Each alert of load beyond the free ones stretches the headroom 1 − x by this much (0 switches the budget off). */
  budgetWeight: number;
}

/** The budget's one global configuration (spread into `DEFAULT_DETECTOR_SETTINGS`). */
export const DEFAULT_ALERT_BUDGET_SETTINGS: Readonly<AlertBudgetSettings> = Object.freeze({
  budgetDecay: 0.999,
  budgetFree: 2,
  budgetWeight: 0,
});

/** One series' alert load. */
export class AlertBudget {
  private load = 0;

  constructor(private readonly s: Readonly<AlertBudgetSettings>) {}

  /** The combined score x (in [0, 1]) after the budget: 1 − (1 − x)·(1 + weight·max(0, load − free)). Call once per point. */
  gate(x: number): number {
    this.load *= this.s.budgetDecay;
    const over = this.load - this.s.budgetFree;
    if (over <= 0 || x <= 0) return x;
    return Math.max(0, 1 - (1 - x) * (1 + this.s.budgetWeight * over));
  }

  /** An alert was raised at this point: it counts against the budget. */
  spend(): void {
    this.load += 1;
  }
}
