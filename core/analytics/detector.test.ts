import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ANALYTICS_CONFIG } from './config.ts';
import { DetectorBank, anomalyId, createDetector } from './detector.ts';
import { seededRandom } from './hash.ts';
import { MIN, SEC, T0, metricBatch } from './estate.fixture.ts';

const cfg = { ...DEFAULT_ANALYTICS_CONFIG };

/** Gaussian noise from a seeded uniform source (Box–Muller). */
function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function series(seed: number, n: number, shiftAt: number, shift: number): [number, number][] {
  const rand = seededRandom(seed);
  const pts: [number, number][] = [];
  for (let i = 0; i < n; i++) pts.push([T0 + i * 15 * SEC, 100 + 2 * gauss(rand) + (i >= shiftAt ? shift : 0)]);
  return pts;
}

describe('createDetector', () => {
  test('scores 0 during warm-up, low on noise, high on a level shift', () => {
    const d = createDetector(cfg);
    const pts = series(7, 300, 200, 40);
    const scores = pts.map(([t, v]) => d.update(t, v).score);
    assert.ok(scores.slice(0, cfg.warmupPoints).every((s) => s === 0));
    assert.ok(Math.max(...scores.slice(cfg.warmupPoints, 200)) < cfg.anomalyThreshold, 'noise stays below threshold');
    assert.ok(scores[200] >= 0.9, `shift scores high, got ${scores[200]}`);
  });

  test('a single outlier does not poison the baseline', () => {
    const d = createDetector(cfg);
    const pts = series(11, 200, 1e9, 0);
    pts.forEach(([t, v], i) => d.update(t, i === 100 ? 10_000 : v));
    const { expected } = d.update(T0 + 200 * 15 * SEC, 100);
    assert.ok(Math.abs(expected - 100) < 5, `baseline stays near 100, got ${expected}`);
  });

  test('learns a daily profile: the usual evening peak is not anomalous after two days', () => {
    const d = createDetector(cfg);
    const rand = seededRandom(3);
    let lastPeakScore = 1;
    for (let t = T0; t < T0 + 3 * 86_400_000; t += 5 * MIN) {
      const hour = new Date(t).getUTCHours();
      const v = (hour === 20 ? 300 : 100) + gauss(rand);
      const { score } = d.update(t, v);
      if (t >= T0 + 2 * 86_400_000 && hour === 20) lastPeakScore = Math.min(lastPeakScore, score);
    }
    assert.ok(lastPeakScore < cfg.anomalyThreshold, `peak on day 3 expected, min score ${lastPeakScore}`);
  });
});

describe('DetectorBank', () => {
  test('a sustained shift gives one anomaly per cooldown, with a deterministic id', () => {
    const bank = new DetectorBank(cfg);
    const pts = series(5, 400, 200, 50);
    const { anomalies, maxTs } = bank.runBatch(metricBatch([{ entity: 'service:a', name: 'latency', points: pts }]));
    assert.equal(maxTs, pts[399][0]);
    // 200 shifted points span 50 min, so at most 4 anomalies with a 15 min cooldown; the first at the shift.
    assert.ok(anomalies.length >= 1 && anomalies.length <= 4, `got ${anomalies.length}`);
    assert.equal(anomalies[0].time, pts[200][0]);
    assert.equal(anomalies[0].id, anomalyId('service:a|latency|', pts[200][0]));
    assert.equal(anomalies[0].entity, 'service:a');
    assert.ok(anomalies[0].expected < 110);
  });

  test('batching and point order inside a batch do not change the anomalies', () => {
    const pts = series(9, 400, 250, -30);
    const other = series(10, 400, 1e9, 0);
    const whole = new DetectorBank(cfg).runBatch(
      metricBatch([
        { entity: 'service:a', name: 'rps', points: pts },
        { entity: 'service:b', name: 'rps', points: other },
      ]),
    ).anomalies;
    const split = new DetectorBank(cfg);
    const parts = [];
    for (let i = 0; i < 400; i += 37) {
      const rev = (p: [number, number][]) => p.slice(i, i + 37).reverse();
      parts.push(...split.runBatch(metricBatch([{ entity: 'service:b', name: 'rps', points: rev(other) }, { entity: 'service:a', name: 'rps', points: rev(pts) }])).anomalies);
    }
    assert.ok(whole.length >= 1);
    assert.deepEqual(parts, whole);
  });
});

test('a discrete series that is usually 0 and sometimes 1 is judged in its own steps', () => {
  const d = createDetector(cfg);
  const rand = seededRandom(21);
  let worst = 0;
  for (let i = 0; i < 2000; i++) {
    // After warm-up, a lone 1 every so often; twice in a row sometimes.
    const v = i > 100 && rand() < 0.02 ? 1 : 0;
    if (i > 200) worst = Math.max(worst, d.update(T0 + i * 15 * SEC, v).score);
    else d.update(T0 + i * 15 * SEC, v);
  }
  assert.ok(worst < cfg.anomalyThreshold, `0 → 1 is not anomalous once seen, worst score ${worst}`);
  assert.ok(d.update(T0 + 2000 * 15 * SEC, 40).score >= 0.9, 'a jump to 40 still is');
});

test('an anomaly carries its series, the expected range, the entity score and the metrics that moved', () => {
  const bank = new DetectorBank(cfg);
  const cpu = series(31, 300, 200, 40);
  const mem = series(32, 300, 200, 30);
  const quiet = series(33, 300, 1e9, 0);
  const { anomalies } = bank.runBatch(
    metricBatch([
      { entity: 'host:h1', name: 'cpu', points: cpu },
      { entity: 'host:h1', name: 'mem', points: mem },
      { entity: 'host:h1', name: 'disk', points: quiet },
    ]),
  );
  const a = anomalies.find((x) => x.metric === 'cpu' && x.time === cpu[200][0]);
  assert.ok(a, `cpu anomaly at the shift: ${JSON.stringify(anomalies.map((x) => [x.metric, x.time]))}`);
  assert.equal(a.series, 'host:h1|cpu|');
  assert.ok(a.lower! < a.expected && a.expected < a.upper!, 'expected lies inside its range');
  assert.ok(a.value > a.upper!, 'the observed value is outside the expected range');
  assert.ok(a.entityScore! >= a.score);
  const moved = a.movers!.map((m) => m.metric).sort();
  assert.deepEqual(moved, ['cpu', 'mem'], 'cpu and mem moved, disk did not');
});
