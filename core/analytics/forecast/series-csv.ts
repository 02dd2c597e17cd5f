/**
 * Reading one series from CSV text (`time,value` per line, an optional header) and putting it on a
 * regular grid, as `watchfloor forecast` and the NAB evaluation need. Plain TypeScript, no node:.
 */

/** A series on a regular grid: values[i] is at start + i·stepMs, NaN where no point fell. */
export interface GridSeries {
  start: number;
  stepMs: number;
  values: Float64Array;
  /** Points read from the input (before gridding). */
  points: number;
}

/** A CSV line that cannot be read; `line` is 1-based. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * Parse a time: epoch seconds or milliseconds (numbers), or a date-time string; a string without a
 * zone is read as UTC (NAB's files are written that way).
 */
export function parseTime(raw: string): number {
  const s = raw.trim().replace(/^"|"$/g, '');
  if (/^\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    // Anything below 1e11 is seconds (1e11 s is the year 5138; 1e11 ms is 1973).
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}

/** Parse `time,value` lines; the first line may be a header. Throws CsvError naming the line. */
export function parseSeriesCsv(text: string): { ts: number[]; values: number[] } {
  const ts: number[] = [];
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(',');
    if (parts.length < 2) throw new CsvError(i + 1, `expected 'time,value', got '${line.slice(0, 60)}'`);
    const t = parseTime(parts[0]);
    const v = Number(parts[1].trim().replace(/^"|"$/g, ''));
    if (!Number.isFinite(t) || parts[1].trim() === '' || !Number.isFinite(v)) {
      if (ts.length === 0 && i === firstContentLine(lines)) continue; // a header
      throw new CsvError(i + 1, !Number.isFinite(t) ? `time: cannot read '${parts[0].slice(0, 40)}'` : `value: not a number: '${parts[1].slice(0, 40)}'`);
    }
    ts.push(t);
    values.push(v);
  }
  for (let i = 1; i < ts.length; i++) {
    if (ts[i] < ts[i - 1]) {
      // Sort rather than reject: exports are sometimes written out of order.
      const order = ts.map((_, j) => j).sort((a, b) => ts[a] - ts[b]);
      return { ts: order.map((j) => ts[j]), values: order.map((j) => values[j]) };
    }
  }
  return { ts, values };
}

function firstContentLine(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() && !lines[i].trim().startsWith('#')) return i;
  return -1;
}

/** Put sorted points on a grid of their median spacing (points in one cell are averaged). */
export function toGrid(ts: number[], values: number[]): GridSeries {
  if (ts.length < 2) throw new RangeError(`need at least 2 points, got ${ts.length}`);
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) gaps.push(ts[i] - ts[i - 1]);
  if (gaps.length === 0) throw new RangeError('all points have the same time');
  gaps.sort((a, b) => a - b);
  const stepMs = gaps[Math.floor(gaps.length / 2)];
  const start = ts[0];
  const n = Math.round((ts[ts.length - 1] - start) / stepMs) + 1;
  const sum = new Float64Array(n);
  const cnt = new Uint32Array(n);
  for (let i = 0; i < ts.length; i++) {
    const k = Math.round((ts[i] - start) / stepMs);
    sum[k] += values[i];
    cnt[k]++;
  }
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = cnt[k] ? sum[k] / cnt[k] : NaN;
  return { start, stepMs, values: out, points: ts.length };
}
