/**
 * Walk-forward accuracy of the forecaster on one gridded series, with the naive and seasonal-naive
 * baselines computed on exactly the same targets: what `watchfloor forecast` prints and what the NAB
 * evaluation aggregates.
 */
import { SeasonalForecaster } from './seasonal.ts';
import type { GridSeries } from './series-csv.ts';

const DAY = 86_400_000;

/** Scores of one method at one horizon. */
export interface MethodScore {
  /** Mean absolute error over the scored targets. */
  mae: number;
  /** MAE divided by the in-sample one-step naive MAE of the series (Hyndman & Koehler's MASE). */
  mase: number;
}

/** Accuracy at one horizon. */
export interface HorizonAccuracy {
  horizonMs: number;
  steps: number;
  targets: number;
  forecaster: MethodScore;
  naive: MethodScore;
  seasonalNaive: MethodScore;
  /** Share of targets inside the forecaster's 80% interval. */
  coverage: number;
}

/**
 * Score the forecaster against naive (last value) and seasonal-naive (same time one day earlier, or
 * as many days as the horizon needs) at each horizon. Targets are scored from one day plus the horizon
 * into the series (the seasonal baseline needs a day of history), and only where a real point exists.
 */
export function evaluateSeries(grid: GridSeries, horizonsMs: number[]): HorizonAccuracy[] {
  const { values, stepMs, start } = grid;
  const n = values.length;
  const steps = horizonsMs.map((h) => Math.max(1, Math.round(h / stepMs)));
  const period = Math.max(1, Math.round(DAY / stepMs));
  const f = new SeasonalForecaster({ stepMs, horizons: steps });
  // Forecasts made at time i for i+h, per horizon, kept until their target arrives.
  const made = steps.map(() => ({ mean: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) }));
  let denomSum = 0;
  let denomN = 0;
  let prev = NaN;
  let lastSeen = NaN;
  const carried = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = values[i];
    if (Number.isFinite(y)) {
      if (Number.isFinite(prev)) {
        denomSum += Math.abs(y - prev);
        denomN++;
      }
      prev = y;
      lastSeen = y;
    } else prev = NaN;
    carried[i] = lastSeen;
    f.update(start + i * stepMs, y);
    for (let k = 0; k < steps.length; k++) {
      if (i + steps[k] >= n) continue;
      const p = f.forecast(steps[k]);
      made[k].mean[i + steps[k]] = p.mean;
      made[k].lo[i + steps[k]] = p.lo;
      made[k].hi[i + steps[k]] = p.hi;
    }
  }
  const denom = denomN > 0 ? denomSum / denomN : NaN;
  return steps.map((h, k) => {
    const seasonalLag = period * Math.ceil(h / period);
    const from = Math.max(seasonalLag, period + h);
    let ef = 0;
    let en = 0;
    let es = 0;
    let inside = 0;
    let m = 0;
    for (let j = from; j < n; j++) {
      const y = values[j];
      const base = carried[j - h];
      const snaive = carried[j - seasonalLag];
      if (!Number.isFinite(y) || !Number.isFinite(base) || !Number.isFinite(snaive)) continue;
      ef += Math.abs(y - made[k].mean[j]);
      en += Math.abs(y - base);
      es += Math.abs(y - snaive);
      if (y >= made[k].lo[j] && y <= made[k].hi[j]) inside++;
      m++;
    }
    const score = (sum: number): MethodScore => ({ mae: m ? sum / m : NaN, mase: m && denom > 0 ? sum / m / denom : NaN });
    return {
      horizonMs: horizonsMs[k],
      steps: h,
      targets: m,
      forecaster: score(ef),
      naive: score(en),
      seasonalNaive: score(es),
      coverage: m ? inside / m : NaN,
    };
  });
}
