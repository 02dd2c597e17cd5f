/**
 * The estate's topology as the analytics see it: nodes and dependency edges (source depends on
 * target), from declared topology and from traces. Edges are kept once per (source, target) pair
 * whatever their kind or origin, since correlation and RCA only care that a dependency exists.
 */
import type { EntityId, TopologyBatch } from '../common/records.ts';
import { entityKind } from '../common/records.ts';

/** A dependency graph with undirected and directed bounded searches. */
export class TopologyGraph {
  private readonly kinds = new Map<EntityId, string>();
  private readonly out = new Map<EntityId, Set<EntityId>>();
  private readonly inc = new Map<EntityId, Set<EntityId>>();
  private edgeCount = 0;

  /** Build a graph from batches. */
  static from(...batches: TopologyBatch[]): TopologyGraph {
    const g = new TopologyGraph();
    for (const b of batches) g.add(b);
    return g;
  }

  /** Number of distinct dependency pairs. */
  get edges(): number {
    return this.edgeCount;
  }

  /** Merge a batch of nodes and edges. Self-loops are ignored. Returns whether anything was new. */
  add(batch: TopologyBatch): boolean {
    let changed = false;
    for (const n of batch.nodes) {
      if (this.kinds.get(n.id) !== n.kind) {
        this.kinds.set(n.id, n.kind);
        changed = true;
      }
    }
    for (const e of batch.edges) {
      if (e.source === e.target) continue;
      let o = this.out.get(e.source);
      if (!o) this.out.set(e.source, (o = new Set()));
      if (o.has(e.target)) continue;
      o.add(e.target);
      let i = this.inc.get(e.target);
      if (!i) this.inc.set(e.target, (i = new Set()));
      i.add(e.source);
      this.edgeCount++;
      changed = true;
    }
    return changed;
  }

  /** The kind of an entity: declared kind when known, otherwise the prefix of its id. */
  kindOf(id: EntityId): string {
    return this.kinds.get(id) ?? entityKind(id);
  }

  /** Whether `id` has any dependency edge, either way (the topology can say what it relates to). */
  isKnown(id: EntityId): boolean {
    return this.out.has(id) || this.inc.has(id);
  }

  /** Entities `id` depends on directly. */
  dependenciesOf(id: EntityId): ReadonlySet<EntityId> {
    return this.out.get(id) ?? EMPTY;
  }

  /** Entities that depend on `id` directly. */
  dependentsOf(id: EntityId): ReadonlySet<EntityId> {
    return this.inc.get(id) ?? EMPTY;
  }

  /** Entities within `maxHops` of `id` ignoring edge direction, with their distance (id itself at 0). */
  neighbourhood(id: EntityId, maxHops: number): Map<EntityId, number> {
    return this.bfs(id, maxHops, (n) => [this.out.get(n), this.inc.get(n)]);
  }

  /**
   * Entities whose trouble can share a cause with trouble on `id`: what it depends on and what depends
   * on it, each along dependency edges within `maxHops`, plus its siblings on a shared direct
   * dependency (two services on one host, two callers of one database). Entities related only through
   * a shared caller are left out: a gateway calling both does not make their failures one.
   */
  related(id: EntityId, maxHops: number): Set<EntityId> {
    const out = new Set<EntityId>([...this.downstream(id, maxHops).keys(), ...this.upstream(id, maxHops).keys()]);
    for (const dep of this.out.get(id) ?? EMPTY) for (const sib of this.inc.get(dep) ?? EMPTY) out.add(sib);
    return out;
  }

  /**
   * `related` with a distance per entity: hops along dependencies either way, 2 for a sibling on a
   * shared direct dependency (one hop up, one down); `id` itself at 0.
   */
  relatedDistances(id: EntityId, maxHops: number): Map<EntityId, number> {
    const out = this.downstream(id, maxHops);
    for (const [e, d] of this.upstream(id, maxHops)) if (!out.has(e) || out.get(e)! > d) out.set(e, d);
    for (const dep of this.out.get(id) ?? EMPTY) for (const sib of this.inc.get(dep) ?? EMPTY) if (!out.has(sib)) out.set(sib, 2);
    return out;
  }

  /** Entities `id` reaches along dependency edges within `maxHops` (what it depends on), with distances. */
  downstream(id: EntityId, maxHops: number): Map<EntityId, number> {
    return this.bfs(id, maxHops, (n) => [this.out.get(n)]);
  }

  /** Entities that reach `id` along dependency edges within `maxHops` (what depends on it), with distances. */
  upstream(id: EntityId, maxHops: number): Map<EntityId, number> {
    return this.bfs(id, maxHops, (n) => [this.inc.get(n)]);
  }

  /** A shortest dependency path from `from` to `to` (following edges), or null beyond `maxHops`. */
  dependencyPath(from: EntityId, to: EntityId, maxHops: number): EntityId[] | null {
    const prev = new Map<EntityId, EntityId | null>([[from, null]]);
    let frontier = [from];
    for (let d = 0; d < maxHops && frontier.length > 0; d++) {
      const next: EntityId[] = [];
      for (const n of frontier) {
        for (const m of [...(this.out.get(n) ?? EMPTY)].sort()) {
          if (prev.has(m)) continue;
          prev.set(m, n);
          if (m === to) {
            const path = [m];
            for (let p = prev.get(m); p != null; p = prev.get(p)) path.push(p);
            return path.reverse();
          }
          next.push(m);
        }
      }
      frontier = next;
    }
    return from === to ? [from] : null;
  }

  private bfs(
    start: EntityId,
    maxHops: number,
    step: (n: EntityId) => (Set<EntityId> | undefined)[],
  ): Map<EntityId, number> {
    const dist = new Map<EntityId, number>([[start, 0]]);
    let frontier = [start];
    for (let d = 1; d <= maxHops && frontier.length > 0; d++) {
      const next: EntityId[] = [];
      for (const n of frontier) {
        for (const set of step(n)) {
          if (!set) continue;
          for (const m of set) {
            if (dist.has(m)) continue;
            dist.set(m, d);
            next.push(m);
          }
        }
      }
      frontier = next;
    }
    return dist;
  }
}

const EMPTY: ReadonlySet<EntityId> = new Set();
