/**
 * The Numenta Anomaly Benchmark scorer, written from the benchmark's definition (Lavin & Ahmad 2015,
 * "Evaluating Real-time Anomaly Detection Algorithms – the Numenta Anomaly Benchmark", and the NAB
 * repository's description of its sweeper):
 *
 * - each labelled anomaly window rewards its first detection by a scaled sigmoid of the detection's
 *   position in the window (1 at the window's first row, falling towards 0 at its end); later
 *   detections in the same window count nothing; a window with no detection costs `fnWeight`;
 * - a detection outside every window is a false positive costing `fpWeight` × |sigmoid|: the full
 *   weight before the first window or far after one, less just after a window;
 * - the first min(floor(0.15·N), 750) rows of each file are probationary and not scored;
 * - one threshold per detector and profile is chosen to maximise the raw score summed over the
 *   whole corpus; the final score is normalised so the null detector (never detects) scores 0 and
 *   the perfect detector (detects each window at its first row) scores 100.
 *
 * Pure functions: no I/O. The corpus loader is nab-corpus.ts.
 */

/** One application profile's cost matrix (NAB config/profiles.json). */
export interface CostMatrix {
  tpWeight: number;
  fnWeight: number;
  fpWeight: number;
}

/** One scored data file: its row times (ms), its detector scores, and its windows as [start, end] ms. */
export interface ScoredFile {
  /** File name relative to the corpus root, e.g. `realKnownCause/nyc_taxi.csv`. */
  name: string;
  timestamps: Float64Array;
  scores: Float64Array;
  windows: readonly (readonly [number, number])[];
}

/** The sweep view of one file: per scorable row its score, its unweighted reward and its window. */
export interface SweptFile {
  name: string;
  /** Detector scores of the rows after the probationary period. */
  scores: Float64Array;
  /** Unweighted sigmoid reward of a detection at that row (positive in a window, negative outside). */
  reward: Float64Array;
  /** Window index (0-based, within the file) of the row, or -1 outside every window. */
  window: Int32Array;
  /** Number of windows that count (those not inside the probationary period). */
  windowCount: number;
  /** Total rows of the file, probationary ones included. */
  rows: number;
}

/** Confusion counts and raw score of a file or corpus at one threshold. */
export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Windows detected at least once. */
  windowsDetected: number;
  windowCount: number;
}

/** NAB's probationary period: min(floor(0.15·N), 0.15·5000) rows. */
export function probationaryLength(rows: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** NAB's scaled sigmoid: 2·σ(−5x) − 1, and −1 beyond three window widths after a window. */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

/** First index whose time is ≥ t (or > t when `strict`), timestamps ascending. */
function lowerBound(ts: Float64Array, t: number, strict = false): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid] < t || (strict && ts[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The per-row rewards of one file. In a window, the row at position i of a window spanning rows
 * [l, r] earns σ(−(r − i + 1)/(r − l + 1)) / σ(−1) (so 1 at its first row). Outside, a row after a
 * window earns σ(|r − i|/(width − 1)) of the window just passed, and −1 before any window.
 */
export function sweepFile(file: ScoredFile, probationPercent = 0.15): SweptFile {
  const n = file.timestamps.length;
  const maxTp = scaledSigmoid(-1);
  const reward = new Float64Array(n);
  const window = new Int32Array(n).fill(-1);
  const bounds = file.windows.map(([s, e]) => {
    const l = lowerBound(file.timestamps, s);
    const r = lowerBound(file.timestamps, e, true) - 1;
    return [l, r] as const;
  });
  let w = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    while (w < bounds.length && i > bounds[w][1]) {
      prevRight = bounds[w][1];
      prevWidth = bounds[w][1] - bounds[w][0] + 1;
      w++;
    }
    if (w < bounds.length && i >= bounds[w][0]) {
      const width = bounds[w][1] - bounds[w][0] + 1;
      reward[i] = scaledSigmoid(-(bounds[w][1] - i + 1) / width) / maxTp;
      window[i] = w;
    } else if (prevRight >= 0) {
      reward[i] = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
    } else {
      reward[i] = -1;
    }
  }
  const p = probationaryLength(n, probationPercent);
  const start = Math.min(n, Math.ceil(p));
  const counted = new Set<number>();
  for (let i = start; i < n; i++) if (window[i] >= 0) counted.add(window[i]);
  // A window partly inside the probationary period keeps its original index, so renumber densely.
  const remap = new Map<number, number>();
  for (const k of [...counted].sort((a, b) => a - b)) remap.set(k, remap.size);
  const win = window.slice(start).map((k) => (k >= 0 ? (remap.get(k) ?? -1) : -1));
  return { name: file.name, scores: file.scores.slice(start), reward: reward.slice(start), window: win, windowCount: counted.size, rows: n };
}

/** The raw score of one swept file when every row with score ≥ threshold is a detection. */
export function scoreAtThreshold(file: SweptFile, cost: CostMatrix, threshold: number): ThresholdScore {
  const best = new Float64Array(file.windowCount).fill(NaN);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let fpScore = 0;
  for (let i = 0; i < file.scores.length; i++) {
    const detected = file.scores[i] >= threshold;
    const w = file.window[i];
    if (w < 0) {
      if (detected) {
        fp++;
        fpScore += cost.fpWeight * file.reward[i];
      } else tn++;
    } else if (detected) {
      tp++;
      const r = cost.tpWeight * file.reward[i];
      if (!(best[w] >= r)) best[w] = r;
    } else fn++;
  }
  let score = fpScore;
  let windowsDetected = 0;
  for (const b of best) {
    if (Number.isNaN(b)) score -= cost.fnWeight;
    else {
      score += b;
      windowsDetected++;
    }
  }
  return { threshold, score, tp, fp, tn, fn, windowsDetected, windowCount: file.windowCount };
}

/**
 * Sweeps the threshold over every distinct score in the corpus (highest first) and returns the raw
 * corpus score at each, in descending threshold order, starting with "no detection" at 1.1 (as NAB).
 */
export function sweepThresholds(files: readonly SweptFile[], cost: CostMatrix): ThresholdScore[] {
  let total = 0;
  let windowCount = 0;
  for (const f of files) {
    total += f.scores.length;
    windowCount += f.windowCount;
  }
  const score = new Float64Array(total);
  const reward = new Float64Array(total);
  const win = new Int32Array(total);
  let o = 0;
  let base = 0;
  for (const f of files) {
    score.set(f.scores, o);
    reward.set(f.reward, o);
    for (let i = 0; i < f.window.length; i++) win[o + i] = f.window[i] >= 0 ? base + f.window[i] : -1;
    o += f.scores.length;
    base += f.windowCount;
  }
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a]);

  const best = new Float64Array(windowCount).fill(NaN);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  for (let i = 0; i < total; i++) if (win[i] < 0) tn++;
  let fn = total - tn;
  let fpScore = 0;
  let tpScore = 0;
  let detected = 0;
  const out: ThresholdScore[] = [];
  const emit = (threshold: number) =>
    out.push({ threshold, score: tpScore + fpScore - (windowCount - detected) * cost.fnWeight, tp, fp, tn, fn, windowsDetected: detected, windowCount });
  emit(1.1);
  for (let j = 0; j < total; j++) {
    const i = order[j];
    const w = win[i];
    if (w < 0) {
      fp++;
      tn--;
      fpScore += cost.fpWeight * reward[i];
    } else {
      tp++;
      fn--;
      const r = cost.tpWeight * reward[i];
      if (Number.isNaN(best[w])) {
        best[w] = r;
        tpScore += r;
        detected++;
      } else if (r > best[w]) {
        tpScore += r - best[w];
        best[w] = r;
      }
    }
    if (j + 1 === total || score[order[j + 1]] !== score[i]) emit(score[i]);
  }
  return out;
}

/** The best corpus threshold (highest raw score; the higher threshold on a tie). */
export function optimiseThreshold(files: readonly SweptFile[], cost: CostMatrix): ThresholdScore {
  let best: ThresholdScore | null = null;
  for (const s of sweepThresholds(files, cost)) if (!best || s.score > best.score) best = s;
  return best!;
}

/** Raw scores of the null detector (no detection) and the perfect one (each window at its first row). */
export function nullAndPerfect(files: readonly SweptFile[], cost: CostMatrix): { null: number; perfect: number } {
  let windows = 0;
  for (const f of files) windows += f.windowCount;
  return { null: -windows * cost.fnWeight, perfect: windows * cost.tpWeight };
}

/** NAB's normalised score: 100·(raw − null)/(perfect − null). */
export function normalise(raw: number, bounds: { null: number; perfect: number }): number {
  return (100 * (raw - bounds.null)) / (bounds.perfect - bounds.null);
}

/** The result of scoring one detector under one profile over a corpus. */
export interface ProfileResult {
  profile: string;
  threshold: number;
  raw: number;
  normalised: number;
  corpus: ThresholdScore;
  perFile: ThresholdScore[];
}

/** Optimises the threshold over the corpus and scores it: the whole NAB procedure for one profile. */
export function scoreProfile(files: readonly SweptFile[], profile: string, cost: CostMatrix): ProfileResult {
  const corpus = optimiseThreshold(files, cost);
  const perFile = files.map((f) => scoreAtThreshold(f, cost, corpus.threshold));
  return { profile, threshold: corpus.threshold, raw: corpus.score, normalised: normalise(corpus.score, nullAndPerfect(files, cost)), corpus, perFile };
}

/** Normalised score of a subset of files (e.g. one category) at a given threshold. */
export function normalisedAt(files: readonly SweptFile[], cost: CostMatrix, threshold: number): number {
  let raw = 0;
  for (const f of files) raw += scoreAtThreshold(f, cost, threshold).score;
  return normalise(raw, nullAndPerfect(files, cost));
}
