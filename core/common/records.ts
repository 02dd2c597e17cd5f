/**
 * Normalised records: what every receiver turns its input into, what storage writes and what the
 * analytics read. Plain TypeScript (no node:, no DOM). Times are epoch milliseconds, event time.
 */
import type { ChangeInput, EdgeKind, Severity } from './schemas.ts';

/** Canonical entity id `kind:name`, e.g. `service:checkout`, `host:eu-web-1`. */
export type EntityId = string;

/** Build a canonical entity id. An id that already carries a `kind:` prefix is returned unchanged. */
export function entityId(kind: string, name: string): EntityId {
  return name.includes(':') && name.slice(0, name.indexOf(':')) === kind ? name : `${kind}:${name}`;
}

/** The name part of a canonical entity id. */
export function entityName(id: EntityId): string {
  const i = id.indexOf(':');
  return i < 0 ? id : id.slice(i + 1);
}

/** The kind part of a canonical entity id. */
export function entityKind(id: EntityId): string {
  const i = id.indexOf(':');
  return i < 0 ? 'unknown' : id.slice(0, i);
}

/** Attribute values as OpenTelemetry allows them, flattened. */
export type AttrValue = string | number | boolean | null;
export type Attrs = Record<string, AttrValue>;

/**
 * A batch of metric points in columnar form (one entry per point at the same index), so that
 * receivers, storage appenders and worker messages move typed arrays rather than objects.
 * `series[i]` indexes into `seriesKeys`, which describe each distinct series of the batch once.
 */
export interface MetricBatch {
  seriesKeys: SeriesKey[];
  series: Int32Array;
  ts: Float64Array;
  values: Float64Array;
}

/** Identity of a metric series. */
export interface SeriesKey {
  /** Stable string key: entity|name|sorted attributes. */
  key: string;
  entity: EntityId;
  service: string | null;
  host: string | null;
  /** Metric name; histogram points become `<name>.count`, `<name>.sum`, and bucket-derived `<name>.p95`. */
  name: string;
  unit: string;
  attributes: Attrs;
}

/** A log record. */
export interface LogRecord {
  ts: number;
  entity: EntityId;
  service: string | null;
  host: string | null;
  severity: string;
  body: string;
  traceId: string | null;
  spanId: string | null;
  attributes: Attrs;
  /** The log template the body was mined into (set by the engine before storage). */
  templateId?: string | null;
}

/** A span. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: number;
  start: number;
  end: number;
  statusCode: number;
  attributes: Attrs;
}

/** An alert event after normalisation (from /ingest/events, Alertmanager, or the engine's own detectors). */
export interface AlertRecord {
  /** Engine id, unique. */
  id: string;
  /** The sender's id, when one was given. */
  externalId: string | null;
  time: number;
  receivedAt: number;
  source: string;
  service: string | null;
  host: string | null;
  entity: EntityId;
  severity: Severity;
  status: 'firing' | 'resolved';
  title: string;
  description: string | null;
  /** Given by the sender or computed from source+service+host+title. */
  fingerprint: string;
  attributes: Attrs;
}

/** A change after normalisation. */
export interface ChangeRecord extends ChangeInput {
  id: string;
  entity: EntityId;
}

/** A topology node after normalisation (id canonical). */
export interface NodeRecord {
  id: EntityId;
  kind: string;
  name: string;
  attributes: Attrs;
}

/** A topology edge after normalisation: source depends on target. */
export interface EdgeRecord {
  source: EntityId;
  target: EntityId;
  kind: EdgeKind;
  origin: 'declared' | 'traces';
}

/** A batch of topology facts (declared, or derived from resources and traces). */
export interface TopologyBatch {
  nodes: NodeRecord[];
  edges: EdgeRecord[];
}

/**
 * The earliest event time of a batch's telemetry (points, log lines, span starts, alerts, changes), or
 * null when it has none: when the topology the batch reveals was first seen.
 */
export function earliestEventTime(b: {
  metrics?: { ts: ArrayLike<number> };
  logs?: readonly { ts: number }[];
  spans?: readonly { start: number }[];
  alerts?: readonly { time: number }[];
  changes?: readonly { time: number }[];
}): number | null {
  let t = Infinity;
  const ts = b.metrics?.ts;
  if (ts) for (let i = 0; i < ts.length; i++) if (ts[i] < t) t = ts[i];
  for (const r of b.logs ?? []) if (r.ts < t) t = r.ts;
  for (const r of b.spans ?? []) if (r.start < t) t = r.start;
  for (const r of b.alerts ?? []) if (r.time < t) t = r.time;
  for (const r of b.changes ?? []) if (r.time < t) t = r.time;
  return Number.isFinite(t) ? t : null;
}
