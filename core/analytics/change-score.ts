/**
 * BARO-style robust change scoring and a dependency-aware ranking of root-cause candidates from
 * metric windows (RCA v2's metric part).
 *
 * For every series, the change of its anomalous window against its normal window is measured in
 * robust units: |x − median(normal)| / IQR(normal), the largest over the anomalous points (Pham et al.,
 * "BARO", FSE 2024, rank by this). A per-entity score is the largest of its series. A floor under the
 * IQR (a share of the median's magnitude) keeps a flat series from producing infinite scores.
 *
 * Propagation: a failing dependency makes its callers look bad too (latency and errors climb the
 * call graph), so an entity whose change is explained by a changed dependency is a symptom, not a
 * cause. `rankByChange` multiplies each entity's change by how much of it is its own: 1 when none of
 * the entities it depends on (within a few hops) changed as much, falling towards `SYMPTOM_FLOOR`
 * as a dependency's change reaches its own. It also credits an entity whose callers changed
 * (it explains them). The result is normalised into [0, 1].
 */
import type { EntityId } from '../common/records.ts';
import type { TopologyGraph } from './topology.ts';

/** One series cut into its normal and anomalous parts. Non-finite values are ignored. */
export interface SeriesWindow {
  entity: EntityId;
  /** Series name, e.g. `latency.p95`. */
  metric: string;
  normal: ArrayLike<number>;
  anomalous: ArrayLike<number>;
}

/** The strongest change seen on one entity. */
export interface EntityChange {
  entity: EntityId;
  /** Robust z: |x − median| / max(IQR, floor). ≥ 0. */
  score: number;
  metric: string;
  /** The anomalous value that gave the score. */
  value: number;
  median: number;
  iqr: number;
}

/** A ranked candidate with the clues behind its score. */
export interface ChangeCandidate {
  entity: EntityId;
  /** In [0, 1]; best first. */
  score: number;
  change: EntityChange | null;
  /** Share of its change that no dependency of it explains, in [SYMPTOM_FLOOR, 1]. */
  own: number;
  /** The changed dependency that explains it best, if any. */
  explainedBy: EntityId | null;
  /** Callers (within REACH_HOPS upstream) whose change it can explain. */
  explains: EntityId[];
}

/** The IQR floor as a share of |median|, and an absolute floor. */
const RELATIVE_FLOOR = 0.05;
const ABSOLUTE_FLOOR = 1e-9;
/** A series needs this many finite normal values to have a baseline. */
const MIN_NORMAL = 3;
/** Hops searched along dependencies for an explaining dependency or explained callers. */
const REACH_HOPS = 3;
/** A change below this many robust units is no evidence (normal variation). */
const MIN_CHANGE = 3;
/** An entity fully explained by a dependency keeps this share of its change. */
const SYMPTOM_FLOOR = 0.2;
/** Weight of the callers it explains relative to its own change. */
const EXPLAINS_WEIGHT = 0.25;

/** Median, interquartile range (linear interpolation), largest magnitude and count of the finite values; null when none. */
export function medianIqr(values: ArrayLike<number>): { median: number; iqr: number; maxAbs: number; count: number } | null {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) v.push(values[i]);
  if (v.length === 0) return null;
  v.sort((a, b) => a - b);
  const maxAbs = Math.max(Math.abs(v[0]), Math.abs(v[v.length - 1]));
  return { median: quantile(v, 0.5), iqr: quantile(v, 0.75) - quantile(v, 0.25), maxAbs, count: v.length };
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Robust change of one series, or null when either part has no finite value. */
export function seriesChange(w: SeriesWindow): EntityChange | null {
  const stats = medianIqr(w.normal);
  // A series idle through the whole normal period (all zero) has no scale to measure a change in.
  if (!stats || stats.count < MIN_NORMAL || stats.maxAbs === 0) return null;
  // The floor follows the series' own magnitude (its largest normal value, not only the median): a
  // mostly-idle series (median 0) that ticks to 1 is not a change of a billion robust units.
  const scale = Math.max(stats.iqr, RELATIVE_FLOOR * Math.max(Math.abs(stats.median), stats.maxAbs), ABSOLUTE_FLOOR);
  let best: EntityChange | null = null;
  for (let i = 0; i < w.anomalous.length; i++) {
    const x = w.anomalous[i];
    if (!Number.isFinite(x)) continue;
    const score = Math.abs(x - stats.median) / scale;
    if (!best || score > best.score) best = { entity: w.entity, score, metric: w.metric, value: x, median: stats.median, iqr: stats.iqr };
  }
  return best;
}

/** The family of a metric name: its first dotted segment (`latency` of `latency.p95`). */
export function metricFamily(metric: string): string {
  const i = metric.indexOf('.');
  return i < 0 ? metric : metric.slice(0, i);
}

/**
 * The windows of the symptom's metric family (`latency` when the alert is about latency), or all of
 * them when none is of that family. A cause shows the kind of trouble its symptom shows: a slow
 * dependency makes its callers slow, a failing one makes them fail. Ranking every metric together lets
 * a noisy series of another kind (a latency percentile jumping on a quiet node while the symptom is
 * lost availability) outrank the entity that actually fails.
 */
export function symptomWindows(windows: SeriesWindow[], symptomMetric: string | null | undefined): SeriesWindow[] {
  if (!symptomMetric) return windows;
  const family = metricFamily(symptomMetric);
  const same = windows.filter((w) => metricFamily(w.metric) === family);
  return same.length > 0 ? same : windows;
}

/** The strongest change per entity (BARO's per-entity score). */
export function entityChanges(windows: Iterable<SeriesWindow>): Map<EntityId, EntityChange> {
  const out = new Map<EntityId, EntityChange>();
  for (const w of windows) {
    const c = seriesChange(w);
    if (!c) continue;
    const prev = out.get(w.entity);
    if (!prev || c.score > prev.score) out.set(w.entity, c);
  }
  return out;
}

/**
 * Ranks entities by their own change, discounted when a changed dependency explains it and credited
 * for the changed callers it explains. Entities without a change above MIN_CHANGE rank last, by change.
 * Deterministic: ties broken by entity id.
 */
export function rankByChange(changes: Map<EntityId, EntityChange>, graph: TopologyGraph): ChangeCandidate[] {
  const strength = (e: EntityId): number => {
    const c = changes.get(e);
    return c && c.score >= MIN_CHANGE ? Math.log1p(c.score) : 0;
  };
  const raw: { cand: ChangeCandidate; value: number }[] = [];
  for (const [entity, change] of changes) {
    const s = strength(entity);
    let own = 1;
    let explainedBy: EntityId | null = null;
    if (s > 0) {
      for (const [dep] of graph.downstream(entity, REACH_HOPS)) {
        if (dep === entity) continue;
        const ratio = Math.min(1, strength(dep) / s);
        const o = 1 - (1 - SYMPTOM_FLOOR) * ratio;
        if (o < own || (o === own && explainedBy !== null && dep < explainedBy)) {
          own = o;
          explainedBy = ratio > 0 ? dep : explainedBy;
        }
      }
    }
    const explains: EntityId[] = [];
    let explained = 0;
    for (const [caller] of graph.upstream(entity, REACH_HOPS)) {
      if (caller === entity) continue;
      const cs = strength(caller);
      if (cs > 0) {
        explains.push(caller);
        explained += Math.min(cs, s);
      }
    }
    explains.sort();
    const value = s * own + EXPLAINS_WEIGHT * Math.min(explained, s);
    raw.push({ cand: { entity, score: 0, change, own, explainedBy, explains }, value: s > 0 ? value : 0 });
  }
  const max = Math.max(1e-12, ...raw.map((r) => r.value));
  for (const r of raw) r.cand.score = Math.round((r.value / max) * 1000) / 1000;
  raw.sort(
    (a, b) =>
      b.value - a.value ||
      (b.cand.change?.score ?? 0) - (a.cand.change?.score ?? 0) ||
      (a.cand.entity < b.cand.entity ? -1 : a.cand.entity > b.cand.entity ? 1 : 0),
  );
  return raw.map((r) => r.cand);
}
