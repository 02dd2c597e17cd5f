/**
 * Pure helpers of the log explorer: time ranges, the sparkline path, and splitting a template into
 * constant text and variables for display.
 */

/** Ranges the explorer offers. */
export const LOG_RANGES = [
  { key: '15m', label: '15 min', ms: 15 * 60_000 },
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '6h', label: '6 h', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
] as const;
export type LogRangeKey = (typeof LOG_RANGES)[number]['key'];

/** Span in ms of a range key (1 h for an unknown key). */
export function rangeSpan(key: string): number {
  return LOG_RANGES.find((r) => r.key === key)?.ms ?? 3_600_000;
}

/**
 * SVG polyline points of a sparkline `w` × `h` for `values` (oldest first); the top is the largest
 * value, an all-zero series is a flat line at the bottom.
 */
export function sparkPoints(values: readonly number[], w: number, h: number): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? i * step : w / 2;
      const y = max > 0 ? h - (v / max) * h : h;
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A template split into its constant text and its variables, for highlighting the `<*>`. */
export function templateParts(template: string): { text: string; variable: boolean }[] {
  const out: { text: string; variable: boolean }[] = [];
  const parts = template.split('<*>');
  parts.forEach((p, i) => {
    if (p) out.push({ text: p, variable: false });
    if (i < parts.length - 1) out.push({ text: '<*>', variable: true });
  });
  return out;
}
