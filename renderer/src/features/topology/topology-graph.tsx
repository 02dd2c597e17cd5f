/**
 * The estate drawn with cytoscape (canvas renderer) at precomputed positions (`layoutTopology`).
 * The graph is rebuilt only when the topology itself changes; health, highlights and focus are
 * applied as classes in one batch, so live updates never move a node.
 */
import { useEffect, useRef } from 'react';
import cytoscape from 'cytoscape';
import type { Topology } from '../../../../core/common/schemas.ts';
import { healthColor, palette } from '../../shared/theme.ts';
import type { NodeStatus } from './health.ts';
import type { TopologyLayout } from './layout.ts';
import { edgeKey } from '../incidents/subgraph.ts';

/** Pixels per layout unit: wider than tall, because names run horizontally under their nodes. */
const SCALE_X = 120;
const SCALE_Y = 90;
/** Width over height of one layout unit, for callers that size the layout to a panel. */
export const UNIT_ASPECT = SCALE_X / SCALE_Y;

const SIZE: Record<string, number> = { service: 46, database: 46, loadbalancer: 44, queue: 40, host: 30, node: 30, pod: 24 };
const SHAPE: Record<string, cytoscape.Css.NodeShape> = {
  service: 'ellipse',
  database: 'barrel',
  queue: 'round-rectangle',
  loadbalancer: 'diamond',
  host: 'round-rectangle',
  node: 'round-rectangle',
  pod: 'ellipse',
};

/** Props of the graph. */
export interface TopologyGraphProps {
  topology: Topology;
  layout: TopologyLayout;
  health: Map<string, NodeStatus>;
  /** 'wall': no interaction, lighter edges; 'explore': zoom/pan/select; 'incident': arrows, path. */
  mode: 'wall' | 'explore' | 'incident';
  /** Edge keys (`source->target`) and node ids to emphasise; everything else is dimmed. */
  highlight?: { nodes: Set<string>; edges: Set<string> } | null;
  /** Node to centre on and ring. */
  focus?: string | null;
  onSelect?: (id: string | null) => void;
  /** Called once the first frame with these elements is drawn. */
  onRendered?: () => void;
  testId?: string;
}

function stylesheet(mode: TopologyGraphProps['mode']): cytoscape.StylesheetJson {
  const labelSize = mode === 'wall' ? 17 : 13;
  return [
    {
      selector: 'node',
      style: {
        'background-color': palette.healthyDim,
        'border-width': 2,
        'border-color': palette.healthy,
        width: 'data(size)',
        height: 'data(size)',
        shape: 'data(shape)' as never,
        label: 'data(label)',
        color: palette.textDim,
        'font-family': 'Inter, sans-serif',
        'font-size': labelSize,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        // The wall names a node in one line under it; elsewhere there is room to wrap long names.
        'text-max-width': mode === 'wall' ? `${SCALE_X - 8}px` : '150px',
        'text-wrap': mode === 'wall' ? 'ellipsis' : 'wrap',
        'text-overflow-wrap': 'anywhere',
        'min-zoomed-font-size': 7,
      },
    },
    {
      selector: 'node:parent',
      style: {
        shape: 'round-rectangle',
        'background-color': '#16202c',
        'background-opacity': 0.55,
        'border-width': 1.5,
        'border-color': palette.panelEdge,
        label: 'data(label)',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-transform': 'uppercase',
        'font-size': 26,
        'font-weight': 600,
        color: palette.textDim,
        'text-margin-y': -8,
        'text-max-width': '2000px',
        'text-wrap': 'none',
        padding: '34px',
      },
    },
    {
      selector: 'edge',
      style: {
        width: mode === 'wall' ? 1.2 : 1.5,
        'line-color': '#2b3a4d',
        'curve-style': mode === 'incident' ? 'bezier' : 'haystack',
        'haystack-radius': 0,
        opacity: 0.8,
        'target-arrow-shape': mode === 'incident' ? 'triangle' : 'none',
        'target-arrow-color': '#3a4b60',
        'arrow-scale': 1.2,
      },
    },
    // On the wall, hosts and pods are too many to name legibly: they are named only when unhealthy.
    ...(mode === 'wall'
      ? ([{ selector: 'node[kind = "host"], node[kind = "pod"], node[kind = "node"]', style: { label: '' } }] as cytoscape.StylesheetJson)
      : []),
    { selector: 'edge.hot', style: { 'line-color': '#7a3b42', width: 2.4, opacity: 1, 'z-index': 5 } },
    {
      selector: 'node.unhealthy',
      style: {
        label: 'data(label)',
        'background-color': 'data(color)',
        'border-color': 'data(color)',
        color: palette.text,
        'font-weight': 600,
        'z-index': 10,
        'underlay-color': 'data(color)',
        'underlay-padding': 10,
        'underlay-opacity': 0.28,
        'underlay-shape': 'ellipse',
      },
    },
    {
      selector: 'node.anomaly',
      // Hollow amber: an anomaly is a hint, not an incident, and must not read as a severity colour.
      style: { 'background-color': '#3b2a0c', 'border-color': palette.anomaly, 'border-width': 4, color: palette.text, 'z-index': 8 },
    },
    {
      selector: 'node.root-cause, node.candidate',
      style: { label: 'data(label)' },
    },
    { selector: 'node.candidate', style: { 'border-width': 5, 'border-color': palette.rootCause, 'border-style': 'dashed' } },
    {
      selector: 'node.root-cause',
      style: {
        'border-width': 8,
        'border-color': palette.rootCause,
        'border-style': 'double',
        color: '#ffffff',
        'font-size': labelSize + 5,
        'font-weight': 700,
        'z-index': 20,
      },
    },
    { selector: '.dim', style: { opacity: 0.18 } },
    { selector: 'node.path', style: { 'z-index': 15, color: palette.text } },
    {
      selector: 'edge.path',
      style: {
        width: 5,
        'line-color': palette.critical,
        'target-arrow-color': palette.critical,
        opacity: 1,
        'z-index': 30,
      },
    },
    {
      selector: 'node.focus',
      style: {
        'border-width': 8,
        'border-color': palette.accent,
        'underlay-color': palette.accent,
        'underlay-padding': 16,
        'underlay-opacity': 0.35,
        color: '#ffffff',
        'font-size': labelSize + 6,
        'z-index': 40,
      },
    },
    { selector: 'node:selected', style: { 'border-color': palette.accent, 'border-width': 6 } },
  ];
}

/** Build cytoscape elements for a topology at the given layout. */
function elements(topology: Topology, layout: TopologyLayout): cytoscape.ElementDefinition[] {
  const regionIds = new Set(layout.groups.map((g) => g.regionNodeId).filter((x): x is string => !!x));
  const parentOf = new Map<string, string>();
  for (const g of layout.groups) if (g.regionNodeId) for (const m of g.members) parentOf.set(m, g.regionNodeId);
  const groupNameOfRegion = new Map(layout.groups.filter((g) => g.regionNodeId).map((g) => [g.regionNodeId!, g.name]));
  const els: cytoscape.ElementDefinition[] = [];
  for (const n of topology.nodes) {
    const parent = parentOf.get(n.id);
    // Inside a region frame the region prefix of a name (`eu-west-checkout`) is noise: the frame says it.
    const prefix = parent ? `${groupNameOfRegion.get(parent)}-` : null;
    const name = n.name || n.id;
    const label = prefix && name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
    const p = layout.positions.get(n.id);
    const group = layout.groups.find((g) => g.regionNodeId === n.id);
    const position = p
      ? { x: p.x * SCALE_X, y: p.y * SCALE_Y }
      : group
        ? { x: group.x * SCALE_X, y: group.y * SCALE_Y }
        : { x: 0, y: 0 };
    els.push({
      group: 'nodes',
      data: {
        id: n.id,
        label,
        kind: n.kind,
        size: SIZE[n.kind] ?? 30,
        shape: SHAPE[n.kind] ?? 'ellipse',
        color: palette.healthyDim,
        parent,
      },
      position,
    });
  }
  const ids = new Set(topology.nodes.map((n) => n.id));
  const seen = new Set<string>();
  for (const e of topology.edges) {
    // Containment in a region frame already shows these edges.
    if (regionIds.has(e.target) || regionIds.has(e.source)) continue;
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) continue;
    const id = edgeKey(e.source, e.target);
    if (seen.has(id)) continue;
    seen.add(id);
    els.push({ group: 'edges', data: { id, source: e.source, target: e.target, kind: e.kind }, classes: e.origin });
  }
  return els;
}

/** The topology graph; see the module comment. */
export function TopologyGraph(props: TopologyGraphProps) {
  const { topology, layout, health, mode, highlight, focus, onSelect, onRendered, testId } = props;
  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<cytoscape.Core | null>(null);
  const callbacks = useRef({ onSelect, onRendered });
  callbacks.current = { onSelect, onRendered };

  useEffect(() => {
    const interactive = mode !== 'wall';
    const cy = cytoscape({
      container: container.current!,
      elements: elements(topology, layout),
      layout: { name: 'preset' },
      style: stylesheet(mode),
      userZoomingEnabled: interactive,
      userPanningEnabled: interactive,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: !interactive,
      minZoom: 0.05,
      maxZoom: 4,
    });
    cyRef.current = cy;
    cy.fit(undefined, mode === 'wall' ? 24 : 40);
    // A handful of nodes would otherwise be blown up to fill the panel.
    if (mode !== 'wall' && cy.zoom() > 1.2) {
      cy.zoom(1.2);
      cy.center();
    }
    container.current!.dataset.nodeCount = String(cy.nodes().length);
    container.current!.dataset.edgeCount = String(cy.edges().length);
    cy.on('tap', (ev) => {
      const t = ev.target as cytoscape.SingularElementArgument | cytoscape.Core;
      if (t === cy) callbacks.current.onSelect?.(null);
      else if ((t as cytoscape.SingularElementArgument).isNode?.()) callbacks.current.onSelect?.((t as cytoscape.NodeSingular).id());
    });
    cy.one('render', () => {
      if (container.current) container.current.dataset.rendered = 'true';
      callbacks.current.onRendered?.();
    });
    const ro = new ResizeObserver(() => {
      cy.resize();
      if (mode === 'wall') cy.fit(undefined, 24);
    });
    ro.observe(container.current!);
    return () => {
      ro.disconnect();
      cy.destroy();
      cyRef.current = null;
    };
  }, [topology, layout, mode]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    let unhealthy = 0;
    cy.batch(() => {
      cy.nodes().forEach((n) => {
        if (n.isParent()) return;
        const s = health.get(n.id());
        const cls: string[] = [];
        if (s) {
          if (s.health === 'anomaly') cls.push('anomaly');
          else if (s.health !== 'healthy') {
            cls.push('unhealthy', `h-${s.health}`);
            unhealthy++;
          }
          if (s.rootCause) cls.push('root-cause');
          else if (s.candidate) cls.push('candidate');
          n.data('color', healthColor(s.health));
        }
        if (highlight) cls.push(highlight.nodes.has(n.id()) ? 'path' : 'dim');
        if (focus && n.id() === focus) cls.push('focus');
        n.classes(cls);
      });
      cy.edges().forEach((e) => {
        const cls = [e.data('kind') as string];
        const sh = health.get(e.source().id());
        const th = health.get(e.target().id());
        const hot = !!sh && !!th && sh.incidentIds.some((i) => th.incidentIds.includes(i));
        if (hot) cls.push('hot');
        if (highlight) cls.push(highlight.edges.has(e.id()) ? 'path' : 'dim');
        e.classes(cls);
      });
    });
    if (container.current) container.current.dataset.unhealthyCount = String(unhealthy);
  }, [health, highlight, focus, topology, layout, mode]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !focus) return;
    const n = cy.getElementById(focus);
    if (n.nonempty()) cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1.1) }, { duration: 300 });
  }, [focus, topology, layout]);

  return <div ref={container} className="graph" data-testid={testId} />;
}
