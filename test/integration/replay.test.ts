/**
 * Event time, end to end: the same recorded telemetry replayed at full speed into one engine and at a
 * live pace (pausing between sends, as a real source does, so the engine decides during the pauses)
 * into another gives the same incidents, with the same members and the same top root cause.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Incident, IncidentDetail } from '../../core/common/schemas.ts';
import { DemoSimulator } from '../../core/demo/simulator.ts';
import { feedRange, feedTopology } from '../fixtures/demo-feed.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';

const START = Date.UTC(2026, 10, 19, 14, 0, 0);
const WARMUP = 30 * 60_000;
const LENGTH = WARMUP + 25 * 60_000;
const CHUNK = 30_000;

const engines: EngineProcess[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.stop({ removeData: true })));
});

/** Incidents reduced to what must not depend on pacing (engine-assigned alert ids do). */
async function snapshot(engine: EngineProcess) {
  const list = await engine.json<Incident[]>('/api/incidents?status=all&limit=100000');
  const details = await Promise.all(list.map((i) => engine.json<IncidentDetail>(`/api/incidents/${i.id}`)));
  return details
    .map((d) => ({
      id: d.id,
      status: d.status,
      openedAt: d.openedAt,
      top: d.rootCauses[0]?.entity ?? null,
      members: d.members.map((m) => `${m.time}|${m.kind}|${m.entity}|${m.fingerprint}`).sort(),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

test('a full-speed replay and a live-paced replay of the same hour give the same incidents', async () => {
  const feed = async (paceMs: number) => {
    const sim = new DemoSimulator({ seed: 5 });
    sim.injectFault(START + WARMUP, { kind: 'pool-exhaustion' });
    sim.injectFault(START + WARMUP + 8 * 60_000, { kind: 'bad-deploy' });
    const engine = await startEngineProcess();
    engines.push(engine);
    await feedTopology(engine, sim);
    // Full speed for the warm-up; then, for the live engine, a pause longer than the engine's idle
    // decision time after every chunk of the faulty part.
    await feedRange(engine, sim, START, START + WARMUP, { chunkMs: CHUNK });
    for (let t = START + WARMUP; t < START + LENGTH; t += CHUNK) {
      await feedRange(engine, sim, t, t + CHUNK, { chunkMs: CHUNK });
      if (paceMs) await new Promise((r) => setTimeout(r, paceMs));
    }
    await engine.json('/api/flush', { method: 'POST' });
    return snapshot(engine);
  };
  const [fast, live] = [await feed(0), await feed(300)];
  assert.ok(fast.length >= 2, `expected incidents for the two faults, got ${fast.length}`);
  assert.deepEqual(live, fast);
});
