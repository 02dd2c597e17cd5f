/**
 * The alert memory: a score no higher than the decaying score of the series' last alert is damped, a
 * stronger one passes; in the detector, repeats of one spike size alert less often while a larger
 * event still alerts at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../hash.ts';
import { AlertMemory, DEFAULT_ALERT_MEMORY_SETTINGS } from './alert-memory.ts';
import { DEFAULT_DETECTOR_SETTINGS, scoreSeries } from './streaming-detector.ts';

test('a score not above the remembered alert is damped; a stronger one and a forgotten one pass', () => {
  const m = new AlertMemory({ memoryDecay: 0.99, memoryFactor: 0.5 });
  assert.equal(m.gate(0.7), 0.7, 'nothing remembered yet');
  m.remember(0.7);
  assert.equal(m.gate(0.6), 0.3, 'a weaker repeat is damped');
  assert.equal(m.gate(0.9), 0.9, 'a stronger event passes');
  assert.equal(m.gate(0), 0);
  for (let i = 0; i < 200; i++) m.gate(0);
  assert.equal(m.gate(0.2), 0.2, 'after 200 points at 0.99 the memory is below 0.1');
  assert.ok(Object.isFrozen(DEFAULT_ALERT_MEMORY_SETTINGS));
});

test('on a bursty series repeats alert less often, and a new level still alerts at once', () => {
  // 5-minute steps, heavy-tailed bursts (like the NAB tweet volumes), then a level shift.
  const rand = seededRandom(2);
  const n = 20_000;
  const T0 = Date.parse('2026-01-01T00:00:00Z');
  const shift = 18_000;
  const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * 300_000);
  const values = Float64Array.from({ length: n }, (_, i) => 20 + 4 * rand() + (rand() < 0.003 ? 30 / (rand() + 0.05) : 0) + (i >= shift && i < shift + 100 ? 400 : 0));
  const alerts = (s: Float64Array) => [...s.keys()].filter((i) => i > 1000 && s[i] >= DEFAULT_DETECTOR_SETTINGS.refractoryLevel);
  const on = scoreSeries(ts, values);
  const off = scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, memoryFactor: 1 });
  assert.ok(alerts(on).length >= 5, `${alerts(on).length} alerts: the signal makes alerts`);
  assert.ok(alerts(on).length < alerts(off).length, `${alerts(on).length} alerts with the memory, ${alerts(off).length} without`);
  assert.ok(alerts(on).some((i) => i >= shift && i <= shift + 2), 'the level shift alerts within 2 points');
});
