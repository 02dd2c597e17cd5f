import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, IncidentDetail } from '../common/schemas.ts';
import type { AlertRecord, MetricBatch } from '../common/records.ts';
import { seededRandom } from '../analytics/hash.ts';
import { MIN, SEC, T0, alert, estate, metricBatch } from '../analytics/estate.fixture.ts';
import { AnalyticsHost, type AnalyticsInput, type AnalyticsOutput, splitByShard } from './analytics-host.ts';
import type { WorkerReply } from './protocol.ts';
import { startWorker } from './worker-url.ts';

const STEP = 15 * SEC;
const SHIFT_AT = T0 + 90 * MIN;
const END = T0 + 120 * MIN;

/** 12 series with seeded noise; the database's pool usage jumps at SHIFT_AT. */
function seriesData(): { entity: string; name: string; points: [number, number][] }[] {
  const rand = seededRandom(2026);
  const out: { entity: string; name: string; points: [number, number][] }[] = [];
  const entities = ['database:orders-db-eu', 'service:orders-eu', 'service:checkout-eu', 'service:frontend-eu', 'service:users-us', 'host:us-app-1'];
  for (const entity of entities) {
    for (const name of ['db.pool.usage', 'cpu']) {
      const points: [number, number][] = [];
      for (let t = T0; t < END; t += STEP) {
        const noise = (rand() + rand() + rand() - 1.5) * 2;
        const shifted = entity === 'database:orders-db-eu' && name === 'db.pool.usage' && t >= SHIFT_AT;
        points.push([t, 50 + noise + (shifted ? 45 : 0)]);
      }
      out.push({ entity, name, points });
    }
  }
  return out;
}

function alertsData(): AlertRecord[] {
  const out = [alert({ time: SHIFT_AT + 20 * SEC, entity: 'database:orders-db-eu', title: 'connection pool exhausted', severity: 'critical', id: 'x0' })];
  ['orders-eu', 'checkout-eu', 'frontend-eu'].forEach((s, i) => {
    out.push(alert({ time: SHIFT_AT + (40 + 10 * i) * SEC, entity: `service:${s}`, title: 'error rate high', id: `x${i + 1}` }));
    out.push(alert({ time: SHIFT_AT + (60 + 10 * i) * SEC, entity: `service:${s}`, title: 'error rate high', id: `x${i + 1}-dup` }));
  });
  return out;
}

/** Everything as one batch. */
function oneBatch(): AnalyticsInput[] {
  return [{ topology: estate() }, { metrics: metricBatch(seriesData()), alerts: alertsData() }];
}

/** The same data as one batch per minute of event time. */
function perMinute(): AnalyticsInput[] {
  const data = seriesData();
  const alerts = alertsData();
  const out: AnalyticsInput[] = [{ topology: estate() }];
  for (let from = T0; from < END; from += MIN) {
    const inWin = (t: number) => t >= from && t < from + MIN;
    out.push({
      metrics: metricBatch(data.map((s) => ({ ...s, points: s.points.filter(([t]) => inWin(t)) }))),
      alerts: alerts.filter((a) => inWin(a.time)),
    });
  }
  return out;
}

async function runHost(inputs: AnalyticsInput[], detectorWorkers: number) {
  const outputs: AnalyticsOutput[] = [];
  const host = await AnalyticsHost.start({
    detectorWorkers,
    // Batch-independence is a property of event time; keep the wall-clock idle decision out of it.
    idleDecideMs: 0,
    sink: async (o) => {
      // An asynchronous sink: order must still be kept.
      await new Promise<void>((r) => setImmediate(r));
      outputs.push(o);
    },
  });
  try {
    for (const i of inputs) host.submit(i);
    const { watermark } = await host.flush();
    const anomalies: Anomaly[] = outputs.flatMap((o) => (o.type === 'anomalies' ? o.anomalies : []));
    const incidents = new Map<string, IncidentDetail>();
    for (const o of outputs) if (o.type === 'incidents') for (const e of o.events) incidents.set(e.incident.id, e.incident);
    return { watermark, anomalies, incidents, counters: host.counters(), outputs };
  } finally {
    await host.close();
  }
}

describe('AnalyticsHost (real worker threads)', () => {
  test('a level shift and alerts come out as anomalies and one incident, database on top', async () => {
    const r = await runHost(oneBatch(), 2);
    assert.equal(r.watermark, END - STEP);
    const shift = r.anomalies.find((a) => a.entity === 'database:orders-db-eu' && a.metric === 'db.pool.usage');
    assert.ok(shift, 'the shift is detected');
    assert.equal(shift.time, SHIFT_AT);
    const incidents = [...r.incidents.values()].filter((i) => i.entities.includes('database:orders-db-eu'));
    assert.equal(incidents.length, 1);
    const inc = incidents[0];
    assert.equal(inc.rootCauses[0].entity, 'database:orders-db-eu');
    assert.ok(inc.members.some((m) => m.kind === 'anomaly' && m.id === shift.id), 'the anomaly joined the incident');
    assert.equal(inc.members.filter((m) => m.kind === 'alert').length, 4);
    assert.equal(r.counters.alertsReceived, 7);
    assert.equal(r.counters.alertsDeduplicated, 3);
    assert.equal(r.counters.anomalies, r.anomalies.length);
    assert.equal(r.counters.watermark, END - STEP);
  });

  test('one batch vs one batch per minute (and 1 vs 3 detector workers) give identical results', async () => {
    const a = await runHost(oneBatch(), 1);
    const b = await runHost(perMinute(), 3);
    const norm = (m: Map<string, IncidentDetail>) => [...m.values()].sort((x, y) => (x.id < y.id ? -1 : 1));
    assert.ok(a.incidents.size >= 1);
    assert.deepEqual(norm(b.incidents), norm(a.incidents));
    const byId = (x: Anomaly, y: Anomaly) => x.time - y.time || (x.id < y.id ? -1 : 1);
    assert.deepEqual([...b.anomalies].sort(byId), [...a.anomalies].sort(byId));
    assert.deepEqual(b.counters, a.counters);
  });

  test('submit does not detach the caller’s arrays, and an empty host flushes', async () => {
    const batch: MetricBatch = metricBatch(seriesData().slice(0, 2));
    const r = await runHost([{ metrics: batch }], 2);
    assert.ok(batch.ts.length > 0 && batch.ts[0] === T0, 'caller arrays intact');
    assert.equal(r.anomalies.length, 1, 'only the shift of the pool usage is anomalous');
    assert.equal(r.incidents.size, 1);
    const empty = await runHost([], 1);
    assert.equal(empty.watermark, null);
  });

  test('a failing sink makes flush reject, and the host keeps working', async () => {
    let calls = 0;
    const host = await AnalyticsHost.start({
      sink: async () => {
        calls++;
        if (calls === 1) throw new Error('sink down');
      },
    });
    try {
      host.submit({ alerts: [alert({ time: T0, entity: 'service:a', title: 'x' })] });
      await assert.rejects(host.flush(), /sink down/);
      host.submit({ alerts: [alert({ time: T0 + MIN, entity: 'service:b', title: 'y' })] });
      await host.flush();
      assert.ok(calls >= 2);
    } finally {
      await host.close();
    }
  });
});

describe('worker protocol', () => {
  const workers: { terminate(): Promise<number> }[] = [];
  after(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });

  test('unknown and invalid messages get error replies; the worker carries on', async () => {
    const w = startWorker('correlator', { workerData: { config: {} } });
    workers.push(w);
    const replies: WorkerReply[] = [];
    const waitFor = (pred: (r: WorkerReply) => boolean) =>
      new Promise<WorkerReply>((resolve) => {
        const on = (m: WorkerReply) => {
          replies.push(m);
          if (pred(m)) {
            w.off('message', on);
            resolve(m);
          }
        };
        w.on('message', on);
      });
    let r = waitFor((m) => m.seq === 1);
    w.postMessage({ type: 'bogus', seq: 1 });
    assert.deepEqual(await r, { type: 'error', seq: 1, error: { code: 'unknown_message', message: 'type: unknown message type "bogus"' } });
    r = waitFor((m) => m.seq === 2);
    w.postMessage({ type: 'signals', seq: 2, alerts: [{ id: 1 }], anomalies: [], changes: [], topology: null, watermark: null });
    const bad = await r;
    assert.equal(bad.type, 'error');
    assert.equal(bad.type === 'error' && bad.error.code, 'invalid_message');
    r = waitFor((m) => m.seq === 3 && m.type !== 'incidents');
    w.postMessage({ type: 'metrics', seq: 3, batch: { seriesKeys: [], series: new Int32Array(0), ts: new Float64Array(0), values: new Float64Array(0) } });
    const unsupported = await r;
    assert.equal(unsupported.type === 'error' && unsupported.error.code, 'unsupported');
    r = waitFor((m) => m.seq === 4 && m.type === 'end');
    w.postMessage({ type: 'flush', seq: 4 });
    assert.deepEqual(await r, { type: 'end', seq: 4, cancelled: false });
    assert.ok(replies.some((m) => m.type === 'incidents' && m.seq === 4));
  });

  test('cancel drops a request that has not started', async () => {
    const w = startWorker('detector', { workerData: { config: {} } });
    workers.push(w);
    const ends = new Map<number, WorkerReply>();
    const done = new Promise<void>((resolve) =>
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'end' || m.type === 'error') ends.set(m.seq ?? -1, m);
        if (ends.size === 3) resolve();
      }),
    );
    const batch = () => ({ seriesKeys: [{ key: 'k', entity: 'service:a', name: 'm' }], series: new Int32Array([0]), ts: new Float64Array([T0]), values: new Float64Array([1]) });
    // Posted together, so both requests are queued before the worker's first turn.
    w.postMessage({ type: 'metrics', seq: 1, batch: batch() });
    w.postMessage({ type: 'metrics', seq: 2, batch: batch() });
    w.postMessage({ type: 'cancel', seq: 3, target: 2 });
    await done;
    assert.deepEqual(ends.get(1), { type: 'end', seq: 1, cancelled: false });
    assert.deepEqual(ends.get(2), { type: 'end', seq: 2, cancelled: true });
    assert.deepEqual(ends.get(3), { type: 'end', seq: 3, cancelled: false });
  });

  test('splitByShard keeps every point once and each series on one shard', () => {
    const b = metricBatch(seriesData());
    const parts = splitByShard(b, 3);
    const total = parts.reduce((n, p) => n + (p?.ts.length ?? 0), 0);
    assert.equal(total, b.ts.length);
    const seen = new Map<string, number>();
    parts.forEach((p, i) => {
      for (const k of p?.seriesKeys ?? []) {
        assert.ok(!seen.has(k.key), `${k.key} on one shard only`);
        seen.set(k.key, i);
      }
    });
    assert.equal(seen.size, b.seriesKeys.length);
  });
});

test('a live alert is decided after a short pause in input, without waiting for later data or a flush', async () => {
  const opened: IncidentDetail[] = [];
  let signal: () => void = () => {};
  const got = new Promise<void>((r) => (signal = r));
  const host = await AnalyticsHost.start({
    idleDecideMs: 100,
    sink: async (o) => {
      if (o.type !== 'incidents') return;
      for (const e of o.events) if (e.type === 'incident-opened') opened.push(e.incident);
      signal();
    },
  });
  try {
    host.submit({ alerts: [alert({ time: T0, entity: 'service:a', title: 'a is down' })] });
    // Generous for a loaded CI machine: what matters is that it comes without more input or a flush.
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
    assert.notEqual(await Promise.race([got.then(() => 'ok' as const), timeout]), 'timeout', 'no incident within 20 s of a pause');
    assert.equal(opened.length, 1);
    assert.ok(opened[0].entities.includes('service:a'));
  } finally {
    await host.close();
  }
});
