/**
 * The context-novelty channel's contract: a repeated shape goes quiet, a new shape is flagged, and the
 * frozen (stable) bins see a value beyond the range as new at once, and the robust range is not stretched
 * for good by one extreme.
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

test('robust range: one extreme does not stretch the bins for good, so a later new shape inside the usual range is still seen', () => {
  const values = cycle(3000, 1);
  // One spike ten times the cycle's height, then (as above) a flat stretch at mid-range.
  values[1500] = 1000;
  for (let i = 2500; i < 2600; i++) values[i] = 50 + values[i] * 0.01;
  const robust = run(values, { ...CONFIG, noveltyStableBins: false, noveltyRobustTail: 0.01 });
  const stretched = run(values, { ...CONFIG, noveltyStableBins: false });
  assert.ok(max(robust.slice(1500, 1510)) >= 0.6, `the spike itself is flagged (max ${max(robust.slice(1500, 1510)).toFixed(2)})`);
  assert.ok(max(robust.slice(1600, 2500)) < 0.3, `back on the cycle the channel is quiet (max ${max(robust.slice(1600, 2500)).toFixed(2)})`);
  assert.ok(max(robust.slice(2500, 2600)) >= 0.6, `the flat stretch is flagged (max ${max(robust.slice(2500, 2600)).toFixed(2)})`);
  assert.ok(max(stretched.slice(2500, 2600)) < 0.3, `bins over the range seen so far squash the cycle into one bin after the spike (max ${max(stretched.slice(2500, 2600)).toFixed(2)})`);
});

test('time-of-day contexts: a daily peak that does not come is flagged; without them the flat day is familiar', () => {
  const rand = seededRandom(21);
  const step = 300_000;
  const perDay = 288;
  const ts: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < 8 * perDay; i++) {
    const minute = (i % perDay) * 5;
    // Low at night, high from 09:00 to 17:00, except on day 6, whose peak never comes.
    const peak = minute >= 540 && minute < 1020 && Math.floor(i / perDay) !== 6;
    ts.push(i * step);
    values.push((peak ? 80 : 20) + 3 * rand());
  }
  const score = (config: ContextNoveltyConfig) => {
    const c = new ContextNovelty(config);
    return values.map((v, i) => (i === 0 ? 0 : c.update(v, i, ts[i])));
  };
  const daily = score({ ...CONFIG, noveltyStableBins: false, noveltyDayBuckets: 48 });
  const plain = score({ ...CONFIG, noveltyStableBins: false });
  const missing = [6 * perDay + 108, 6 * perDay + 204] as const;
  assert.ok(max(daily.slice(3 * perDay, missing[0])) < 0.3, `quiet on ordinary days (max ${max(daily.slice(3 * perDay, missing[0])).toFixed(2)})`);
  // An excess of noveltyHoldZ (6) standard deviations scores 6 / noveltyZ = 0.4 and starts the hold:
  // the channel alone's corpus-optimal NAB threshold is about there.
  const holdScore = CONFIG.noveltyHoldZ / CONFIG.noveltyZ;
  assert.ok(max(daily.slice(...missing)) >= holdScore, `the missing peak is flagged (max ${max(daily.slice(...missing)).toFixed(2)})`);
  assert.ok(max(plain.slice(...missing)) < 0.1, `without time of day the flat day is all familiar contexts (max ${max(plain.slice(...missing)).toFixed(2)})`);
});
