import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Topology } from '../../../../core/common/schemas.ts';
import { assignRegions, GLOBAL_GROUP, layoutTopology } from './layout.ts';

/** A small two-region estate plus a region-less node; `shuffle` reorders nodes and edges. */
function estate(shuffle = false): Topology {
  const nodes: Topology['nodes'] = [
    { id: 'region:eu', kind: 'region', name: 'eu' },
    { id: 'region:us', kind: 'region', name: 'us' },
    { id: 'loadbalancer:eu-lb', kind: 'loadbalancer', name: 'eu-lb' },
    { id: 'service:checkout', kind: 'service', name: 'checkout', attributes: { region: 'eu' } },
    { id: 'service:cart', kind: 'service', name: 'cart' },
    { id: 'database:orders-db', kind: 'database', name: 'orders-db' },
    { id: 'host:eu-1', kind: 'host', name: 'eu-1' },
    { id: 'host:eu-2', kind: 'host', name: 'eu-2' },
    { id: 'host:us-1', kind: 'host', name: 'us-1' },
    { id: 'service:search', kind: 'service', name: 'search' },
    { id: 'service:lonely', kind: 'service', name: 'lonely' },
  ];
  const edges: Topology['edges'] = [
    { source: 'host:eu-1', target: 'region:eu', kind: 'depends_on', origin: 'declared' },
    { source: 'host:eu-2', target: 'region:eu', kind: 'depends_on', origin: 'declared' },
    { source: 'host:us-1', target: 'region:us', kind: 'depends_on', origin: 'declared' },
    { source: 'loadbalancer:eu-lb', target: 'service:checkout', kind: 'calls', origin: 'declared' },
    { source: 'service:checkout', target: 'service:cart', kind: 'calls', origin: 'traces' },
    { source: 'service:cart', target: 'database:orders-db', kind: 'calls', origin: 'declared' },
    { source: 'service:cart', target: 'host:eu-2', kind: 'runs_on', origin: 'declared' },
    { source: 'database:orders-db', target: 'host:eu-1', kind: 'runs_on', origin: 'declared' },
    { source: 'service:search', target: 'host:us-1', kind: 'runs_on', origin: 'declared' },
    { source: 'service:search', target: 'service:ghost', kind: 'calls', origin: 'traces' },
  ];
  if (shuffle) {
    nodes.reverse();
    edges.reverse();
  }
  return { nodes, edges };
}

describe('assignRegions', () => {
  test('uses attributes, region edges, then neighbours; the rest is global', () => {
    const r = assignRegions(estate());
    assert.equal(r.get('service:checkout'), 'eu');
    assert.equal(r.get('host:eu-1'), 'eu');
    assert.equal(r.get('host:us-1'), 'us');
    assert.equal(r.get('service:cart'), 'eu', 'via its host and caller');
    assert.equal(r.get('database:orders-db'), 'eu');
    assert.equal(r.get('loadbalancer:eu-lb'), 'eu');
    assert.equal(r.get('service:search'), 'us');
    assert.equal(r.get('service:lonely'), GLOBAL_GROUP);
  });
});

describe('layoutTopology', () => {
  test('places every node once, without overlaps', () => {
    const topo = estate();
    const { positions } = layoutTopology(topo);
    const nonRegion = topo.nodes.filter((n) => n.kind !== 'region');
    assert.equal(positions.size, nonRegion.length);
    const seen = new Set([...positions.values()].map((p) => `${p.x},${p.y}`));
    assert.equal(seen.size, positions.size, 'no two nodes share a position');
  });

  test('is deterministic regardless of input order', () => {
    const a = layoutTopology(estate());
    const b = layoutTopology(estate(true));
    assert.deepEqual([...a.positions].sort(), [...b.positions].sort());
  });

  test('puts tiers in rows: load balancer above service above database above host', () => {
    const { positions: p } = layoutTopology(estate());
    assert.ok(p.get('loadbalancer:eu-lb')!.y < p.get('service:checkout')!.y);
    assert.ok(p.get('service:cart')!.y < p.get('database:orders-db')!.y);
    assert.ok(p.get('database:orders-db')!.y < p.get('host:eu-1')!.y);
  });

  test('keeps each region inside its own box, global last', () => {
    const l = layoutTopology(estate());
    assert.deepEqual(l.groups.map((g) => g.name), ['eu', 'us', GLOBAL_GROUP]);
    for (const g of l.groups) {
      for (const id of g.members) {
        const p = l.positions.get(id)!;
        assert.ok(p.x >= g.x && p.x <= g.x + g.width && p.y >= g.y && p.y <= g.y + g.height, `${id} in ${g.name}`);
      }
    }
    assert.equal(l.groups[0].regionNodeId, 'region:eu');
    assert.equal(l.groupOf.get('region:eu'), 'eu');
  });

  test('scales: 3,000 nodes lay out quickly and stay roughly at the requested aspect', () => {
    const nodes: Topology['nodes'] = [];
    const edges: Topology['edges'] = [];
    const kinds = ['service', 'database', 'host', 'pod', 'queue'];
    for (let i = 0; i < 3000; i++) {
      nodes.push({ id: `n${i}`, kind: kinds[i % kinds.length], name: `n${i}`, attributes: { region: `r${i % 4}` } });
      if (i > 0) edges.push({ source: `n${i}`, target: `n${(i * 7919) % i}`, kind: 'calls', origin: 'declared' });
    }
    const t0 = performance.now();
    const l = layoutTopology({ nodes, edges }, { aspect: 2 });
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(l.positions.size, 3000);
    const ratio = l.width / l.height;
    assert.ok(ratio > 0.8 && ratio < 5, `aspect ${ratio}`);
  });
});
