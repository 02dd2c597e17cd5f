/**
 * Timeline: anomalies (by score, coloured by entity kind) and changes over a selectable range. Brush
 * or zoom to pick a window; the list below shows what is in it.
 */
import { useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import { useAnomalies, useChanges, useLiveStream, useNow, useStats } from '../../api/hooks.tsx';
import { viewClock } from '../../shared/clock.ts';
import { EChart } from '../../shared/echart.tsx';
import { entityKindOf, entityLabel, formatClock, formatDateTime } from '../../shared/format.ts';
import { kindColor, palette, vw } from '../../shared/theme.ts';
import { NavBar, Panel } from '../../shared/ui.tsx';
import { ExpectedBandChart } from './expected-band.tsx';
import { inWindow, rangeBounds, rangeEndingAt, RANGES, windowFromBrush, type RangeKey } from './timeline-model.ts';
import { ForecastPanel } from './forecast-panel.tsx';

/** The timeline view. */
export function TimelineView({ kiosk }: { kiosk: boolean }) {
  useLiveStream();
  const [range, setRange] = useState<RangeKey>('6h');
  const stats = useStats();
  // Event time (the watermark of an accelerated demo), in 5-minute steps so the range query is not
  // refetched on every stats push; while a replay drives the engine, the range ends at its clock.
  const clock = viewClock(useNow(60_000), stats.data);
  const { from, to } = clock.asOf !== null ? rangeEndingAt(range, clock.asOf) : rangeBounds(range, Math.ceil(clock.now / 300_000) * 300_000);
  const anomalies = useAnomalies(from, to);
  const changes = useChanges(from, to);
  const [win, setWin] = useState<[number, number] | null>(null);
  const [pickedId, setPickedId] = useState<string | null>(null);

  const option = useMemo<EChartsOption>(() => {
    const byKind = new Map<string, [number, number, string, string][]>();
    for (const a of anomalies.data ?? []) {
      const k = entityKindOf(a.entity);
      if (!byKind.has(k)) byKind.set(k, []);
      byKind.get(k)!.push([a.time, a.score, a.entity, a.metric]);
    }
    const kinds = [...byKind.keys()].sort();
    return {
      animation: false,
      textStyle: { fontFamily: 'Inter, sans-serif' },
      grid: { left: vw(2.5), right: vw(1.5), top: vw(2.4), bottom: vw(4.5) },
      legend: { top: 0, left: 0, textStyle: { color: palette.textDim, fontSize: vw(0.55) } },
      tooltip: {
        trigger: 'item',
        renderMode: 'richText',
        backgroundColor: palette.panel,
        textStyle: { color: palette.text },
        formatter: (p: unknown) => {
          const v = (p as { value: [number, number, string, string] }).value;
          return `${formatClock(v[0])} ${v[2]}\n${v[3]} score ${v[1].toFixed(2)}`;
        },
      },
      toolbox: { show: false },
      brush: { xAxisIndex: 0, brushType: 'lineX', brushMode: 'single', throttleType: 'debounce', throttleDelay: 200 },
      xAxis: {
        type: 'time',
        min: from,
        max: to,
        axisLabel: { color: palette.textDim, fontSize: vw(0.55) },
        axisLine: { lineStyle: { color: palette.panelEdge } },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: 'score',
        nameTextStyle: { color: palette.textDim },
        axisLabel: { color: palette.textDim, fontSize: vw(0.55) },
        splitLine: { lineStyle: { color: palette.grid } },
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: vw(1.6), bottom: vw(0.6), textStyle: { color: palette.textDim }, borderColor: palette.panelEdge },
      ],
      series: [
        ...kinds.map((k) => ({
          type: 'scatter' as const,
          name: k,
          symbolSize: (v: [number, number]) => 4 + v[1] * 12,
          itemStyle: { color: kindColor(k), opacity: 0.85 },
          data: byKind.get(k)!,
        })),
        {
          type: 'line' as const,
          name: 'changes',
          data: [],
          itemStyle: { color: palette.change },
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: palette.change, type: 'dashed', width: 2 },
            label: { color: palette.change, formatter: '{b}', fontSize: vw(0.5) },
            data: (changes.data ?? []).map((c) => ({ xAxis: c.time, name: `${c.kind} ${entityLabel(c.service)}` })),
          },
        },
      ],
    };
  }, [anomalies.data, changes.data, from, to]);

  const [wFrom, wTo] = win ?? [from, to];
  const picked = useMemo(() => inWindow(anomalies.data ?? [], changes.data ?? [], wFrom, wTo), [anomalies.data, changes.data, wFrom, wTo]);
  // The band shows the picked anomaly's series, else the strongest anomaly in the window.
  const bandAnomaly = useMemo(() => {
    const all = anomalies.data ?? [];
    const chosen = pickedId ? all.find((a) => a.id === pickedId) : undefined;
    if (chosen) return chosen;
    let best: (typeof all)[number] | null = null;
    for (const a of picked.anomalies) if (!best || a.score > best.score) best = a;
    return best;
  }, [anomalies.data, picked.anomalies, pickedId]);

  return (
    <div
      className="page"
      data-testid="timeline-view"
      data-state={anomalies.data && changes.data && !anomalies.isPlaceholderData ? 'ready' : 'loading'}
      data-as-of={clock.asOf ?? ''}
      data-range-to={to}
    >
      {!kiosk && <NavBar current="/timeline" />}
      <div className="timeline-page">
        <Panel
          className="timeline-chart"
          title="Anomalies and changes"
          extra={
            <div className="segmented" role="group" aria-label="Range">
              {RANGES.map((r) => (
                <button
                  key={r.key}
                  type="button"
                  className={r.key === range ? 'active' : ''}
                  onClick={() => {
                    setRange(r.key);
                    setWin(null);
                  }}
                >
                  {r.label}
                </button>
              ))}
            </div>
          }
        >
          <EChart
            option={option}
            // Merged, not replaced: a refresh must not wipe the brushed window while the user looks at it.
            notMerge={false}
            testId="timeline-chart"
            onInit={(c) => {
              // Brushing is the default gesture here: arm the lineX brush without a toolbox click.
              c.dispatchAction({ type: 'takeGlobalCursor', key: 'brush', brushOption: { brushType: 'lineX', brushMode: 'single' } });
            }}
            onEvents={{
              brushEnd: (p) => setWin(windowFromBrush(p)),
              datazoom: (_p, c) => {
                const dz = (c.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] }).dataZoom?.[0];
                if (dz && typeof dz.startValue === 'number' && typeof dz.endValue === 'number') setWin([dz.startValue, dz.endValue]);
              },
            }}
          />
        </Panel>
        <ForecastPanel />
        <Panel
          className="timeline-list"
          title={`In window ${formatDateTime(wFrom)} – ${formatDateTime(wTo)} UTC`}
          extra={win ? <button type="button" className="link-button" onClick={() => setWin(null)}>Clear</button> : <span className="muted">drag on the chart to pick a window</span>}
          testId="timeline-window"
        >
          <div className="window-cols">
            <div>
              <h3>Changes ({picked.changes.length})</h3>
              <ul className="mini-list">
                {picked.changes.slice(0, 200).map((c) => (
                  <li key={c.id}>
                    <span className="mono">{formatClock(c.time)}</span> <span className="chip chip-change">{c.kind}</span> {entityLabel(c.service)} — {c.summary}
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <h3>Anomalies ({picked.anomalies.length})</h3>
              <ul className="mini-list">
                {picked.anomalies.slice(0, 200).map((a) => (
                  <li key={a.id} className={bandAnomaly?.id === a.id ? 'picked' : ''}>
                    <button type="button" className="link-button" data-testid="anomaly-pick" onClick={() => setPickedId(a.id)}>
                      <span className="mono">{formatClock(a.time)}</span> {entityLabel(a.entity)} <span className="muted">{a.metric}</span> = {a.value.toFixed(2)}{' '}
                      <span className="muted">
                        (expected {a.lower !== undefined && a.upper !== undefined ? `${a.lower.toFixed(2)} – ${a.upper.toFixed(2)}` : a.expected.toFixed(2)}, score{' '}
                        {a.score.toFixed(2)})
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </Panel>
        <Panel className="timeline-band" title="Expected range" testId="timeline-band">
          <ExpectedBandChart anomaly={bandAnomaly} anomalies={anomalies.data ?? []} from={wFrom} to={wTo} />
        </Panel>
      </div>
    </div>
  );
}
