/**
 * The engine's forecasting of every capacity series: feeds each metric batch to a time-to-limit
 * tracker per recognised series, and runs the early-warning lifecycle. Early warnings are ordinary
 * alert records (source `watchfloor-forecast`), so they are stored and correlated like any other
 * signal: one fingerprint per series; a new firing event when the estimate moves; resolved when the
 * trend turns (no crossing predicted for a few evaluations in a row) or the series resets.
 *
 * Pure computation over batches (no I/O); the same code serves `watchfloor forecast --limit`.
 */
import type { AlertRecord, MetricBatch, SeriesKey } from '../../common/records.ts';
import { entityName } from '../../common/records.ts';
import type { Severity } from '../../common/schemas.ts';
import type { CapacityForecast, EntityRisk, FailureOutlook, ForecastsResponse, ForecastSignal } from '../../common/forecast-schemas.ts';
import { CapacityCatalog, type CapacityResource, type CapacitySpec, type OperatorLimit } from './capacity.ts';
import { formatDuration } from './duration.ts';
import { type FailureModel, type FailureRisk, FailureRiskTracker } from './failure-risk.ts';
import { type Crossing, DEFAULT_TREND_OPTIONS, TrendTracker, type TrendOptions } from './trend.ts';

/** The alert source of early warnings. */
export const FORECAST_SOURCE = 'watchfloor-forecast';

/** Generic forecasting settings (one configuration for every series). */
export interface ForecastConfig {
  /** Operator-set capacities, matched before any naming rule. */
  limits: OperatorLimit[];
  /** A resource counts as exhausted at this fraction of its capacity. */
  fullAt: number;
  /** Horizon of failure probabilities and of the "coming up" list. */
  horizonMs: number;
  /** An early warning fires when the predicted crossing is at most this far ahead. */
  warnHorizonMs: number;
  /** Consecutive evaluations with a crossing in reach before a warning fires. */
  confirm: number;
  /** Consecutive evaluations without one before a firing warning resolves. */
  clear: number;
  /** A firing warning is re-sent when the time remaining moves by more than this fraction. */
  updateFraction: number;
  trend: TrendOptions;
  /** Leading indicators of failures (learned from labelled failures), or null for capacity only. */
  failureModel: FailureModel | null;
}

/** The defaults. */
export const DEFAULT_FORECAST_CONFIG: Readonly<ForecastConfig> = Object.freeze({
  limits: [],
  fullAt: 0.95,
  horizonMs: 24 * 3_600_000,
  warnHorizonMs: 24 * 3_600_000,
  confirm: 2,
  clear: 3,
  updateFraction: 0.25,
  trend: DEFAULT_TREND_OPTIONS,
  failureModel: null,
});

/** Entities whose only risk is foretold by indicators are listed from this probability on. */
const MIN_LISTED_FAILURE_PROBABILITY = 0.05;

/** What the bank keeps per capacity series: its key (attributes aside) and its estimate. */
interface SeriesState extends Omit<SeriesKey, 'attributes'> {
  spec: CapacitySpec;
  tracker: TrendTracker;
  threshold: number;
  crossing: Crossing | null;
  probability: number;
  firing: boolean;
  inReach: number;
  outOfReach: number;
  /** Time remaining announced by the latest firing event. */
  announced: number;
  announcedSeverity: Severity | null;
}

const EXHAUSTED: Record<CapacityResource, string> = {
  disk: 'disk full',
  memory: 'memory exhausted',
  'connection pool': 'connection pool exhausted',
  queue: 'queue saturated',
  quota: 'quota exhausted',
  capacity: 'capacity reached',
};

/** Forecasts every capacity series of the estate; feed it batches in event-time order. */
export class CapacityForecastBank {
  readonly config: ForecastConfig;
  private readonly catalog: CapacityCatalog;
  /** Every series key seen: its state, or null when it has no capacity meaning. */
  private readonly series = new Map<string, SeriesState | null>();
  /** Latest value of capacity-defining series, by `entity|name`. */
  private readonly capacities = new Map<string, number>();
  private asOf: number | null = null;
  /** Points forecast so far. */
  points = 0;
  /** Leading-indicator baselines, when a failure model is configured. */
  private readonly risk: FailureRiskTracker | null;

  constructor(
    config: Partial<ForecastConfig> = {},
    private readonly newId: () => string = sequentialIds(),
  ) {
    this.config = { ...DEFAULT_FORECAST_CONFIG, ...config };
    this.catalog = new CapacityCatalog(this.config.limits);
    this.risk = this.config.failureModel ? new FailureRiskTracker(this.config.failureModel) : null;
  }

  /** Capacity series tracked so far. */
  get tracked(): number {
    let n = 0;
    for (const s of this.series.values()) if (s) n++;
    return n;
  }

  /**
   * Feeds one batch; returns the early-warning alert events it causes (firing, updated, resolved),
   * timed at the event time of the point that caused them.
   */
  observe(batch: MetricBatch, receivedAt: number): AlertRecord[] {
    const { seriesKeys, series, ts, values } = batch;
    // Capacities first, so a usage point and its `.max` in the same batch meet.
    for (let i = 0; i < series.length; i++) {
      const sk = seriesKeys[series[i]];
      if (sk && /\.(max|limit)$|_limit$|\.capacity$/.test(sk.name)) this.capacities.set(`${sk.entity}|${sk.name}`, values[i]);
    }
    const states: (SeriesState | null)[] = seriesKeys.map((sk) => {
      let st = this.series.get(sk.key);
      if (st === undefined) {
        const spec = this.catalog.recognise(sk.name, sk.unit, sk.entity);
        st = spec
          ? {
              key: sk.key,
              entity: sk.entity,
              service: sk.service,
              host: sk.host,
              name: sk.name,
              unit: sk.unit,
              spec,
              tracker: new TrendTracker(this.config.trend),
              threshold: NaN,
              crossing: null,
              probability: 0,
              firing: false,
              inReach: 0,
              outOfReach: 0,
              announced: NaN,
              announcedSeverity: null,
            }
          : null;
        this.series.set(sk.key, st);
      }
      return st;
    });
    if (this.risk) {
      const risk = this.risk;
      const indicator = seriesKeys.map((sk) => risk.tracks(sk.name));
      for (let i = 0; i < series.length; i++) {
        const sk = seriesKeys[series[i]];
        if (indicator[series[i]]) risk.update(sk.key, sk.entity, sk.name, ts[i], values[i]);
      }
    }
    const touched = new Set<SeriesState>();
    for (let i = 0; i < series.length; i++) {
      const st = states[series[i]];
      if (!st) continue;
      const cap = this.capacityOf(st);
      if (cap === null) continue;
      st.threshold = cap * this.config.fullAt;
      st.tracker.update(ts[i], values[i], cap);
      touched.add(st);
      this.points++;
      if (this.asOf === null || ts[i] > this.asOf) this.asOf = ts[i];
    }
    const out: AlertRecord[] = [];
    for (const st of touched) {
      const ev = this.evaluate(st, receivedAt);
      if (ev) out.push(ev);
    }
    return out;
  }

  private capacityOf(st: SeriesState): number | null {
    if (st.spec.capacity !== null) return st.spec.capacity;
    for (const name of st.spec.capacityFrom) {
      const v = this.capacities.get(`${st.entity}|${name}`);
      if (v !== undefined && v > 0) return v;
    }
    return null;
  }

  private evaluate(st: SeriesState, receivedAt: number): AlertRecord | null {
    const now = st.tracker.lastTime;
    st.crossing = st.tracker.crossing(st.threshold);
    st.probability = st.tracker.probabilityWithin(st.threshold, this.config.horizonMs);
    const remaining = st.crossing ? st.crossing.time - now : Infinity;
    if (remaining <= this.config.warnHorizonMs) {
      st.inReach++;
      st.outOfReach = 0;
    } else {
      st.outOfReach++;
      st.inReach = 0;
    }
    if (!st.firing) {
      if (st.inReach < this.config.confirm) return null;
      st.firing = true;
      return this.alert(st, now, receivedAt, 'firing');
    }
    if (st.outOfReach >= this.config.clear) {
      st.firing = false;
      return this.alert(st, now, receivedAt, 'resolved');
    }
    if (st.inReach > 0) {
      const moved = Math.abs(remaining - st.announced) > this.config.updateFraction * Math.max(st.announced, 60_000);
      if (moved || severityFor(remaining) !== st.announcedSeverity) return this.alert(st, now, receivedAt, 'firing');
    }
    return null;
  }

  private alert(st: SeriesState, now: number, receivedAt: number, status: 'firing' | 'resolved'): AlertRecord {
    const c = st.crossing;
    const what = `${EXHAUSTED[st.spec.resource]} on ${entityName(st.entity)}${st.host && st.host !== entityName(st.entity) ? ` (${st.host})` : ''}`;
    let title: string;
    let severity: Severity = 'warning';
    if (status === 'firing' && c) {
      const remaining = Math.max(0, c.time - now);
      severity = severityFor(remaining);
      st.announced = remaining;
      st.announcedSeverity = severity;
      title = remaining === 0 ? `predicted: ${what} now (limit reached)` : `predicted: ${what} in ${formatDuration(remaining)} ± ${formatDuration(halfWidth(c))}`;
    } else {
      title = `predicted: ${what} (trend turned)`;
      st.announced = NaN;
      st.announcedSeverity = null;
    }
    const v = st.tracker.lastValue;
    return {
      id: this.newId(),
      externalId: null,
      time: now,
      receivedAt,
      source: FORECAST_SOURCE,
      service: st.service,
      host: st.host,
      entity: st.entity,
      severity,
      status,
      title,
      description: c
        ? `${st.name} at ${fmt(v)} of limit ${fmt(st.threshold)}, rising ${fmt(c.slopePerHour)}/h; expected to reach it at ${new Date(c.time).toISOString()} (80%: ${new Date(c.lo).toISOString()} – ${Number.isFinite(c.hi) ? new Date(c.hi).toISOString() : 'never'})`
        : `${st.name} at ${fmt(v)} of limit ${fmt(st.threshold)}: no longer expected to reach it within ${formatDuration(this.config.warnHorizonMs)}`,
      fingerprint: `forecast:${st.key}`,
      attributes: {
        'watchfloor.alert.kind': 'early-warning',
        'forecast.metric': st.name,
        'forecast.limit': st.threshold,
        'forecast.value': v,
        'forecast.crossing_time': c ? c.time : null,
        'forecast.crossing_lo': c ? c.lo : null,
        'forecast.crossing_hi': c && Number.isFinite(c.hi) ? c.hi : null,
      },
    };
  }

  /** The current forecasts (capacity series with a known limit) and the failure probability per entity. */
  forecasts(): ForecastsResponse {
    const list: CapacityForecast[] = [];
    for (const st of this.series.values()) {
      if (!st || !Number.isFinite(st.threshold)) continue;
      const c = st.crossing;
      list.push({
        seriesKey: st.key,
        entity: st.entity,
        service: st.service,
        host: st.host,
        metric: st.name,
        unit: st.unit,
        resource: st.spec.resource,
        limit: st.threshold,
        value: st.tracker.lastValue,
        time: st.tracker.lastTime,
        slopePerHour: c?.slopePerHour ?? 0,
        crossing: c ? { time: c.time, lo: c.lo, hi: Number.isFinite(c.hi) ? c.hi : null } : null,
        probability: st.probability,
        horizonMs: this.config.horizonMs,
        warning: st.firing,
      });
    }
    list.sort((a, b) => (a.crossing?.time ?? Infinity) - (b.crossing?.time ?? Infinity) || b.probability - a.probability || (a.seriesKey < b.seriesKey ? -1 : 1));
    return { asOf: this.asOf, horizonMs: this.config.horizonMs, forecasts: list, entities: entityRisks(list, this.config.horizonMs, this.risk?.risks() ?? []) };
  }
}

/**
 * Failure probability per entity: at least one of its capacity signals runs out, or a failure its
 * leading indicators foretell happens (each taken as independent). Entities with indicators only are
 * listed once their probability reaches MIN_LISTED_FAILURE_PROBABILITY.
 */
export function entityRisks(list: CapacityForecast[], horizonMs: number, failures: FailureRisk[] = []): EntityRisk[] {
  const by = new Map<string, CapacityForecast[]>();
  for (const f of list) {
    const l = by.get(f.entity);
    if (l) l.push(f);
    else by.set(f.entity, [f]);
  }
  const outlooks = new Map<string, FailureOutlook[]>();
  for (const r of failures) {
    const o: FailureOutlook = { kind: r.kind, probability: r.probability, horizonMs: r.horizonMs, prior: r.prior, indicators: r.factors };
    const l = outlooks.get(r.entity);
    if (l) l.push(o);
    else outlooks.set(r.entity, [o]);
  }
  const out: EntityRisk[] = [];
  for (const entity of new Set([...by.keys(), ...outlooks.keys()])) {
    const fs = by.get(entity) ?? [];
    let survive = 1;
    let soonest: number | null = null;
    const signals: ForecastSignal[] = [];
    for (const f of fs) {
      survive *= 1 - f.probability;
      if (f.crossing && (soonest === null || f.crossing.time < soonest)) soonest = f.crossing.time;
      signals.push({ metric: f.metric, value: f.value, slopePerHour: f.slopePerHour, limit: f.limit, probability: f.probability });
    }
    signals.sort((a, b) => b.probability - a.probability);
    const capacityProbability = 1 - survive;
    const foretold = (outlooks.get(entity) ?? []).sort((a, b) => b.probability - a.probability);
    let noFailure = 1;
    for (const o of foretold) noFailure *= 1 - o.probability;
    if (!fs.length && 1 - noFailure < MIN_LISTED_FAILURE_PROBABILITY) continue;
    const risk: EntityRisk = { entity, probability: 1 - survive * noFailure, horizonMs, soonest, signals };
    if (failures.length) {
      risk.capacityProbability = capacityProbability;
      risk.failures = foretold;
    }
    out.push(risk);
  }
  out.sort((a, b) => b.probability - a.probability || (a.entity < b.entity ? -1 : 1));
  return out;
}

function severityFor(remainingMs: number): Severity {
  return remainingMs <= 3_600_000 ? 'major' : 'warning';
}

function halfWidth(c: Crossing): number {
  if (!Number.isFinite(c.hi)) return Math.max(0, c.time - c.lo) * 2;
  return Math.max(0, (c.hi - c.lo) / 2);
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e6 || (a > 0 && a < 1e-3) ? x.toExponential(2) : Number(x.toPrecision(3)).toString();
}

function sequentialIds(): () => string {
  let n = 0;
  return () => `forecast-${++n}`;
}
