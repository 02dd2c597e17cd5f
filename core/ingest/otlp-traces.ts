/**
 * OTLP/HTTP JSON traces (ExportTraceServiceRequest) → SpanRecords plus the call graph they reveal.
 *
 * A span whose parent belongs to another service yields a `calls` edge parent-service → child-service
 * (origin 'traces'). The parent is looked up among the spans of the same request first, then in the
 * caller's index of recent spans, which this function also feeds, so calls that straddle requests are
 * found too. Client/producer/consumer spans that name a database, a queue or a `peer.service` that sends
 * no telemetry of its own yield an edge to that entity as well.
 */
import type { Attrs, EntityId, SpanRecord, TopologyBatch } from '../common/records.ts';
import { entityId } from '../common/records.ts';
import { IngestError } from './errors.ts';
import { hexId } from './otlp-logs.ts';
import {
  NANOS_REASON,
  TopologyCollector,
  attributesToAttrs,
  isObject,
  nanosToMs,
  optionalArray,
  optionalObject,
  requireBody,
  resourceInfo,
} from './otlp-common.ts';

/** spanId → service name of recently seen spans; the caller bounds it (e.g. {@link SpanServiceIndex}). */
export interface SpanIndex {
  get(spanId: string): string | undefined;
  set(spanId: string, service: string): void;
  /** Remembers a child whose parent span has not been seen yet (exporters flush children first). */
  addOrphan?(parentSpanId: string, childService: string): void;
  /** The services of children that were waiting for this span, forgetting them. */
  takeOrphans?(spanId: string): string[] | undefined;
}

/** A bounded least-recently-set index of span ids to services, for {@link parseOtlpTracesJson}. */
export class SpanServiceIndex implements SpanIndex {
  private readonly map = new Map<string, string>();
  private readonly orphans = new Map<string, string[]>();
  constructor(private readonly capacity = 100_000) {}
  addOrphan(parentSpanId: string, childService: string): void {
    const list = this.orphans.get(parentSpanId);
    if (list) {
      if (!list.includes(childService)) list.push(childService);
      return;
    }
    this.orphans.set(parentSpanId, [childService]);
    if (this.orphans.size > this.capacity) this.orphans.delete(this.orphans.keys().next().value as string);
  }
  takeOrphans(spanId: string): string[] | undefined {
    const list = this.orphans.get(spanId);
    if (list) this.orphans.delete(spanId);
    return list;
  }
  get(spanId: string): string | undefined {
    return this.map.get(spanId);
  }
  set(spanId: string, service: string): void {
    this.map.delete(spanId);
    this.map.set(spanId, service);
    // Map iterates in insertion order, so the first key is the oldest.
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
  get size(): number {
    return this.map.size;
  }
}

/** The spans and topology of one OTLP traces request. */
export interface OtlpTracesResult {
  spans: SpanRecord[];
  topology: TopologyBatch;
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const KIND_CLIENT = 3;
const KIND_PRODUCER = 4;
const KIND_CONSUMER = 5;

/**
 * Parses an OTLP/HTTP JSON ExportTraceServiceRequest. `spanIndex`, when given, resolves parents sent in
 * earlier requests and learns this request's spans. `receivedAt` is unused (spans carry their own times).
 */
export function parseOtlpTracesJson(body: unknown, receivedAt: number, spanIndex?: SpanIndex): OtlpTracesResult {
  void receivedAt;
  const root = requireBody(body);
  const resourceSpans = optionalArray(root.resourceSpans, 'resourceSpans');
  const spans: SpanRecord[] = [];
  const topology = new TopologyCollector();
  for (let ri = 0; ri < resourceSpans.length; ri++) {
    const rpath = `resourceSpans[${ri}]`;
    const rs = resourceSpans[ri];
    if (!isObject(rs)) throw new IngestError(rpath, 'must be an object');
    const res = resourceInfo(rs.resource, `${rpath}.resource`);
    topology.addResource(res);
    const service = res.service ?? 'unknown_service';
    if (!res.service) topology.addNode('service', service);
    const scopeSpans = optionalArray(rs.scopeSpans, `${rpath}.scopeSpans`);
    for (let si = 0; si < scopeSpans.length; si++) {
      const spath = `${rpath}.scopeSpans[${si}]`;
      const ss = scopeSpans[si];
      if (!isObject(ss)) throw new IngestError(spath, 'must be an object');
      const list = optionalArray(ss.spans, `${spath}.spans`);
      for (let i = 0; i < list.length; i++) {
        spans.push(parseSpan(list[i], `${spath}.spans[${i}]`, service));
      }
    }
  }

  // Parents may come after their children in a request, so edges are derived once all spans are known.
  const local = new Map<string, string>();
  for (const s of spans) local.set(s.spanId, s.service);
  for (const s of spans) {
    const child = entityId('service', s.service);
    if (s.parentSpanId) {
      const parentService = local.get(s.parentSpanId) ?? spanIndex?.get(s.parentSpanId);
      if (parentService !== undefined && parentService !== s.service) {
        topology.addEdge(topology.addNode('service', parentService), child, 'calls', 'traces');
      } else if (parentService === undefined) {
        spanIndex?.addOrphan?.(s.parentSpanId, s.service);
      }
    }
    for (const childService of spanIndex?.takeOrphans?.(s.spanId) ?? []) {
      if (childService !== s.service) topology.addEdge(topology.addNode('service', s.service), topology.addNode('service', childService), 'calls', 'traces');
    }
    const peer = peerEntity(s.kind, s.attributes);
    if (peer) topology.addEdge(child, topology.addNode(peer.kind, peer.name), 'calls', 'traces');
  }
  if (spanIndex) for (const s of spans) spanIndex.set(s.spanId, s.service);
  return { spans, topology: topology.toBatch() };
}

function parseSpan(v: unknown, path: string, service: string): SpanRecord {
  if (!isObject(v)) throw new IngestError(path, 'must be an object');
  const traceId = hexId(v.traceId, 32, `${path}.traceId`);
  if (!traceId) throw new IngestError(`${path}.traceId`, 'is required (32 hex digits)');
  const spanId = hexId(v.spanId, 16, `${path}.spanId`);
  if (!spanId) throw new IngestError(`${path}.spanId`, 'is required (16 hex digits)');
  const parentSpanId = hexId(v.parentSpanId, 16, `${path}.parentSpanId`);
  if (typeof v.name !== 'string') throw new IngestError(`${path}.name`, 'must be a string');
  const start = nanosToMs(v.startTimeUnixNano);
  if (!(start > 0)) throw new IngestError(`${path}.startTimeUnixNano`, NANOS_REASON);
  const end = nanosToMs(v.endTimeUnixNano);
  if (!(end > 0)) throw new IngestError(`${path}.endTimeUnixNano`, NANOS_REASON);
  if (end < start) throw new IngestError(`${path}.endTimeUnixNano`, 'must not be before startTimeUnixNano');
  const kind = enumValue(v.kind, SPAN_KINDS, 5, `${path}.kind`);
  const status = optionalObject(v.status, `${path}.status`);
  const statusCode = enumValue(status?.code, STATUS_CODES, 2, `${path}.status.code`);
  return {
    traceId,
    spanId,
    parentSpanId,
    service,
    name: v.name,
    kind,
    start,
    end,
    statusCode,
    attributes: attributesToAttrs(v.attributes, `${path}.attributes`),
  };
}

/** A proto3 JSON enum: its number, or its name. */
function enumValue(v: unknown, names: Record<string, number>, max: number, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return v;
  if (typeof v === 'string' && v in names) return names[v];
  throw new IngestError(path, `must be an integer from 0 to ${max} or one of ${Object.keys(names).join(', ')}`);
}

function str(v: Attrs[string] | undefined): string | null {
  return v === undefined || v === null || v === '' ? null : String(v);
}

/** The uninstrumented peer an outgoing span talks to, from OpenTelemetry semantic conventions. */
function peerEntity(kind: number, a: Attrs): { kind: string; name: string } | null {
  if (kind === KIND_CLIENT) {
    const db = str(a['db.system.name']) ?? str(a['db.system']);
    if (db) {
      const name = str(a['db.namespace']) ?? str(a['db.name']) ?? str(a['server.address']) ?? str(a['net.peer.name']) ?? db;
      return { kind: 'database', name };
    }
    const peer = str(a['peer.service']);
    if (peer) return { kind: 'service', name: peer };
  }
  if (kind === KIND_PRODUCER || kind === KIND_CONSUMER) {
    const dest = str(a['messaging.destination.name']) ?? str(a['messaging.destination']);
    if (str(a['messaging.system']) && dest) return { kind: 'queue', name: dest };
  }
  return null;
}

/** The canonical id a `peer.service` or database would get; exported for tests and the correlator. */
export function peerEntityId(kind: number, attributes: Attrs): EntityId | null {
  const p = peerEntity(kind, attributes);
  return p ? entityId(p.kind, p.name) : null;
}
