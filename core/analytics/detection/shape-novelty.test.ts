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
  // Ninety periods in (1,728 slots): the distance's record has forgotten the learning transient of the
  // first windows (its decay is 0.9993 per slot; 60 periods in, the same stretch scores only 0.24).
  const from = 90 * PERIOD;
  const values = sawtooth(96 * PERIOD, 1, from, from + 2 * PERIOD);
  const scores = channelScores(values);
  const peak = maxOf(scores, from, from + 2 * PERIOD);
  assert.ok(peak >= 0.6, `peak in the reversed stretch ${peak.toFixed(3)}`);
  const before = maxOf(scores, 10 * PERIOD, from);
  assert.ok(before < 0.3, `peak over the fifty periods before ${before.toFixed(3)}`);
});

test('switched on, the channel makes the detector alert on the reversed stretch, which its other channels do not', () => {
  const from = 90 * PERIOD;
  const values = sawtooth(96 * PERIOD, 1, from, from + 2 * PERIOD);
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

/**
 * The channel written plainly, for the test below: every box measured in full, in index order, the
 * nearest and the best resonating box (ties to the first) taken from the full distances, boxes kept
 * as 32-bit corners like the channel's.
 */
class BruteForceShapeNovelty {
  private slotSum = 0;
  private slotCount = 0;
  private means: number[] = [];
  private slots = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private usualRange = 0;
  boxes: { lo: number[]; hi: number[]; size: number; lastUsed: number }[] = [];
  record = 0;
  private holdLeft = 0;

  constructor(private readonly s: typeof CONFIG) {}

  update(value: number, n: number): number {
    const s = this.s;
    this.slotSum += value;
    if (++this.slotCount < s.shapeSlot) return 0;
    const mean = this.slotSum / this.slotCount;
    this.slotSum = 0;
    this.slotCount = 0;
    this.means.push(mean);
    if (this.means.length > s.shapeWindow) this.means.shift();
    this.slots++;
    this.lo = Math.min(this.lo, mean);
    this.hi = Math.max(this.hi, mean);
    if (this.slots < s.shapeWindow) return 0;
    const mn = Math.min(...this.means);
    const mx = Math.max(...this.means);
    const range = mx - mn;
    this.usualRange = this.usualRange === 0 ? range : this.usualRange + 0.02 * (range - this.usualRange);
    const span = Math.max(range, s.shapeFlatFloor * this.usualRange, 1e-12);
    const mid = (mx + mn) / 2;
    const seen = this.hi - this.lo;
    const x = [seen > 0 ? (s.shapeLevelWeight * (mid - this.lo)) / seen : 0, seen > 0 ? (s.shapeLevelWeight * range) / seen : 0, ...this.means.map((v) => 0.5 + (v - mid) / span)];
    const total = s.shapeWindow + 2 * s.shapeLevelWeight;
    const maxSize = (1 - s.shapeVigilance) * total;
    let nearest = Infinity;
    let best = -1;
    let bestOut = Infinity;
    this.boxes.forEach((box, j) => {
      let out = 0;
      for (let k = 0; k < x.length; k++) out += x[k] < box.lo[k] ? box.lo[k] - x[k] : x[k] > box.hi[k] ? x[k] - box.hi[k] : 0;
      nearest = Math.min(nearest, out);
      if (out <= maxSize - box.size && out < bestOut) {
        bestOut = out;
        best = j;
      }
    });
    let box = this.boxes[best];
    if (best < 0) {
      box = { lo: x.map(Math.fround), hi: x.map(Math.fround), size: 0, lastUsed: 0 };
      if (this.boxes.length < s.shapeCategories) this.boxes.push(box);
      else {
        const lru = this.boxes.reduce((a, b, i) => (b.lastUsed < this.boxes[a].lastUsed ? i : a), 0);
        this.boxes[lru] = box;
      }
    } else
      for (let k = 0; k < x.length; k++) {
        box.lo[k] = Math.min(box.lo[k], Math.fround(x[k]));
        box.hi[k] = Math.max(box.hi[k], Math.fround(x[k]));
      }
    box.size = Math.fround(box.hi.reduce((a, h, k) => a + (h - box.lo[k]), 0));
    box.lastUsed = this.slots;
    const d = this.boxes.length === 1 && best < 0 ? 0 : nearest;
    const e = d / Math.max(this.record, s.shapeFloor * total);
    this.record = Math.max(this.record * s.shapeMaxDecay, d);
    if (n < s.shapeWarmup) return 0;
    let out = e > 1 ? 1 - Math.exp(-(e - 1) / s.shapeScoreScale) : 0;
    if (this.holdLeft > 0) {
      this.holdLeft--;
      out *= s.holdFactor;
    } else if (out >= s.shapeHoldLevel) this.holdLeft = s.shapeHoldSlots;
    return out;
  }
}

/** The channel's boxes as [lower, upper] per component (level, amplitude, then shape) and size, read from its Float32Array. */
function boxesOf(c: ShapeNovelty): { lo: number[]; hi: number[]; size: number }[] {
  const { f32, used, restAt, sizeAt, dim } = c as unknown as { f32: Float32Array; used: number; restAt: number; sizeAt: number; dim: number };
  return Array.from({ length: used }, (_, j) => {
    const lo = [f32[4 * j], f32[4 * j + 2]];
    const hi = [f32[4 * j + 1], f32[4 * j + 3]];
    for (let k = 0; k < dim - 2; k++) {
      lo.push(f32[restAt + j * 2 * (dim - 2) + 2 * k]);
      hi.push(f32[restAt + j * 2 * (dim - 2) + 2 * k + 1]);
    }
    return { lo, hi, size: f32[sizeAt + j] };
  });
}

test('the pruned box search finds what a brute-force search finds, window by window', () => {
  // Random walks with jumps, bursts and flat stretches: the boxes fill up, get replaced and overlap, so
  // ties, containment and the early exits are all exercised. The record follows the nearest distance
  // whenever that can move it, and the boxes show which box each window grew or founded, so comparing
  // both after each slot compares the searches, not only the scores.
  for (let seed = 1; seed <= 4; seed++) {
    const rand = seededRandom(seed);
    const fast = new ShapeNovelty(CONFIG);
    const plain = new BruteForceShapeNovelty(CONFIG);
    let v = 0;
    let nonZero = 0;
    for (let i = 1; i < 30_000; i++) {
      const phase = Math.floor(i / 2_000) % 3;
      v = phase === 2 ? Math.round(v) : v + (rand() - 0.5) * (phase === 0 ? 1 : 8) + (rand() < 0.002 ? 40 * (rand() - 0.5) : 0);
      const a = fast.update(v, i);
      const b = plain.update(v, i);
      assert.equal(a, b, `seed ${seed}, point ${i}: score`);
      assert.equal((fast as unknown as { record: number }).record, plain.record, `seed ${seed}, point ${i}: nearest-distance record`);
      if (i % CONFIG.shapeSlot === 0) {
        const boxes = boxesOf(fast);
        const same = boxes.length === plain.boxes.length && boxes.every((b, j) => b.size === plain.boxes[j].size && b.lo.every((v, k) => v === plain.boxes[j].lo[k] && b.hi[k] === plain.boxes[j].hi[k]));
        assert.ok(same, `seed ${seed}, point ${i}: the boxes differ (a window grew or founded another box)`);
      }
      if (a > 0) nonZero++;
    }
    assert.ok(nonZero > 0, `seed ${seed}: some windows scored`);
  }
});
