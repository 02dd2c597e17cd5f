/**
 * The timeline's forecast chart: one capacity series' recent line with its forecast drawn as a band
 * ahead of it (80% interval, central value dashed) and its exhaustion limit. The series defaults to
 * the one predicted to run out soonest; any capacity series can be picked.
 *
 * Test hooks: the panel has `data-state` (`loading`/`ready`/`empty`), `data-series` (entity|metric)
 * and `data-band-points` (band points drawn ahead of the line).
 */
import { useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import { useForecastBand, useForecasts, useSeriesHistory } from '../../api/forecast-hooks.ts';
import { EChart } from '../../shared/echart.tsx';
import { entityLabel, formatDuration } from '../../shared/format.ts';
import { palette, vw } from '../../shared/theme.ts';
import { Panel } from '../../shared/ui.tsx';
import { bandSeries } from './forecast-model.ts';

const HISTORY_MS = 3 * 3_600_000;
const HORIZON_MS = 3_600_000;
const STEP_MS = 60_000;

/** The forecast panel of the timeline view. */
export function ForecastPanel() {
  const forecasts = useForecasts();
  const list = forecasts.data?.forecasts ?? [];
  const [picked, setPicked] = useState<string | null>(null);
  const current = list.find((f) => `${f.entity}|${f.metric}` === picked) ?? list[0] ?? null;
  const entity = current?.entity ?? null;
  const metric = current?.metric ?? null;
  const to = Math.ceil((current?.time ?? forecasts.data?.asOf ?? 0) / STEP_MS) * STEP_MS;
  const history = useSeriesHistory(entity, metric, to - HISTORY_MS, to, STEP_MS);
  const band = useForecastBand(entity, metric, HORIZON_MS, STEP_MS);
  const s = useMemo(() => bandSeries(history.data ?? [], band.data), [history.data, band.data]);

  const option = useMemo<EChartsOption>(
    () => ({
      animation: false,
      textStyle: { fontFamily: 'Inter, sans-serif' },
      grid: { left: vw(3.2), right: vw(1.5), top: vw(1.2), bottom: vw(1.8) },
      tooltip: { trigger: 'axis', backgroundColor: palette.panel, textStyle: { color: palette.text } },
      xAxis: { type: 'time', axisLabel: { color: palette.textDim, fontSize: vw(0.55) }, axisLine: { lineStyle: { color: palette.panelEdge } } },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { color: palette.textDim, fontSize: vw(0.55) },
        splitLine: { lineStyle: { color: palette.grid } },
      },
      series: [
        { type: 'line', name: 'observed', data: s.history, showSymbol: false, lineStyle: { color: palette.accent, width: 2 }, itemStyle: { color: palette.accent } },
        { type: 'line', name: 'band low', data: s.lower, stack: 'band', showSymbol: false, lineStyle: { opacity: 0 }, tooltip: { show: false } },
        {
          type: 'line',
          name: '80% interval',
          data: s.width,
          stack: 'band',
          showSymbol: false,
          lineStyle: { opacity: 0 },
          areaStyle: { color: palette.anomaly, opacity: 0.25 },
          tooltip: { show: false },
        },
        {
          type: 'line',
          name: 'forecast',
          data: s.mean,
          showSymbol: false,
          lineStyle: { color: palette.anomaly, type: 'dashed', width: 2 },
          itemStyle: { color: palette.anomaly },
          markLine:
            s.limit === null
              ? undefined
              : {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { color: palette.critical, type: 'solid', width: 2 },
                  label: { color: palette.critical, formatter: 'limit', fontSize: vw(0.5) },
                  data: [{ yAxis: s.limit }],
                },
        },
      ],
    }),
    [s],
  );

  const state = !forecasts.data ? 'loading' : list.length === 0 ? 'empty' : history.data && band.data ? 'ready' : 'loading';
  const c = current?.crossing;
  return (
    <Panel
      className="timeline-forecast"
      title={current ? `Forecast · ${entityLabel(current.entity)} ${current.metric}` : 'Forecast'}
      testId="forecast-panel"
      extra={
        list.length > 0 ? (
          <span className="forecast-extra">
            <span className="muted">{c ? `limit in ${formatDuration(Math.max(0, c.time - current!.time))}` : 'limit not in reach'}</span>{' '}
            <select
              aria-label="Capacity series"
              value={current ? `${current.entity}|${current.metric}` : ''}
              onChange={(e) => setPicked(e.target.value)}
            >
              {list.slice(0, 300).map((f) => (
                <option key={f.seriesKey} value={`${f.entity}|${f.metric}`}>
                  {entityLabel(f.entity)} · {f.metric}
                </option>
              ))}
            </select>
          </span>
        ) : undefined
      }
    >
      <div
        className="forecast-chart-wrap"
        data-testid="forecast-chart"
        data-state={state}
        data-series={current ? `${current.entity}|${current.metric}` : ''}
        data-band-points={Math.max(0, s.mean.length - 1)}
      >
        {list.length === 0 && forecasts.data ? (
          <div className="placeholder">No capacity series seen yet</div>
        ) : (
          <EChart option={option} testId="forecast-echart" />
        )}
      </div>
    </Panel>
  );
}
