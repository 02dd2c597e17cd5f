/**
 * Event time, end to end: the same recorded telemetry replayed at full speed into one engine and at a
 * live pace (pausing between sends, as a real source does, so the engine decides during the pauses)
 * into another gives the same incidents, with the same members and the same top root cause.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { feedRange, feedTopology } from '../fixtures/demo-feed.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';
import {
  HOUR_CHUNK as CHUNK,
  HOUR_LENGTH as LENGTH,
  HOUR_START as START,
  HOUR_WARMUP as WARMUP,
  incidentSnapshot as snapshot,
  recordedHourSimulator,
} from '../fixtures/recorded-hour.ts';

const engines: EngineProcess[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.stop({ removeData: true })));
});

test('a full-speed replay and a live-paced replay of the same hour give the same incidents', async () => {
  const feed = async (paceMs: number) => {
    const sim = recordedHourSimulator();
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
