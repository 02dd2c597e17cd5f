/**
 * Node health for the topology views: which nodes are in an open incident (coloured by its worst
 * severity), which had a recent anomaly, which are probable root causes. Pure: the wall recomputes
 * it on every cache change and only restyles nodes, never re-lays them out.
 */
import type { Anomaly, Incident, Severity, Topology } from '../../../../core/common/schemas.ts';
import type { NodeHealth } from '../../shared/theme.ts';

/** The health of one node. */
export interface NodeStatus {
  health: NodeHealth;
  /** The top-ranked root cause of at least one open incident. */
  rootCause: boolean;
  /** A lower-ranked root-cause candidate of an open incident. */
  candidate: boolean;
  /** Open incidents this node is part of. */
  incidentIds: string[];
  /** Anomalies in the window. */
  anomalyCount: number;
}

/**
 * Index that maps the ways an entity is named (`id`, `kind:name`, and for services the bare name
 * used in `Incident.services`) to the topology node id.
 */
export function entityIndex(topo: Topology): Map<string, string> {
  const idx = new Map<string, string>();
  for (const n of topo.nodes) {
    idx.set(n.id, n.id);
    const canonical = `${n.kind}:${n.name}`;
    if (!idx.has(canonical)) idx.set(canonical, n.id);
  }
  return idx;
}

/** Severity rank, lower is worse. Local copy: the renderer imports only types from core. */
const RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, warning: 3, info: 4 };
function rank(s: Severity): number {
  return RANK[s] ?? 5;
}

/**
 * Health of every node that is not healthy (absent = healthy).
 * @param anomalies anomalies to consider (caller filters them to the window it wants)
 */
export function computeHealth(topo: Topology, incidents: readonly Incident[], anomalies: readonly Anomaly[]): Map<string, NodeStatus> {
  const idx = entityIndex(topo);
  const out = new Map<string, NodeStatus>();
  const get = (id: string): NodeStatus => {
    let s = out.get(id);
    if (!s) {
      s = { health: 'healthy', rootCause: false, candidate: false, incidentIds: [], anomalyCount: 0 };
      out.set(id, s);
    }
    return s;
  };
  for (const a of anomalies) {
    const id = idx.get(a.entity);
    if (!id) continue;
    const s = get(id);
    s.anomalyCount++;
    if (s.health === 'healthy') s.health = 'anomaly';
  }
  for (const inc of incidents) {
    if (inc.status !== 'open') continue;
    const ids = new Set<string>();
    for (const e of inc.entities) {
      const id = idx.get(e);
      if (id) ids.add(id);
    }
    for (const svc of inc.services) {
      const id = idx.get(`service:${svc}`) ?? idx.get(svc);
      if (id) ids.add(id);
    }
    for (const id of ids) {
      const s = get(id);
      s.incidentIds.push(inc.id);
      if (s.health === 'healthy' || s.health === 'anomaly' || rank(inc.severity) < rank(s.health as Severity)) {
        s.health = inc.severity;
      }
    }
    inc.rootCauses.forEach((rc, i) => {
      const id = idx.get(rc.entity);
      if (!id) return;
      const s = get(id);
      if (i === 0) s.rootCause = true;
      else if (i < 3) s.candidate = true;
    });
  }
  return out;
}
