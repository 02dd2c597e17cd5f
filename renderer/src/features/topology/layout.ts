/**
 * Deterministic layout of the estate for the wall: nodes grouped by region, and inside a region in
 * rows by tier (load balancers on top, then services, queues, databases, pods, hosts). Within a row,
 * nodes are ordered by the mean column of their already-placed neighbours (one barycentre sweep), so
 * dependency edges mostly run downwards and cross little.
 *
 * Pure and O(n log n + e): it runs on the UI thread for thousands of nodes in milliseconds, where a
 * force layout would take minutes (PLATFORM.md). The same topology always gives the same positions,
 * so health updates never move anything.
 */
import type { Topology, TopologyNode } from '../../../../core/common/schemas.ts';

/** Row order of node kinds inside a region; unknown kinds go last. */
export const TIER_OF_KIND: Readonly<Record<string, number>> = {
  loadbalancer: 0,
  service: 1,
  queue: 2,
  database: 3,
  pod: 4,
  host: 5,
  node: 5,
};
const OTHER_TIER = 6;

/** Name of the group for nodes without a region. */
export const GLOBAL_GROUP = 'global';

/** A placed point, in layout units (1 = the gap between neighbouring nodes). */
export interface Point {
  x: number;
  y: number;
}

/** A region's box, for drawing its frame and label. */
export interface LayoutGroup {
  name: string;
  /** The id of the topology node of kind `region` this group is, if there is one. */
  regionNodeId: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
  members: string[];
}

/** What `layoutTopology` returns. */
export interface TopologyLayout {
  positions: Map<string, Point>;
  groups: LayoutGroup[];
  /** Group name by node id (region nodes map to their own group). */
  groupOf: Map<string, string>;
  width: number;
  height: number;
}

/** Options of the layout. */
export interface LayoutOptions {
  /** Width / height the whole layout should roughly have (the panel's aspect). */
  aspect?: number;
  /** Gap between region boxes, in layout units. */
  groupGap?: number;
}

/** The tier (row) of a node kind. */
export function tierOf(kind: string): number {
  return TIER_OF_KIND[kind] ?? OTHER_TIER;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Decide each node's region: an explicit attribute (`region`, `cloud.region`), else an edge to a
 * node of kind `region`, else the most common region among its neighbours (ties by name), repeated
 * until nothing changes; what is still unassigned is `global`.
 */
export function assignRegions(topo: Topology): Map<string, string> {
  const byId = new Map(topo.nodes.map((n) => [n.id, n]));
  const region = new Map<string, string>();
  const neighbours = new Map<string, string[]>();
  for (const n of topo.nodes) neighbours.set(n.id, []);
  for (const e of topo.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    neighbours.get(e.source)!.push(e.target);
    neighbours.get(e.target)!.push(e.source);
  }
  for (const n of topo.nodes) {
    if (n.kind === 'region') {
      region.set(n.id, n.name || n.id);
      continue;
    }
    const attr = n.attributes?.['region'] ?? n.attributes?.['cloud.region'];
    if (typeof attr === 'string' && attr) {
      region.set(n.id, attr);
      continue;
    }
    const r = neighbours
      .get(n.id)!
      .map((id) => byId.get(id)!)
      .filter((m) => m.kind === 'region')
      .map((m) => m.name || m.id)
      .sort(compare)[0];
    if (r) region.set(n.id, r);
  }
  // Propagate through neighbours; bounded by the node count, usually two or three rounds.
  const sorted = topo.nodes.map((n) => n.id).sort(compare);
  for (let round = 0; round < topo.nodes.length; round++) {
    let changed = false;
    for (const id of sorted) {
      if (region.has(id)) continue;
      const votes = new Map<string, number>();
      for (const m of neighbours.get(id)!) {
        const r = region.get(m);
        if (r && byId.get(m)!.kind !== 'region') votes.set(r, (votes.get(r) ?? 0) + 1);
      }
      let best: string | null = null;
      let bestVotes = 0;
      for (const [r, v] of [...votes].sort((a, b) => compare(a[0], b[0]))) {
        if (v > bestVotes) {
          best = r;
          bestVotes = v;
        }
      }
      if (best) {
        region.set(id, best);
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const n of topo.nodes) if (!region.has(n.id)) region.set(n.id, GLOBAL_GROUP);
  return region;
}

/** Lay the estate out; see the module comment. */
export function layoutTopology(topo: Topology, opts: LayoutOptions = {}): TopologyLayout {
  const aspect = opts.aspect ?? 16 / 9;
  const groupGap = opts.groupGap ?? 2;
  const regions = assignRegions(topo);
  const neighbours = new Map<string, string[]>();
  for (const n of topo.nodes) neighbours.set(n.id, []);
  for (const e of topo.edges) {
    if (!neighbours.has(e.source) || !neighbours.has(e.target)) continue;
    neighbours.get(e.source)!.push(e.target);
    neighbours.get(e.target)!.push(e.source);
  }

  // Group members, region nodes excluded (they are the frame, not a row member).
  const groupMembers = new Map<string, TopologyNode[]>();
  const regionNodeOf = new Map<string, string>();
  for (const n of topo.nodes) {
    const g = regions.get(n.id)!;
    if (!groupMembers.has(g)) groupMembers.set(g, []);
    if (n.kind === 'region') regionNodeOf.set(g, n.id);
    else groupMembers.get(g)!.push(n);
  }

  // Global last, the rest by name.
  const groupNames = [...groupMembers.keys()].sort((a, b) =>
    a === GLOBAL_GROUP ? 1 : b === GLOBAL_GROUP ? -1 : compare(a, b),
  );

  // Tiers of each group, ordered once; the column count is chosen below for the panel's aspect.
  const tiered = groupNames.map((name) => {
    const members = groupMembers.get(name)!;
    const tiers = new Map<number, TopologyNode[]>();
    for (const n of members) {
      const t = tierOf(n.kind);
      if (!tiers.has(t)) tiers.set(t, []);
      tiers.get(t)!.push(n);
    }
    return { name, rows: [...tiers.keys()].sort((a, b) => a - b).map((t) => tiers.get(t)!) };
  });

  // Pick groups per shelf (k) and node columns per group (c) so that the drawing, fitted into a panel
  // of the requested aspect, is as large as possible (which also penalises empty shelf slots).
  const groupHeight = (rows: TopologyNode[][], c: number) =>
    rows.length === 0 ? 0 : rows.reduce((h, r) => h + Math.ceil(r.length / c), 0) + 0.5 * (rows.length - 1) - 1;
  const maxRow = Math.max(1, ...tiered.flatMap((g) => g.rows.map((r) => r.length)));
  let best = { k: 1, c: 4, score: Number.POSITIVE_INFINITY };
  for (let k = 1; k <= tiered.length; k++) {
    for (let c = 3; c <= Math.max(3, maxRow); c++) {
      let height = 0;
      for (let i = 0; i < tiered.length; i += k) {
        height += Math.max(...tiered.slice(i, i + k).map((g) => Math.max(0, groupHeight(g.rows, c)))) + (i > 0 ? groupGap : 0);
      }
      const width = Math.min(k, tiered.length) * (c - 1) + (Math.min(k, tiered.length) - 1) * groupGap;
      // Negative fitted scale: a margin of 1.5 units leaves room for frames and labels.
      const score = -Math.min(aspect / (width + 1.5), 1 / (height + 1.5));
      if (score < best.score - 1e-9) best = { k, c, score };
    }
  }
  const cols = best.c;
  const perRow = best.k;

  interface Local {
    name: string;
    width: number;
    height: number;
    local: Map<string, Point>;
  }
  const locals: Local[] = [];
  for (const { name, rows } of tiered) {
    const local = new Map<string, Point>();
    let y = 0;
    for (const row of rows) {
      const key = new Map<string, number>();
      for (const n of row) {
        const xs = neighbours
          .get(n.id)!
          .map((m) => local.get(m)?.x)
          .filter((x): x is number => x !== undefined);
        key.set(n.id, xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.POSITIVE_INFINITY);
      }
      row.sort((a, b) => {
        const ka = key.get(a.id)!;
        const kb = key.get(b.id)!;
        if (ka !== kb) return ka < kb ? -1 : 1;
        return compare(a.name || a.id, b.name || b.id) || compare(a.id, b.id);
      });
      for (let start = 0; start < row.length; start += cols) {
        const slice = row.slice(start, start + cols);
        const offset = (cols - slice.length) / 2;
        slice.forEach((n, i) => local.set(n.id, { x: offset + i, y }));
        y += 1;
      }
      y += 0.5;
    }
    // A region with nothing in it still shows, as a small empty frame.
    locals.push({ name, width: Math.max(1, cols - 1), height: Math.max(1, y - 1.5), local });
  }

  const positions = new Map<string, Point>();
  const groups: LayoutGroup[] = [];
  const groupOf = new Map<string, string>();
  let cy = 0;
  let totalWidth = 0;
  let shelfHeight = 0;
  for (let i = 0; i < locals.length; i += perRow) {
    const shelf = locals.slice(i, i + perRow);
    shelfHeight = Math.max(...shelf.map((l) => l.height));
    let cx = 0;
    for (const l of shelf) {
      for (const [id, p] of l.local) {
        positions.set(id, { x: cx + p.x, y: cy + p.y });
        groupOf.set(id, l.name);
      }
      const regionNodeId = regionNodeOf.get(l.name) ?? null;
      if (regionNodeId) groupOf.set(regionNodeId, l.name);
      groups.push({ name: l.name, regionNodeId, x: cx, y: cy, width: l.width, height: l.height, members: [...l.local.keys()] });
      totalWidth = Math.max(totalWidth, cx + l.width);
      cx += l.width + groupGap;
    }
    if (i + perRow < locals.length) cy += shelfHeight + groupGap;
  }
  return { positions, groups, groupOf, width: totalWidth, height: cy + shelfHeight };
}
