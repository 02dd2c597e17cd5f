/** Migration 300: anomalies keep their series, expected range, entity score and movers across a write/read. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Anomaly } from '../common/schemas.ts';
import { Storage } from './storage.ts';

test('anomaly detail fields survive storage; anomalies without them still read', async () => {
  const s = await Storage.open({ path: ':memory:', memoryLimit: '256MB', threads: 1 });
  try {
    const t = Date.parse('2026-01-01T00:00:00Z');
    const a1Written: Anomaly = {
      id: 'a1',
      time: t,
      entity: 'host:h1',
      metric: 'cpu',
      value: 95,
      expected: 40,
      score: 0.9,
      series: 'host:h1|cpu|',
      lower: 30,
      upper: 50,
      entityScore: 0.95,
      movers: [
        { series: 'host:h1|cpu|', metric: 'cpu', score: 0.9 },
        { series: 'host:h1|mem|', metric: 'mem', score: 0.7 },
      ],
    };
    await s.appendAnomalies([
      a1Written,
      { id: 'a0', time: t - 1000, entity: 'host:h1', metric: 'mem', value: 1, expected: 1, score: 0.7 },
    ]);
    const [a1, a0] = await s.listAnomalies({});
    assert.deepEqual(a1, a1Written);
    assert.deepEqual(a0, { id: 'a0', time: t - 1000, entity: 'host:h1', metric: 'mem', value: 1, expected: 1, score: 0.7 });
  } finally {
    await s.close();
  }
});
