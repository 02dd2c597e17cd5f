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
