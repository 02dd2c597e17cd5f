import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandSeries } from './forecast-model.ts';

test('the band continues the line from its last point, as lower bound plus non-negative width', () => {
  const history: [number, number][] = [
    [0, 0.5],
    [60_000, 0.52],
  ];
  const s = bandSeries(history, {
    entity: 'host:a',
    metric: 'm',
    stepMs: 60_000,
    limit: 0.95,
    crossing: null,
    points: [
      { time: 60_000, mean: 0.52, lo: 0.5, hi: 0.54 },
      { time: 120_000, mean: 0.54, lo: 0.5, hi: 0.58 },
      { time: 180_000, mean: 0.56, lo: 0.5, hi: 0.62 },
    ],
  });
  assert.deepEqual(s.lower[0], [60_000, 0.52], 'starts at the last observed point');
  assert.deepEqual(s.lower.map((p) => p[0]), [60_000, 120_000, 180_000], 'band points at or before the last point are dropped');
  assert.ok(Math.abs(s.width[2][1] - 0.12) < 1e-9);
  assert.equal(s.limit, 0.95);
  assert.deepEqual(bandSeries(history, undefined).lower, []);
});
