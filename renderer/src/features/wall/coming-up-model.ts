/** Pure helpers of the wall's "coming up" panel: predicted exhaustions within a window, soonest first. */
import type { CapacityForecast } from '../../../../core/common/forecast-schemas.ts';

/** One row of the panel. */
export interface ComingUpRow {
  key: string;
  entity: string;
  /** "disk full", "memory exhausted", ... */
  what: string;
  where: string;
  /** Time left until the predicted crossing (ms, ≥ 0). */
  inMs: number;
  /** Half-width of the 80% interval (ms), or null when the upper end is open. */
  plusMinusMs: number | null;
  probability: number;
  warning: boolean;
}

const WHAT: Record<string, string> = {
  disk: 'disk full',
  memory: 'memory exhausted',
  'connection pool': 'pool exhausted',
  queue: 'queue saturated',
  quota: 'quota exhausted',
};

/** Forecasts whose crossing falls within `withinMs` of `now`, soonest first. */
export function comingUp(forecasts: readonly CapacityForecast[], now: number, withinMs: number): ComingUpRow[] {
  return forecasts
    .filter((f) => f.crossing !== null && f.crossing.time - now <= withinMs)
    .map((f) => {
      const c = f.crossing!;
      const name = f.entity.slice(f.entity.indexOf(':') + 1);
      return {
        key: f.seriesKey,
        entity: f.entity,
        what: WHAT[f.resource] ?? `${f.metric} at limit`,
        where: f.host && f.host !== name ? `${name} (${f.host})` : name,
        inMs: Math.max(0, c.time - now),
        plusMinusMs: c.hi === null ? null : Math.max(0, (c.hi - c.lo) / 2),
        probability: f.probability,
        warning: f.warning,
      };
    })
    .sort((a, b) => a.inMs - b.inMs || b.probability - a.probability || (a.key < b.key ? -1 : 1));
}
