import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyPayload } from '../common/schemas.ts';
import { buildEstate, estateTopology, hostsOf, indexEstate, callersOf } from './estate.ts';

describe('buildEstate', () => {
  const estate = buildEstate(1);
  const index = indexEstate(estate);

  test('has at least 150 entities with unique canonical ids, two regions and every kind', () => {
    assert.ok(estate.nodes.length >= 150, `only ${estate.nodes.length} entities`);
    const ids = new Set(estate.nodes.map((n) => n.id));
    assert.equal(ids.size, estate.nodes.length, 'duplicate ids');
    for (const n of estate.nodes) assert.equal(n.id, `${n.kind}:${n.name}`);
    assert.deepEqual(
      estate.regions.map((r) => r.name),
      ['eu-west', 'us-east'],
    );
    const kinds = new Set(estate.nodes.map((n) => n.kind));
    for (const k of ['service', 'host', 'database', 'queue', 'loadbalancer', 'region']) assert.ok(kinds.has(k as never), `no ${k}`);
    const perRegion = (kind: string, region: string) => estate.nodes.filter((n) => n.kind === kind && n.region === region).length;
    for (const r of estate.regions) {
      assert.ok(perRegion('service', r.name) >= 12 && perRegion('service', r.name) <= 15);
      assert.equal(perRegion('loadbalancer', r.name), 1);
    }
  });

  test('every edge joins known entities, and the graph is connected and acyclic', () => {
    for (const e of estate.edges) {
      assert.ok(index.byId.has(e.source), `unknown source ${e.source}`);
      assert.ok(index.byId.has(e.target), `unknown target ${e.target}`);
    }
    // Connected, ignoring direction.
    const adj = new Map<string, string[]>(estate.nodes.map((n) => [n.id, []]));
    for (const e of estate.edges) {
      adj.get(e.source)!.push(e.target);
      adj.get(e.target)!.push(e.source);
    }
    const seen = new Set<string>([estate.nodes[0].id]);
    const stack = [estate.nodes[0].id];
    while (stack.length) for (const m of adj.get(stack.pop()!)!) if (!seen.has(m)) (seen.add(m), stack.push(m));
    assert.equal(seen.size, estate.nodes.length, 'the estate is not connected');
    // Acyclic: Kahn's algorithm consumes every node only when there is no cycle.
    const indeg = new Map<string, number>(estate.nodes.map((n) => [n.id, 0]));
    for (const e of estate.edges) indeg.set(e.target, indeg.get(e.target)! + 1);
    const queue = [...indeg].filter(([, d]) => d === 0).map(([id]) => id);
    let visited = 0;
    while (queue.length) {
      const id = queue.pop()!;
      visited++;
      for (const e of index.dependencies.get(id)!) {
        indeg.set(e.target, indeg.get(e.target)! - 1);
        if (indeg.get(e.target) === 0) queue.push(e.target);
      }
    }
    assert.equal(visited, estate.nodes.length, 'the dependency graph has a cycle');
  });

  test('calls flow load balancer → edge services → domain services → databases and queues', () => {
    for (const r of estate.regions) {
      const reach = new Set<string>([r.loadBalancer]);
      const stack = [r.loadBalancer];
      while (stack.length) {
        for (const e of index.dependencies.get(stack.pop()!)!) {
          if (e.kind !== 'runs_on' && !reach.has(e.target)) (reach.add(e.target), stack.push(e.target));
        }
      }
      const lbTargets = index.dependencies.get(r.loadBalancer)!.filter((e) => e.kind === 'calls').map((e) => e.target);
      assert.deepEqual(lbTargets.sort(), [`service:api-gateway-${r.suffix}`, `service:frontend-${r.suffix}`]);
      for (const n of estate.nodes) {
        if (n.region !== r.name) continue;
        if (n.kind === 'database' || n.kind === 'queue') assert.ok(reach.has(n.id), `${n.id} not reachable from ${r.loadBalancer}`);
        // Only the queue consumer `notifications` is called by nobody.
        if (n.kind === 'service' && !n.name.startsWith('notifications')) assert.ok(reach.has(n.id), `${n.id} not reachable`);
      }
    }
  });

  test('services run on 2–3 hosts, databases on two and each has callers', () => {
    for (const n of estate.nodes) {
      if (n.kind === 'service') {
        const hosts = hostsOf(index, n.id);
        assert.ok(hosts.length >= 2 && hosts.length <= 3, `${n.id} runs on ${hosts.length} hosts`);
        for (const h of hosts) assert.equal(index.byId.get(h)?.kind, 'host');
      }
      if (n.kind === 'database') {
        assert.equal(hostsOf(index, n.id).length, 2);
        assert.ok(callersOf(index, n.id).length >= 1, `${n.id} has no callers`);
      }
    }
  });

  test('is deterministic per seed and only the fleet varies between seeds', () => {
    assert.deepEqual(buildEstate(1), estate);
    const other = buildEstate(2);
    assert.notDeepEqual(other.nodes, estate.nodes);
    const services = (e: typeof estate) => e.nodes.filter((n) => n.kind === 'service').map((n) => n.id);
    assert.deepEqual(services(other), services(estate));
  });

  test('estateTopology is a valid POST /ingest/topology payload', () => {
    const payload = estateTopology(estate);
    const parsed = TopologyPayload.safeParse(JSON.parse(JSON.stringify(payload)));
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.equal(parsed.data.nodes.length, estate.nodes.length);
    assert.equal(parsed.data.edges.length, estate.edges.length);
  });
});
