/**
 * The shape-novelty channel: a shape never made before is flagged even inside the usual range, a
 * repeating shape is not once learned, scores never depend on later points, and the state does not
 * grow with the series.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialize } from 'node:v8';
import { seededRandom } from '../hash.ts';
import { DEFAULT_SHAPE_NOVELTY_SETTINGS, SHAPE_NOVELTY_STATE_BYTES, ShapeNovelty } from './shape-novelty.ts';
import { DEFAULT_DETECTOR_SETTINGS, scoreSeries } from './streaming-detector.ts';

const CONFIG = { ...DEFAULT_SHAPE_NOVELTY_SETTINGS, holdFactor: DEFAULT_DETECTOR_SETTINGS.holdFactor };
const PERIOD = 96;

/** A repeating sawtooth (a slow rise over the period, then a drop) with noise; `from`..`to` rises backwards (the same values, the shape reversed). */
function sawtooth(n: number, seed: number, from = -1, to = -1): Float64Array {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, i) => {
    const p = (i % PERIOD) / PERIOD;
    const rising = i >= from && i < to ? 1 - p : p;
    return 20 + 40 * rising + 2 * (rand() - 0.5);
  });
}

function channelScores(values: Float64Array): Float64Array {
  const c = new ShapeNovelty(CONFIG);
  // The detector feeds the channel from its second point on, with the point's number.
  return Float64Array.from(values, (v, i) => (i === 0 ? 0 : c.update(v, i)));
}

const maxOf = (xs: Float64Array, from: number, to: number) => xs.slice(from, to).reduce((a, b) => Math.max(a, b), 0);

test('a shape never made before is flagged although every value is in the usual range', () => {
  // Sixty periods in (1,440 slots): the distance's record has forgotten the learning transient of the
  // first windows (its decay is 0.999 per slot; 30 periods in, the same stretch scores only 0.07).
  const from = 60 * PERIOD;
  const values = sawtooth(66 * PERIOD, 1, from, from + 2 * PERIOD);
  const scores = channelScores(values);
  const peak = maxOf(scores, from, from + 2 * PERIOD);
  assert.ok(peak >= 0.6, `peak in the reversed stretch ${peak.toFixed(3)}`);
  const before = maxOf(scores, 10 * PERIOD, from);
  assert.ok(before < 0.3, `peak over the fifty periods before ${before.toFixed(3)}`);
});

test('switched on, the channel makes the detector alert on the reversed stretch, which its other channels do not', () => {
  const from = 60 * PERIOD;
  const values = sawtooth(66 * PERIOD, 1, from, from + 2 * PERIOD);
  const ts = Float64Array.from(values, (_, i) => Date.parse('2026-01-01T00:00:00Z') + i * 60_000);
  const withChannel = maxOf(scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, useShapeNovelty: true }), from, from + 2 * PERIOD);
  const without = maxOf(scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, useShapeNovelty: false }), from, from + 2 * PERIOD);
  assert.ok(withChannel >= 0.6, `with the channel ${withChannel.toFixed(3)}`);
  assert.ok(without < 0.6, `without it ${without.toFixed(3)}`);
});

test('a repeating shape is not flagged once it has been learned', () => {
  const values = sawtooth(60 * PERIOD, 2);
  const scores = channelScores(values);
  const late = maxOf(scores, 10 * PERIOD, scores.length);
  assert.ok(late < 0.3, `peak after ten periods ${late.toFixed(3)}`);
});

test('appending or changing future points never changes past scores', () => {
  const values = sawtooth(20 * PERIOD, 3, 15 * PERIOD, 16 * PERIOD);
  const cut = 12 * PERIOD + 7;
  const full = channelScores(values);
  const changed = values.slice();
  for (let i = cut; i < changed.length; i++) changed[i] = 500 - changed[i] * 3;
  assert.deepEqual(channelScores(changed).slice(0, cut), full.slice(0, cut));
  assert.deepEqual(channelScores(values.slice(0, cut)), full.slice(0, cut));
});

test('the state is the same size after a few periods and after a hundred', () => {
  const values = sawtooth(100 * PERIOD, 4, 50 * PERIOD, 60 * PERIOD);
  const c = new ShapeNovelty(CONFIG);
  let small = 0;
  for (let i = 1; i < values.length; i++) {
    c.update(values[i], i);
    if (i === 5 * PERIOD) small = serialize(c).length;
  }
  const large = serialize(c).length;
  assert.ok(Math.abs(large - small) <= 64, `serialised state ${small} → ${large} bytes`);
  assert.ok(SHAPE_NOVELTY_STATE_BYTES < 4096);
});
