/**
 * Pure data shaping for the wall: incident ranking and the anomaly timeline's buckets and change
 * marks. Kept out of the components so it is unit-tested without a DOM.
 */
import type { Anomaly, Change, Incident, Severity } from '../../../../core/common/schemas.ts';
import { entityKindOf } from '../../shared/format.ts';

const RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, warning: 3, info: 4 };

/** Open incidents, most severe first; within a severity, the most recently updated first. */
export function rankIncidents(list: readonly Incident[]): Incident[] {
  return list
    .filter((i) => i.status === 'open')
    .sort((a, b) => RANK[a.severity] - RANK[b.severity] || b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
}

/** Anomaly counts per time bucket, one series per entity kind. */
export interface AnomalyBuckets {
  /** Bucket start times. */
  times: number[];
  /** Kind → count per bucket (same length as times). Kinds sorted by total, largest first. */
  series: { kind: string; counts: number[] }[];
  /** Highest anomaly score per bucket (0 when none). */
  maxScore: number[];
}

/**
 * Bucket anomalies in [from, to) into `bucketMs` slots aligned to multiples of `bucketMs`.
 * Anomalies outside the range are ignored.
 */
export function bucketAnomalies(anomalies: readonly Anomaly[], from: number, to: number, bucketMs: number): AnomalyBuckets {
  const start = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((to - start) / bucketMs));
  const times = Array.from({ length: n }, (_, i) => start + i * bucketMs);
  const byKind = new Map<string, number[]>();
  const maxScore = new Array<number>(n).fill(0);
  for (const a of anomalies) {
    if (a.time < start || a.time >= to) continue;
    const i = Math.floor((a.time - start) / bucketMs);
    const kind = entityKindOf(a.entity);
    if (!byKind.has(kind)) byKind.set(kind, new Array<number>(n).fill(0));
    byKind.get(kind)![i]++;
    if (a.score > maxScore[i]) maxScore[i] = a.score;
  }
  const series = [...byKind]
    .map(([kind, counts]) => ({ kind, counts, total: counts.reduce((s, c) => s + c, 0) }))
    .sort((a, b) => b.total - a.total || (a.kind < b.kind ? -1 : 1))
    .map(({ kind, counts }) => ({ kind, counts }));
  return { times, series, maxScore };
}

/** Changes in [from, to], oldest first, for markLines. */
export function changesInRange(changes: readonly Change[], from: number, to: number): Change[] {
  return changes.filter((c) => c.time >= from && c.time <= to).sort((a, b) => a.time - b.time);
}

/** The probable cause line of an incident row, or null when the RCA has nothing yet. */
export function probableCause(inc: Incident): { entity: string; score: number } | null {
  const top = inc.rootCauses[0];
  return top ? { entity: top.entity, score: top.score } : null;
}

/**
 * Which of a sorted list of mark times get a text label, so labels do not overprint: a mark is
 * labelled when it is at least `minGapMs` after the previous labelled one. Returns their indices.
 */
export function labelledMarks(times: readonly number[], minGapMs: number): Set<number> {
  const out = new Set<number>();
  let last = Number.NEGATIVE_INFINITY;
  times.forEach((t, i) => {
    if (t - last >= minGapMs) {
      out.add(i);
      last = t;
    }
  });
  return out;
}

