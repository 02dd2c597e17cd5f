import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Topology } from '../../../../core/common/schemas.ts';
import { edgeKey, incidentSubgraph } from './subgraph.ts';

const e = (source: string, target: string): Topology['edges'][number] => ({ source, target, kind: 'calls', origin: 'declared' });
const n = (id: string): Topology['nodes'][number] => ({ id, kind: id.split(':')[0], name: id.split(':')[1] });

const topo: Topology = {
  nodes: ['service:web', 'service:api', 'service:cart', 'database:db', 'host:h1', 'service:other'].map(n),
  edges: [e('service:web', 'service:api'), e('service:api', 'service:cart'), e('service:cart', 'database:db'), e('database:db', 'host:h1'), e('service:other', 'host:h1')],
};

test('follows dependency edges from each symptom to the cause', () => {
  const g = incidentSubgraph(topo, ['service:web', 'service:api'], 'database:db');
  assert.equal(g.causeId, 'database:db');
  assert.deepEqual([...g.pathNodes].sort(), ['database:db', 'service:api', 'service:cart', 'service:web']);
  assert.ok(g.pathEdges.has(edgeKey('service:cart', 'database:db')));
  assert.ok(!g.pathEdges.has(edgeKey('database:db', 'host:h1')));
  assert.ok(g.nodeIds.has('host:h1'), 'neighbours of the cause are shown');
  assert.ok(!g.nodeIds.has('service:other'));
});

test('falls back to an undirected path when the cause is upstream', () => {
  const g = incidentSubgraph(topo, ['service:other'], 'database:db');
  assert.deepEqual([...g.pathNodes].sort(), ['database:db', 'host:h1', 'service:other']);
});

test('no cause: only the symptoms, unknown entities dropped', () => {
  const g = incidentSubgraph(topo, ['service:web', 'service:nope'], null);
  assert.deepEqual([...g.nodeIds], ['service:web']);
  assert.equal(g.pathEdges.size, 0);
});
