import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../demo/random.ts';
import { DEFAULT_TREND_OPTIONS, TrendTracker } from './trend.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 16, 0);
const STEP = 15_000;

/** A standard normal draw (Box–Muller) from the project's seeded generator. */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * First time (minutes after the ramp starts) a tracker predicts the limit: 6 h flat at 40 ± 1 of a
 * 100 limit, then a ramp to 100 over `rampMin` minutes; NaN when it never does before the limit.
 */
function firstWarning(tracker: TrendTracker, rampMin: number, seed: number): number {
  const rng = new Rng(seed);
  const rampStart = T0 + 6 * 60 * MIN;
  for (let t = T0; t < rampStart + rampMin * MIN; t += STEP) {
    const ramp = t < rampStart ? 0 : ((t - rampStart) / (rampMin * MIN)) * 60;
    const v = 40 + ramp + normal(rng);
    tracker.update(t, v, 100);
    if (v >= 95) return NaN;
    if (t >= rampStart && tracker.crossing(95)) return (t - rampStart) / MIN;
  }
  return NaN;
}

test('a ramp from flat is seen from where it departed, well before the scales alone see it', () => {
  const withSegment = firstWarning(new TrendTracker(), 60, 1);
  const scalesOnly = firstWarning(new TrendTracker({ ...DEFAULT_TREND_OPTIONS, departure: null }), 60, 1);
  // The segment extrapolates at most twice the span it has seen: warned once a third of the ramp is in.
  assert.ok(withSegment >= 15 && withSegment <= 25, `warned ${withSegment} min into a 60 min ramp`);
  assert.ok(!(scalesOnly <= withSegment), `scales alone warned ${scalesOnly} min in`);
  const tr = new TrendTracker();
  firstWarning(tr, 60, 1);
  const c = tr.crossing(95)!;
  assert.ok(c.lo <= c.time && c.time <= c.hi, 'the interval holds the estimate');
});

test('noise around a flat level never makes a departure reach the limit', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const rng = new Rng(seed);
    const tr = new TrendTracker();
    for (let t = T0; t < T0 + 24 * 60 * MIN; t += STEP) {
      // A daily swing of ±10 and noise that wanders over 20 min, as the demo's connection counts do.
      const v = 50 + 10 * Math.sin((2 * Math.PI * (t - T0)) / 86_400_000) + 3 * Math.sin((t - T0) / (20 * MIN) + seed) + normal(rng);
      tr.update(t, v, 100);
      assert.equal(tr.crossing(95), null, `seed ${seed}: crossing predicted at ${new Date(t).toISOString()}`);
    }
  }
});

test('a cleanup restarts the departure: no slope is measured across it', () => {
  const tr = new TrendTracker();
  const rng = new Rng(7);
  let t = T0;
  for (; t < T0 + 6 * 60 * MIN; t += STEP) tr.update(t, 40 + normal(rng) * 0.5, 100);
  for (let i = 0; t < T0 + 6 * 60 * MIN + 30 * MIN; t += STEP, i++) tr.update(t, 40 + i * 0.2 + normal(rng) * 0.5, 100);
  assert.ok(tr.crossing(95), 'the fill is predicted');
  for (let i = 0; i < 8; i++, t += STEP) tr.update(t, 40 + normal(rng) * 0.5, 100);
  assert.equal(tr.crossing(95), null, 'back at 40 after the cleanup: nothing predicted');
  assert.equal(tr.breaks, 1);
});
