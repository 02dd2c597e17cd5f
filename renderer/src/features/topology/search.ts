/** Entity search for the topology explorer: exact id, then name prefix, then substring. */
import type { TopologyNode } from '../../../../core/common/schemas.ts';

/** Up to `limit` nodes matching `query` (case-insensitive), best matches first. */
export function searchNodes(nodes: readonly TopologyNode[], query: string, limit = 12): TopologyNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: { n: TopologyNode; s: number }[] = [];
  for (const n of nodes) {
    const id = n.id.toLowerCase();
    const name = (n.name || '').toLowerCase();
    let s = -1;
    if (id === q || name === q) s = 0;
    else if (name.startsWith(q) || id.startsWith(q)) s = 1;
    else if (name.includes(q) || id.includes(q)) s = 2;
    if (s >= 0) scored.push({ n, s });
  }
  scored.sort((a, b) => a.s - b.s || (a.n.name || a.n.id).localeCompare(b.n.name || b.n.id));
  return scored.slice(0, limit).map((x) => x.n);
}
