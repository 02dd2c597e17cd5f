/**
 * The context-novelty channel's contract: a repeated shape goes quiet, a new shape is flagged, and the
 * frozen (stable) bins see a value beyond the range as new at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../hash.ts';
import { ContextNovelty, DEFAULT_NOVELTY_SETTINGS } from './context-novelty.ts';
import type { ContextNoveltyConfig } from './context-novelty.ts';

const CONFIG: ContextNoveltyConfig = { ...DEFAULT_NOVELTY_SETTINGS, holdFactor: 0.1, noveltyStableBins: true };

function run(values: readonly number[], config: ContextNoveltyConfig = CONFIG): number[] {
  const c = new ContextNovelty(config);
  return values.map((v, i) => (i === 0 ? 0 : c.update(v, i)));
}

/** A noisy triangle wave between 0 and 100, period 40. */
function cycle(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const p = (i % 40) / 40;
    return (p < 0.5 ? p * 200 : (1 - p) * 200) + 2 * rand();
  });
}

const max = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

test('a repeated shape goes quiet after warm-up; a new shape inside the usual range is flagged', () => {
  const values = cycle(3000, 1);
  // From 2500 the series holds still at mid-range: every value is ordinary, only the shape is new.
  for (let i = 2500; i < 2600; i++) values[i] = 50 + values[i] * 0.01;
  const s = run(values);
  assert.ok(max(s.slice(800, 2500)) < 0.3, `quiet on the repeated cycle (max ${max(s.slice(800, 2500)).toFixed(2)})`);
  assert.ok(max(s.slice(2500, 2600)) >= 0.6, `the flat stretch is flagged (max ${max(s.slice(2500, 2600)).toFixed(2)})`);
});

test('stable bins: a level beyond the range seen is new at once, not the familiar top bin of a stretched range', () => {
  const values = cycle(3000, 3);
  const rand = seededRandom(9);
  for (let i = 2000; i < 2100; i++) values[i] = 150 + 2 * rand();
  const stable = run(values);
  const stretched = run(values, { ...CONFIG, noveltyStableBins: false });
  const first = (s: number[]) => s.findIndex((x, i) => i >= 2000 && x >= 0.6);
  assert.ok(first(stable) >= 2000 && first(stable) < 2005, `stable bins flag the new level within 5 points (at ${first(stable) - 2000})`);
  assert.ok(max(stretched.slice(2000, 2020)) < 0.6, `a stretched range sees the new level as its top bin (max ${max(stretched.slice(2000, 2020)).toFixed(2)})`);
  assert.ok(max(stable.slice(2300)) < 0.3, 'back on the cycle, the channel is quiet again');
});

test('settings that do not fit the packed context are refused', () => {
  assert.throws(() => new ContextNovelty({ ...CONFIG, noveltyBins: 30 }), /noveltyBins/);
  assert.throws(() => new ContextNovelty({ ...CONFIG, noveltyContext: 7 }), /noveltyContext/);
  assert.throws(() => new ContextNovelty({ ...CONFIG, noveltyCoarseContext: 8 }), /noveltyCoarseContext/);
});
