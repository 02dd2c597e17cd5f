import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { MetricBatch } from '../common/records.ts';
import { Storage } from '../storage/storage.ts';
import { AnalyticsHost, type AnalyticsOutput } from '../workers/analytics-host.ts';
import { ReplayController } from './replay.ts';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const storages: Storage[] = [];
after(async () => {
  for (const s of storages) await s.close();
});

/** One series, one point every 15 s over [from, from + minutes). */
function burst(from: number, minutes: number): MetricBatch {
  const n = minutes * 4;
  return {
    seriesKeys: [{ key: 'service:api|cpu|', entity: 'service:api', service: 'api', host: null, name: 'cpu', unit: '', attributes: {} }],
    series: new Int32Array(n),
    ts: Float64Array.from({ length: n }, (_, i) => from + i * 15_000),
    values: Float64Array.from({ length: n }, (_, i) => 50 + (i % 7)),
  };
}

test('a full-speed replay jumps over empty stretches and still hands every point to the analytics', async () => {
  const storage = await Storage.open({ path: ':memory:' });
  storages.push(storage);
  // Three 5-minute bursts spread over ten hours: 30 s windows would be 1,200 reads.
  for (const h of [0, 5, 10]) await storage.appendMetrics(burst(T0 + h * 3_600_000, 5));
  let submitted = 0;
  const replay = new ReplayController(storage, {
    startHost: async (sink: (out: AnalyticsOutput) => Promise<void>) => {
      const host = await AnalyticsHost.start({ detectorWorkers: 1, sink });
      const submit = host.submit.bind(host);
      host.submit = (input) => {
        submitted += input.metrics?.ts.length ?? 0;
        submit(input);
      };
      return host;
    },
    sink: async () => undefined,
  });
  try {
    await replay.start({ speed: 'max' });
    await replay.whenFinished();
    const st = replay.state();
    assert.equal(st.status, 'done', st.error);
    assert.equal(submitted, 3 * 5 * 4, 'every stored point reached the analytics');
    assert.ok(st.windows <= 3 * 11 + 3, `windows read: ${st.windows}`);
    assert.ok(st.skippedMs >= 9 * 3_600_000, `skipped ${st.skippedMs} ms of empty event time`);
    assert.equal(st.clock, st.to);
  } finally {
    await replay.stop();
  }
});

test('a seek target inside an empty stretch is reached exactly, not jumped over', async () => {
  const storage = await Storage.open({ path: ':memory:' });
  storages.push(storage);
  for (const h of [0, 4]) await storage.appendMetrics(burst(T0 + h * 3_600_000, 2));
  const replay = new ReplayController(storage, { startHost: (sink) => AnalyticsHost.start({ detectorWorkers: 1, sink }), sink: async () => undefined });
  try {
    await replay.start({ speed: 1 });
    replay.pause();
    const target = T0 + 2 * 3_600_000 + 123_000;
    replay.seek(target);
    const until = Date.now() + 15_000;
    while (Date.now() < until && (replay.state().clock! < target || replay.state().seekingTo !== null)) await new Promise((r) => setTimeout(r, 25));
    // Seeking ends at the target and the replay stays paused there.
    await new Promise((r) => setTimeout(r, 100));
    const st = replay.state();
    assert.equal(st.seekingTo, null);
    assert.equal(st.status, 'paused');
    assert.equal(st.clock, target);
  } finally {
    await replay.stop();
  }
});
