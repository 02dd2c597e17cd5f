/**
 * Span-derived series: the entry spans of each service (SERVER or CONSUMER spans, and root spans)
 * become three metric series per service and time bucket — mean latency (`span.duration.mean`, ms),
 * error ratio (`span.error.ratio`, status ERROR / all) and request count (`span.count`) — so the
 * detector scores a service's latency and error rate like any metric. Buckets are emitted once a later
 * bucket of the same service starts (spans arrive roughly in time order); state is one open bucket per
 * service, so memory is constant per service.
 */
import type { MetricBatch, SeriesKey, SpanRecord } from '../../common/records.ts';
import { entityId } from '../../common/records.ts';

/** Bucket width of span-derived series. */
export const SPAN_BUCKET_MS = 30_000;

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CONSUMER = 5;
const STATUS_ERROR = 2;

interface Bucket {
  start: number;
  count: number;
  errors: number;
  durationSum: number;
}

/** The span-derived series names. */
export const SPAN_SERIES = ['span.duration.mean', 'span.error.ratio', 'span.count'] as const;

/** Turns span batches into closed per-service buckets of latency, error ratio and count. */
export class SpanSeriesAggregator {
  private readonly open = new Map<string, Bucket>();

  constructor(private readonly bucketMs = SPAN_BUCKET_MS) {}

  /** Adds spans; returns the points of the buckets this closed (null when none). Spans older than a service's open bucket are ignored. */
  add(spans: readonly SpanRecord[]): MetricBatch | null {
    const closed: { service: string; b: Bucket }[] = [];
    for (const s of spans) {
      if (!isEntry(s) || !Number.isFinite(s.end) || !s.service) continue;
      const start = Math.floor(s.end / this.bucketMs) * this.bucketMs;
      let b = this.open.get(s.service);
      if (b && start > b.start) {
        closed.push({ service: s.service, b });
        b = undefined;
      }
      if (!b) {
        b = { start, count: 0, errors: 0, durationSum: 0 };
        this.open.set(s.service, b);
      }
      if (start < b.start) continue;
      b.count++;
      if (s.statusCode === STATUS_ERROR) b.errors++;
      b.durationSum += Math.max(0, s.end - s.start);
    }
    if (closed.length === 0) return null;
    const seriesKeys: SeriesKey[] = [];
    const index = new Map<string, number>();
    const n = closed.length * SPAN_SERIES.length;
    const batch: MetricBatch = { seriesKeys, series: new Int32Array(n), ts: new Float64Array(n), values: new Float64Array(n) };
    let i = 0;
    for (const { service, b } of closed) {
      const values = [b.durationSum / b.count, b.errors / b.count, b.count];
      SPAN_SERIES.forEach((name, k) => {
        const entity = entityId('service', service);
        const key = `${entity}|${name}|`;
        let idx = index.get(key);
        if (idx === undefined) {
          idx = seriesKeys.length;
          index.set(key, idx);
          seriesKeys.push({ key, entity, service, host: null, name, unit: k === 0 ? 'ms' : '1', attributes: {} });
        }
        batch.series[i] = idx;
        batch.ts[i] = b.start;
        batch.values[i] = values[k];
        i++;
      });
    }
    return batch;
  }
}

function isEntry(s: SpanRecord): boolean {
  return s.kind === SPAN_KIND_SERVER || s.kind === SPAN_KIND_CONSUMER || !s.parentSpanId;
}

/** One batch holding the points of both (series keys merged by key). */
export function concatMetricBatches(a: MetricBatch, b: MetricBatch): MetricBatch {
  const seriesKeys = [...a.seriesKeys];
  const index = new Map(seriesKeys.map((k, i) => [k.key, i]));
  const remap = b.seriesKeys.map((k) => {
    let i = index.get(k.key);
    if (i === undefined) {
      i = seriesKeys.length;
      seriesKeys.push(k);
      index.set(k.key, i);
    }
    return i;
  });
  const n = a.ts.length + b.ts.length;
  const out: MetricBatch = { seriesKeys, series: new Int32Array(n), ts: new Float64Array(n), values: new Float64Array(n) };
  out.series.set(a.series);
  out.ts.set(a.ts);
  out.values.set(a.values);
  for (let i = 0; i < b.ts.length; i++) out.series[a.ts.length + i] = remap[b.series[i]];
  out.ts.set(b.ts, a.ts.length);
  out.values.set(b.values, a.ts.length);
  return out;
}
