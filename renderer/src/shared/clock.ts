/** Which clock ages and rolling windows are measured with. */

/**
 * The clock the views measure ages and windows with. Signals carry event time; live, that is the wall
 * clock, but a replay or the accelerated demo runs its own clock, reported as the engine's watermark.
 * When the watermark is more than `toleranceMs` away from real time, it is the better "now".
 */
export function eventClock(realNow: number, watermark: number | null | undefined, toleranceMs = 5 * 60_000): { now: number; replay: boolean } {
  if (watermark === null || watermark === undefined || !Number.isFinite(watermark)) return { now: realNow, replay: false };
  if (Math.abs(realNow - watermark) <= toleranceMs) return { now: realNow, replay: false };
  return { now: watermark, replay: true };
}

/**
 * The clock of a view: the replay's clock while a replay drives the engine (`Stats.asOf`, time
 * travel: the estate as of then), else {@link eventClock}. `asOf` is null when live.
 */
export function viewClock(
  realNow: number,
  stats: { watermark: number | null; asOf?: number } | undefined,
): { now: number; replay: boolean; asOf: number | null } {
  if (stats?.asOf !== undefined && Number.isFinite(stats.asOf)) return { now: stats.asOf, replay: true, asOf: stats.asOf };
  return { ...eventClock(realNow, stats?.watermark), asOf: null };
}
