/**
 * One incident: its members on a timeline, the ranked root-cause candidates with their evidence,
 * the affected subgraph with the symptom→cause path highlighted, the top cause's metrics, similar past
 * incidents with how they ended, and the operator's merge/split actions.
 */
import { useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import type { IncidentDetail, Topology } from '../../../../core/common/schemas.ts';
import { useIncident, useLiveStream, useMetrics, useNow, useStats, useTopology } from '../../api/hooks.tsx';
import { eventClock } from '../../shared/clock.ts';
import { EChart } from '../../shared/echart.tsx';
import { entityKindOf, entityLabel, formatClock, formatDateTime, formatDuration } from '../../shared/format.ts';
import { kindColor, palette, severityColor, vw } from '../../shared/theme.ts';
import { Link, NavBar, Panel, SeverityBadge } from '../../shared/ui.tsx';
import { IncidentAutomation } from '../approvals/incident-automation.tsx';
import { computeHealth } from '../topology/health.ts';
import { layoutTopology } from '../topology/layout.ts';
import { TopologyGraph } from '../topology/topology-graph.tsx';
import { IncidentActions, SimilarIncidents } from './incident-feedback.tsx';
import { incidentSubgraph } from './subgraph.ts';

/** The incident view. */
export function IncidentView({ id, kiosk }: { id: string; kiosk: boolean }) {
  useLiveStream();
  const incident = useIncident(id);
  const topology = useTopology();
  const stats = useStats();
  const now = eventClock(useNow(1000), stats.data?.watermark).now;
  const data = incident.data;

  let body;
  if (incident.isPending) body = <div className="placeholder">Loading incident…</div>;
  else if (incident.error) {
    const notFound = (incident.error as { status?: number }).status === 404;
    body = (
      <div className="placeholder" data-testid="incident-error">
        {notFound ? `No incident with id ${id}.` : `Could not load the incident: ${incident.error.message}`}
      </div>
    );
  } else if (data) body = <IncidentBody incident={data} topology={topology.data} now={now} />;

  return (
    <div className="page" data-testid="incident-view" data-state={data && topology.data ? 'ready' : 'loading'}>
      {!kiosk && <NavBar current="" />}
      {body}
    </div>
  );
}

function IncidentBody({ incident, topology, now }: { incident: IncidentDetail; topology: Topology | undefined; now: number }) {
  const top = incident.rootCauses[0]?.entity ?? null;
  const [selectedCause, setSelectedCause] = useState<string | null>(null);
  const cause = selectedCause ?? top;
  return (
    <div className="incident-grid">
      <header className="incident-head">
        <div className="incident-head-main">
          <SeverityBadge severity={incident.severity} />
          <h1 data-testid="incident-title">{incident.title}</h1>
        </div>
        <div className="incident-facts">
          <span className={`status status-${incident.status}`}>{incident.status}</span>
          <span>opened {formatDateTime(incident.openedAt)} UTC</span>
          <span>{incident.status === 'open' ? `age ${formatDuration(now - incident.openedAt)}` : `resolved ${incident.resolvedAt ? formatDateTime(incident.resolvedAt) : ''}`}</span>
          <span>{incident.alertCount} signals</span>
          <span>services: {incident.services.join(', ') || '—'}</span>
        </div>
        <IncidentAutomation incidentId={incident.id} />
      </header>

      <Panel className="incident-causes" title="Root-cause candidates" testId="root-causes">
        {incident.rootCauses.length === 0 ? (
          <div className="muted pad">No candidates yet: the analysis runs as signals arrive.</div>
        ) : (
          <ol className="cause-list">
            {incident.rootCauses.map((rc, i) => (
              <li
                key={rc.entity}
                className={`cause ${rc.entity === cause ? 'cause-selected' : ''}`}
                data-testid="root-cause"
                data-entity={rc.entity}
                onClick={() => setSelectedCause(rc.entity)}
              >
                <div className="cause-head">
                  <span className="cause-rank">#{i + 1}</span>
                  <span className="cause-entity">{entityLabel(rc.entity)}</span>
                  <span className="cause-kind">{entityKindOf(rc.entity)}</span>
                  <span className="cause-score">{Math.round(rc.score * 100)}%</span>
                </div>
                <div className="score-bar">
                  <div className="score-fill" style={{ width: `${Math.max(2, Math.min(100, rc.score * 100))}%` }} />
                </div>
                <ul className="evidence" data-testid="evidence">
                  {rc.evidence.map((e, j) => (
                    <li key={j}>{e}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <Panel className="incident-graph" title="Affected topology" extra={<span className="muted">path from symptoms to the selected cause in red</span>}>
        {topology ? <Subgraph incident={incident} topology={topology} cause={cause} /> : <div className="placeholder">Loading topology…</div>}
      </Panel>

      <Panel className="incident-similar" title="Similar incidents · operator actions" testId="incident-similar-panel">
        <SimilarIncidents id={incident.id} />
        <IncidentActions incident={incident} />
      </Panel>

      <Panel className="incident-members" title={`Signals (${incident.members.length})`}>
        <MembersTimeline incident={incident} />
      </Panel>

      <Panel className="incident-metrics" title={cause ? `Metrics of ${entityLabel(cause)}` : 'Metrics'}>
        <CauseMetrics entity={cause} incident={incident} />
      </Panel>
    </div>
  );
}

function Subgraph({ incident, topology, cause }: { incident: IncidentDetail; topology: Topology; cause: string | null }) {
  const symptoms = useMemo(
    () => [...new Set([...incident.entities, ...incident.members.map((m) => m.entity), ...incident.services.map((s) => `service:${s}`)])],
    [incident],
  );
  const sub = useMemo(() => incidentSubgraph(topology, symptoms, cause), [topology, symptoms, cause]);
  const subTopo = useMemo<Topology>(
    () => ({
      nodes: topology.nodes.filter((n) => sub.nodeIds.has(n.id) && n.kind !== 'region'),
      edges: topology.edges.filter((e) => sub.edgeKeys.has(`${e.source}->${e.target}`)),
    }),
    [topology, sub],
  );
  const layout = useMemo(() => layoutTopology(subTopo, { aspect: 1.6, groupGap: 1 }), [subTopo]);
  const health = useMemo(() => {
    // Coloured as if open even when resolved: the view shows what this incident touched.
    const h = computeHealth(subTopo, [{ ...incident, status: 'open' }], []);
    // The view is about the chosen candidate: mark it as the cause even when it is not ranked first.
    if (sub.causeId) {
      const s = h.get(sub.causeId) ?? { health: 'healthy' as const, rootCause: false, candidate: false, incidentIds: [], anomalyCount: 0 };
      h.set(sub.causeId, { ...s, rootCause: true, candidate: false });
    }
    for (const [id, s] of h) if (id !== sub.causeId && s.rootCause) h.set(id, { ...s, rootCause: false, candidate: true });
    return h;
  }, [subTopo, incident, sub.causeId]);
  const highlight = useMemo(() => (sub.pathEdges.size ? { nodes: sub.pathNodes, edges: sub.pathEdges } : null), [sub]);
  if (subTopo.nodes.length === 0) return <div className="placeholder">None of this incident's entities are in the topology.</div>;
  return (
    <div className="graph-wrap">
      <TopologyGraph topology={subTopo} layout={layout} health={health} mode="incident" highlight={highlight} testId="incident-subgraph" />
      <div className="graph-note">
        <Link to={`/topology?focus=${encodeURIComponent(sub.causeId ?? subTopo.nodes[0].id)}`}>Open in topology explorer →</Link>
      </div>
    </div>
  );
}

function MembersTimeline({ incident }: { incident: IncidentDetail }) {
  const option = useMemo<EChartsOption>(() => {
    const entities = [...new Set(incident.members.map((m) => m.entity))].sort();
    const byKind = new Map<string, [number, number, string, string][]>();
    for (const m of incident.members) {
      const key = m.kind === 'alert' ? m.severity ?? 'info' : 'anomaly';
      if (!byKind.has(key)) byKind.set(key, []);
      byKind.get(key)!.push([m.time, entities.indexOf(m.entity), m.title, m.entity]);
    }
    const color = (k: string) => (k === 'anomaly' ? palette.anomaly : severityColor(k as never));
    return {
      animation: false,
      textStyle: { fontFamily: 'Inter, sans-serif' },
      grid: { left: vw(9), right: vw(1), top: vw(2), bottom: vw(2.6) },
      legend: { top: 0, textStyle: { color: palette.textDim, fontSize: vw(0.55) } },
      tooltip: {
        trigger: 'item',
        backgroundColor: palette.panel,
        borderColor: palette.panelEdge,
        textStyle: { color: palette.text },
        // richText draws the tooltip on the canvas: data never goes through echarts' HTML tooltip (innerHTML).
        renderMode: 'richText',
        formatter: (p: unknown) => {
          const v = (p as { value: [number, number, string, string] }).value;
          return `${formatClock(v[0])}  ${v[3]}\n${v[2]}`;
        },
      },
      xAxis: {
        type: 'time',
        axisLabel: { color: palette.textDim, fontSize: vw(0.55), formatter: (v: number) => formatClock(v) },
        axisLine: { lineStyle: { color: palette.panelEdge } },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'category',
        data: entities.map(entityLabel),
        axisLabel: { color: palette.textDim, fontSize: vw(0.55) },
        splitLine: { show: true, lineStyle: { color: palette.grid } },
      },
      dataZoom: [{ type: 'inside' }],
      series: [...byKind].map(([k, pts]) => ({
        type: 'scatter',
        name: k,
        symbolSize: vw(0.6),
        itemStyle: { color: color(k) },
        data: pts,
      })),
    };
  }, [incident]);
  return <EChart option={option} testId="members-timeline" />;
}

function CauseMetrics({ entity, incident }: { entity: string | null; incident: IncidentDetail }) {
  // A window around the incident: an hour before it opened until now (or until it resolved).
  const from = Math.floor((incident.openedAt - 3600_000) / 60_000) * 60_000;
  const end = incident.resolvedAt ?? incident.updatedAt;
  const to = Math.ceil((Math.max(end, incident.openedAt) + 15 * 60_000) / 60_000) * 60_000;
  const metrics = useMetrics(entity, from, to);
  const option = useMemo<EChartsOption | null>(() => {
    if (!metrics.data || metrics.data.length === 0) return null;
    const series = metrics.data.slice(0, 8);
    return {
      animation: false,
      textStyle: { fontFamily: 'Inter, sans-serif' },
      grid: { left: vw(3), right: vw(1), top: vw(2.2), bottom: vw(1.6) },
      legend: { type: 'scroll', top: 0, textStyle: { color: palette.textDim, fontSize: vw(0.5) }, pageTextStyle: { color: palette.textDim } },
      tooltip: { trigger: 'axis', renderMode: 'richText', backgroundColor: palette.panel, textStyle: { color: palette.text } },
      xAxis: { type: 'time', axisLabel: { color: palette.textDim, fontSize: vw(0.5), formatter: (v: number) => formatClock(v).slice(0, 5) } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: palette.textDim, fontSize: vw(0.5) }, splitLine: { lineStyle: { color: palette.grid } } },
      series: series.map((s, i) => ({
        type: 'line',
        name: s.name,
        showSymbol: false,
        sampling: 'lttb',
        lineStyle: { width: 2 },
        color: i === 0 ? kindColor(entityKindOf(s.entity)) : undefined,
        data: s.points,
        markLine:
          i === 0
            ? {
                symbol: 'none',
                silent: true,
                label: { formatter: 'opened', color: palette.critical },
                lineStyle: { color: palette.critical, type: 'dashed' },
                data: [{ xAxis: incident.openedAt }],
              }
            : undefined,
      })),
    };
  }, [metrics.data, incident.openedAt]);
  if (!entity) return <div className="placeholder">No root-cause candidate yet.</div>;
  if (metrics.isPending) return <div className="placeholder">Loading metrics…</div>;
  if (metrics.error) return <div className="placeholder">Metrics unavailable: {metrics.error.message}</div>;
  if (!option) return <div className="placeholder">No metrics recorded for {entity}.</div>;
  return <EChart option={option} testId="cause-metrics" />;
}
