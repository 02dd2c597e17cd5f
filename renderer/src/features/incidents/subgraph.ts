/**
 * The part of the topology an incident touches, and the dependency path from its symptoms to its
 * top root cause. An edge means "source depends on target", so a failure travels against the edges:
 * a symptom reaches its cause by following edges forward. When no forward path exists (topology
 * learned partially), an undirected path is used instead so the operator still sees a connection.
 */
import type { Topology } from '../../../../core/common/schemas.ts';
import { entityIndex } from '../topology/health.ts';

/** The incident's subgraph. */
export interface IncidentSubgraph {
  nodeIds: Set<string>;
  /** Edge keys `source->target` inside the subgraph. */
  edgeKeys: Set<string>;
  /** Nodes on a path from a symptom to the cause (symptoms and cause included). */
  pathNodes: Set<string>;
  /** Edge keys on those paths. */
  pathEdges: Set<string>;
  /** Topology node id of the top cause, when it is in the topology. */
  causeId: string | null;
  /** Topology node ids of the symptoms. */
  symptomIds: string[];
}

/** Key of an edge in the sets above. */
export function edgeKey(source: string, target: string): string {
  return `${source}->${target}`;
}

function bfs(start: string, goal: string, adj: Map<string, { to: string; key: string }[]>): { nodes: string[]; edges: string[] } | null {
  const prev = new Map<string, { from: string; key: string } | null>([[start, null]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i];
    if (cur === goal) break;
    for (const { to, key } of adj.get(cur) ?? []) {
      if (prev.has(to)) continue;
      prev.set(to, { from: cur, key });
      queue.push(to);
    }
  }
  if (!prev.has(goal)) return null;
  const nodes = [goal];
  const edges: string[] = [];
  for (let p = prev.get(goal); p; p = prev.get(p.from)) {
    nodes.push(p.from);
    edges.push(p.key);
  }
  return { nodes, edges };
}

/**
 * Compute the subgraph: symptoms, the cause, every node on a shortest symptom→cause path, and the
 * direct neighbours of the cause (what else it could hurt).
 */
export function incidentSubgraph(topo: Topology, symptoms: readonly string[], cause: string | null): IncidentSubgraph {
  const idx = entityIndex(topo);
  const forward = new Map<string, { to: string; key: string }[]>();
  const undirected = new Map<string, { to: string; key: string }[]>();
  const push = (m: Map<string, { to: string; key: string }[]>, a: string, b: string, key: string) => {
    if (!m.has(a)) m.set(a, []);
    m.get(a)!.push({ to: b, key });
  };
  const sorted = [...topo.edges].sort((a, b) => edgeKey(a.source, a.target).localeCompare(edgeKey(b.source, b.target)));
  for (const e of sorted) {
    const key = edgeKey(e.source, e.target);
    push(forward, e.source, e.target, key);
    push(undirected, e.source, e.target, key);
    push(undirected, e.target, e.source, key);
  }
  const symptomIds = [...new Set(symptoms.map((s) => idx.get(s)).filter((s): s is string => !!s))].sort();
  const causeId = cause ? idx.get(cause) ?? null : null;
  const nodeIds = new Set<string>(symptomIds);
  const pathNodes = new Set<string>();
  const pathEdges = new Set<string>();
  if (causeId) {
    nodeIds.add(causeId);
    pathNodes.add(causeId);
    for (const s of symptomIds) {
      const path = bfs(s, causeId, forward) ?? bfs(s, causeId, undirected);
      if (!path) continue;
      for (const n of path.nodes) {
        pathNodes.add(n);
        nodeIds.add(n);
      }
      for (const k of path.edges) pathEdges.add(k);
    }
    for (const { to } of undirected.get(causeId) ?? []) nodeIds.add(to);
  }
  const edgeKeys = new Set<string>();
  for (const e of topo.edges) {
    if (nodeIds.has(e.source) && nodeIds.has(e.target)) edgeKeys.add(edgeKey(e.source, e.target));
  }
  return { nodeIds, edgeKeys, pathNodes, pathEdges, causeId, symptomIds };
}
