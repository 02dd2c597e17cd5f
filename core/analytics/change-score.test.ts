import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { entityChanges, medianIqr, metricFamily, rankByChange, seriesChange, symptomWindows } from './change-score.ts';
import { TopologyGraph } from './topology.ts';

const flat = (v: number, n = 40, wobble = 0.02) => Array.from({ length: n }, (_, i) => v * (1 + wobble * Math.sin(i)));

describe('robust change scoring', () => {
  test('median and IQR ignore non-finite values', () => {
    assert.deepEqual(medianIqr([1, 2, NaN, 3, 4, Infinity]), { median: 2.5, iqr: 1.5, maxAbs: 4, count: 4 });
    assert.equal(medianIqr([NaN]), null);
  });

  test('a series needs a few normal values; an idle series ticking to 1 is not a huge change', () => {
    assert.equal(seriesChange({ entity: 'a', metric: 'm', normal: [1, 2], anomalous: [9] }), null);
    const idle = seriesChange({ entity: 'a', metric: 'req', normal: [0, 0, 0, 0, 1, 0, 0], anomalous: [1] });
    assert.ok(idle && idle.score <= 20, `score ${idle?.score}`);
    assert.equal(seriesChange({ entity: 'a', metric: 'req', normal: [0, 0, 0, 0], anomalous: [5] }), null);
  });

  test('change is measured in IQRs from the median, largest anomalous point', () => {
    const c = seriesChange({ entity: 'a', metric: 'lat', normal: [10, 11, 12, 13, 14], anomalous: [12, 30, 20] })!;
    assert.equal(c.value, 30);
    assert.equal(c.median, 12);
    assert.equal(c.score, 18 / 2);
  });

  test('the cause below its symptoms ranks first although the symptom at the top changed more', () => {
    // frontend → api → db; db slows down, api and frontend slow down more in robust units.
    const g = TopologyGraph.from({
      nodes: [],
      edges: [
        { source: 'frontend', target: 'api', kind: 'calls', origin: 'declared' },
        { source: 'api', target: 'db', kind: 'calls', origin: 'declared' },
        { source: 'frontend', target: 'cdn', kind: 'calls', origin: 'declared' },
      ],
    });
    const changes = entityChanges([
      { entity: 'frontend', metric: 'lat', normal: flat(100), anomalous: [900] },
      { entity: 'api', metric: 'lat', normal: flat(50), anomalous: [500] },
      { entity: 'db', metric: 'lat', normal: flat(5), anomalous: [30] },
      { entity: 'cdn', metric: 'lat', normal: flat(20), anomalous: [20.5] },
    ]);
    assert.ok(changes.get('frontend')!.score > changes.get('db')!.score);
    const ranked = rankByChange(changes, g);
    assert.equal(ranked[0].entity, 'db');
    assert.equal(ranked[0].score, 1);
    assert.deepEqual(ranked[0].explains, ['api', 'frontend']);
    assert.equal(ranked.find((c) => c.entity === 'api')!.explainedBy, 'db');
    assert.equal(ranked.at(-1)!.entity, 'cdn');
    for (const c of ranked) assert.ok(c.score >= 0 && c.score <= 1);
  });

  test("the symptom's metric family is ranked: a noisy latency percentile does not outrank lost availability", () => {
    const windows = [
      { entity: 'quiet-node', metric: 'latency.p99', normal: flat(10), anomalous: [400] },
      { entity: 'failing', metric: 'availability.Average', normal: flat(100, 40, 0.001), anomalous: [90] },
      { entity: 'failing', metric: 'latency.p99', normal: flat(20), anomalous: [21] },
    ];
    const g = new TopologyGraph();
    assert.equal(rankByChange(entityChanges(windows), g)[0].entity, 'quiet-node');
    const own = symptomWindows(windows, 'availability');
    assert.deepEqual(own.map((w) => w.entity), ['failing']);
    assert.equal(rankByChange(entityChanges(own), g)[0].entity, 'failing');
    assert.equal(metricFamily('latency.p95'), 'latency');
    // No window of that family, or no symptom known: every window counts.
    assert.equal(symptomWindows(windows, 'requests').length, 3);
    assert.equal(symptomWindows(windows, null).length, 3);
  });
});
