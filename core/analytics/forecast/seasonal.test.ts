import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateSeries } from './accuracy.ts';
import { normalCdf, normalQuantile, SeasonalForecaster } from './seasonal.ts';
import { CsvError, parseSeriesCsv, toGrid } from './series-csv.ts';
import { seededRandom } from '../hash.ts';

const STEP = 300_000;
const DAY = 86_400_000;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

test('on a noisy daily cycle the forecaster beats both baselines and its 80% interval covers about 80%', () => {
  const r = seededRandom(7);
  const n = 14 * (DAY / STEP);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = 100 + 30 * Math.sin((2 * Math.PI * i * STEP) / DAY) + 8 * gauss(r);
  const [h1, h6] = evaluateSeries({ start: 0, stepMs: STEP, values, points: n }, [3_600_000, 6 * 3_600_000]);
  for (const a of [h1, h6]) {
    assert.ok(a.forecaster.mae < a.seasonalNaive.mae, `h=${a.steps}: ${a.forecaster.mae} < snaive ${a.seasonalNaive.mae}`);
    assert.ok(a.forecaster.mae < a.naive.mae, `h=${a.steps}: ${a.forecaster.mae} < naive ${a.naive.mae}`);
    assert.ok(a.coverage > 0.7 && a.coverage < 0.9, `coverage ${a.coverage}`);
  }
});

test('a level shift (a reset) is absorbed within a few steps instead of being averaged in', () => {
  const f = new SeasonalForecaster({ stepMs: STEP, horizons: [1, 12] });
  const r = seededRandom(3);
  let t = 0;
  for (let i = 0; i < 600; i++, t += STEP) f.update(t, 80 + gauss(r));
  for (let i = 0; i < 10; i++, t += STEP) f.update(t, 20 + gauss(r));
  assert.ok(f.shifts >= 1, 'the shift was detected');
  const p = f.forecast(1);
  assert.ok(Math.abs(p.mean - 20) < 5, `forecast after the drop is near the new level: ${p.mean}`);
});

test('an isolated outlier barely moves the forecast', () => {
  const f = new SeasonalForecaster({ stepMs: STEP, horizons: [1] });
  const r = seededRandom(5);
  let t = 0;
  for (let i = 0; i < 400; i++, t += STEP) f.update(t, 50 + gauss(r));
  f.update(t, 500);
  t += STEP;
  f.update(t, 50 + gauss(r));
  assert.ok(Math.abs(f.forecast(1).mean - 50) < 6, `forecast stays near 50: ${f.forecast(1).mean}`);
});

test('normal quantile and CDF are inverse of each other', () => {
  for (const p of [0.01, 0.1, 0.5, 0.8, 0.9, 0.999]) assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6, String(p));
  assert.ok(Math.abs(normalQuantile(0.9) - 1.2816) < 1e-3);
});

test('CSV: header skipped, NAB times read as UTC, bad lines named by number', () => {
  const s = parseSeriesCsv('timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,2.5\n1388534100,4\n');
  assert.deepEqual(s.values, [4, 1, 2.5]);
  assert.equal(s.ts[1], Date.parse('2014-01-01T00:00:00Z'));
  assert.throws(() => parseSeriesCsv('t,v\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,abc\n'), (e: unknown) => e instanceof CsvError && e.line === 3 && /value/.test(e.message));
  assert.throws(() => parseSeriesCsv('2014-01-01 00:00:00,1\nnot-a-time,2\n'), /line 2: time/);
  const g = toGrid([0, 300_000, 900_000, 1_200_000], [1, 2, 3, 4]);
  assert.equal(g.stepMs, 300_000);
  assert.equal(g.values.length, 5);
  assert.ok(Number.isNaN(g.values[2]), 'a missing grid point is NaN');
});
