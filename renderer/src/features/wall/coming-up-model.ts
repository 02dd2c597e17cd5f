/**
 * Pure helpers of the wall's "coming up" panel: predicted exhaustions within a window, soonest first,
 * and failures foretold by leading indicators, most likely first.
 */
import type { CapacityForecast, EntityRisk } from '../../../../core/common/forecast-schemas.ts';

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

/** One foretold failure: an entity, what is likely to happen, how likely, and the signals behind it. */
export interface LikelyFailureRow {
  key: string;
  entity: string;
  where: string;
  what: string;
  probability: number;
  horizonMs: number;
  /** "db.client.connection.count +12σ (odds ×40)", strongest first, at most three. */
  because: string[];
}

const FAILURE_WHAT: Record<string, string> = {
  'pool-exhaustion': 'pool exhaustion',
  'memory-leak': 'memory leak / OOM',
  'disk-fill': 'disk full',
  'bad-deploy': 'bad deploy',
  'network-partition': 'network partition',
};

/** Failures foretold by moved indicators with probability ≥ `minProbability`, most likely first. */
export function likelyFailures(entities: readonly EntityRisk[], minProbability = 0.5): LikelyFailureRow[] {
  const rows: LikelyFailureRow[] = [];
  for (const e of entities) {
    for (const f of e.failures ?? []) {
      const moved = f.indicators.filter((i) => i.moved);
      if (f.probability < minProbability || moved.length === 0) continue;
      rows.push({
        key: `${e.entity}|${f.kind}`,
        entity: e.entity,
        where: e.entity.slice(e.entity.indexOf(':') + 1),
        what: FAILURE_WHAT[f.kind] ?? f.kind,
        probability: f.probability,
        horizonMs: f.horizonMs,
        because: moved.slice(0, 3).map((i) => `${i.metric} ${i.z >= 0 ? '+' : '−'}${Math.abs(i.z).toFixed(0)}σ (odds ×${i.oddsFactor >= 10 ? i.oddsFactor.toFixed(0) : i.oddsFactor.toFixed(1)})`),
      });
    }
  }
  return rows.sort((a, b) => b.probability - a.probability || (a.key < b.key ? -1 : 1));
}
