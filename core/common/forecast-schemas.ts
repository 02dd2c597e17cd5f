/**
 * The wire contract of forecasting (`GET /api/forecasts`, `GET /api/forecasts/series`). Plain
 * TypeScript, no node: and no DOM, so the renderer can import the types.
 */

/** A signal that explains a failure probability: what it is, where it stands, how fast it moves. */
export interface ForecastSignal {
  metric: string;
  value: number;
  /** Change per hour at the scale the estimate used. */
  slopePerHour: number;
  /** The value at which the resource counts as exhausted. */
  limit: number;
  /** Probability this signal alone reaches its limit within the horizon (0..1). */
  probability: number;
}

/** The time-to-limit forecast of one capacity series. */
export interface CapacityForecast {
  seriesKey: string;
  entity: string;
  service: string | null;
  host: string | null;
  metric: string;
  unit: string;
  /** What runs out: disk, memory, connection pool, queue, quota, capacity. */
  resource: string;
  /** Exhaustion threshold in the series' unit. */
  limit: number;
  /** Latest value and its time (event time, ms). */
  value: number;
  time: number;
  slopePerHour: number;
  /** Predicted crossing time with its 80% interval (hi null when it may never cross); null: not within reach. */
  crossing: { time: number; lo: number; hi: number | null } | null;
  /** Probability of reaching the limit within `horizonMs`. */
  probability: number;
  horizonMs: number;
  /** An early-warning alert is firing for this series. */
  warning: boolean;
}

/** A leading indicator's part in a failure probability: how far the signal moved, how much that changed the odds. */
export interface IndicatorFactor {
  metric: string;
  /** Deviation from its baseline in baseline standard deviations (signed). */
  z: number;
  /** It is off its baseline (sustained, in the direction that precedes the failure). */
  moved: boolean;
  /** Since when (event time), or null. */
  movedSince: number | null;
  /** Factor by which it multiplies the odds of the failure (above 1 raises them). */
  oddsFactor: number;
  /** How long before such failures this signal typically moved, in ms. */
  medianLeadMs: number;
}

/** A failure kind foreseen for an entity from leading indicators. */
export interface FailureOutlook {
  /** The failure kind (demo fault kinds: disk-fill, memory-leak, pool-exhaustion, bad-deploy...). */
  kind: string;
  probability: number;
  horizonMs: number;
  /** The probability with no signal moved. */
  prior: number;
  /** Strongest first. */
  indicators: IndicatorFactor[];
}

/** Failure probability of one entity, with the signals that make it up. */
export interface EntityRisk {
  entity: string;
  /**
   * Probability that the entity fails within the horizon: one of its capacity signals runs out, or a
   * failure its leading indicators foretell (taken as independent).
   */
  probability: number;
  horizonMs: number;
  /** Soonest predicted crossing among its series, or null. */
  soonest: number | null;
  signals: ForecastSignal[];
  /** Probability from the capacity signals alone. */
  capacityProbability?: number;
  /** Failures foretold by leading indicators, most likely first (empty when no model applies). */
  failures?: FailureOutlook[];
}

/** `GET /api/forecasts`. */
export interface ForecastsResponse {
  /** Event time the forecasts are as of. */
  asOf: number | null;
  horizonMs: number;
  forecasts: CapacityForecast[];
  entities: EntityRisk[];
}

/** `GET /api/forecasts/series`: the history and the band ahead of it. */
export interface ForecastBand {
  entity: string;
  metric: string;
  stepMs: number;
  /** Band points after the last observed point: time, central value, 80% interval. */
  points: { time: number; mean: number; lo: number; hi: number }[];
  /** The limit and crossing when the series has a capacity meaning. */
  limit: number | null;
  crossing: { time: number; lo: number; hi: number | null } | null;
}
