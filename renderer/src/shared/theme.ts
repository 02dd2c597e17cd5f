/**
 * Colours of the operations floor. One palette for CSS (via custom properties set in styles.css)
 * and for canvas renderers (cytoscape, echarts), which cannot read CSS variables cheaply.
 */
import type { Severity } from '../../../core/common/schemas.ts';

/** Base palette: dark, high contrast, readable from five metres. */
export const palette = {
  bg: '#0b0f14',
  panel: '#121821',
  panelEdge: '#1f2a37',
  grid: '#1c2430',
  text: '#e6edf3',
  textDim: '#8b98a9',
  textFaint: '#5b6878',
  accent: '#4ea1ff',
  healthy: '#2f9e6e',
  healthyDim: '#1f5e45',
  anomaly: '#f2b233',
  critical: '#ff4d5e',
  major: '#ff8a3d',
  minor: '#f2c94c',
  warning: '#d9c14a',
  info: '#5fa8ff',
  rootCause: '#ffffff',
  change: '#b48cff',
} as const;

/** Colour of a severity; critical red, major orange, down to info blue. */
export function severityColor(s: Severity): string {
  return palette[s];
}

/** Health of a topology node as the wall colours it. */
export type NodeHealth = 'critical' | 'major' | 'minor' | 'warning' | 'info' | 'anomaly' | 'healthy';

/** Fill colour of a node of the given health. */
export function healthColor(h: NodeHealth): string {
  return h === 'healthy' ? palette.healthyDim : h === 'anomaly' ? palette.anomaly : palette[h];
}

/** Colour by entity kind for charts that split series by kind. */
export function kindColor(kind: string): string {
  const map: Record<string, string> = {
    service: '#4ea1ff',
    database: '#b48cff',
    queue: '#3ccfcf',
    host: '#f2b233',
    node: '#f2b233',
    pod: '#7ad67a',
    loadbalancer: '#ff8ab8',
    region: '#8b98a9',
  };
  return map[kind] ?? '#c0c8d2';
}

/**
 * Pixels for `n` percent of the viewport width, for canvas text (echarts, cytoscape) that cannot use
 * CSS units; keeps charts legible from 1080p to 2160p.
 */
export function vw(n: number): number {
  const w = typeof window === 'undefined' ? 1920 : window.innerWidth;
  return Math.max(10, Math.round((w * n) / 100));
}
