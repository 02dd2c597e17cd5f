/**
 * Throughput of parseOtlpMetricsJson on already-parsed JSON: requests of 10k gauge/sum points (10
 * resources × 20 metrics × 50 data points with two attributes each), like a busy collector sends.
 * Prints points/s. Run: TZ=UTC node --import tsx core/ingest/otlp-metrics.bench.ts
 */
import { parseOtlpMetricsJson } from './otlp-metrics.ts';

function request(seq: number): unknown {
  const baseNs = BigInt(1_750_000_000_000 + seq * 10_000) * 1_000_000n;
  return {
    resourceMetrics: Array.from({ length: 10 }, (_, r) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: `svc-${r}` } },
          { key: 'host.name', value: { stringValue: `host-${r}` } },
        ],
      },
      scopeMetrics: [
        {
          scope: { name: 'bench' },
          metrics: Array.from({ length: 20 }, (_, m) => {
            const dataPoints = Array.from({ length: 50 }, (_, d) => ({
              attributes: [
                { key: 'http.route', value: { stringValue: `/r${d % 10}` } },
                { key: 'status', value: { intValue: String(200 + (d % 5)) } },
              ],
              timeUnixNano: String(baseNs + BigInt(d) * 1_000_000n),
              asDouble: (d * 13 + m) % 97,
            }));
            return m % 2 === 0
              ? { name: `metric.${m}`, unit: 'ms', gauge: { dataPoints } }
              : { name: `metric.${m}`, unit: '1', sum: { dataPoints, aggregationTemporality: 2, isMonotonic: true } };
          }),
        },
      ],
    })),
  };
}

const requests = Array.from({ length: 50 }, (_, i) => request(i));
for (let i = 0; i < 5; i++) parseOtlpMetricsJson(requests[i], 0);
const started = performance.now();
let points = 0;
for (let round = 0; round < 4; round++) {
  for (const r of requests) points += parseOtlpMetricsJson(r, 0).metrics.ts.length;
}
const ms = performance.now() - started;
console.log(JSON.stringify({ points, ms: Math.round(ms), pointsPerSecond: Math.round((points / ms) * 1000) }));
