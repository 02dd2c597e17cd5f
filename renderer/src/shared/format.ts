/** Formatting for the wall: short, unit-carrying strings that read at a distance. */

/** 1234 → "1,234"; 1_234_567 → "1.23M"; 12_345 → "12.3k". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}B`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e4) return `${trim(n / 1e3)}k`;
  return Math.round(n).toLocaleString('en-US');
}

function trim(v: number): string {
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return s.replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

/** A duration in ms as "45s", "12m", "3h 20m", "2d 4h"; null → "—". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60 ? `${s % 60}s` : ''}`.trim();
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return `${d}d${h % 24 ? ` ${h % 24}h` : ''}`;
}

/** A fraction in [0, 1] as a percentage: 0.934 → "93.4%". */
export function formatPercent(f: number): string {
  if (!Number.isFinite(f)) return '—';
  const p = f * 100;
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** UTC clock time "14:05:09". */
export function formatClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** UTC date-time "2026-01-02 14:05". */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** The name part of an entity id, `service:checkout` → `checkout`. */
export function entityLabel(id: string): string {
  const i = id.indexOf(':');
  return i < 0 ? id : id.slice(i + 1);
}

/** The kind part of an entity id, `service:checkout` → `service`. */
export function entityKindOf(id: string): string {
  const i = id.indexOf(':');
  return i < 0 ? 'unknown' : id.slice(0, i);
}
