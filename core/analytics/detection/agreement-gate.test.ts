/**
 * The feature-agreement gate: a residual score that at most one feature supports needs near
 * certainty; in the detector, a bursty series alerts less often while a level shift, which moves
 * several features at once, still alerts at its first points.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../hash.ts';
import { agreementGate, DEFAULT_AGREEMENT_SETTINGS } from './agreement-gate.ts';
import { DEFAULT_DETECTOR_SETTINGS, scoreSeries } from './streaming-detector.ts';

test('a score that one feature supports has its headroom stretched; two agreeing features pass it', () => {
  const s = { agreementLevel: 0.6, agreementFactor: 0.1 };
  assert.equal(agreementGate(0.95, 2, s), 0.95, 'two features agree: unchanged');
  assert.ok(Math.abs(agreementGate(0.95, 1, s) - 0.5) < 1e-12, 'one feature: 1 − 0.05 × 10');
  assert.equal(agreementGate(0.7, 0, s), 0, 'a score far from certainty goes to 0, never below');
  assert.equal(agreementGate(1, 1, s), 1, 'certainty passes');
  assert.equal(agreementGate(0.7, 1, { ...s, agreementFactor: 1 }), 0.7, 'factor 1 switches it off');
  assert.ok(Object.isFrozen(DEFAULT_AGREEMENT_SETTINGS));
  assert.ok(DEFAULT_AGREEMENT_SETTINGS.agreementFactor < 1, 'on by default');
});

test('on a bursty series fewer alerts, and a level shift still alerts at once', () => {
  // 5-minute steps, heavy-tailed bursts of a few points (like the NAB tweet volumes), then a level shift.
  const rand = seededRandom(5);
  const n = 20_000;
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const shift = 18_000;
  const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * 300_000);
  let burst = 0;
  const values = Float64Array.from({ length: n }, (_, i) => {
    if (burst > 0) burst--;
    else if (rand() < 0.004) burst = 1 + Math.floor(4 * rand());
    return 20 + 4 * rand() + (burst > 0 ? 20 / (rand() + 0.05) : 0) + (i >= shift && i < shift + 100 ? 400 : 0);
  });
  const alerts = (s: Float64Array) => [...s.keys()].filter((i) => i > 1000 && s[i] >= DEFAULT_DETECTOR_SETTINGS.refractoryLevel);
  const on = scoreSeries(ts, values);
  const off = scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, agreementFactor: 1 });
  assert.ok(alerts(on).length >= 3, `${alerts(on).length} alerts: the signal makes alerts`);
  assert.ok(alerts(on).length < alerts(off).length, `${alerts(on).length} alerts with the gate, ${alerts(off).length} without`);
  assert.ok(alerts(on).some((i) => i >= shift && i <= shift + 2), 'the level shift alerts within 2 points');
});
