import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../hash.ts';
import { DEFAULT_REGIME_SETTINGS, LevelExcursion, VolatilityShift } from './regime-evidence.ts';
import { DEFAULT_DETECTOR_SETTINGS, scoreSeries } from './streaming-detector.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

test('the volatility shift stays near 1 under unchanged noise and rises when the steps grow', () => {
  const rand = seededRandom(11);
  const vs = new VolatilityShift(DEFAULT_REGIME_SETTINGS);
  let calmMax = 0;
  for (let i = 0; i < 3000; i++) {
    const v = vs.update(50 + rand(), 1e-9);
    if (i > 1000) calmMax = Math.max(calmMax, v);
  }
  assert.ok(calmMax < 2, `calm ratio peaks at ${calmMax.toFixed(2)}`);
  let jitteryMax = 0;
  for (let i = 0; i < 30; i++) jitteryMax = Math.max(jitteryMax, vs.update(50 + 10 * rand(), 1e-9));
  assert.ok(jitteryMax > 4, `after the noise grew tenfold the ratio reaches ${jitteryMax.toFixed(2)}`);
});

test('the level excursion stays small under unchanged noise and grows under a slow drift', () => {
  const rand = seededRandom(12);
  const le = new LevelExcursion(DEFAULT_REGIME_SETTINGS);
  let calmMax = 0;
  for (let i = 0; i < 3000; i++) {
    const v = le.update(50 + rand(), 1e-9);
    if (i > 1000) calmMax = Math.max(calmMax, v);
  }
  let driftMax = 0;
  for (let i = 0; i < 500; i++) driftMax = Math.max(driftMax, le.update(50 - 0.02 * i + rand(), 1e-9));
  assert.ok(driftMax > 3 * calmMax, `drift ${driftMax.toFixed(2)} against calm ${calmMax.toFixed(2)}`);
});

test('jitter growing on a wandering series is flagged early by the volatility shift', () => {
  // A slow cycle of ±20 whose level the residual channel follows with a lag of several units, with
  // small jitter; then for 300 points the jitter grows tenfold while staying far inside the cycle's
  // band. The residual |z| hardly moves; the steps between points do.
  const rand = seededRandom(3);
  const n = 4000;
  const from = 3000;
  const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * 60_000);
  const values = Float64Array.from({ length: n }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 500) + (i >= from && i < from + 300 ? 2 : 0.2) * (rand() - 0.5));
  const firstFlag = (s: Float64Array) => {
    for (let i = from; i < from + 300; i++) if (s[i] >= 0.6) return i - from;
    return Infinity;
  };
  // The shift is off by default (README, "Session 7 (3l)"): both arms name it.
  const on = scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, useVolatilityShift: true });
  const off = scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, useVolatilityShift: false });
  assert.ok(Math.max(...on.slice(600, from)) < 0.6, 'the calm cycles after warm-up are not flagged');
  assert.ok(firstFlag(on) <= 10, `flagged ${firstFlag(on)} points in`);
  assert.ok(firstFlag(off) > firstFlag(on), `without the shift: ${firstFlag(off)} points in`);
});
