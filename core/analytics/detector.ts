/**
 * Anomaly detection in the engine: one streaming detector (detection/streaming-detector.ts, the same
 * code `watchfloor detect` runs) per metric series, and the emission rules that turn scores into
 * anomaly events. Series of one entity are kept together (the host shards detectors by entity), so an
 * anomaly also carries the entity's combined score at that time step and which of its metrics moved.
 * Memory per series is constant.
 */
import type { Anomaly, AnomalyMover } from '../common/schemas.ts';
import type { MetricBatch, SeriesKey } from '../common/records.ts';
import type { AnalyticsConfig } from './config.ts';
import { entityScore } from './detection/entity-score.ts';
import { DEFAULT_DETECTOR_SETTINGS, StreamingDetector } from './detection/streaming-detector.ts';
import { hashId } from './hash.ts';

/** A streaming detector for one series. Points must come in event-time order. */
export interface SeriesDetector {
  /**
   * Learn `value` at `ts`; answer how surprising it was (score in [0, 1], re-alerts suppressed), the
   * unsuppressed score (`raw`), and the range expected before seeing it.
   */
  update(ts: number, value: number): { score: number; raw: number; expected: number; lower: number; upper: number };
}

type DetectorConfig = Pick<AnalyticsConfig, 'warmupPoints'>;

/** Create the engine's detector for one series: the global detector settings, the engine's warm-up. */
export function createDetector(config: DetectorConfig): SeriesDetector {
  const d = new StreamingDetector({ ...DEFAULT_DETECTOR_SETTINGS, warmupPoints: config.warmupPoints });
  return {
    update(ts, value) {
      const score = d.update(ts, value);
      return { score, raw: d.raw, expected: d.expected, lower: d.lower, upper: d.upper };
    },
  };
}

/** Deterministic anomaly id: the same series and point always give the same id. */
export function anomalyId(seriesKey: string, ts: number): string {
  return `anom-${hashId(`${seriesKey}@${ts}`)}`;
}

interface SeriesState {
  detector: SeriesDetector;
  metric: string;
  lastTs: number;
  lastAnomalyTs: number;
  /** The current run of consecutive points whose raw score is at or above the threshold, and its first point. */
  run: number;
  runStart: Anomaly | null;
  /** The highest raw score of the last `MOVER_WINDOW_MS` and when it was: what "this metric moved" means. */
  peak: number;
  peakTs: number;
}

/** Two series of an entity moved together when their peaks are this close in event time. */
const MOVER_WINDOW_MS = 5 * 60_000;
/** A series counts as moved when its peak raw score is at least this share of the alert threshold (below it, noise peaks of quiet series would be listed too). */
const MOVER_SHARE = 0.9;
const MAX_MOVERS = 8;

/** What a detector bank reads of a metric batch: the columns and each series' key, entity and name. */
export interface DetectorBatch {
  seriesKeys: readonly Pick<SeriesKey, 'key' | 'entity' | 'name'>[];
  series: Int32Array;
  ts: Float64Array;
  values: Float64Array;
}

/**
 * The detectors of a set of series (one worker's shard: whole entities), with the emission rules: an
 * anomaly starts at a point scoring ≥ anomalyThreshold (scores are already re-alert-suppressed) whose
 * value lies outside its expected range, and is
 * emitted once anomalyConfirmPoints consecutive points keep a raw score ≥ the threshold or stay outside
 * their expected range (dated at
 * the first, with its value, expectation and expected range), at most one per series per
 * anomalyCooldownMs of event time. It carries the entity's combined score and the metrics that moved.
 */
export class DetectorBank {
  private readonly series = new Map<string, SeriesState>();
  private readonly entities = new Map<string, Map<string, SeriesState>>();

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
    const threshold = this.cfg.anomalyThreshold;
    let maxTs: number | null = null;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const key = batch.seriesKeys[batch.series[i]] as DetectorBatch['seriesKeys'][number] | undefined;
      const ts = batch.ts[i];
      if (!key || !Number.isFinite(ts)) continue;
      if (maxTs === null || ts > maxTs) maxTs = ts;
      let st = this.series.get(key.key);
      if (!st) {
        st = { detector: createDetector(this.cfg), metric: key.name, lastTs: -Infinity, lastAnomalyTs: -Infinity, run: 0, runStart: null, peak: 0, peakTs: -Infinity };
        this.series.set(key.key, st);
        let members = this.entities.get(key.entity);
        if (!members) this.entities.set(key.entity, (members = new Map()));
        members.set(key.key, st);
      }
      if (ts <= st.lastTs) continue;
      st.lastTs = ts;
      const value = batch.values[i];
      const r = st.detector.update(ts, value);
      if (r.raw >= st.peak || ts - st.peakTs > MOVER_WINDOW_MS) {
        st.peak = r.raw;
        st.peakTs = ts;
      }
      // A run goes on while the point still scores high or still lies outside its expected range: a
      // sustained deviation confirms even when its later points are no longer new records.
      const continues = st.run > 0 && (r.raw >= threshold || value < r.lower || value > r.upper);
      // A new anomaly also needs the value outside its expected range: a record that is still within
      // ±3σ of the expectation (a busy fleet has such records every minute) is not worth an alert.
      const outside = value < r.lower || value > r.upper;
      if (!continues && (r.score < threshold || !outside)) {
        st.run = 0;
        st.runStart = null;
        continue;
      }
      if (!continues || !st.runStart) {
        st.run = 0;
        st.runStart = {
          id: anomalyId(key.key, ts),
          time: ts,
          entity: key.entity,
          metric: key.name,
          series: key.key,
          value,
          expected: r.expected,
          lower: r.lower,
          upper: r.upper,
          score: Math.round(r.score * 1000) / 1000,
        };
      }
      st.run++;
      const start = st.runStart;
      if (st.run === Math.max(1, this.cfg.anomalyConfirmPoints) && start.time - st.lastAnomalyTs >= this.cfg.anomalyCooldownMs) {
        st.lastAnomalyTs = start.time;
        const { score, movers } = this.entityAt(key.entity, start.time);
        anomalies.push({ ...start, entityScore: Math.round(Math.max(score, start.score) * 1000) / 1000, movers });
      }
    }
    anomalies.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { anomalies, maxTs };
  }

  /** The entity's combined score around `time` and the metrics that moved then (strongest first). */
  private entityAt(entity: string, time: number): { score: number; movers: AnomalyMover[] } {
    const members = this.entities.get(entity);
    const movers: AnomalyMover[] = [];
    const peaks: number[] = [];
    if (members) {
      for (const [series, st] of members) {
        if (Math.abs(st.peakTs - time) > MOVER_WINDOW_MS) continue;
        peaks.push(st.peak);
        if (st.peak >= MOVER_SHARE * this.cfg.anomalyThreshold) movers.push({ series, metric: st.metric, score: Math.round(st.peak * 1000) / 1000 });
      }
    }
    movers.sort((a, b) => b.score - a.score || (a.series < b.series ? -1 : 1));
    return { score: entityScore(peaks), movers: movers.slice(0, MAX_MOVERS) };
  }
}
