import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpanRecord } from '../../common/records.ts';
import { concatMetricBatches, SpanSeriesAggregator } from './span-series.ts';

const T = Date.parse('2026-01-01T00:00:00Z');
function span(service: string, end: number, durationMs: number, error = false, kind = 2): SpanRecord {
  return { traceId: 't', spanId: `s${end}`, parentSpanId: 'p', service, name: 'GET /', kind, start: end - durationMs, end, statusCode: error ? 2 : 1, attributes: {} };
}

test('entry spans become per-service latency, error ratio and count per closed bucket', () => {
  const agg = new SpanSeriesAggregator(30_000);
  assert.equal(agg.add([span('checkout', T + 1000, 100), span('checkout', T + 2000, 300, true), span('checkout', T + 3000, 50, false, 3)]), null, 'open bucket not emitted; client span ignored');
  const b = agg.add([span('checkout', T + 31_000, 10)]);
  assert.ok(b);
  const got = Object.fromEntries(Array.from(b.ts, (_, i) => [b.seriesKeys[b.series[i]].name, [b.ts[i], b.values[i]]]));
  assert.deepEqual(got, { 'span.duration.mean': [T, 200], 'span.error.ratio': [T, 0.5], 'span.count': [T, 2] });
  assert.equal(b.seriesKeys[0].entity, 'service:checkout');
});

test('concatMetricBatches merges series keys and keeps every point', () => {
  const agg = new SpanSeriesAggregator(30_000);
  agg.add([span('a', T + 1000, 10)]);
  const x = agg.add([span('a', T + 40_000, 10)])!;
  const both = concatMetricBatches(x, x);
  assert.equal(both.seriesKeys.length, 3);
  assert.equal(both.ts.length, 6);
  assert.deepEqual(Array.from(both.series), [0, 1, 2, 0, 1, 2]);
});
