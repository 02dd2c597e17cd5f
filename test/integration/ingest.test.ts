/**
 * The engine as a sender meets it: the built CLI on random loopback ports, fed by the official
 * OpenTelemetry JS exporters and by Alertmanager-style webhooks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import WebSocket from 'ws';
import { gzipSync } from 'node:zlib';
import type { IncidentDetail, Incident, Stats, Topology } from '../../core/common/schemas.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';

let engine: EngineProcess;

before(async () => {
  engine = await startEngineProcess();
});
after(async () => {
  await engine?.stop({ removeData: true });
});

function alertmanagerPayload(now: number) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighLatency"}',
    status: 'firing',
    receiver: 'watchfloor',
    groupLabels: { alertname: 'HighLatency' },
    commonLabels: { alertname: 'HighLatency', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighLatency', severity: 'critical', service: 'am-checkout', instance: 'am-host-1:9100' },
        annotations: { summary: 'p95 latency above 2 s on am-checkout' },
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: 'a1b2c3d4e5f60718',
      },
      {
        status: 'firing',
        labels: { alertname: 'ErrorRate', severity: 'warning', service: 'am-checkout' },
        annotations: { summary: 'error ratio 7% on am-checkout' },
        startsAt: new Date(now - 50_000).toISOString(),
        fingerprint: 'b1b2c3d4e5f60718',
      },
    ],
  };
}

describe('health and auth', () => {
  test('healthz answers without a token; the API refuses a missing or wrong token', async () => {
    const health = await fetch(`${engine.apiUrl}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal((await fetch(`${engine.apiUrl}/api/stats`)).status, 401);
    assert.equal((await engine.api('/api/stats', { headers: { Authorization: 'Bearer wrong-token-123' } })).status, 401);
    assert.equal((await engine.api('/api/stats')).status, 200);
  });

  test('the WebSocket stream refuses a wrong token and greets a right one', async () => {
    const wsUrl = engine.apiUrl.replace('http', 'ws');
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${wsUrl}/api/stream?token=nope`);
      ws.onerror = () => resolve('error');
      ws.onopen = () => resolve('open');
    });
    assert.equal(refused, 'error');
    const hello = await new Promise<{ type: string; demo: boolean }>((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}/api/stream?token=${encodeURIComponent(engine.token)}`);
      ws.onmessage = (m) => {
        resolve(JSON.parse(String(m.data)));
        ws.close();
      };
      ws.onerror = () => reject(new Error('ws error'));
    });
    assert.equal(hello.type, 'hello');
    assert.equal(hello.demo, false);
  });
});

describe('OTLP/HTTP JSON from the official OpenTelemetry exporters', () => {
  test('metrics (gauge, sum, histogram) become queryable series of the service entity', async () => {
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'otel-itest', 'host.name': 'otel-host-1' }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${engine.otlpUrl}/v1/metrics` }),
          exportIntervalMillis: 3_600_000,
        }),
      ],
    });
    const meter = provider.getMeter('itest');
    meter.createGauge('itest.queue.depth').record(42, { queue: 'orders' });
    meter.createCounter('itest.requests').add(7, { route: '/pay' });
    const h = meter.createHistogram('itest.latency', { unit: 's' });
    for (const v of [0.01, 0.02, 0.05, 0.2, 1.5]) h.record(v);
    await provider.forceFlush();
    await provider.shutdown();
    await engine.json('/api/flush', { method: 'POST' });

    const now = Date.now();
    const series = await engine.json<{ entity: string; name: string; points: [number, number][] }[]>(
      `/api/metrics?entity=${encodeURIComponent('service:otel-itest')}&from=${now - 600_000}&to=${now + 60_000}&step=60000`,
    );
    const byName = new Map(series.map((s) => [s.name, s]));
    const depth = byName.get('itest.queue.depth');
    assert.ok(depth, `queue depth series missing; got ${[...byName.keys()].join(', ')}`);
    assert.equal(depth.points.at(-1)![1], 42);
    assert.equal(byName.get('itest.requests')?.points.at(-1)![1], 7);
    assert.ok(byName.get('itest.latency.count'), 'histogram count series missing');
    assert.equal(byName.get('itest.latency.count')?.points.at(-1)![1], 5);

    const topo = await engine.json<Topology>('/api/topology');
    assert.ok(topo.nodes.some((n) => n.id === 'service:otel-itest'));
    assert.ok(topo.edges.some((e) => e.source === 'service:otel-itest' && e.target === 'host:otel-host-1' && e.kind === 'runs_on'));
  });

  test('traces yield spans and a calls edge between services; logs are stored', async () => {
    const statsBefore = await engine.json<Stats>('/api/stats');
    const mk = (service: string) =>
      new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${engine.otlpUrl}/v1/traces` }))],
      });
    const front = mk('trace-frontend');
    const back = mk('trace-payments');
    const parent = front.getTracer('itest').startSpan('GET /checkout');
    const child = back.getTracer('itest').startSpan('charge card', {}, trace.setSpan(ROOT_CONTEXT, parent));
    child.end();
    parent.end();
    await back.forceFlush();
    await front.forceFlush();

    const logs = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'trace-payments' }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${engine.otlpUrl}/v1/logs` }) })],
    });
    logs.getLogger('itest').emit({ severityText: 'ERROR', body: 'card declined for order 1234' });
    logs.getLogger('itest').emit({ severityText: 'INFO', body: 'retrying charge' });
    await logs.forceFlush();
    await Promise.all([front.shutdown(), back.shutdown(), logs.shutdown()]);
    await engine.json('/api/flush', { method: 'POST' });

    const stats = await engine.json<Stats>('/api/stats');
    assert.equal(stats.ingested.spans - statsBefore.ingested.spans, 2);
    assert.equal(stats.ingested.logs - statsBefore.ingested.logs, 2);
    const topo = await engine.json<Topology>('/api/topology');
    const edge = topo.edges.find((e) => e.source === 'service:trace-frontend' && e.target === 'service:trace-payments');
    assert.ok(edge, 'calls edge from the trace missing');
    assert.equal(edge.kind, 'calls');
    assert.equal(edge.origin, 'traces');
  });

  test('gzip-encoded OTLP JSON is accepted', async () => {
    const before = await engine.json<Stats>('/api/stats');
    const body = gzipSync(
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gzip-svc' } }] },
            scopeMetrics: [{ metrics: [{ name: 'up', gauge: { dataPoints: [{ timeUnixNano: String(Date.now() * 1e6), asDouble: 1 }] } }] }],
          },
        ],
      }),
    );
    const res = await fetch(`${engine.otlpUrl}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body });
    assert.equal(res.status, 200, await res.clone().text());
    const after = await engine.json<Stats>('/api/stats');
    assert.equal(after.ingested.metricPoints - before.ingested.metricPoints, 1);
  });

  test('protobuf is refused with 415 and malformed JSON with 400, nothing stored', async () => {
    const before = await engine.json<Stats>('/api/stats');
    const proto = await fetch(`${engine.otlpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: new Uint8Array([10, 0]),
    });
    assert.equal(proto.status, 415);
    const bad = await fetch(`${engine.otlpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-svc' } }] },
            scopeMetrics: [
              {
                metrics: [
                  { name: 'ok.metric', gauge: { dataPoints: [{ timeUnixNano: String(Date.now() * 1e6), asDouble: 1 }] } },
                  { name: 'bad.metric', gauge: { dataPoints: [{ timeUnixNano: 'yesterday', asDouble: 1 }] } },
                ],
              },
            ],
          },
        ],
      }),
    });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { message: string };
    assert.match(body.message, /timeUnixNano/);
    await engine.json('/api/flush', { method: 'POST' });
    const afterStats = await engine.json<Stats>('/api/stats');
    assert.equal(afterStats.ingested.metricPoints, before.ingested.metricPoints, 'a rejected batch must store nothing');
  });
});

describe('Alertmanager webhook and events', () => {
  test('a v4 payload is stored and turns into an incident', async () => {
    const now = Date.now();
    const before = await engine.json<Stats>('/api/stats');
    const res = await engine.api('/ingest/alertmanager', { body: alertmanagerPayload(now) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { accepted: 2 });
    await engine.json('/api/flush', { method: 'POST' });
    const stats = await engine.json<Stats>('/api/stats');
    assert.equal(stats.ingested.events - before.ingested.events, 2);
    const incidents = await engine.json<Incident[]>('/api/incidents?status=all');
    const inc = incidents.find((i) => i.entities.includes('service:am-checkout'));
    assert.ok(inc, 'no incident for the Alertmanager alerts');
    const detail = await engine.json<IncidentDetail>(`/api/incidents/${inc.id}`);
    assert.ok(detail.members.some((m) => m.fingerprint === 'a1b2c3d4e5f60718'));
    assert.equal(detail.severity, 'critical');
  });

  test('a malformed payload gets 400 naming the field and stores nothing', async () => {
    const before = await engine.json<Stats>('/api/stats');
    const payload = alertmanagerPayload(Date.now());
    (payload.alerts[1] as { labels: unknown }).labels = 'not-an-object';
    const res = await engine.api('/ingest/alertmanager', { body: payload });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; message: string; field?: string };
    assert.match(body.message, /alerts\[1\]\.labels/);
    const noVersion = await engine.api('/ingest/alertmanager', { body: { ...alertmanagerPayload(Date.now()), version: '3' } });
    assert.equal(noVersion.status, 400);
    assert.match(((await noVersion.json()) as { message: string }).message, /version/);
    const notJson = await engine.api('/ingest/alertmanager', { body: '{"version":', headers: { 'Content-Type': 'application/json' } });
    assert.equal(notJson.status, 400);
    await engine.json('/api/flush', { method: 'POST' });
    const stats = await engine.json<Stats>('/api/stats');
    assert.equal(stats.ingested.events, before.ingested.events);
  });

  test('events with a bad severity in the middle of a batch reject the whole batch', async () => {
    const before = await engine.json<Stats>('/api/stats');
    const t = Date.now();
    const res = await engine.api('/ingest/events', {
      body: [
        { time: t, source: 'itest', service: 'ev-a', severity: 'critical', title: 'one' },
        { time: new Date(t).toISOString(), source: 'itest', service: 'ev-a', severity: 'apocalyptic', title: 'two' },
      ],
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { message: string };
    assert.match(body.message, /\[1\]\.severity/);
    const stats = await engine.json<Stats>('/api/stats');
    assert.equal(stats.ingested.events, before.ingested.events);
  });

  test('changes and topology are validated and stored', async () => {
    const t = Date.now();
    const ok = await engine.api('/ingest/changes', { body: [{ time: t, service: 'ev-a', kind: 'deploy', summary: 'ev-a v1.2.3' }] });
    assert.equal(ok.status, 200);
    const bad = await engine.api('/ingest/changes', { body: [{ time: t, service: 'ev-a', kind: 'rollout', summary: 'x' }] });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /\[0\]\.kind/);
    const topo = await engine.api('/ingest/topology', {
      body: { nodes: [{ id: 'ev-a', kind: 'service' }, { id: 'ev-db', kind: 'database' }], edges: [{ source: 'ev-a', target: 'ev-db', kind: 'depends_on' }] },
    });
    assert.equal(topo.status, 200, await topo.clone().text());
    const badTopo = await engine.api('/ingest/topology', { body: { nodes: [], edges: [{ source: 'x', target: 'y', kind: 'owns' }] } });
    assert.equal(badTopo.status, 400);
    const t2 = await engine.json<Topology>('/api/topology');
    assert.ok(t2.edges.some((e) => e.source === 'service:ev-a' && e.target === 'database:ev-db' && e.kind === 'depends_on'));
  });
});

describe('topology', () => {
  test('a declared node describes an entity first seen in telemetry', async () => {
    const point = { timeUnixNano: String(Date.now() * 1e6), asDouble: 1 };
    const otlp = await fetch(`${engine.otlpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'named-later' } }] }, scopeMetrics: [{ metrics: [{ name: 'up', gauge: { dataPoints: [point] } }] }] }],
      }),
    });
    assert.equal(otlp.status, 200);
    const res = await engine.api('/ingest/topology', {
      body: { nodes: [{ id: 'service:named-later', kind: 'service', name: 'Named later', attributes: { team: 'payments' } }], edges: [] },
    });
    assert.equal(res.status, 200);
    const node = (await engine.json<Topology>('/api/topology')).nodes.find((n) => n.id === 'service:named-later');
    assert.equal(node?.name, 'Named later');
    assert.equal(node?.attributes?.team, 'payments');
  });
});

describe('durability', () => {
  test('acknowledged data survives a crash (SIGKILL) and a restart on the same data directory, and the token is kept', async () => {
    // Acknowledge one more batch and kill the engine right after the 2xx, with no shutdown at all.
    const res = await engine.api('/ingest/events', { body: [{ time: Date.now(), source: 'itest', service: 'crash-probe', severity: 'minor', title: 'last words' }] });
    assert.equal(res.status, 200);
    const before = await engine.json<Stats>('/api/stats');
    assert.ok(before.ingested.metricPoints > 0 && before.ingested.events > 0);
    const token = engine.token;
    await engine.stop({ kill: true });
    engine = await startEngineProcess({ dataDir: engine.dataDir });
    assert.equal(engine.token, token, 'the generated token is kept in the data directory');
    const afterStats = await engine.json<Stats>('/api/stats');
    assert.deepEqual(afterStats.ingested, before.ingested);
    const topo = await engine.json<Topology>('/api/topology');
    assert.ok(topo.edges.some((e) => e.source === 'service:trace-frontend' && e.target === 'service:trace-payments'));
  });
});
