import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError } from './errors.ts';
import { parseOtlpMetricsJson } from './otlp-metrics.ts';

const T_NS = '1767322800000000000'; // 2026-01-02T03:00:00Z
const T_MS = 1767322800000;

function str(key: string, value: string) {
  return { key, value: { stringValue: value } };
}

/** A request as the OpenTelemetry collector's otlphttp exporter writes it (JSON encoding). */
function fixture() {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            str('service.name', 'checkout'),
            str('host.name', 'eu-web-1'),
            str('k8s.pod.name', 'checkout-7d9f'),
            str('k8s.node.name', 'node-a'),
            str('service.version', '1.4.2'),
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'io.opentelemetry.runtime', version: '1.0' },
            metrics: [
              {
                name: 'process.cpu.utilization',
                unit: '1',
                gauge: {
                  dataPoints: [
                    { timeUnixNano: T_NS, asDouble: 0.42 },
                    { timeUnixNano: '1767322810000000000', asDouble: '0.5' },
                  ],
                },
              },
              {
                name: 'http.server.requests',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    // Same attributes in two orders: one series.
                    { attributes: [str('http.route', '/pay'), { key: 'code', value: { intValue: '200' } }], startTimeUnixNano: '1', timeUnixNano: T_NS, asInt: '1200' },
                    { attributes: [{ key: 'code', value: { intValue: 200 } }, str('http.route', '/pay')], timeUnixNano: '1767322810000000000', asInt: 1250 },
                    { attributes: [str('http.route', '/cart'), { key: 'code', value: { intValue: '500' } }], timeUnixNano: T_NS, asInt: '3' },
                  ],
                },
              },
              {
                name: 'http.server.duration',
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      timeUnixNano: T_NS,
                      count: '100',
                      sum: 2500,
                      bucketCounts: ['10', '40', '40', '10'],
                      explicitBounds: [10, 25, 50],
                      max: 90,
                    },
                  ],
                },
              },
              {
                name: 'rpc.latency',
                unit: 's',
                summary: {
                  dataPoints: [
                    {
                      timeUnixNano: T_NS,
                      count: 10,
                      sum: 1.5,
                      quantileValues: [
                        { quantile: 0.5, value: 0.1 },
                        { quantile: 0.99, value: 0.4 },
                        { quantile: 1, value: 0.5 },
                      ],
                    },
                  ],
                },
              },
              { name: 'stale.gauge', gauge: { dataPoints: [{ timeUnixNano: T_NS, flags: 1 }] } },
            ],
          },
        ],
      },
      {
        resource: { attributes: [str('host.name', 'db-1')] },
        scopeMetrics: [{ metrics: [{ name: 'system.memory.usage', unit: 'By', gauge: { dataPoints: [{ timeUnixNano: T_NS, asInt: '1024' }] } }] }],
      },
    ],
  };
}

function points(body: unknown): { key: string; entity: string; t: number; v: number }[] {
  const { metrics } = parseOtlpMetricsJson(body, T_MS);
  return Array.from(metrics.ts, (t, i) => {
    const k = metrics.seriesKeys[metrics.series[i]];
    return { key: k.key, entity: k.entity, t, v: metrics.values[i] };
  });
}

function expectError(body: unknown, field: string, reason?: RegExp) {
  assert.throws(
    () => parseOtlpMetricsJson(body, T_MS),
    (err: unknown) => {
      assert.ok(err instanceof IngestError, `not an IngestError: ${String(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.field, field);
      assert.ok(err.message.startsWith(`${field}: `), err.message);
      if (reason) assert.match(err.message, reason);
      return true;
    },
  );
}

describe('parseOtlpMetricsJson', () => {
  test('gauges, sums, histograms and summaries become points with series keys', () => {
    const ps = points(fixture());
    const byKey = (k: string) => ps.filter((p) => p.key === k).map((p) => [p.t, p.v]);
    const host = '|host.name=eu-web-1';
    assert.deepEqual(byKey(`service:checkout|process.cpu.utilization|${host}`), [
      [T_MS, 0.42],
      [T_MS + 10_000, 0.5],
    ]);
    assert.deepEqual(byKey(`service:checkout|http.server.requests|code=200,http.route=/pay${host}`), [
      [T_MS, 1200],
      [T_MS + 10_000, 1250],
    ]);
    assert.deepEqual(byKey(`service:checkout|http.server.requests|code=500,http.route=/cart${host}`), [[T_MS, 3]]);
    assert.deepEqual(byKey(`service:checkout|http.server.duration.count|${host}`), [[T_MS, 100]]);
    assert.deepEqual(byKey(`service:checkout|http.server.duration.sum|${host}`), [[T_MS, 2500]]);
    // Rank 95 of 100 falls in the last bucket (50, max 90], 5 of its 10: 50 + 40 × 0.5.
    assert.deepEqual(byKey(`service:checkout|http.server.duration.p95|${host}`), [[T_MS, 70]]);
    assert.deepEqual(byKey(`service:checkout|rpc.latency.p50|${host}`), [[T_MS, 0.1]]);
    assert.deepEqual(byKey(`service:checkout|rpc.latency.p99|${host}`), [[T_MS, 0.4]]);
    assert.deepEqual(byKey(`service:checkout|rpc.latency.max|${host}`), [[T_MS, 0.5]]);
    assert.deepEqual(byKey('host:db-1|system.memory.usage|'), [[T_MS, 1024]]);
    assert.equal(ps.filter((p) => p.key.includes('stale.gauge')).length, 0);
    assert.equal(ps.length, 14);
  });

  test('series keys carry identity fields and attributes once', () => {
    const { metrics } = parseOtlpMetricsJson(fixture(), T_MS);
    const req = metrics.seriesKeys.find((k) => k.key.includes('/pay'));
    assert.deepEqual(req, {
      key: 'service:checkout|http.server.requests|code=200,http.route=/pay|host.name=eu-web-1',
      entity: 'service:checkout',
      service: 'checkout',
      host: 'eu-web-1',
      name: 'http.server.requests',
      unit: '{request}',
      attributes: { 'http.route': '/pay', code: 200 },
    });
    assert.equal(new Set(metrics.seriesKeys.map((k) => k.key)).size, metrics.seriesKeys.length);
    assert.ok(metrics.series instanceof Int32Array && metrics.ts instanceof Float64Array && metrics.values instanceof Float64Array);
  });

  test('topology: entities of resources and their runs_on edges', () => {
    const { topology } = parseOtlpMetricsJson(fixture(), T_MS);
    assert.deepEqual(topology.nodes.map((n) => n.id).sort(), ['host:db-1', 'host:eu-web-1', 'node:node-a', 'pod:checkout-7d9f', 'service:checkout']);
    assert.deepEqual(topology.nodes.find((n) => n.id === 'service:checkout')?.attributes, { 'service.version': '1.4.2' });
    assert.deepEqual(
      topology.edges.map((e) => `${e.source}>${e.target}:${e.kind}`).sort(),
      ['pod:checkout-7d9f>node:node-a:runs_on', 'service:checkout>host:eu-web-1:runs_on', 'service:checkout>pod:checkout-7d9f:runs_on'],
    );
  });

  test('entity falls back to pod, then host, then node', () => {
    const req = (attrs: ReturnType<typeof str>[]) => ({
      resourceMetrics: [{ resource: { attributes: attrs }, scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ timeUnixNano: T_NS, asDouble: 1 }] } }] }] }],
    });
    assert.equal(points(req([str('k8s.pod.name', 'p1'), str('k8s.node.name', 'n1')]))[0].entity, 'pod:p1');
    assert.equal(points(req([str('k8s.node.name', 'n1')]))[0].entity, 'node:n1');
    assert.equal(points(req([]))[0].entity, 'service:unknown_service');
  });

  test('an empty request is valid and empty', () => {
    assert.equal(parseOtlpMetricsJson({}, T_MS).metrics.ts.length, 0);
    assert.equal(parseOtlpMetricsJson({ resourceMetrics: [] }, T_MS).topology.nodes.length, 0);
  });

  test('grows past its initial capacity', () => {
    const dataPoints = Array.from({ length: 5000 }, (_, i) => ({ timeUnixNano: String(BigInt(T_NS) + BigInt(i) * 1_000_000n), asDouble: i }));
    const ps = points({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints } }] }] }] });
    assert.equal(ps.length, 5000);
    assert.deepEqual(ps[4999], { key: 'service:unknown_service|m|', entity: 'service:unknown_service', t: T_MS + 4999, v: 4999 });
  });

  test('malformed input is rejected whole, naming the field', () => {
    // The fixture's metrics are a union of literal shapes; mutations address them loosely by index.
    type Loose = { resourceMetrics: { resource: { attributes: unknown[] }; scopeMetrics: { metrics: any[] }[] }[] };
    const bad = (mutate: (f: Loose) => void) => {
      const f = fixture() as unknown as Loose;
      mutate(f);
      return f;
    };
    const m = 'resourceMetrics[0].scopeMetrics[0].metrics';
    expectError(null, 'body');
    expectError([], 'body');
    expectError({ resourceMetrics: {} }, 'resourceMetrics', /array/);
    expectError({ resourceMetrics: [5] }, 'resourceMetrics[0]');
    expectError(
      bad((f) => {
        (f.resourceMetrics[0].scopeMetrics[0].metrics[0] as Record<string, unknown>).name = '';
      }),
      `${m}[0].name`,
    );
    expectError(
      bad((f) => {
        (f.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[1] as Record<string, unknown>).timeUnixNano = 'yesterday';
      }),
      `${m}[0].gauge.dataPoints[1].timeUnixNano`,
      /nanoseconds/,
    );
    expectError(
      bad((f) => {
        delete (f.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[0] as Record<string, unknown>).timeUnixNano;
      }),
      `${m}[0].gauge.dataPoints[0].timeUnixNano`,
      /required/,
    );
    expectError(
      bad((f) => {
        (f.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[0] as Record<string, unknown>).asDouble = 'lots';
      }),
      `${m}[0].gauge.dataPoints[0].asDouble`,
    );
    expectError(
      bad((f) => {
        (f.resourceMetrics[0].scopeMetrics[0].metrics[1].sum!.dataPoints[2] as Record<string, unknown>).asInt = 1.5;
      }),
      `${m}[1].sum.dataPoints[2].asInt`,
    );
    expectError(
      bad((f) => {
        delete (f.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints[0] as Record<string, unknown>).asDouble;
      }),
      `${m}[0].gauge.dataPoints[0].asDouble`,
      /asDouble or asInt/,
    );
    expectError(
      bad((f) => {
        f.resourceMetrics[0].scopeMetrics[0].metrics[1].sum!.dataPoints[0].attributes[1] = { key: 'code', value: { intValue: 'x' } };
      }),
      `${m}[1].sum.dataPoints[0].attributes[1].value.intValue`,
    );
    expectError(
      bad((f) => {
        f.resourceMetrics[0].scopeMetrics[0].metrics[2].histogram!.dataPoints[0].bucketCounts = ['1', '2'];
      }),
      `${m}[2].histogram.dataPoints[0].bucketCounts`,
    );
    expectError(
      bad((f) => {
        f.resourceMetrics[0].scopeMetrics[0].metrics[2].histogram!.dataPoints[0].explicitBounds = [10, 5, 50];
      }),
      `${m}[2].histogram.dataPoints[0].explicitBounds[1]`,
    );
    expectError(
      bad((f) => {
        f.resourceMetrics[0].scopeMetrics[0].metrics[3].summary!.dataPoints[0].quantileValues[1].quantile = 2;
      }),
      `${m}[3].summary.dataPoints[0].quantileValues[1].quantile`,
    );
    expectError(
      bad((f) => {
        (f.resourceMetrics[0].resource.attributes as unknown[])[0] = { key: 7, value: {} };
      }),
      'resourceMetrics[0].resource.attributes[0].key',
    );
  });
});

test('watchfloor.entity.id on a resource names the entity and its node, with runs_on to the host', () => {
  const body = {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'watchfloor.entity.id', value: { stringValue: 'database:orders-db' } },
            { key: 'host.name', value: { stringValue: 'db-host-1' } },
          ],
        },
        scopeMetrics: [{ metrics: [{ name: 'db.client.connection.count', gauge: { dataPoints: [{ timeUnixNano: '1700000000000000000', asDouble: 12 }] } }] }],
      },
    ],
  };
  const { metrics, topology } = parseOtlpMetricsJson(body, 0);
  assert.equal(metrics.seriesKeys[0].entity, 'database:orders-db');
  assert.ok(topology.nodes.some((n) => n.id === 'database:orders-db' && n.kind === 'database' && n.name === 'orders-db'));
  assert.ok(topology.edges.some((e) => e.source === 'database:orders-db' && e.target === 'host:db-host-1' && e.kind === 'runs_on'));
  assert.ok(!topology.nodes.some((n) => n.id === 'service:unknown_service'));
});
