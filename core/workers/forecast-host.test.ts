import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertRecord, MetricBatch } from '../common/records.ts';
import { CapacityForecastBank } from '../analytics/forecast/capacity-bank.ts';
import { forecastConfigFor } from '../analytics/forecast/engine-config.ts';
import { ForecastHost } from './forecast-host.ts';

const T0 = Date.UTC(2026, 10, 16, 6);
const MIN = 60_000;

/** One batch per minute: db-host-3's disk fills at 1%/min from 50%, a steady host beside it. */
function batches(): MetricBatch[] {
  const keys = ['host:db-host-3', 'host:db-host-4'].map((entity) => ({
    key: `${entity}|system.filesystem.utilization|/`,
    entity,
    service: null,
    host: entity.slice(5),
    name: 'system.filesystem.utilization',
    unit: '1',
    attributes: {},
  }));
  const out: MetricBatch[] = [];
  for (let m = 0; m < 180; m++) {
    const fill = m < 60 ? 0.5 : 0.5 + (m - 60) * 0.0035;
    out.push({ seriesKeys: keys, series: Int32Array.from([0, 1]), ts: Float64Array.from([T0 + m * MIN, T0 + m * MIN]), values: Float64Array.from([fill, 0.4 + 0.001 * Math.sin(m)]) });
  }
  return out;
}

let host: ForecastHost;
before(async () => {
  host = await ForecastHost.start({ demo: false, idPrefix: 'eng1-fc' });
});
after(async () => {
  await host?.close();
});

test('the forecast worker gives the same early warnings and forecasts as the bank on the main thread', async () => {
  const local = new CapacityForecastBank(forecastConfigFor({ demo: false }));
  const fromWorker: AlertRecord[] = [];
  const fromLocal: AlertRecord[] = [];
  for (const b of batches()) {
    fromWorker.push(...(await host.observe(b, T0)));
    fromLocal.push(...local.observe(b, T0));
  }
  assert.ok(fromWorker.length > 0, 'the filling disk was warned about');
  assert.deepEqual(
    fromWorker.map((w) => [w.time, w.status, w.title, w.entity]),
    fromLocal.map((w) => [w.time, w.status, w.title, w.entity]),
  );
  assert.ok(fromWorker.every((w) => w.id.startsWith('eng1-fc-')), 'ids carry the engine prefix');
  const remote = await host.forecasts();
  assert.deepEqual(remote, local.forecasts());
  assert.equal(remote.forecasts[0].entity, 'host:db-host-3', 'the filling disk comes first');
});

test('a malformed request gets an error naming the field, and the worker carries on', async () => {
  const ok = { type: 'observe', receivedAt: T0, newKeys: [], keyIds: new Int32Array(0), series: new Int32Array(0), ts: new Float64Array(0), values: new Float64Array(0) };
  await assert.rejects(host.request({ ...ok, series: new Int32Array(2), ts: new Float64Array(1), values: new Float64Array(1) }), /series: observe: series, ts and values differ in length/);
  await assert.rejects(host.request({ ...ok, ts: [1] }), /ts: must be a Float64Array/);
  await assert.rejects(host.request({ ...ok, keyIds: Int32Array.from([987_654]) }), /keyIds\.0: unknown series key id 987654/);
  await assert.rejects(host.request({ ...ok, keyIds: Int32Array.from([0]), series: Int32Array.from([1]), ts: Float64Array.from([T0]), values: Float64Array.from([1]) }), /series\.0: index 1 is outside/);
  await assert.rejects(
    host.request({ ...ok, newKeys: [{ id: 99_999, key: 'k', entity: '', service: null, host: null, name: 'n', unit: '1' }] }),
    /newKeys\.0\.entity: must be a non-empty string/,
  );
  await assert.rejects(host.request({ type: 'nope' }), (e: Error & { code?: string }) => e.code === 'invalid_request');
  const after = await host.forecasts();
  assert.equal(after.forecasts.length, 2);
  // The bank still takes batches after the refusals: a new series is defined and forecast.
  const fresh = { key: 'host:db-host-5|system.filesystem.utilization|/', entity: 'host:db-host-5', service: null, host: 'db-host-5', name: 'system.filesystem.utilization', unit: '1', attributes: {} };
  await host.observe({ seriesKeys: [fresh], series: Int32Array.from([0]), ts: Float64Array.from([T0 + 200 * MIN]), values: Float64Array.from([0.3]) }, T0);
  assert.equal((await host.forecasts()).forecasts.length, 3);
});

test('a refused batch does not lose its series keys: the next batch defines them again', async () => {
  const h = await ForecastHost.start({ demo: false });
  try {
    const key = { key: 'host:h1|system.filesystem.utilization|/', entity: 'host:h1', service: null, host: 'h1', name: 'system.filesystem.utilization', unit: '1', attributes: {} };
    // Lengths differ: refused, after the host gave the key an id.
    await assert.rejects(h.observe({ seriesKeys: [key], series: Int32Array.from([0, 0]), ts: Float64Array.from([T0]), values: Float64Array.from([0.5]) }, T0), /differ in length/);
    await h.observe({ seriesKeys: [key], series: Int32Array.from([0]), ts: Float64Array.from([T0 + MIN]), values: Float64Array.from([0.5]) }, T0);
    const f = await h.forecasts();
    assert.deepEqual(f.forecasts.map((x) => x.entity), ['host:h1']);
  } finally {
    await h.close();
  }
});
