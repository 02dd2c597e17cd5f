import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '@tanstack/react-query';
import type { Anomaly, Incident, Stats } from '../../../core/common/schemas.ts';
import { applyStreamEvent, prependUnique, upsertIncident } from './cache-patch.ts';
import { queryKeys } from './query-keys.ts';

function incident(id: string, over: Partial<Incident> = {}): Incident {
  return {
    id,
    title: `incident ${id}`,
    status: 'open',
    severity: 'major',
    openedAt: 1000,
    updatedAt: 1000,
    services: [],
    entities: [],
    alertCount: 1,
    rootCauses: [],
    ...over,
  };
}

describe('upsertIncident', () => {
  test('adds a new open incident to the open list', () => {
    const out = upsertIncident([incident('a')], incident('b'), 'open');
    assert.deepEqual(out?.map((i) => i.id), ['b', 'a']);
  });
  test('replaces by id with the newer version', () => {
    const out = upsertIncident([incident('a')], incident('a', { updatedAt: 2000, alertCount: 5 }), 'open');
    assert.equal(out?.length, 1);
    assert.equal(out?.[0].alertCount, 5);
  });
  test('ignores an older version', () => {
    const list = [incident('a', { updatedAt: 3000 })];
    assert.equal(upsertIncident(list, incident('a', { updatedAt: 2000 }), 'open'), list);
  });
  test('removes a resolved incident from the open list, adds it to the resolved list', () => {
    const resolved = incident('a', { status: 'resolved', updatedAt: 2000 });
    assert.deepEqual(upsertIncident([incident('a')], resolved, 'open'), []);
    assert.deepEqual(upsertIncident([], resolved, 'resolved')?.map((i) => i.id), ['a']);
  });
  test('leaves an unloaded list alone', () => {
    assert.equal(upsertIncident(undefined, incident('a'), 'open'), undefined);
  });
});

test('prependUnique skips duplicates and caps the length', () => {
  const list = [{ id: '1' }, { id: '2' }];
  assert.equal(prependUnique(list, { id: '2' }), list);
  assert.deepEqual(prependUnique(list, { id: '3' }, 2), [{ id: '3' }, { id: '1' }]);
});

describe('applyStreamEvent on a real QueryClient', () => {
  test('incident events patch the lists and stale the detail', () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.incidents('open'), [incident('a')]);
    qc.setQueryData(queryKeys.incident('b'), { ...incident('b'), members: [] });
    applyStreamEvent(qc, { type: 'incident-opened', incident: incident('b', { severity: 'critical' }) });
    assert.deepEqual(qc.getQueryData<Incident[]>(queryKeys.incidents('open'))?.map((i) => i.id), ['b', 'a']);
    assert.equal(qc.getQueryState(queryKeys.incident('b'))?.isInvalidated, true);
    applyStreamEvent(qc, { type: 'incident-resolved', incident: incident('a', { status: 'resolved', updatedAt: 5000 }) });
    assert.deepEqual(qc.getQueryData<Incident[]>(queryKeys.incidents('open'))?.map((i) => i.id), ['b']);
  });

  test('anomalies go into the recent window, stats replace, topology only refetches on a size change', () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.recentAnomalies(), []);
    qc.setQueryData(queryKeys.topology(), { nodes: [{}, {}], edges: [{}] });
    const an: Anomaly = { id: 'x', time: 1, entity: 'service:a', metric: 'm', value: 2, expected: 1, score: 0.9 };
    applyStreamEvent(qc, { type: 'anomaly-detected', anomaly: an });
    applyStreamEvent(qc, { type: 'anomaly-detected', anomaly: an });
    assert.equal(qc.getQueryData<Anomaly[]>(queryKeys.recentAnomalies())?.length, 1);

    const stats = { incidentsOpen: 3 } as Stats;
    applyStreamEvent(qc, { type: 'stats', stats });
    assert.equal(qc.getQueryData(queryKeys.stats()), stats);

    applyStreamEvent(qc, { type: 'topology-changed', nodes: 2, edges: 1 });
    assert.equal(qc.getQueryState(queryKeys.topology())?.isInvalidated, false);
    applyStreamEvent(qc, { type: 'topology-changed', nodes: 3, edges: 1 });
    assert.equal(qc.getQueryState(queryKeys.topology())?.isInvalidated, true);
  });

  test('hello invalidates everything loaded', () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.stats(), {});
    qc.setQueryData(queryKeys.incidents('open'), []);
    applyStreamEvent(qc, { type: 'hello', demo: true, serverTime: 0 });
    assert.equal(qc.getQueryState(queryKeys.stats())?.isInvalidated, true);
    assert.equal(qc.getQueryState(queryKeys.incidents('open'))?.isInvalidated, true);
  });

  test('an unknown event type is reported as not handled', () => {
    const qc = new QueryClient();
    assert.equal(applyStreamEvent(qc, { type: 'nope' } as never), false);
  });
});
