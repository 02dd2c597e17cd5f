/**
 * Wire types of anomaly detection beyond the core contract: the expected band of a series
 * (`GET /api/detection/band`). Plain TypeScript: used by the engine and, as types, by the renderer.
 */

/** One bucket of a series with what the detector expected for it: [time, value, lower, upper, score]. */
export type BandPoint = [number, number, number, number, number];

/** The actual line of one series of an entity with the detector's expected range around it. */
export interface ExpectedBand {
  entity: string;
  /** Metric name. */
  name: string;
  /** Bucket width (ms) of the points. */
  stepMs: number;
  points: BandPoint[];
}
