import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, Change, Incident } from '../../../../core/common/schemas.ts';
import { bucketAnomalies, changesInRange, labelledMarks, probableCause, rankIncidents } from './wall-model.ts';

const inc = (id: string, over: Partial<Incident>): Incident => ({
  id,
  title: id,
  status: 'open',
  severity: 'minor',
  openedAt: 0,
  updatedAt: 0,
  services: [],
  entities: [],
  alertCount: 1,
  rootCauses: [],
  ...over,
});

test('rankIncidents: severity first, then most recently updated; resolved dropped', () => {
  const out = rankIncidents([
    inc('a', { severity: 'minor', updatedAt: 50 }),
    inc('b', { severity: 'critical', updatedAt: 10 }),
    inc('c', { severity: 'critical', updatedAt: 20 }),
    inc('d', { severity: 'critical', status: 'resolved', updatedAt: 99 }),
    inc('e', { severity: 'warning', updatedAt: 99 }),
  ]);
  assert.deepEqual(out.map((i) => i.id), ['c', 'b', 'a', 'e']);
});

test('bucketAnomalies counts per kind per aligned bucket and tracks the max score', () => {
  const a = (time: number, entity: string, score = 0.5): Anomaly => ({ id: `${time}${entity}`, time, entity, metric: 'm', value: 0, expected: 0, score });
  const b = bucketAnomalies(
    [a(1000, 'service:x'), a(1500, 'service:y', 0.9), a(2500, 'host:h'), a(2600, 'service:x'), a(9000, 'service:x'), a(100, 'service:x')],
    1100,
    3000,
    1000,
  );
  assert.deepEqual(b.times, [1000, 2000]);
  assert.deepEqual(b.series, [
    { kind: 'service', counts: [2, 1] },
    { kind: 'host', counts: [0, 1] },
  ]);
  assert.deepEqual(b.maxScore, [0.9, 0.5]);
});

test('changesInRange sorts and filters', () => {
  const c = (id: string, time: number): Change => ({ id, time, service: 's', entity: 'service:s', kind: 'deploy', summary: id });
  assert.deepEqual(changesInRange([c('b', 30), c('a', 10), c('z', 99)], 0, 50).map((x) => x.id), ['a', 'b']);
});

test('probableCause takes the top-ranked candidate', () => {
  assert.equal(probableCause(inc('x', {})), null);
  assert.deepEqual(
    probableCause(inc('x', { rootCauses: [{ entity: 'database:db', score: 0.8, evidence: [] }, { entity: 'host:h', score: 0.3, evidence: [] }] })),
    { entity: 'database:db', score: 0.8 },
  );
});

test('labelledMarks skips marks too close to the previous labelled one', () => {
  assert.deepEqual([...labelledMarks([0, 5, 10, 12, 30], 10)], [0, 2, 4]);
  assert.deepEqual([...labelledMarks([], 10)], []);
});
