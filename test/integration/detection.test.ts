/**
 * Detection in the running engine (real process, real DuckDB, real worker threads), spoken to over
 * HTTP as a client would: a level shift in an OTLP gauge becomes an anomaly with its series, expected
 * range and observed value; the expected band follows the line; services' entry spans become latency
 * series the detector scores; bad band queries are refused naming the field.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Anomaly } from '../../core/common/schemas.ts';
import type { ExpectedBand } from '../../core/common/detection-schemas.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';

let engine: EngineProcess;
before(async () => {
  engine = await startEngineProcess();
});
after(async () => {
  await engine?.stop({ removeData: true });
});

const T0 = Date.parse('2026-03-02T08:00:00Z');
const nanos = (ms: number) => String(BigInt(ms) * 1_000_000n);
const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: service } }] });

/** Deterministic noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

async function postOtlp(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${engine.otlpUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

test('a level shift in a gauge becomes an anomaly with series, expected range and observed value; the band follows the line', async () => {
  const STEP = 15_000;
  const points = Array.from({ length: 240 }, (_, i) => ({ timeUnixNano: nanos(T0 + i * STEP), asDouble: 50 + 2 * noise(i) + (i >= 200 ? 40 : 0) }));
  // Sent in four requests, as an exporter would.
  for (let k = 0; k < 4; k++) {
    await postOtlp('/v1/metrics', {
      resourceMetrics: [{ resource: resource('band-svc'), scopeMetrics: [{ metrics: [{ name: 'queue.depth', gauge: { dataPoints: points.slice(k * 60, k * 60 + 60) } }] }] }],
    });
  }
  await engine.json('/api/flush', { method: 'POST' });
  const shiftAt = T0 + 200 * STEP;
  const anomalies = await engine.json<Anomaly[]>(`/api/anomalies?entity=service:band-svc&from=${T0}&to=${T0 + 240 * STEP}`);
  const a = anomalies.find((x) => x.metric === 'queue.depth');
  assert.ok(a, `an anomaly on queue.depth: ${JSON.stringify(anomalies)}`);
  assert.equal(a.time, shiftAt, 'dated at the shift');
  assert.ok(a.series?.startsWith('service:band-svc|queue.depth|'), `series ${a.series}`);
  assert.ok(a.value > 85, `observed value ${a.value}`);
  assert.ok(a.lower! < a.expected && a.expected < a.upper! && a.upper! < a.value, `range [${a.lower}, ${a.upper}] around ${a.expected}, value ${a.value}`);
  assert.ok(a.movers?.some((m) => m.metric === 'queue.depth'));
  assert.equal(anomalies.filter((x) => x.metric === 'queue.depth' && x.time < shiftAt).length, 0, 'no anomaly in the steady part');

  const band = await engine.json<ExpectedBand>(`/api/detection/band?entity=service:band-svc&name=queue.depth&from=${T0 + 100 * STEP}&to=${T0 + 239 * STEP}&step=${STEP}`);
  assert.equal(band.points.length, 140);
  const inside = band.points.filter(([t, v, lo, hi]) => t < shiftAt && v >= lo && v <= hi).length;
  assert.ok(inside >= 95, `the steady line lies inside its band (${inside}/100)`);
  const atShift = band.points.find(([t]) => t === shiftAt)!;
  assert.ok(atShift[1] > atShift[3], 'the shifted point is above the band');
});

test('band queries name the bad field', async () => {
  const cases: [string, string][] = [
    ['/api/detection/band?name=x', 'entity'],
    ['/api/detection/band?entity=service:a', 'name'],
    ['/api/detection/band?entity=service:a&name=x&from=10&to=5', 'from'],
    ['/api/detection/band?entity=service:a&name=x&from=0&to=100000000&step=1000', 'step'],
  ];
  for (const [path, field] of cases) {
    const res = await engine.api(path);
    assert.equal(res.status, 400, path);
    const body = (await res.json()) as { field?: string; message: string };
    assert.equal(body.field, field, `${path}: ${body.message}`);
  }
  const noToken = await fetch(`${engine.apiUrl}/api/detection/band?entity=service:a&name=x`);
  assert.equal(noToken.status, 401);
});

test('entry spans become per-service latency and error series that the detector scores', async () => {
  const BUCKET = 30_000;
  const spans = [];
  for (let b = 0; b < 80; b++) {
    for (let k = 0; k < 5; k++) {
      const end = T0 + b * BUCKET + k * 5000 + 1000;
      const dur = Math.round((b >= 60 ? 900 : 100) + 5 * noise(b * 7 + k));
      const id = (b * 10 + k + 1).toString(16).padStart(16, '0');
      spans.push({ traceId: id.padStart(32, '0'), spanId: id, name: 'GET /pay', kind: 2, startTimeUnixNano: nanos(end - dur), endTimeUnixNano: nanos(end), status: { code: 1 } });
    }
  }
  for (let k = 0; k < spans.length; k += 100) {
    await postOtlp('/v1/traces', { resourceSpans: [{ resource: resource('pay-svc'), scopeSpans: [{ spans: spans.slice(k, k + 100) }] }] });
  }
  await engine.json('/api/flush', { method: 'POST' });
  const series = await engine.json<{ name: string; points: [number, number][] }[]>(`/api/metrics?entity=service:pay-svc&from=${T0}&to=${T0 + 80 * BUCKET}&step=${BUCKET}`);
  const names = series.map((s) => s.name).sort();
  assert.deepEqual(names, ['span.count', 'span.duration.mean', 'span.error.ratio']);
  const latency = series.find((s) => s.name === 'span.duration.mean')!;
  assert.ok(Math.abs(latency.points[0][1] - 100) < 10, `first bucket mean ${latency.points[0][1]}`);
  const anomalies = await engine.json<Anomaly[]>(`/api/anomalies?entity=service:pay-svc&from=${T0}&to=${T0 + 80 * BUCKET}`);
  const a = anomalies.find((x) => x.metric === 'span.duration.mean');
  assert.ok(a, `latency anomaly: ${JSON.stringify(anomalies.map((x) => [x.metric, x.time]))}`);
  assert.equal(a.time, T0 + 60 * BUCKET);
});
