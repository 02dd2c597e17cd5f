/**
 * Benchmark of the streaming detector (core/analytics/detection/streaming-detector.ts), one core:
 *  1. Per-series scoring: S series × P points each, interleaved as a live feed (every series gets its
 *     next point in turn), through `StreamingDetector.update`. Points/s, median of runs.
 *  2. The engine's path: `DetectorBank.runBatch` over metric batches (sorting, emission rules, entity
 *     bookkeeping included). Points/s, median of runs.
 *  3. Memory per series: heap growth per detector with 100,000 detectors alive (run with --expose-gc).
 * Usage: npm run bench  (or: node --expose-gc --import tsx test/bench/detector.bench.ts [--runs 5] [--spectral-residual] [--no-shape-novelty])
 * `--spectral-residual` scores 1 and 3 with the spectral-residual channel on (it is off by default);
 * `--no-shape-novelty` scores them with the shape-novelty channel off (it is on by default since
 * session 8), run back to back with the default to measure its cost; `--shape-novelty` switches it on.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_ANALYTICS_CONFIG } from '../../core/analytics/config.ts';
import { DetectorBank } from '../../core/analytics/detector.ts';
import { DEFAULT_DETECTOR_SETTINGS, StreamingDetector } from '../../core/analytics/detection/streaming-detector.ts';
import type { MetricBatch, SeriesKey } from '../../core/common/records.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, series: { type: 'string', default: '1000' }, points: { type: 'string', default: '5000' }, 'spectral-residual': { type: 'boolean', default: false }, 'shape-novelty': { type: 'boolean', default: false }, 'no-shape-novelty': { type: 'boolean', default: false } } });
const settings = {
  ...DEFAULT_DETECTOR_SETTINGS,
  ...(values['spectral-residual'] ? { useSpectralResidual: true } : {}),
  ...(values['shape-novelty'] ? { useShapeNovelty: true } : {}),
  ...(values['no-shape-novelty'] ? { useShapeNovelty: false } : {}),
};
const RUNS = Number(values.runs);
const S = Number(values.series);
const P = Number(values.points);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Deterministic test signal: daily cycle + noise + occasional spikes; values precomputed so the timing
// is the detector's alone.
const T0 = Date.parse('2026-01-01T00:00:00Z');
const STEP = 60_000;
const signal = new Float64Array(P);
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
for (let i = 0; i < P; i++) signal[i] = 100 + 20 * Math.sin((2 * Math.PI * i * STEP) / 86_400_000) + 5 * (rand() - 0.5) + (rand() < 0.002 ? 60 : 0);

console.log(`# Watchfloor detector bench — ${S.toLocaleString('en')} series × ${P.toLocaleString('en')} points, ${RUNS} runs, one core${settings.useSpectralResidual ? ' (spectral residual on)' : ''}${settings.useShapeNovelty ? ' (shape novelty on)' : ' (shape novelty off)'}`);

/** CPU seconds this process used since `c0` (user + system): on a shared machine, the time on a core. */
function cpuSeconds(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
}

const perSeries: number[] = [];
const perSeriesCpu: number[] = [];
let sink = 0;
for (let r = 0; r < RUNS; r++) {
  const dets = Array.from({ length: S }, () => new StreamingDetector(settings));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < P; i++) {
    const ts = T0 + i * STEP;
    const v = signal[i];
    for (let s = 0; s < S; s++) sink += dets[s].update(ts, v + s);
  }
  const sec = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  perSeries.push((S * P) / sec);
  perSeriesCpu.push((S * P) / cpu);
  process.stderr.write(`  per-series run ${r + 1}/${RUNS}: ${Math.round((S * P) / sec).toLocaleString('en')} points/s wall, ${Math.round((S * P) / cpu).toLocaleString('en')} per CPU-second\n`);
}
console.log(
  `per-series scoring (StreamingDetector.update): median ${Math.round(median(perSeriesCpu)).toLocaleString('en')} points per CPU-second (target ≥ 1,000,000); ${Math.round(median(perSeries)).toLocaleString('en')} points/s wall clock`,
);

// The engine's path: batches of 100 timestamps × S series.
const keys: SeriesKey[] = Array.from({ length: S }, (_, s) => ({ key: `host:h${s % 100}|m${s}|`, entity: `host:h${s % 100}`, service: null, host: `h${s % 100}`, name: `m${s}`, unit: '1', attributes: {} }));
const PER_BATCH = 100;
const batches: MetricBatch[] = [];
for (let b = 0; b < P / PER_BATCH; b++) {
  const n = PER_BATCH * S;
  const batch: MetricBatch = { seriesKeys: keys, series: new Int32Array(n), ts: new Float64Array(n), values: new Float64Array(n) };
  let k = 0;
  for (let i = b * PER_BATCH; i < (b + 1) * PER_BATCH; i++) {
    for (let s = 0; s < S; s++) {
      batch.series[k] = s;
      batch.ts[k] = T0 + i * STEP;
      batch.values[k] = signal[i] + s;
      k++;
    }
  }
  batches.push(batch);
}
const bankRates: number[] = [];
const bankCpu: number[] = [];
let anomalies = 0;
for (let r = 0; r < RUNS; r++) {
  const bank = new DetectorBank({ ...DEFAULT_ANALYTICS_CONFIG });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  anomalies = 0;
  for (const b of batches) anomalies += bank.runBatch(b).anomalies.length;
  const sec = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  bankRates.push((S * P) / sec);
  bankCpu.push((S * P) / cpu);
  process.stderr.write(`  engine-path run ${r + 1}/${RUNS}: ${Math.round((S * P) / sec).toLocaleString('en')} points/s wall, ${Math.round((S * P) / cpu).toLocaleString('en')} per CPU-second\n`);
}
console.log(
  `engine path (DetectorBank.runBatch, emission included): median ${Math.round(median(bankCpu)).toLocaleString('en')} points per CPU-second; ${Math.round(median(bankRates)).toLocaleString('en')} points/s wall clock (${anomalies} anomalies per run)`,
);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const N = 100_000;
  gc();
  const mem = () => {
    const m = process.memoryUsage();
    // Typed-array backing stores live outside the JS heap: count both.
    return m.heapUsed + m.external;
  };
  const before = mem();
  const held = Array.from({ length: N }, () => new StreamingDetector(settings));
  for (const d of held) d.update(T0, 1);
  gc();
  const after = mem();
  console.log(`memory per series: ${Math.round((after - before) / N).toLocaleString('en')} bytes (JS heap + typed-array stores) per StreamingDetector (${N.toLocaleString('en')} alive)`);
  if (held.length !== N) throw new Error('unreachable');
} else {
  console.log('memory per series: run with node --expose-gc to measure');
}
if (sink === -1) console.log('');
