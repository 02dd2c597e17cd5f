/**
 * A thin React wrapper over ECharts (tree-shaken core: line, scatter, bar; grid, tooltip,
 * dataZoom, brush, markLine, legend; canvas renderer). The chart instance lives as long as the
 * component; option changes are merged, and the chart follows its container's size.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([
  BarChart,
  LineChart,
  ScatterChart,
  BrushComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  ToolboxComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** Props of `EChart`. */
export interface EChartProps {
  option: EChartsOption;
  className?: string;
  /** Replace the whole option instead of merging (when series come and go). */
  notMerge?: boolean;
  /** Event handlers by ECharts event name, e.g. `datazoom`, `brushselected`. */
  onEvents?: Record<string, (params: unknown, chart: echarts.ECharts) => void>;
  /** Called once with the instance after the first option is set (e.g. to arm the brush). */
  onInit?: (chart: echarts.ECharts) => void;
  testId?: string;
}

/** An ECharts chart filling its container. */
export function EChart({ option, className, notMerge = true, onEvents, onInit, testId }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const handlers = useRef(onEvents);
  handlers.current = onEvents;
  const initCallback = useRef(onInit);
  initCallback.current = onInit;
  const initialised = useRef(false);

  useEffect(() => {
    const el = ref.current!;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const names = Object.keys(handlers.current ?? {});
    for (const name of names) c.on(name, (p: unknown) => handlers.current?.[name]?.(p, c));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
      initialised.current = false;
    };
    // The instance is created once on purpose; handlers and onInit are read through refs/closure.
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    // The first option is applied synchronously so that onInit can dispatch actions on components
    // (brush, dataZoom) that only exist once an option declared them.
    c.setOption(option, { notMerge, lazyUpdate: initialised.current });
    if (!initialised.current) {
      initialised.current = true;
      initCallback.current?.(c);
    }
  }, [option, notMerge]);

  return <div ref={ref} className={className ?? 'chart'} data-testid={testId} />;
}
