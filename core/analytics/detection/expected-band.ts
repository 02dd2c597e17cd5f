/**
 * The expected band of a series for display: the engine's detector (same code, same settings) replayed
 * over the series as the UI shows it (bucketed), from a lookback before the range so it is warm.
 * Replaying on demand keeps no per-point expectation in storage and always matches the live detector.
 */
import type { BandPoint } from '../../common/detection-schemas.ts';
import { DEFAULT_DETECTOR_SETTINGS, StreamingDetector, type DetectorSettings } from './streaming-detector.ts';

/** Points (ascending time) → band points at or after `from`; earlier points only warm the detector. */
export function expectedBand(points: readonly [number, number][], from: number, settings: Readonly<DetectorSettings> = DEFAULT_DETECTOR_SETTINGS): BandPoint[] {
  const d = new StreamingDetector(settings);
  const out: BandPoint[] = [];
  for (const [t, v] of points) {
    d.update(t, v);
    if (t < from) continue;
    out.push([t, v, round(d.lower), round(d.upper), Math.round(d.raw * 1000) / 1000]);
  }
  return out;
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x;
}
