import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, Change } from '../../../../core/common/schemas.ts';
import { inWindow, rangeBounds, rangeEndingAt, windowFromBrush } from './timeline-model.ts';

test('rangeBounds ends on the next minute', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 30);
  assert.deepEqual(rangeBounds('1h', now), { from: Date.UTC(2026, 0, 1, 11, 1), to: Date.UTC(2026, 0, 1, 12, 1) });
});

test('inWindow filters and orders', () => {
  const a = (id: string, time: number, score: number): Anomaly => ({ id, time, score, entity: 'service:x', metric: 'm', value: 0, expected: 0 });
  const c = (id: string, time: number): Change => ({ id, time, service: 's', entity: 'service:s', kind: 'deploy', summary: '' });
  const w = inWindow([a('1', 5, 0.2), a('2', 6, 0.9), a('3', 50, 1)], [c('x', 9), c('y', 4), c('z', 99)], 0, 10);
  assert.deepEqual(w.anomalies.map((x) => x.id), ['2', '1']);
  assert.deepEqual(w.changes.map((x) => x.id), ['y', 'x']);
});

test('windowFromBrush reads the lineX range, either direction', () => {
  assert.deepEqual(windowFromBrush({ areas: [{ coordRange: [20, 10] }] }), [10, 20]);
  assert.equal(windowFromBrush({ areas: [] }), null);
  assert.equal(windowFromBrush(null), null);
});

test('rangeEndingAt ends exactly at a replay clock', () => {
  const t = Date.UTC(2026, 0, 1, 12, 0, 30);
  assert.deepEqual(rangeEndingAt('1h', t), { from: t - 3_600_000, to: t });
});
