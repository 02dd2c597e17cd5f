/**
 * The engine's own ingest formats: events (`POST /ingest/events`), changes (`/ingest/changes`) and
 * declared topology (`/ingest/topology`), validated against the schemas in core/common.
 */
import type { AlertRecord, Attrs, ChangeRecord, EdgeRecord, NodeRecord, TopologyBatch } from '../common/records.ts';
import { entityId, entityName } from '../common/records.ts';
import { ChangesPayload, EventsPayload, TopologyPayload } from '../common/schemas.ts';
import { IngestError } from './errors.ts';
import { fingerprintOf } from './fingerprint.ts';
import { ENTITY_OVERRIDE } from './otlp-common.ts';

export { fingerprintOf } from './fingerprint.ts';

/**
 * Entity of an event or alert: the canonical id named by the `watchfloor.entity.id` attribute (or
 * Alertmanager label) when given, else `service:<service>`, else `host:<host>`, else `source:<source>`.
 */
export function alertEntity(
  source: string,
  service: string | null | undefined,
  host: string | null | undefined,
  attributes?: Attrs,
): string {
  const named = attributes?.[ENTITY_OVERRIDE];
  if (typeof named === 'string' && /^[a-z][a-z0-9_-]*:./i.test(named)) return named;
  return service ? entityId('service', service) : host ? entityId('host', host) : entityId('source', source);
}

/**
 * Parses an events payload (an array of EventInput). The sender's id becomes externalId; the fingerprint
 * is the sender's or {@link fingerprintOf}(source, service, host, title).
 */
export function parseEvents(body: unknown, receivedAt: number, newId: () => string): AlertRecord[] {
  const parsed = EventsPayload.safeParse(body);
  if (!parsed.success) throw IngestError.fromZod(parsed.error);
  return parsed.data.map((e) => ({
    id: newId(),
    externalId: e.id ?? null,
    time: e.time,
    receivedAt,
    source: e.source,
    service: e.service ?? null,
    host: e.host ?? null,
    entity: alertEntity(e.source, e.service, e.host, e.attributes),
    severity: e.severity,
    status: e.status,
    title: e.title,
    description: e.description ?? null,
    fingerprint: e.fingerprint ?? fingerprintOf(e.source, e.service, e.host, e.title),
    attributes: e.attributes ?? {},
  }));
}

/** Parses a changes payload; a change without an id gets `newId()`; its entity is `service:<service>`. */
export function parseChanges(body: unknown, newId: () => string): ChangeRecord[] {
  const parsed = ChangesPayload.safeParse(body);
  if (!parsed.success) throw IngestError.fromZod(parsed.error);
  return parsed.data.map((c) => ({ ...c, id: c.id ?? newId(), entity: entityId('service', c.service) }));
}

/** A canonical `kind:name` id with both parts non-empty. */
const CANONICAL_ID = /^[A-Za-z][\w.-]*:.+$/;

/**
 * Parses a declared topology. Node ids become canonical (`entityId(kind, id)`); edge endpoints that are
 * the payload's node ids map to those nodes' canonical ids; any other endpoint must already be a
 * canonical `kind:name` id (storage adds such nodes), else the edge is rejected naming the field.
 */
export function parseTopology(body: unknown): TopologyBatch {
  const parsed = TopologyPayload.safeParse(body);
  if (!parsed.success) throw IngestError.fromZod(parsed.error);
  const canonical = new Map<string, string>();
  const nodes: NodeRecord[] = [];
  parsed.data.nodes.forEach((n, i) => {
    const id = entityId(n.kind, n.id);
    const prev = canonical.get(n.id);
    if (prev !== undefined && prev !== id) {
      throw new IngestError(`nodes[${i}].id`, `"${n.id}" is declared twice with different kinds (${prev} and ${id})`);
    }
    canonical.set(n.id, id);
    nodes.push({ id, kind: n.kind, name: n.name ?? entityName(id), attributes: n.attributes ?? {} });
  });
  const endpoint = (v: string, path: string): string => {
    const id = canonical.get(v);
    if (id !== undefined) return id;
    if (CANONICAL_ID.test(v)) return v;
    throw new IngestError(path, `unknown node "${v}": not among this payload's nodes and not a kind:name id`);
  };
  const edges: EdgeRecord[] = parsed.data.edges.map((e, i) => ({
    source: endpoint(e.source, `edges[${i}].source`),
    target: endpoint(e.target, `edges[${i}].target`),
    kind: e.kind,
    origin: 'declared',
  }));
  return { nodes, edges };
}
