/**
 * The expected band: one series' actual line with the range the detector expected around it (the
 * engine replays its own detector, GET /api/detection/band), and the anomalies of that series marked.
 * Kept in its own module so other layers of the same chart (e.g. a forecast ahead of the line) can sit
 * beside it: `bandSeries` returns only this layer's ECharts series.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { EChartsOption, SeriesOption } from 'echarts';
import type { Anomaly } from '../../../../core/common/schemas.ts';
import type { ExpectedBand } from '../../../../core/common/detection-schemas.ts';
import { useApi } from '../../api/hooks.tsx';
import { EChart } from '../../shared/echart.tsx';
import { entityLabel, formatClock } from '../../shared/format.ts';
import { palette, vw } from '../../shared/theme.ts';

/** The band of one series over [from, to]. */
export function useExpectedBand(entity: string | null, name: string | null, from: number, to: number) {
  const api = useApi();
  return useQuery({
    queryKey: ['detection-band', entity ?? '', name ?? '', from, to],
    queryFn: () => api.getExpectedBand({ entity: entity!, name: name!, from, to }),
    enabled: Boolean(entity && name),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

/**
 * The ECharts series of the band layer: the band as a stacked area (lower edge invisible, width filled),
 * the actual line over it, and the series' anomalies as markers.
 */
export function bandSeries(band: ExpectedBand, anomalies: readonly Anomaly[]): SeriesOption[] {
  const lower = band.points.map(([t, , lo]) => [t, lo]);
  const width = band.points.map(([t, , lo, hi]) => [t, hi - lo]);
  const actual = band.points.map(([t, v]) => [t, v]);
  return [
    { type: 'line', name: 'expected-lower', stack: 'band', data: lower, symbol: 'none', lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
    {
      type: 'line',
      name: 'expected range',
      stack: 'band',
      data: width,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: palette.accent, opacity: 0.18 },
      silent: true,
      tooltip: { show: false },
    },
    { type: 'line', name: 'actual', data: actual, symbol: 'none', lineStyle: { color: palette.text, width: 2 }, itemStyle: { color: palette.text } },
    {
      type: 'scatter',
      name: 'anomalies',
      data: anomalies.map((a) => [a.time, a.value]),
      symbolSize: vw(0.7),
      itemStyle: { color: palette.anomaly },
      z: 5,
    },
  ];
}

/** The chart of one anomaly's series with its expected band. */
export function ExpectedBandChart({ anomaly, anomalies, from, to }: { anomaly: Anomaly | null; anomalies: readonly Anomaly[]; from: number; to: number }) {
  const band = useExpectedBand(anomaly?.entity ?? null, anomaly?.metric ?? null, from, to);
  const own = useMemo(() => (anomaly ? anomalies.filter((a) => a.entity === anomaly.entity && a.metric === anomaly.metric) : []), [anomaly, anomalies]);
  const option = useMemo<EChartsOption>(() => {
    const series = band.data ? bandSeries(band.data, own) : [];
    return {
      animation: false,
      textStyle: { fontFamily: 'Inter, sans-serif' },
      grid: { left: vw(3.5), right: vw(1.5), top: vw(1.2), bottom: vw(1.8) },
      tooltip: {
        trigger: 'axis',
        renderMode: 'richText',
        backgroundColor: palette.panel,
        textStyle: { color: palette.text },
        formatter: (p: unknown) => {
          const first = (Array.isArray(p) ? p : [p])[0] as { value?: [number, number] } | undefined;
          const t = first?.value?.[0];
          const pt = band.data?.points.find((x) => x[0] === t);
          return pt ? `${formatClock(pt[0])}  ${pt[1].toFixed(2)}\nexpected ${pt[2].toFixed(2)} – ${pt[3].toFixed(2)}` : '';
        },
      },
      xAxis: { type: 'time', min: from, max: to, axisLabel: { color: palette.textDim, fontSize: vw(0.55) }, axisLine: { lineStyle: { color: palette.panelEdge } } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: palette.textDim, fontSize: vw(0.55) }, splitLine: { lineStyle: { color: palette.grid } } },
      series,
    };
  }, [band.data, own, from, to]);

  if (!anomaly) return <p className="muted band-empty">No anomaly in this range: nothing to show a band for.</p>;
  const points = band.data?.points ?? [];
  const outside = points.filter(([, v, lo, hi]) => v < lo || v > hi).length;
  return (
    <div
      className="expected-band"
      data-testid="expected-band"
      data-state={band.data ? 'ready' : band.isError ? 'error' : 'loading'}
      data-entity={anomaly.entity}
      data-metric={anomaly.metric}
      data-points={points.length}
      data-outside={outside}
    >
      <div className="band-caption">
        <strong>{entityLabel(anomaly.entity)}</strong> <span className="mono">{anomaly.metric}</span>
        <span className="muted">
          {' '}
          — line: actual · shaded: expected range · dots: anomalies ({own.length})
        </span>
      </div>
      <EChart option={option} className="band-chart" testId="expected-band-chart" />
    </div>
  );
}
