/**
 * Pieces shared by the OTLP/HTTP JSON receivers: the JSON mapping of AnyValue and KeyValue lists (per the
 * OpenTelemetry proto JSON encoding: lowerCamelCase fields, 64-bit integers as strings or numbers, ids
 * as hex), nanosecond times, and the mapping of resource attributes to entities and topology.
 */
import type { AttrValue, Attrs, EdgeRecord, EntityId, NodeRecord, TopologyBatch } from '../common/records.ts';
import { entityId } from '../common/records.ts';
import { IngestError } from './errors.ts';

/** A JSON object as parsed; fields are read defensively. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The request body must be a JSON object. */
export function requireBody(body: unknown): JsonObject {
  if (!isObject(body)) throw new IngestError('body', 'must be a JSON object (OTLP/HTTP JSON encoding)');
  return body;
}

/** An optional repeated field: absent or null is empty, anything but an array is an error. */
export function optionalArray(v: unknown, path: string): readonly unknown[] {
  if (v === undefined || v === null) return EMPTY;
  if (!Array.isArray(v)) throw new IngestError(path, 'must be an array');
  return v;
}
const EMPTY: readonly unknown[] = Object.freeze([]);

/** An optional message field: absent or null is empty, anything but an object is an error. */
export function optionalObject(v: unknown, path: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new IngestError(path, 'must be an object');
  return v;
}

/** An optional string field. */
export function optionalString(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new IngestError(path, 'must be a string');
  return v;
}

/**
 * A fixed64 nanosecond time as milliseconds since the epoch; NaN when it is not a non-negative integer
 * (string or number). 0 and absent mean "unknown" in OTLP and come back as 0.
 */
export function nanosToMs(v: unknown): number {
  if (typeof v === 'string') {
    // Number() also takes ' 1', '0x1f' and '': insisting on a digit at both ends rules those out cheaply
    // (what slips through, like '1e9', is still an integer). A double keeps 19-digit nanoseconds to
    // within 256 ns, far below the millisecond the engine works in.
    const len = v.length;
    if (len === 0) return NaN;
    const a = v.charCodeAt(0);
    const z = v.charCodeAt(len - 1);
    if (a < 48 || a > 57 || z < 48 || z > 57) return NaN;
    const n = Number(v);
    return Number.isInteger(n) ? n / 1e6 : NaN;
  }
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v / 1e6 : NaN;
  if (v === undefined || v === null) return 0;
  return NaN;
}

/** The reason used for malformed nanosecond times. */
export const NANOS_REASON = 'must be a non-negative integer of nanoseconds since the Unix epoch (string or number)';

/**
 * A proto3 JSON double: a number, or a string holding a number, 'NaN', 'Infinity' or '-Infinity'.
 * undefined when it is neither (a transmitted NaN stays NaN).
 */
export function jsonDouble(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = v.trim() === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A proto3 JSON int64/uint64: a safe integer number or a string of one; NaN otherwise. */
export function jsonInt(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : NaN;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return Number(v);
  return NaN;
}

/** An OTLP AnyValue flattened to an attribute value: arrays and maps become JSON text, bytes stay base64. */
export function anyValueToAttr(v: unknown, path: string): AttrValue {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw new IngestError(path, 'must be an AnyValue object');
  if ('stringValue' in v) {
    const s = v.stringValue;
    if (typeof s !== 'string') throw new IngestError(`${path}.stringValue`, 'must be a string');
    return s;
  }
  if ('intValue' in v) {
    const n = jsonInt(v.intValue);
    if (Number.isNaN(n)) throw new IngestError(`${path}.intValue`, 'must be an integer (string or number)');
    return n;
  }
  if ('doubleValue' in v) {
    const d = jsonDouble(v.doubleValue);
    if (d === undefined) throw new IngestError(`${path}.doubleValue`, 'must be a number');
    return Number.isFinite(d) ? d : String(d);
  }
  if ('boolValue' in v) {
    if (typeof v.boolValue !== 'boolean') throw new IngestError(`${path}.boolValue`, 'must be a boolean');
    return v.boolValue;
  }
  if ('arrayValue' in v || 'kvlistValue' in v) return JSON.stringify(anyValueToJson(v, path));
  if ('bytesValue' in v) {
    if (typeof v.bytesValue !== 'string') throw new IngestError(`${path}.bytesValue`, 'must be a base64 string');
    return v.bytesValue;
  }
  return null;
}

/** An AnyValue as plain JSON (nested arrays and maps kept). */
function anyValueToJson(v: unknown, path: string): unknown {
  if (!isObject(v)) return anyValueToAttr(v, path);
  if ('arrayValue' in v) {
    const arr = optionalObject(v.arrayValue, `${path}.arrayValue`);
    const values = optionalArray(arr?.values, `${path}.arrayValue.values`);
    return values.map((x, i) => anyValueToJson(x, `${path}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in v) {
    const kv = optionalObject(v.kvlistValue, `${path}.kvlistValue`);
    return attributesToAttrsDeep(kv?.values, `${path}.kvlistValue.values`);
  }
  return anyValueToAttr(v, path);
}

function attributesToAttrsDeep(list: unknown, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const arr = optionalArray(list, path);
  for (let i = 0; i < arr.length; i++) {
    const kv = arr[i];
    if (!isObject(kv) || typeof kv.key !== 'string') throw new IngestError(`${path}[${i}].key`, 'must be a string');
    out[kv.key] = anyValueToJson(kv.value, `${path}[${i}].value`);
  }
  return out;
}

/** An AnyValue rendered as text: strings as they are, everything else as JSON. */
export function anyValueToText(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (isObject(v) && 'stringValue' in v && typeof v.stringValue === 'string') return v.stringValue;
  const j = anyValueToJson(v, path);
  return j === null ? '' : typeof j === 'string' ? j : JSON.stringify(j);
}

/** A KeyValue list as flat attributes. */
export function attributesToAttrs(list: unknown, path: string): Attrs {
  const out: Attrs = {};
  const arr = optionalArray(list, path);
  for (let i = 0; i < arr.length; i++) {
    const kv = arr[i];
    if (!isObject(kv)) throw new IngestError(`${path}[${i}]`, 'must be a KeyValue object');
    if (typeof kv.key !== 'string') throw new IngestError(`${path}[${i}].key`, 'must be a string');
    out[kv.key] = anyValueToAttr(kv.value, `${path}[${i}].value`);
  }
  return out;
}

/** What a resource says about where telemetry comes from. */
export interface ResourceInfo {
  /** The entity telemetry of this resource belongs to. */
  entity: EntityId;
  service: string | null;
  host: string | null;
  pod: string | null;
  node: string | null;
  attributes: Attrs;
}

/**
 * A resource may name the entity its telemetry is about (a database, a queue, a load balancer) with
 * this attribute, as a canonical `kind:name` id; it wins over service.name and host.name.
 */
export const ENTITY_OVERRIDE = 'watchfloor.entity.id';

/**
 * Maps resource attributes to entities: `watchfloor.entity.id` when given; else `service.name` →
 * `service:<name>`; otherwise `k8s.pod.name` → `pod:<name>`, `host.name` → `host:<name>`,
 * `k8s.node.name` → `node:<name>`, in that order; `service:unknown_service` when none is given (the
 * OpenTelemetry SDKs' own default).
 */
export function resourceInfo(resource: unknown, path: string): ResourceInfo {
  const res = optionalObject(resource, path);
  const attributes = attributesToAttrs(res?.attributes, `${path}.attributes`);
  const service = textAttr(attributes['service.name']);
  const pod = textAttr(attributes['k8s.pod.name']);
  const host = textAttr(attributes['host.name']);
  const node = textAttr(attributes['k8s.node.name']);
  const override = textAttr(attributes[ENTITY_OVERRIDE]);
  const entity = override && /^[a-z][a-z0-9_-]*:./i.test(override)
    ? override
    : service
    ? entityId('service', service)
    : pod
      ? entityId('pod', pod)
      : host
        ? entityId('host', host)
        : node
          ? entityId('node', node)
          : 'service:unknown_service';
  return { entity, service, host: host ?? node, pod, node, attributes };
}

function textAttr(v: AttrValue | undefined): string | null {
  if (v === undefined || v === null || v === '') return null;
  return String(v);
}

/** Resource attributes worth keeping on a service node (identity, not per-process noise). */
const SERVICE_NODE_ATTRS = ['service.namespace', 'service.version', 'deployment.environment', 'deployment.environment.name', 'cloud.region'];
const HOST_NODE_ATTRS = ['host.type', 'host.arch', 'os.type', 'cloud.region', 'cloud.availability_zone'];
const POD_NODE_ATTRS = ['k8s.namespace.name', 'k8s.deployment.name'];

/** Collects distinct topology nodes and edges of one request. */
export class TopologyCollector {
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly edges = new Map<string, EdgeRecord>();
  private readonly seenResources = new Set<string>();

  /** Adds a node (attributes of a repeat are merged). */
  addNode(kind: string, name: string, attributes: Attrs = {}): EntityId {
    const id = entityId(kind, name);
    const prev = this.nodes.get(id);
    if (prev) Object.assign(prev.attributes, attributes);
    else this.nodes.set(id, { id, kind, name, attributes: { ...attributes } });
    return id;
  }

  /** Adds an edge once: source depends on target. */
  addEdge(source: EntityId, target: EntityId, kind: EdgeRecord['kind'], origin: EdgeRecord['origin']): void {
    if (source === target) return;
    const key = `${source}\u0000${target}\u0000${kind}`;
    if (!this.edges.has(key)) this.edges.set(key, { source, target, kind, origin });
  }

  /** The entities of a resource and their `runs_on` edges (service → pod, service → host, pod → node). */
  addResource(r: ResourceInfo): void {
    const sig = `${r.service}\u0000${r.pod}\u0000${r.host}\u0000${r.node}`;
    if (this.seenResources.has(sig)) return;
    this.seenResources.add(sig);
    const svc = r.service ? this.addNode('service', r.service, pick(r.attributes, SERVICE_NODE_ATTRS)) : null;
    const pod = r.pod ? this.addNode('pod', r.pod, pick(r.attributes, POD_NODE_ATTRS)) : null;
    const hostName = textAttr(r.attributes['host.name']);
    const host = hostName ? this.addNode('host', hostName, pick(r.attributes, HOST_NODE_ATTRS)) : null;
    const node = r.node ? this.addNode('node', r.node) : null;
    const override = textAttr(r.attributes[ENTITY_OVERRIDE]);
    if (override && r.entity === override) {
      const i = override.indexOf(':');
      const own = this.addNode(override.slice(0, i), override.slice(i + 1), pick(r.attributes, SERVICE_NODE_ATTRS));
      if (host) this.addEdge(own, host, 'runs_on', 'declared');
      return;
    }
    if (svc && pod) this.addEdge(svc, pod, 'runs_on', 'declared');
    if (svc && host) this.addEdge(svc, host, 'runs_on', 'declared');
    if (pod && node) this.addEdge(pod, node, 'runs_on', 'declared');
    if (!svc && !pod && !host && !node) this.addNode('service', 'unknown_service');
  }

  /** The collected facts. */
  toBatch(): TopologyBatch {
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}

function pick(attrs: Attrs, keys: readonly string[]): Attrs {
  const out: Attrs = {};
  for (const k of keys) if (attrs[k] !== undefined) out[k] = attrs[k];
  return out;
}
