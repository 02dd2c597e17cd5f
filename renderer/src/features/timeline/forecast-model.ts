/**
 * Pure helpers of the timeline's forecast chart: the band ahead of the line as ECharts series (a
 * stacked pair: the lower bound, then the interval's width filled), the central forecast dashed, and
 * the exhaustion limit as a line.
 */
import type { ForecastBand } from '../../../../core/common/forecast-schemas.ts';

/** Series data for the chart: history, band lower bound, band width, central forecast. */
export interface BandSeries {
  history: [number, number][];
  lower: [number, number][];
  width: [number, number][];
  mean: [number, number][];
  limit: number | null;
}

/** Join history and band: the band starts at the last observed point so it reads as a continuation. */
export function bandSeries(history: readonly [number, number][], band: ForecastBand | undefined): BandSeries {
  const out: BandSeries = { history: [...history], lower: [], width: [], mean: [], limit: band?.limit ?? null };
  if (!band || band.points.length === 0) return out;
  const last = history[history.length - 1];
  if (last) {
    out.lower.push([last[0], last[1]]);
    out.width.push([last[0], 0]);
    out.mean.push([last[0], last[1]]);
  }
  for (const p of band.points) {
    if (last && p.time <= last[0]) continue;
    out.lower.push([p.time, p.lo]);
    out.width.push([p.time, Math.max(0, p.hi - p.lo)]);
    out.mean.push([p.time, p.mean]);
  }
  return out;
}
