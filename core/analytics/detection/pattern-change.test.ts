/**
 * The pattern-change channel: a missing daily peak is flagged (by the channel and by the detector it
 * feeds, which misses it without the channel), a steady daily series is not, scores never depend on
 * later points, and the state does not grow with the series.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialize } from 'node:v8';
import { seededRandom } from '../hash.ts';
import { DEFAULT_PATTERN_CHANGE_SETTINGS, PATTERN_CHANGE_STATE_BYTES, PatternChange } from './pattern-change.ts';
import { DEFAULT_DETECTOR_SETTINGS, scoreSeries } from './streaming-detector.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const STEP = 5 * 60_000;
const PER_DAY = 288;
const CONFIG = { ...DEFAULT_PATTERN_CHANGE_SETTINGS, holdFactor: DEFAULT_DETECTOR_SETTINGS.holdFactor };

/** A daily square wave (high from 08:00 to 20:00) with noise; `skipDay` stays low all day. */
function daily(days: number, seed: number, skipDay = -1): { ts: Float64Array; values: Float64Array } {
  const rand = seededRandom(seed);
  const n = days * PER_DAY;
  const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const values = Float64Array.from({ length: n }, (_, i) => {
    const day = Math.floor(i / PER_DAY);
    const hour = (i % PER_DAY) / 12;
    const high = hour >= 8 && hour < 20 && day !== skipDay;
    return (high ? 80 : 20) + 4 * (rand() - 0.5);
  });
  return { ts, values };
}

function channelScores(ts: Float64Array, values: Float64Array): Float64Array {
  const c = new PatternChange(CONFIG);
  return Float64Array.from(values, (v, i) => c.update(ts[i], v));
}

const maxOf = (xs: Float64Array, from: number, to: number) => Math.max(...xs.slice(from, to));

test('a daily peak that does not come is flagged by the channel and, through it, by the detector', () => {
  const { ts, values } = daily(12, 1, 9);
  const peakStart = 9 * PER_DAY + 8 * 12;
  const channel = channelScores(ts, values);
  assert.ok(maxOf(channel, peakStart, peakStart + 36) >= 0.6, 'the channel flags the missing peak within 3 hours');
  const withChannel = scoreSeries(ts, values);
  const without = scoreSeries(ts, values, { ...DEFAULT_DETECTOR_SETTINGS, usePatternChange: false });
  assert.ok(maxOf(withChannel, peakStart, peakStart + 36) >= 0.6, 'the detector alerts on it');
  assert.ok(maxOf(without, peakStart, peakStart + 12 * 12) < 0.6, 'the residual channels alone do not (the level has learned the night)');
});

test('a steady daily series is not flagged', () => {
  const { ts, values } = daily(14, 2);
  const channel = channelScores(ts, values);
  assert.ok(maxOf(channel, 0, channel.length) < 0.3, `channel peak ${maxOf(channel, 0, channel.length).toFixed(3)}`);
});

test('appending or changing future points never changes past scores', () => {
  const { ts, values } = daily(10, 3, 8);
  const cut = 7 * PER_DAY + 100;
  const full = channelScores(ts, values);
  const changed = values.slice();
  for (let i = cut; i < changed.length; i++) changed[i] = 500 - changed[i] * 3;
  assert.deepEqual(channelScores(ts, changed).slice(0, cut), full.slice(0, cut));
  assert.deepEqual(channelScores(ts.slice(0, cut), values.slice(0, cut)), full.slice(0, cut));
});

test('the state is the same size after a day and after sixty days', () => {
  const { ts, values } = daily(60, 4);
  const c = new PatternChange(CONFIG);
  let small = 0;
  for (let i = 0; i < values.length; i++) {
    c.update(ts[i], values[i]);
    if (i === PER_DAY) small = serialize(c).length;
  }
  const large = serialize(c).length;
  assert.ok(Math.abs(large - small) <= 64, `serialised state ${small} → ${large} bytes`);
  assert.ok(PATTERN_CHANGE_STATE_BYTES < 1024);
});
