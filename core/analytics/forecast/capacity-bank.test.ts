import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRecord, MetricBatch, SeriesKey } from '../../common/records.ts';
import { CapacityCatalog } from './capacity.ts';
import { CapacityForecastBank, FORECAST_SOURCE } from './capacity-bank.ts';
import { TrendTracker } from './trend.ts';
import type { FailureModel } from './failure-risk.ts';
import { ForecastsResponseSchema } from '../../workers/forecast-protocol.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-16T06:00:00Z');

function key(entity: string, name: string, unit = '1', host: string | null = null): SeriesKey {
  return { key: `${entity}|${name}`, entity, service: null, host, name, unit, attributes: {} };
}

/** One batch of single points, one per series. */
function batch(points: [SeriesKey, number, number][]): MetricBatch {
  const keys: SeriesKey[] = [];
  const idx = new Map<string, number>();
  const series = new Int32Array(points.length);
  points.forEach(([k], i) => {
    if (!idx.has(k.key)) idx.set(k.key, keys.push(k) - 1);
    series[i] = idx.get(k.key)!;
  });
  return { seriesKeys: keys, series, ts: Float64Array.from(points.map((p) => p[1])), values: Float64Array.from(points.map((p) => p[2])) };
}

test('capacity recognition: semantic conventions, units, operator limits; limits themselves are not forecast', () => {
  const c = new CapacityCatalog([{ metric: 'process.memory.*', limit: 2e9 }]);
  assert.deepEqual(c.recognise('system.filesystem.utilization', '1', 'host:a'), { resource: 'disk', capacity: 1, capacityFrom: [], source: 'unit' });
  assert.equal(c.recognise('system.memory.utilization', '1', 'host:a')?.resource, 'memory');
  assert.deepEqual(c.recognise('db.client.connection.count', '{connection}', 'database:x')?.capacityFrom, ['db.client.connection.max']);
  assert.equal(c.recognise('process.memory.usage', 'By', 'service:s')?.capacity, 2e9);
  assert.equal(c.recognise('db.client.connection.max', '{connection}', 'database:x'), null);
  assert.equal(c.recognise('http.server.request.rate', '{request}/s', 'service:s'), null);
  assert.equal(c.recognise('system.cpu.utilization', '1', 'host:a'), null, 'cpu is load, not a capacity that runs out');
});

test('trend: a steady fill predicts the crossing with an interval around the truth; flat noise predicts none', () => {
  const t = new TrendTracker();
  // 0.30 → rising 0.3 per hour for two hours: 0.95 is reached 130 min after the start.
  let seed = 1;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.004;
  for (let i = 0; i <= 120; i++) t.update(T0 + i * MIN, 0.3 + (0.3 * i) / 60 + noise(), 1);
  const c = t.crossing(0.95);
  assert.ok(c, 'a crossing is predicted');
  const truth = T0 + (0.65 / 0.3) * 3_600_000;
  assert.ok(Math.abs(c.time - truth) < 3 * MIN, `crossing ${new Date(c.time).toISOString()} near ${new Date(truth).toISOString()}`);
  assert.ok(c.lo <= c.time && c.time <= c.hi, 'interval contains the estimate');
  const flat = new TrendTracker();
  for (let i = 0; i <= 240; i++) flat.update(T0 + i * MIN, 0.5 + noise(), 1);
  assert.equal(flat.crossing(0.95), null);
  assert.ok(flat.probabilityWithin(0.95, 24 * 3_600_000) < 0.01);
});

test('trend: a reset (disk cleanup) restarts the estimate from the new level', () => {
  const t = new TrendTracker();
  for (let i = 0; i <= 120; i++) t.update(T0 + i * MIN, 0.3 + (0.5 * i) / 120, 1);
  assert.ok(t.crossing(0.95), 'rising before the cleanup');
  t.update(T0 + 121 * MIN, 0.2, 1);
  for (let i = 122; i <= 140; i++) t.update(T0 + i * MIN, 0.2, 1);
  assert.equal(t.breaks, 1);
  assert.equal(t.crossing(0.95), null, 'flat after the cleanup: no crossing');
});

test('early warning: fires with a title naming resource, entity and time left, updates as it moves, resolves when the trend turns', () => {
  const bank = new CapacityForecastBank();
  const disk = key('host:db-host-3', 'system.filesystem.utilization');
  const alerts: AlertRecord[] = [];
  let t = T0;
  // Flat for an hour: nothing.
  for (let i = 0; i < 60; i++, t += MIN) alerts.push(...bank.observe(batch([[disk, t, 0.5]]), t));
  assert.equal(alerts.length, 0);
  // Filling at 36%/h for 40 min (0.95 about 35 min later), then faster (the estimate moves), then a cleanup.
  let v = 0.5;
  for (let i = 0; i < 40; i++, t += MIN) alerts.push(...bank.observe(batch([[disk, t, (v += 0.006)]]), t));
  const first = alerts.find((a) => a.status === 'firing');
  assert.ok(first, 'a warning fired');
  assert.equal(first.source, FORECAST_SOURCE);
  assert.equal(first.entity, 'host:db-host-3');
  assert.match(first.title, /^predicted: disk full on db-host-3 in \d+(\.5)? (h|min) ± /);
  for (let i = 0; i < 8; i++, t += MIN) alerts.push(...bank.observe(batch([[disk, t, (v += 0.012)]]), t));
  const firing = alerts.filter((a) => a.status === 'firing');
  assert.ok(firing.length >= 2, 'an update was sent as the estimate moved');
  assert.ok(new Set(firing.map((a) => a.fingerprint)).size === 1, 'one fingerprint per series');
  const fc = bank.forecasts();
  assert.equal(fc.forecasts[0].warning, true);
  assert.ok(fc.entities[0].probability > 0.9, `failure probability ${fc.entities[0].probability}`);
  assert.equal(fc.entities[0].signals[0].metric, 'system.filesystem.utilization');
  // A cleanup: the value drops and stays; the warning resolves.
  for (let i = 0; i < 10; i++, t += MIN) alerts.push(...bank.observe(batch([[disk, t, 0.3]]), t));
  const last = alerts[alerts.length - 1];
  assert.equal(last.status, 'resolved');
  assert.equal(bank.forecasts().forecasts[0].warning, false);
});

test('a usage series takes its limit from its .max sibling; without one it is not forecast', () => {
  const bank = new CapacityForecastBank();
  const conn = key('database:orders-db', 'db.client.connection.count', '{connection}');
  const max = key('database:orders-db', 'db.client.connection.max', '{connection}');
  const lonely = key('database:other', 'db.client.connection.count', '{connection}');
  const alerts: AlertRecord[] = [];
  let t = T0;
  for (let i = 0; i < 40; i++, t += 15_000) alerts.push(...bank.observe(batch([[conn, t, 20], [max, t, 100], [lonely, t, 20]]), t));
  for (let i = 0; i < 16; i++, t += 15_000) alerts.push(...bank.observe(batch([[conn, t, 20 + i * 4], [max, t, 100], [lonely, t, 20 + i * 4]]), t));
  const fired = alerts.filter((a) => a.status === 'firing');
  assert.ok(fired.length > 0, 'the pool warning fired before the pool was full');
  assert.ok(fired.every((a) => a.entity === 'database:orders-db'));
  assert.match(fired[0].title, /connection pool exhausted on orders-db in/);
  assert.equal(bank.forecasts().forecasts.length, 1, 'only the series with a known limit is listed');
  assert.equal(bank.forecasts().forecasts[0].limit, 95);
});

test('with a failure model, an entity whose indicator creeps gets a foretold failure with its explanation, combined with its capacity signals', () => {
  const model: FailureModel = {
    horizonMs: 60 * MIN,
    k: 4,
    sustain: 3,
    prior: { 'memory-leak': 0.02 },
    indicators: [{ kind: 'memory-leak', metric: 'http.server.request.duration.p95', direction: 1, hitShare: 0.9, falseShare: 0.01, medianLeadMs: 20 * MIN }],
    learnedFrom: 'test',
  };
  const bank = new CapacityForecastBank({ failureModel: model });
  const lat = key('service:a', 'http.server.request.duration.p95', 's');
  const steady = key('service:b', 'http.server.request.duration.p95', 's');
  const disk = key('host:h', 'system.filesystem.utilization');
  for (let i = 0; i < 120; i++) {
    const t = T0 + i * 30_000;
    const w = ((i * 7919) % 13) / 130;
    bank.observe(batch([[lat, t, 0.2 + w + (i >= 90 ? (i - 90) * 0.05 : 0)], [steady, t, 0.2 + w], [disk, t, 0.4 + w / 10]]), t);
  }
  const res = bank.forecasts();
  const a = res.entities.find((e) => e.entity === 'service:a')!;
  assert.ok(a.failures?.[0].kind === 'memory-leak' && a.failures[0].probability > 0.5, JSON.stringify(a.failures));
  assert.equal(a.failures[0].indicators[0].metric, 'http.server.request.duration.p95');
  assert.ok(a.failures[0].indicators[0].moved && a.failures[0].indicators[0].z > 4);
  assert.ok(a.probability >= a.failures[0].probability && a.capacityProbability === 0);
  assert.equal(res.entities[0].entity, 'service:a', 'the most likely failure first');
  assert.ok(!res.entities.some((e) => e.entity === 'service:b'), 'an entity with only quiet indicators is not listed');
  assert.ok(res.entities.some((e) => e.entity === 'host:h' && e.failures?.length === 0), 'capacity entities stay listed');
  // What crosses the worker boundary keeps every field (the schema strips nothing).
  assert.deepEqual(ForecastsResponseSchema.parse(res), res);
});
