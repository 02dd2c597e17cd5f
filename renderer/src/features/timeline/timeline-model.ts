/** Pure helpers of the timeline view: range presets and what falls inside a picked window. */
import type { Anomaly, Change } from '../../../../core/common/schemas.ts';

/** Selectable ranges. */
export const RANGES = [
  { key: '1h', label: 'Last hour', ms: 3600_000 },
  { key: '6h', label: '6 hours', ms: 6 * 3600_000 },
  { key: '24h', label: '24 hours', ms: 24 * 3600_000 },
  { key: '7d', label: '7 days', ms: 7 * 24 * 3600_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** [from, to] for a preset, `to` rounded up to the minute so the query key is stable for a minute. */
export function rangeBounds(key: RangeKey, now: number): { from: number; to: number } {
  const ms = RANGES.find((r) => r.key === key)?.ms ?? RANGES[1].ms;
  const to = Math.ceil(now / 60_000) * 60_000;
  return { from: to - ms, to };
}

/** [from, to] for a preset ending exactly at `to` (a replay clock: the timeline as of then). */
export function rangeEndingAt(key: RangeKey, to: number): { from: number; to: number } {
  const ms = RANGES.find((r) => r.key === key)?.ms ?? RANGES[1].ms;
  return { from: to - ms, to };
}

/** Anomalies (highest score first) and changes (oldest first) inside [from, to]. */
export function inWindow(anomalies: readonly Anomaly[], changes: readonly Change[], from: number, to: number) {
  return {
    anomalies: anomalies.filter((a) => a.time >= from && a.time <= to).sort((a, b) => b.score - a.score || b.time - a.time),
    changes: changes.filter((c) => c.time >= from && c.time <= to).sort((a, b) => a.time - b.time),
  };
}

/** Read a [from, to] window out of an echarts `brushEnd` event (lineX brush on a time axis). */
export function windowFromBrush(params: unknown): [number, number] | null {
  const areas = (params as { areas?: { coordRange?: unknown }[] })?.areas;
  const r = areas?.[0]?.coordRange;
  if (Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'number') {
    return [Math.min(r[0], r[1]), Math.max(r[0], r[1])];
  }
  return null;
}
