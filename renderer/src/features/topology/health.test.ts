import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, Incident, Topology } from '../../../../core/common/schemas.ts';
import { computeHealth } from './health.ts';

const topo: Topology = {
  nodes: [
    { id: 'service:api', kind: 'service', name: 'api' },
    { id: 'service:cart', kind: 'service', name: 'cart' },
    { id: 'db1', kind: 'database', name: 'orders-db' },
    { id: 'host:h1', kind: 'host', name: 'h1' },
    { id: 'host:h2', kind: 'host', name: 'h2' },
  ],
  edges: [],
};

function inc(id: string, over: Partial<Incident>): Incident {
  return {
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
  };
}

const anomaly = (entity: string): Anomaly => ({ id: entity, time: 0, entity, metric: 'm', value: 1, expected: 0, score: 1 });

test('worst open severity wins; anomalies only colour otherwise healthy nodes', () => {
  const h = computeHealth(
    topo,
    [
      inc('a', { severity: 'minor', entities: ['service:api', 'database:orders-db'] }),
      inc('b', { severity: 'critical', services: ['api'] }),
      inc('c', { severity: 'critical', status: 'resolved', entities: ['host:h2'] }),
    ],
    [anomaly('service:api'), anomaly('host:h1'), anomaly('host:h1')],
  );
  assert.equal(h.get('service:api')?.health, 'critical');
  assert.deepEqual(h.get('service:api')?.incidentIds, ['a', 'b']);
  assert.equal(h.get('db1')?.health, 'minor', 'matched through kind:name');
  assert.equal(h.get('host:h1')?.health, 'anomaly');
  assert.equal(h.get('host:h1')?.anomalyCount, 2);
  assert.equal(h.has('host:h2'), false, 'resolved incidents do not colour');
  assert.equal(h.has('service:cart'), false);
});

test('top root cause and lower candidates are flagged separately', () => {
  const h = computeHealth(
    topo,
    [
      inc('a', {
        entities: ['service:api'],
        rootCauses: [
          { entity: 'database:orders-db', score: 0.8, evidence: [] },
          { entity: 'host:h1', score: 0.4, evidence: [] },
          { entity: 'unknown:x', score: 0.1, evidence: [] },
        ],
      }),
    ],
    [],
  );
  assert.equal(h.get('db1')?.rootCause, true);
  assert.equal(h.get('host:h1')?.rootCause, false);
  assert.equal(h.get('host:h1')?.candidate, true);
  assert.equal(h.get('host:h1')?.health, 'healthy', 'a candidate alone is not unhealthy');
});
