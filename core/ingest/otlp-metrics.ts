/**
 * OTLP/HTTP JSON metrics (ExportMetricsServiceRequest) → a columnar MetricBatch plus the topology the
 * resources reveal. This is the ingest hot path: points go straight into growable typed arrays, a
 * series is looked up by a string key, and objects are built once per new series, not per point. Field
 * paths for error messages are only assembled when something is wrong.
 *
 * What becomes a point:
 * - gauge and sum data points: the value as sent (cumulative sums stay cumulative; rates are the
 *   analytics' business);
 * - histogram data points: `<name>.count`, `<name>.sum` (when sent) and `<name>.p95` estimated from the
 *   bucket counts by linear interpolation inside the bucket (over the data point's own window, i.e. since
 *   start for cumulative temporality);
 * - exponential histograms: `<name>.count` and `<name>.sum`;
 * - summaries: `<name>.count`, `<name>.sum` and one `<name>.p<q×100>` per quantile (`.min`, `.max` for 0, 1).
 * A point flagged NO_RECORDED_VALUE is skipped.
 */
import type { Attrs, MetricBatch, SeriesKey, TopologyBatch } from '../common/records.ts';
import { IngestError } from './errors.ts';
import {
  NANOS_REASON,
  TopologyCollector,
  anyValueToAttr,
  attributesToAttrs,
  isObject,
  jsonDouble,
  jsonInt,
  nanosToMs,
  optionalArray,
  requireBody,
  resourceInfo,
  type JsonObject,
  type ResourceInfo,
} from './otlp-common.ts';

/** Data point flag bit: the point carries no value (e.g. the series went stale). */
const FLAG_NO_RECORDED_VALUE = 1;

/** The points and topology of one OTLP metrics request. */
export interface OtlpMetricsResult {
  metrics: MetricBatch;
  topology: TopologyBatch;
}

/**
 * Parses an OTLP/HTTP JSON ExportMetricsServiceRequest (already JSON-parsed). Throws IngestError naming
 * the first bad field; a request is accepted whole or not at all. `receivedAt` is unused for metrics (every
 * point carries its own time) and kept for symmetry with the other receivers.
 */
export function parseOtlpMetricsJson(body: unknown, receivedAt: number): OtlpMetricsResult {
  void receivedAt;
  const root = requireBody(body);
  const resourceMetrics = optionalArray(root.resourceMetrics, 'resourceMetrics');
  const out = new BatchBuilder();
  const topology = new TopologyCollector();
  const cur = new Cursor();
  for (let ri = 0; ri < resourceMetrics.length; ri++) {
    cur.ri = ri;
    cur.si = cur.mi = cur.di = -1;
    const rm = resourceMetrics[ri];
    if (!isObject(rm)) throw new IngestError(cur.resourcePath(), 'must be an object');
    const res = resourceInfo(rm.resource, `${cur.resourcePath()}.resource`);
    topology.addResource(res);
    // Several instances of one service report the same metric; the host keeps their series apart.
    const hostPart = res.host && res.entity !== `host:${res.host}` ? `|host.name=${res.host}` : '';
    const scopeMetrics = optionalArray(rm.scopeMetrics, `${cur.resourcePath()}.scopeMetrics`);
    for (let si = 0; si < scopeMetrics.length; si++) {
      cur.si = si;
      cur.mi = cur.di = -1;
      const sm = scopeMetrics[si];
      if (!isObject(sm)) throw new IngestError(cur.scopePath(), 'must be an object');
      const metrics = optionalArray(sm.metrics, `${cur.scopePath()}.metrics`);
      for (let mi = 0; mi < metrics.length; mi++) {
        cur.mi = mi;
        cur.di = -1;
        const m = metrics[mi];
        if (!isObject(m)) throw new IngestError(cur.metricPath(), 'must be an object');
        const name = m.name;
        if (typeof name !== 'string' || name.length === 0) {
          throw new IngestError(`${cur.metricPath()}.name`, 'must be a non-empty string');
        }
        const unit = m.unit === undefined || m.unit === null ? '' : m.unit;
        if (typeof unit !== 'string') throw new IngestError(`${cur.metricPath()}.unit`, 'must be a string');
        const ctx: MetricContext = { res, hostPart, name, unit, local: new Map() };
        if (m.gauge != null) numberPoints(out, cur, 'gauge', m.gauge, ctx);
        else if (m.sum != null) numberPoints(out, cur, 'sum', m.sum, ctx);
        else if (m.histogram != null) histogramPoints(out, cur, m.histogram, ctx);
        else if (m.exponentialHistogram != null) exponentialHistogramPoints(out, cur, m.exponentialHistogram, ctx);
        else if (m.summary != null) summaryPoints(out, cur, m.summary, ctx);
        // A metric with no data field carries nothing to store; newer data kinds are skipped likewise.
      }
    }
  }
  return { metrics: out.build(), topology: topology.toBatch() };
}

interface MetricContext {
  res: ResourceInfo;
  hostPart: string;
  name: string;
  unit: string;
  /** Per derived metric name: attribute key → series index, so known series skip building the full key. */
  local: Map<string, Map<string, number>>;
}

/** Where the parser is, so that error paths can be written without building strings per point. */
class Cursor {
  ri = -1;
  si = -1;
  mi = -1;
  kind = '';
  di = -1;
  resourcePath(): string {
    return `resourceMetrics[${this.ri}]`;
  }
  scopePath(): string {
    return `${this.resourcePath()}.scopeMetrics[${this.si}]`;
  }
  metricPath(): string {
    return `${this.scopePath()}.metrics[${this.mi}]`;
  }
  pointPath(field?: string): string {
    const p = `${this.metricPath()}.${this.kind}.dataPoints[${this.di}]`;
    return field ? `${p}.${field}` : p;
  }
}

/** Growable columns and the series of one batch. */
class BatchBuilder {
  readonly seriesKeys: SeriesKey[] = [];
  private readonly index = new Map<string, number>();
  private series = new Int32Array(1024);
  private ts = new Float64Array(1024);
  private values = new Float64Array(1024);
  private n = 0;

  push(series: number, t: number, v: number): void {
    if (this.n === this.ts.length) this.grow();
    const i = this.n++;
    this.series[i] = series;
    this.ts[i] = t;
    this.values[i] = v;
  }

  /** Index of the series `key`; `make` builds its description the first time it is seen. */
  seriesFor(key: string, make: () => SeriesKey): number {
    let s = this.index.get(key);
    if (s === undefined) {
      s = this.seriesKeys.length;
      this.seriesKeys.push(make());
      this.index.set(key, s);
    }
    return s;
  }

  build(): MetricBatch {
    return {
      seriesKeys: this.seriesKeys,
      series: this.series.slice(0, this.n),
      ts: this.ts.slice(0, this.n),
      values: this.values.slice(0, this.n),
    };
  }

  private grow(): void {
    const cap = this.ts.length * 2;
    const s = new Int32Array(cap);
    s.set(this.series);
    this.series = s;
    const t = new Float64Array(cap);
    t.set(this.ts);
    this.ts = t;
    const v = new Float64Array(cap);
    v.set(this.values);
    this.values = v;
  }
}

function dataPointsOf(cur: Cursor, kind: string, data: unknown): readonly unknown[] {
  cur.kind = kind;
  if (!isObject(data)) throw new IngestError(`${cur.metricPath()}.${kind}`, 'must be an object');
  return optionalArray(data.dataPoints, `${cur.metricPath()}.${kind}.dataPoints`);
}

function pointObject(cur: Cursor, dp: unknown): JsonObject {
  if (!isObject(dp)) throw new IngestError(cur.pointPath(), 'must be an object');
  return dp;
}

function pointTime(cur: Cursor, dp: JsonObject): number {
  const t = nanosToMs(dp.timeUnixNano);
  if (!(t > 0)) {
    throw new IngestError(cur.pointPath('timeUnixNano'), dp.timeUnixNano == null ? `is required; ${NANOS_REASON}` : NANOS_REASON);
  }
  return t;
}

function noValue(dp: JsonObject): boolean {
  const flags = dp.flags;
  return typeof flags === 'number' && (flags & FLAG_NO_RECORDED_VALUE) !== 0;
}

/**
 * The series key part of a data point's attributes: `k=v` pairs sorted by key, comma-joined. Validates
 * the attributes as it goes. Senders almost always keep attributes in the same (often sorted) order, so
 * the sorted case is built in one pass without intermediate arrays.
 */
function attributeKey(cur: Cursor, list: unknown): string {
  if (list === undefined || list === null) return '';
  if (!Array.isArray(list)) throw new IngestError(cur.pointPath('attributes'), 'must be an array');
  const n = list.length;
  if (n === 0) return '';
  let out = '';
  let prev = '';
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const kv = list[i];
    if (!isObject(kv) || typeof kv.key !== 'string') {
      throw new IngestError(cur.pointPath(`attributes[${i}].key`), 'must be a string');
    }
    const key = kv.key;
    if (i > 0 && key < prev) sorted = false;
    prev = key;
    const v = attrKeyValue(cur, kv.value, i);
    out = i === 0 ? `${key}=${v}` : `${out},${key}=${v}`;
  }
  if (sorted) return out;
  const pairs: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    const kv = list[i] as JsonObject;
    pairs.push([kv.key as string, attrKeyValue(cur, kv.value, i)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map((p) => `${p[0]}=${p[1]}`).join(',');
}

function attrKeyValue(cur: Cursor, v: unknown, i: number): string {
  if (isObject(v)) {
    const s = v.stringValue;
    if (typeof s === 'string') return s;
    const n = v.intValue;
    if (typeof n === 'number' && Number.isInteger(n)) return String(n);
  }
  // Rare kinds go through the full validator, which also names the field when it is wrong.
  return String(anyValueToAttr(v, cur.pointPath(`attributes[${i}].value`)));
}

function seriesIndex(out: BatchBuilder, cur: Cursor, ctx: MetricContext, name: string, unit: string, attrKey: string, dp: JsonObject): number {
  let local = ctx.local.get(name);
  if (local === undefined) {
    local = new Map();
    ctx.local.set(name, local);
  }
  const hit = local.get(attrKey);
  if (hit !== undefined) return hit;
  const key = `${ctx.res.entity}|${name}|${attrKey}${ctx.hostPart}`;
  const s = out.seriesFor(key, () => ({
    key,
    entity: ctx.res.entity,
    service: ctx.res.service,
    host: ctx.res.host,
    name,
    unit,
    attributes: attrKey === '' ? {} : (attributesToAttrs(dp.attributes, cur.pointPath('attributes')) as Attrs),
  }));
  local.set(attrKey, s);
  return s;
}

function numberPoints(out: BatchBuilder, cur: Cursor, kind: 'gauge' | 'sum', data: unknown, ctx: MetricContext): void {
  const dps = dataPointsOf(cur, kind, data);
  for (let di = 0; di < dps.length; di++) {
    cur.di = di;
    const dp = pointObject(cur, dps[di]);
    const t = pointTime(cur, dp);
    let v: number | undefined;
    if (dp.asDouble !== undefined) {
      v = jsonDouble(dp.asDouble);
      if (v === undefined) throw new IngestError(cur.pointPath('asDouble'), 'must be a number');
    } else if (dp.asInt !== undefined) {
      v = jsonInt(dp.asInt);
      if (Number.isNaN(v)) throw new IngestError(cur.pointPath('asInt'), 'must be an integer (string or number)');
    } else {
      if (noValue(dp)) continue;
      throw new IngestError(cur.pointPath('asDouble'), 'a data point needs asDouble or asInt');
    }
    const s = seriesIndex(out, cur, ctx, ctx.name, ctx.unit, attributeKey(cur, dp.attributes), dp);
    out.push(s, t, v);
  }
}

function countOf(cur: Cursor, dp: JsonObject): number {
  if (dp.count === undefined || dp.count === null) return 0;
  const c = jsonInt(dp.count);
  if (!(c >= 0)) throw new IngestError(cur.pointPath('count'), 'must be a non-negative integer (string or number)');
  return c;
}

function sumOf(cur: Cursor, dp: JsonObject): number | undefined {
  if (dp.sum === undefined || dp.sum === null) return undefined;
  const s = jsonDouble(dp.sum);
  if (s === undefined) throw new IngestError(cur.pointPath('sum'), 'must be a number');
  return s;
}

function histogramPoints(out: BatchBuilder, cur: Cursor, data: unknown, ctx: MetricContext): void {
  const dps = dataPointsOf(cur, 'histogram', data);
  for (let di = 0; di < dps.length; di++) {
    cur.di = di;
    const dp = pointObject(cur, dps[di]);
    const t = pointTime(cur, dp);
    if (noValue(dp)) continue;
    const p95 = bucketQuantile(cur, dp, 0.95);
    const ak = pushCountAndSum(out, cur, ctx, dp, t);
    if (p95 !== undefined) out.push(seriesIndex(out, cur, ctx, `${ctx.name}.p95`, ctx.unit, ak, dp), t, p95);
  }
}

/**
 * Quantile q estimated from explicit-bucket counts: find the bucket holding rank q×total and interpolate
 * linearly inside it. The open-ended first and last buckets are closed with the point's min/max when sent,
 * else with 0 (when the first bound is positive) or the nearest bound. undefined when there are no counts.
 */
function bucketQuantile(cur: Cursor, dp: JsonObject, q: number): number | undefined {
  const counts = optionalArray(dp.bucketCounts, cur.pointPath('bucketCounts'));
  if (counts.length === 0) return undefined;
  const rawBounds = optionalArray(dp.explicitBounds, cur.pointPath('explicitBounds'));
  if (counts.length !== rawBounds.length + 1) {
    throw new IngestError(
      cur.pointPath('bucketCounts'),
      `must have explicitBounds.length + 1 (${rawBounds.length + 1}) entries, has ${counts.length}`,
    );
  }
  const nb = rawBounds.length;
  const bounds = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    const b = jsonDouble(rawBounds[i]);
    if (b === undefined || !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1])) {
      throw new IngestError(cur.pointPath(`explicitBounds[${i}]`), 'must be finite numbers in increasing order');
    }
    bounds[i] = b;
  }
  const cs = new Float64Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = jsonInt(counts[i]);
    if (!(c >= 0)) throw new IngestError(cur.pointPath(`bucketCounts[${i}]`), 'must be a non-negative integer (string or number)');
    cs[i] = c;
    total += c;
  }
  if (total === 0) return undefined;
  if (nb === 0 && dp.max == null) return undefined;
  const min = dp.min == null ? undefined : jsonDouble(dp.min);
  const max = dp.max == null ? undefined : jsonDouble(dp.max);
  const rank = q * total;
  let cum = 0;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (c === 0 || cum + c < rank) {
      cum += c;
      continue;
    }
    const first = nb > 0 ? bounds[0] : 0;
    const last = nb > 0 ? bounds[nb - 1] : 0;
    const lower = i === 0 ? (min !== undefined && Number.isFinite(min) ? min : first > 0 ? 0 : first) : bounds[i - 1];
    const upper = i === nb ? (max !== undefined && Number.isFinite(max) ? max : last) : bounds[i];
    if (!(upper > lower)) return upper;
    return lower + ((upper - lower) * (rank - cum)) / c;
  }
  return nb > 0 ? bounds[nb - 1] : undefined;
}

function exponentialHistogramPoints(out: BatchBuilder, cur: Cursor, data: unknown, ctx: MetricContext): void {
  const dps = dataPointsOf(cur, 'exponentialHistogram', data);
  for (let di = 0; di < dps.length; di++) {
    cur.di = di;
    const dp = pointObject(cur, dps[di]);
    const t = pointTime(cur, dp);
    if (noValue(dp)) continue;
    pushCountAndSum(out, cur, ctx, dp, t);
  }
}

/** The `.count` and `.sum` series of a histogram-like point; returns its attribute key. */
function pushCountAndSum(out: BatchBuilder, cur: Cursor, ctx: MetricContext, dp: JsonObject, t: number): string {
  const count = countOf(cur, dp);
  const sum = sumOf(cur, dp);
  const ak = attributeKey(cur, dp.attributes);
  out.push(seriesIndex(out, cur, ctx, `${ctx.name}.count`, '1', ak, dp), t, count);
  if (sum !== undefined) out.push(seriesIndex(out, cur, ctx, `${ctx.name}.sum`, ctx.unit, ak, dp), t, sum);
  return ak;
}

function summaryPoints(out: BatchBuilder, cur: Cursor, data: unknown, ctx: MetricContext): void {
  const dps = dataPointsOf(cur, 'summary', data);
  for (let di = 0; di < dps.length; di++) {
    cur.di = di;
    const dp = pointObject(cur, dps[di]);
    const t = pointTime(cur, dp);
    if (noValue(dp)) continue;
    const ak = pushCountAndSum(out, cur, ctx, dp, t);
    const qs = optionalArray(dp.quantileValues, cur.pointPath('quantileValues'));
    for (let qi = 0; qi < qs.length; qi++) {
      const qv = qs[qi];
      const path = cur.pointPath(`quantileValues[${qi}]`);
      if (!isObject(qv)) throw new IngestError(path, 'must be an object');
      const q = qv.quantile == null ? 0 : jsonDouble(qv.quantile);
      if (q === undefined || !(q >= 0 && q <= 1)) throw new IngestError(`${path}.quantile`, 'must be a number in [0, 1]');
      const v = qv.value == null ? 0 : jsonDouble(qv.value);
      if (v === undefined) throw new IngestError(`${path}.value`, 'must be a number');
      const suffix = q === 0 ? 'min' : q === 1 ? 'max' : `p${+(q * 100).toFixed(3)}`;
      out.push(seriesIndex(out, cur, ctx, `${ctx.name}.${suffix}`, ctx.unit, ak, dp), t, v);
    }
  }
}
