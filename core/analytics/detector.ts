/**
 * Anomaly detection v1: a streaming per-series detector with a learned baseline.
 *
 * The baseline is an EWMA of mean and variance whose updates are clipped (Huber-like) at `huberK`
 * standard deviations, so a single outlier cannot poison it while a sustained shift is still learned
 * within a few dozen points. The standard deviation has floors: relative to the level, absolute, and
 * the series' resolution (smallest change seen), so discrete series are judged in their own steps.
 * Once a series has history on at least two days, an hour-of-day profile
 * (24 EWMA buckets) supplies the expectation, so a daily peak is not an anomaly. Memory per series is
 * constant. The interface is deliberately small: a later detector replaces this one.
 */
import type { Anomaly } from '../common/schemas.ts';
import type { MetricBatch, SeriesKey } from '../common/records.ts';
import type { AnalyticsConfig } from './config.ts';
import { hashId } from './hash.ts';

/** A streaming detector for one series. Points must come in event-time order. */
export interface SeriesDetector {
  /** Learn `value` at `ts`; answer how surprising it was (score in [0, 1]) and what was expected. */
  update(ts: number, value: number): { score: number; expected: number };
}

type DetectorConfig = Pick<
  AnalyticsConfig,
  | 'warmupPoints'
  | 'ewmaAlpha'
  | 'huberK'
  | 'zThreshold'
  | 'zScale'
  | 'minRelativeSigma'
  | 'minAbsoluteSigma'
  | 'profileMinPoints'
>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Create the v1 detector (robust EWMA + hour-of-day profile). */
export function createDetector(config: DetectorConfig): SeriesDetector {
  return new EwmaProfileDetector(config);
}

class EwmaProfileDetector implements SeriesDetector {
  private n = 0;
  private mean = 0;
  private variance = 0;
  private readonly bucketMean = new Float64Array(24);
  private readonly bucketCount = new Float64Array(24);
  private readonly bucketDays = new Uint8Array(24);
  private readonly bucketLastDay = new Float64Array(24).fill(-1);
  private prev = NaN;
  /** Smallest non-zero change between consecutive values seen so far: the series' resolution. */
  private resolution = Infinity;

  constructor(private readonly cfg: DetectorConfig) {}

  update(ts: number, value: number): { score: number; expected: number } {
    if (!Number.isFinite(value)) return { score: 0, expected: this.mean };
    const hour = Math.floor(ts / HOUR_MS) % 24;
    const day = Math.floor(ts / DAY_MS);
    const profiled = this.bucketDays[hour] >= 2 && this.bucketCount[hour] >= this.cfg.profileMinPoints;
    const expected = this.n === 0 ? value : profiled ? this.bucketMean[hour] : this.mean;
    // The resolution floor keeps a discrete series (a count that is usually 0 and sometimes 1) from
    // calling a one-step change an anomaly; for continuous values the resolution is negligible.
    const sigma = Math.max(
      Math.sqrt(this.variance),
      this.cfg.minRelativeSigma * Math.abs(expected),
      this.cfg.minAbsoluteSigma,
      Number.isFinite(this.resolution) ? this.resolution : 0,
    );
    const z = (value - expected) / sigma;
    const score =
      this.n < this.cfg.warmupPoints ? 0 : 1 - Math.exp(-Math.max(0, Math.abs(z) - this.cfg.zThreshold) / this.cfg.zScale);

    // Learn. During warm-up the mean is a plain running average (alpha 1/n) and nothing is clipped,
    // because there is no trustworthy sigma to clip against yet.
    const warm = this.n >= this.cfg.warmupPoints;
    const alpha = warm ? this.cfg.ewmaAlpha : Math.max(this.cfg.ewmaAlpha, 1 / (this.n + 1));
    const bound = this.cfg.huberK * sigma;
    const clip = (r: number) => (warm ? Math.max(-bound, Math.min(bound, r)) : r);
    const r = clip(value - this.mean);
    this.mean += alpha * r;
    this.variance = (1 - alpha) * (this.variance + alpha * r * r);
    this.n++;
    const step = Math.abs(value - this.prev);
    if (step > 0 && step < this.resolution) this.resolution = step;
    this.prev = value;

    const bc = this.bucketCount[hour];
    const bAlpha = Math.max(this.cfg.ewmaAlpha, 1 / (bc + 1));
    this.bucketMean[hour] = bc === 0 ? value : this.bucketMean[hour] + bAlpha * clip(value - this.bucketMean[hour]);
    this.bucketCount[hour] = bc + 1;
    if (this.bucketLastDay[hour] !== day) {
      this.bucketLastDay[hour] = day;
      if (this.bucketDays[hour] < 255) this.bucketDays[hour]++;
    }
    return { score, expected };
  }
}

/** Deterministic anomaly id: the same series and point always give the same id. */
export function anomalyId(seriesKey: string, ts: number): string {
  return `anom-${hashId(`${seriesKey}@${ts}`)}`;
}

interface SeriesState {
  detector: SeriesDetector;
  lastTs: number;
  lastAnomalyTs: number;
  /** The current run of consecutive points at or above the threshold: its length and first point. */
  run: number;
  runStart: Anomaly | null;
}

/** What a detector bank reads of a metric batch: the columns and each series' key, entity and name. */
export interface DetectorBatch {
  seriesKeys: readonly Pick<SeriesKey, 'key' | 'entity' | 'name'>[];
  series: Int32Array;
  ts: Float64Array;
  values: Float64Array;
}

/**
 * The detectors of a set of series (one worker's shard), with the emission rules: an anomaly when
 * score ≥ anomalyThreshold on anomalyConfirmPoints consecutive points (dated at the first, with its
 * value and expectation, scored with the run's lowest score), at most one per series per
 * anomalyCooldownMs of event time.
 */
export class DetectorBank {
  private readonly series = new Map<string, SeriesState>();

  constructor(private readonly cfg: AnalyticsConfig) {}

  /** Number of series this bank holds state for. */
  get size(): number {
    return this.series.size;
  }

  /**
   * Run a batch. Points of each series are taken in ts order (stable within equal ts). A point at or
   * before the last point already processed for its series is ignored: detectors only move forward,
   * so replays and re-sent batches do not double-count. Returns anomalies (time, id order) and the
   * latest point time of the batch (null when empty).
   */
  runBatch(batch: DetectorBatch | MetricBatch): { anomalies: Anomaly[]; maxTs: number | null } {
    const n = batch.ts.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => batch.ts[a] - batch.ts[b] || a - b);
    const anomalies: Anomaly[] = [];
    let maxTs: number | null = null;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const key = batch.seriesKeys[batch.series[i]] as DetectorBatch['seriesKeys'][number] | undefined;
      const ts = batch.ts[i];
      if (!key || !Number.isFinite(ts)) continue;
      if (maxTs === null || ts > maxTs) maxTs = ts;
      let st = this.series.get(key.key);
      if (!st) {
        st = { detector: createDetector(this.cfg), lastTs: -Infinity, lastAnomalyTs: -Infinity, run: 0, runStart: null };
        this.series.set(key.key, st);
      }
      if (ts <= st.lastTs) continue;
      st.lastTs = ts;
      const value = batch.values[i];
      const { score, expected } = st.detector.update(ts, value);
      if (score < this.cfg.anomalyThreshold) {
        st.run = 0;
        st.runStart = null;
        continue;
      }
      const rounded = Math.round(score * 1000) / 1000;
      if (st.run === 0 || !st.runStart) {
        st.runStart = { id: anomalyId(key.key, ts), time: ts, entity: key.entity, metric: key.name, value, expected, score: rounded };
      } else if (rounded < st.runStart.score) {
        st.runStart.score = rounded;
      }
      st.run++;
      const start = st.runStart;
      if (st.run === Math.max(1, this.cfg.anomalyConfirmPoints) && start.time - st.lastAnomalyTs >= this.cfg.anomalyCooldownMs) {
        st.lastAnomalyTs = start.time;
        anomalies.push({ ...start });
      }
    }
    anomalies.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { anomalies, maxTs };
  }
}
