/**
 * The wall: a 4K operations display read from five metres. Headline figures, the live estate by
 * health, open incidents with their probable cause, and the anomaly timeline with deploys marked.
 * No interaction needed; everything updates from the stream.
 *
 * Test hooks: the root has `data-state` (`loading` until every first query answered and the graph
 * drew its first frame, then `ready`), the graph container `data-node-count`, each incident row
 * `data-incident-id`; while a replay drives the engine the root carries its clock in `data-as-of`.
 *
 * Time travel: while a replay drives the engine (`Stats.asOf`), the graph, the anomalies and the
 * changes are those of the estate as of the replay clock, not the live ones.
 */
import { useCallback, useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import type { Change, Incident, Stats } from '../../../../core/common/schemas.ts';
import {
  RECENT_WINDOW_MS,
  useAnomalies,
  useChanges,
  useIncidents,
  useLiveStream,
  useNow,
  useRecentAnomalies,
  useRecentChanges,
  useStats,
  useTopology,
} from '../../api/hooks.tsx';
import { useAppStore } from '../../shared/app-store.ts';
import { EChart } from '../../shared/echart.tsx';
import { entityKindOf, entityLabel, formatClock, formatCount, formatDuration, formatPercent } from '../../shared/format.ts';
import { incidentPath } from '../../shared/router.ts';
import { kindColor, palette, severityColor, vw } from '../../shared/theme.ts';
import { ConnectionIndicator, Figure, Link, Panel } from '../../shared/ui.tsx';
import { computeHealth } from '../topology/health.ts';
import { layoutTopology } from '../topology/layout.ts';
import { TopologyGraph, UNIT_ASPECT } from '../topology/topology-graph.tsx';
import { bucketAnomalies, changesInRange, labelledMarks, probableCause, rankIncidents } from './wall-model.ts';
import { viewClock } from '../../shared/clock.ts';
import { AutomationPausedBanner } from '../approvals/pause-switch.tsx';
import { useForecasts } from '../../api/forecast-hooks.ts';
import { COMING_UP_MS, ComingUpList } from './coming-up.tsx';

/** Anomalies newer than this colour a node amber. */
const RECENT_ANOMALY_MS = 15 * 60_000;
/** Span of the wall's anomaly timeline. */
const TIMELINE_SPAN_MS = 3 * 3600_000;
const BUCKET_MS = 5 * 60_000;

/** The wall view. */
export function WallView({ kiosk }: { kiosk: boolean }) {
  useLiveStream();
  const stats = useStats();
  const incidents = useIncidents('open');
  const forecasts = useForecasts(COMING_UP_MS);
  const helloDemo = useAppStore((s) => s.helloDemo);
  const realNow = useNow(1000);
  // Ages and windows follow event time (a replay clock, or the watermark of the demo) when not live.
  const { now, replay, asOf } = viewClock(realNow, stats.data);
  const topology = useTopology(asOf);
  const past = asOf !== null;
  const liveAnomalies = useRecentAnomalies();
  const liveChanges = useRecentChanges();
  const pastAnomalies = useAnomalies((asOf ?? 0) - RECENT_WINDOW_MS, asOf ?? 0, undefined, past);
  const pastChanges = useChanges((asOf ?? 0) - RECENT_WINDOW_MS, asOf ?? 0, past);
  const anomalies = past ? pastAnomalies : liveAnomalies;
  const changes = past ? pastChanges : liveChanges;
  const [graphDrawn, setGraphDrawn] = useState(false);
  const onRendered = useCallback(() => setGraphDrawn(true), []);

  // Layout units are drawn wider than tall (UNIT_ASPECT), and frames and labels add height (×1.2).
  const [aspect, topoPanelRef] = usePanelAspect();
  const layout = useMemo(
    () => (topology.data ? layoutTopology(topology.data, { aspect: (aspect * 1.2) / UNIT_ASPECT }) : null),
    [topology.data, aspect],
  );
  // Health is recomputed on every minute tick too, so amber fades when anomalies age out.
  const minute = Math.floor(now / 60_000);
  const health = useMemo(() => {
    if (!topology.data) return new Map();
    const since = minute * 60_000 - RECENT_ANOMALY_MS;
    return computeHealth(topology.data, incidents.data ?? [], (anomalies.data ?? []).filter((a) => a.time >= since));
  }, [topology.data, incidents.data, anomalies.data, minute]);

  const ranked = useMemo(() => rankIncidents(incidents.data ?? []), [incidents.data]);
  const loaded = !!(stats.data && incidents.data && topology.data && anomalies.data && changes.data);
  const ready = loaded && (graphDrawn || topology.data?.nodes.length === 0);
  const demo = stats.data?.demo || helloDemo;

  return (
    <div className={`wall ${kiosk ? 'kiosk' : ''}`} data-testid="wall" data-state={ready ? 'ready' : 'loading'} data-as-of={asOf ?? ''}>
      <header className="wall-head">
        <div className="wall-brand">
          <span className="logo-mark" aria-hidden="true" />
          WATCHFLOOR
          <span className="wall-sub">Operations Wall</span>
        </div>
        {demo && (
          <span className="demo-badge" data-testid="demo-badge">
            DEMO
          </span>
        )}
        <AutomationPausedBanner />
        <span className="nav-spacer" />
        {!kiosk && (
          <nav className="wall-nav">
            <Link to="/topology">Topology</Link>
            <Link to="/timeline">Timeline</Link>
            <Link to="/approvals">Approvals</Link>
          </nav>
        )}
        <ConnectionIndicator />
        {replay && (
          <span className="event-clock" title="event time of the data being analysed">
            event time <strong>{formatClock(now).slice(0, 5)}</strong>
          </span>
        )}
        <span className="wall-clock" data-testid="clock">
          {formatClock(realNow)} <small>UTC</small>
        </span>
      </header>

      <Headline stats={stats.data} />

      <Panel className="wall-topology" title="Estate health" extra={<Legend />} testId="topology-panel" bodyRef={topoPanelRef}>
        {topology.data && layout ? (
          <TopologyGraph
            topology={topology.data}
            layout={layout}
            health={health}
            mode="wall"
            onRendered={onRendered}
            testId="topology"
          />
        ) : (
          <div className="placeholder">{topology.error ? `Topology unavailable: ${topology.error.message}` : 'Loading topology…'}</div>
        )}
      </Panel>

      <Panel
        className="wall-incidents"
        title="Open incidents"
        extra={<span className="count-chip">{ranked.length}</span>}
        testId="incidents-panel"
      >
        <IncidentList incidents={ranked} now={now} kiosk={kiosk} />
      </Panel>

      <Panel className="wall-coming-up" title="Coming up · next 24 h" testId="coming-up-panel">
        <ComingUpList data={forecasts.data} now={now} />
      </Panel>

      <Panel className="wall-timeline" title="Anomalies · last 3 hours" extra={<span className="change-key">┆ changes</span>}>
        <AnomalyTimeline anomalies={anomalies.data} changes={changes.data} now={now} />
      </Panel>

      <Panel className="wall-changes" title="Recent changes" testId="changes-panel">
        <RecentChanges changes={changes.data} now={now} />
      </Panel>
    </div>
  );
}

/**
 * Aspect (width / height) of the element the returned ref is attached to, rounded to a tenth so a
 * few pixels of resize do not re-lay the graph out.
 */
function usePanelAspect(): [number, (el: HTMLDivElement | null) => void] {
  const [aspect, setAspect] = useState(2);
  const ref = useCallback((el: HTMLDivElement | null) => {
    if (!el) return;
    const measure = () => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) setAspect(Math.round((r.width / r.height) * 10) / 10);
    };
    measure();
    new ResizeObserver(measure).observe(el);
  }, []);
  return [aspect, ref];
}

function RecentChanges({ changes, now }: { changes: Change[] | undefined; now: number }) {
  const list = (changes ?? []).slice().sort((a, b) => b.time - a.time).slice(0, 12);
  if (list.length === 0) return <div className="placeholder">No changes recorded</div>;
  return (
    <ul className="change-list">
      {list.map((c) => (
        <li key={c.id}>
          <span className="change-age">{formatDuration(now - c.time)}</span>
          <span className={`chip chip-change`}>{c.kind}</span>
          <span className="change-service">{entityLabel(c.service)}</span>
          <span className="change-summary">{c.summary}</span>
        </li>
      ))}
    </ul>
  );
}

function Headline({ stats }: { stats: Stats | undefined }) {
  const s = stats;
  const ingest = s ? s.ingested.metricPoints + s.ingested.logs + s.ingested.spans + s.ingested.events : 0;
  return (
    <div className="headline" data-testid="headline">
      <Figure
        label="Open incidents"
        value={s ? formatCount(s.incidentsOpen) : '—'}
        tone={s && s.incidentsOpen > 0 ? 'alert' : 'good'}
        testId="fig-open"
      />
      <Figure
        label="Alerts → incidents"
        value={
          s ? (
            <>
              {formatCount(s.alertsReceived)}
              <span className="arrow">→</span>
              {formatCount(s.incidentsOpened)}
            </>
          ) : (
            '—'
          )
        }
        sub={s ? `${formatCount(s.alertsDeduplicated)} deduplicated · ${formatCount(s.flappingSuppressed)} flapping` : undefined}
        testId="fig-alerts"
      />
      <Figure label="Noise reduction" value={s ? formatPercent(s.noiseReduction) : '—'} tone="good" testId="fig-noise" />
      <Figure label="MTTD" value={s ? formatDuration(s.mttdMs) : '—'} sub="mean time to detect" testId="fig-mttd" />
      <Figure
        label="Awaiting approval"
        value={s ? formatCount(s.pendingApprovals) : '—'}
        tone={s && s.pendingApprovals > 0 ? 'warn' : undefined}
        sub="automation actions"
        testId="fig-approvals"
      />
      <Figure
        label="Ingested"
        value={s ? formatCount(ingest) : '—'}
        sub={
          s
            ? `${formatCount(s.ingested.metricPoints)} points · ${formatCount(s.ingested.logs)} logs · ${formatCount(s.ingested.spans)} spans · ${formatCount(s.ingested.events)} events`
            : undefined
        }
        testId="fig-ingest"
      />
      <Figure label="Anomalies" value={s ? formatCount(s.anomalies) : '—'} sub="detected" testId="fig-anomalies" />
    </div>
  );
}

function Legend() {
  const items: [string, string][] = [
    ['Critical', palette.critical],
    ['Major', palette.major],
    ['Minor', palette.minor],
    ['Healthy', palette.healthy],
  ];
  return (
    <div className="legend">
      {items.map(([l, c]) => (
        <span key={l} className="legend-item">
          <span className="legend-dot" style={{ background: c }} />
          {l}
        </span>
      ))}
      <span className="legend-item">
        <span className="legend-dot legend-anomaly" />
        Anomaly
      </span>
      <span className="legend-item">
        <span className="legend-dot legend-root" />
        Root cause
      </span>
    </div>
  );
}

function IncidentList({ incidents, now, kiosk }: { incidents: Incident[]; now: number; kiosk: boolean }) {
  if (incidents.length === 0) {
    return (
      <div className="all-clear" data-testid="all-clear">
        <div className="all-clear-mark">✓</div>
        <div>No open incidents</div>
      </div>
    );
  }
  return (
    <ol className="incident-list" data-testid="incident-list">
      {incidents.map((inc) => {
        const cause = probableCause(inc);
        const body = (
          <>
            <span className="inc-sev" style={{ background: severityColor(inc.severity) }} />
            <div className="inc-main">
              <div className="inc-title">
                <span className={`sev sev-${inc.severity}`}>{inc.severity}</span>
                <span className="inc-title-text">{inc.title}</span>
              </div>
              <div className="inc-cause" data-testid="incident-cause">
                {cause ? (
                  <>
                    <span className="muted">probable cause</span>
                    <span className="cause-entity">{entityLabel(cause.entity)}</span>
                    <span className="cause-kind">{entityKindOf(cause.entity)}</span>
                    <span className="cause-score">{Math.round(cause.score * 100)}%</span>
                  </>
                ) : (
                  <span className="muted">root cause analysis pending…</span>
                )}
              </div>
            </div>
            <div className="inc-meta">
              <div className="inc-age">{formatDuration(now - inc.openedAt)}</div>
              <div className="muted">
                {inc.alertCount} signal{inc.alertCount === 1 ? '' : 's'}
              </div>
            </div>
          </>
        );
        return (
          <li
            key={inc.id}
            className={`incident-row sev-row-${inc.severity}`}
            data-incident-id={inc.id}
            data-severity={inc.severity}
            data-entities={inc.entities.join(' ')}
            data-root-cause={cause?.entity ?? ''}
          >
            {kiosk ? body : <Link to={incidentPath(inc.id)} className="incident-link">{body}</Link>}
          </li>
        );
      })}
    </ol>
  );
}

function AnomalyTimeline(props: { anomalies: Parameters<typeof bucketAnomalies>[0] | undefined; changes: Parameters<typeof changesInRange>[0] | undefined; now: number }) {
  // Re-bucket once a minute, not every second: the chart animates otherwise.
  const minute = Math.floor(props.now / 60_000) * 60_000;
  const option = useMemo<EChartsOption>(() => {
    const to = minute + 60_000;
    const from = to - TIMELINE_SPAN_MS;
    const b = bucketAnomalies(props.anomalies ?? [], from, to, BUCKET_MS);
    const marks = changesInRange(props.changes ?? [], from, to);
    const labelled = labelledMarks(marks.map((c) => c.time), TIMELINE_SPAN_MS * 0.06);
    const series: NonNullable<EChartsOption['series']> = b.series.map((s) => ({
      type: 'bar',
      name: s.kind,
      stack: 'anomalies',
      barCategoryGap: '18%',
      itemStyle: { color: kindColor(s.kind) },
      data: s.counts.map((c, i) => [b.times[i] + BUCKET_MS / 2, c]),
    }));
    series.push({
      type: 'line',
      name: 'changes',
      data: [],
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { color: palette.change, type: 'dashed', width: 3 },
        label: { color: palette.change, fontSize: vw(0.55), formatter: '{b}', position: 'end', distance: vw(0.2) },
        data: marks.map((c, i) => ({ xAxis: c.time, name: labelled.has(i) ? entityLabel(c.service) : '' })),
      },
    });
    return {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: 'Inter, sans-serif' },
      grid: { left: vw(2), right: vw(1.2), top: vw(2.6), bottom: vw(1.4) },
      legend: {
        top: 0,
        left: 0,
        textStyle: { color: palette.textDim, fontSize: vw(0.58) },
        itemWidth: vw(0.7),
        itemHeight: vw(0.45),
        data: b.series.map((s) => s.kind),
      },
      xAxis: {
        type: 'time',
        min: from,
        max: to,
        axisLine: { lineStyle: { color: palette.panelEdge } },
        axisLabel: { color: palette.textDim, fontSize: vw(0.58), formatter: (v: number) => formatClock(v).slice(0, 5) },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { color: palette.textDim, fontSize: vw(0.58) },
        splitLine: { lineStyle: { color: palette.grid } },
      },
      series,
    };
  }, [props.anomalies, props.changes, minute]);
  return <EChart option={option} className="chart" testId="anomaly-timeline" />;
}
