/** Durations as operators write them: `90s`, `15m`, `6h`, `2d`, `1w`, or plain milliseconds. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parse a duration to ms; throws a RangeError naming `field` when it is not a positive duration. */
export function parseDuration(raw: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(raw.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 'ms'] : NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${field}: must be a positive duration like 90s, 15m, 6h or 2d, got '${raw.slice(0, 40)}'`);
  return ms;
}

/** Format ms compactly for titles: `45 min`, `6 h`, `2.5 d`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 90_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (abs < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  if (abs < 36 * 3_600_000) {
    const h = ms / 3_600_000;
    return `${h < 10 ? Math.round(h * 2) / 2 : Math.round(h)} h`;
  }
  return `${Math.round((ms / 86_400_000) * 10) / 10} d`;
}
