/**
 * Time travel over the API: the topology as of an event time holds only the nodes and edges the
 * telemetry had revealed by then, and while a replay runs the stats carry its clock (`asOf`), which
 * the views follow.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ReplayStateBody } from '../../core/common/forensics-schemas.ts';
import type { Stats, Topology } from '../../core/common/schemas.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';
import { feedGrowingEstate, GROW_T0, GROW_T1 } from '../fixtures/growing-estate.ts';

let engine: EngineProcess;
before(async () => {
  engine = await startEngineProcess();
  await feedGrowingEstate(engine);
  await engine.json('/api/flush', { method: 'POST' });
});
after(async () => {
  await engine?.stop({ removeData: true });
});

const ids = (t: Topology) => ({ nodes: t.nodes.map((n) => n.id).sort(), edges: t.edges.map((e) => `${e.source}>${e.target}`).sort() });

test('GET /api/topology?asOf shows the estate as it was at that event time', async () => {
  const before = ids(await engine.json<Topology>(`/api/topology?asOf=${GROW_T0 + 10 * 60_000}`));
  assert.deepEqual(before, { nodes: ['host:web-1', 'service:api'], edges: ['service:api>host:web-1'] });
  const later = ids(await engine.json<Topology>(`/api/topology?asOf=${GROW_T1 + 60_000}`));
  assert.deepEqual(later, {
    nodes: ['host:db-1', 'host:web-1', 'service:api', 'service:billing'],
    edges: ['service:api>host:web-1', 'service:billing>host:db-1'],
  });
  assert.deepEqual(ids(await engine.json<Topology>(`/api/topology?asOf=${GROW_T0 - 1}`)), { nodes: [], edges: [] });
  // Without asOf: everything, as before.
  assert.deepEqual(ids(await engine.json<Topology>('/api/topology')), later);
  const bad = await engine.api('/api/topology?asOf=yesterday');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, 'asOf');
});

test('a replay puts its clock in the stats (asOf) and the as-of topology follows a seek', async () => {
  assert.equal((await engine.json<Stats>('/api/stats')).asOf, undefined, 'no asOf before any replay');
  await engine.json('/api/replay', { body: { speed: 1 } });
  await engine.json('/api/replay/pause', { method: 'POST' });
  for (const target of [GROW_T0 + 12 * 60_000, GROW_T1 + 2 * 60_000, GROW_T0 + 5 * 60_000]) {
    await engine.json('/api/replay/seek', { body: { time: target } });
    const until = Date.now() + 60_000;
    let s = await engine.json<ReplayStateBody>('/api/replay');
    while ((s.clock !== target || s.seekingTo !== null) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      s = await engine.json<ReplayStateBody>('/api/replay');
    }
    assert.equal(s.clock, target, `replay clock reached ${target}: ${JSON.stringify(s)}`);
    assert.equal(s.status, 'paused');
    const stats = await engine.json<Stats>('/api/stats');
    assert.equal(stats.asOf, target);
    const topo = ids(await engine.json<Topology>(`/api/topology?asOf=${stats.asOf}`));
    assert.equal(topo.nodes.includes('service:billing'), target >= GROW_T1, `billing present as of ${new Date(target).toISOString()}`);
  }
  await engine.json('/api/replay/stop', { method: 'POST' });
  assert.equal((await engine.json<Stats>('/api/stats')).asOf, undefined, 'a stopped replay hands the views back to the live estate');
});
