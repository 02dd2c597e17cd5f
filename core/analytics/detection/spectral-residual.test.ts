/**
 * The spectral-residual channel: the saliency is the paper's (checked against a plain DFT of the
 * window), a spike on a periodic series is flagged at the spike and not before, a constant series
 * scores 0, the state does not grow, and a score never depends on later points.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../hash.ts';
import { DEFAULT_SPECTRAL_RESIDUAL_SETTINGS, SpectralResidual, type SpectralResidualSettings } from './spectral-residual.ts';

const S = DEFAULT_SPECTRAL_RESIDUAL_SETTINGS;
/** The gate (the detector's standardised residual) is open for every point in these tests. */
const OPEN = 10;

function sineWithSpike(n: number, spikeAt: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  return Float64Array.from({ length: n }, (_, i) => 500 + 10 * Math.sin((2 * Math.PI * i) / 24) + (rand() - 0.5) + (i === spikeAt ? 25 : 0));
}

function run(values: Float64Array, settings: Readonly<SpectralResidualSettings> = S): { evidence: Float64Array; saliency: Float64Array } {
  const sr = new SpectralResidual(settings);
  const evidence = new Float64Array(values.length);
  const saliency = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    evidence[i] = sr.update(values[i], OPEN);
    saliency[i] = sr.saliency;
  }
  return { evidence, saliency };
}

/** The saliency of the window's newest point, straight from the definition (O(W²) DFT, no sliding). */
function directSaliency(win: Float64Array, s: Readonly<SpectralResidualSettings>): number {
  const w = s.srWindow;
  const n = w - s.srExtend;
  const m = s.srExtend;
  const last = win[n - 2];
  let slope = 0;
  for (let i = 1; i <= m; i++) slope += (last - win[n - 2 - i]) / i;
  const frame = [...win, ...Array.from({ length: m }, () => last + slope / m)];
  const half = w / 2;
  const re: number[] = [];
  const im: number[] = [];
  const logAmp: number[] = [];
  for (let k = 0; k <= half; k++) {
    re[k] = frame.reduce((a, v, j) => a + v * Math.cos((2 * Math.PI * k * j) / w), 0);
    im[k] = frame.reduce((a, v, j) => a - v * Math.sin((2 * Math.PI * k * j) / w), 0);
    logAmp[k] = Math.log(Math.hypot(re[k], im[k]));
  }
  // Inverse DFT at position N − 1 of F·exp(−local mean of log|F|), bin 0 left out; bins k and W − k
  // are conjugates, so together they give twice the real part.
  let x = 0;
  for (let k = 1; k <= half; k++) {
    const nb = logAmp.slice(Math.max(1, k - s.srRadius), Math.min(half, k + s.srRadius) + 1);
    const weight = Math.exp(-nb.reduce((a, v) => a + v, 0) / nb.length);
    const phase = (2 * Math.PI * k * (n - 1)) / w;
    x += (k === half ? 1 : 2) * weight * (re[k] * Math.cos(phase) - im[k] * Math.sin(phase));
  }
  return Math.abs(x / w);
}

test('with weights refreshed every point, the saliency is the spectral residual of the window (plain DFT)', () => {
  for (const shape of [{ srWindow: 16, srExtend: 3, srRadius: 2 }, { srWindow: 32, srExtend: 5, srRadius: 1 }]) {
    const s = { ...S, ...shape, srEvery: 1 };
    const values = sineWithSpike(3000, 2500, 7);
    const { saliency } = run(values, s);
    const n = s.srWindow - s.srExtend;
    // Points past the sliding DFT's recomputation (every 1024) included.
    for (const t of [n + 5, 1100, 2100, 2499, 2500, 2501]) {
      const win = values.slice(t - n + 1, t + 1).map((v) => v - values[0]);
      const want = directSaliency(win, s);
      assert.ok(Math.abs(saliency[t] - want) <= 1e-4 * want + 1e-9, `point ${t}: ${saliency[t]} vs ${want}`);
    }
  }
});

test('a spike on a periodic series is flagged at the spike and not before (weights from the recent past)', () => {
  // Refreshes every 4 rows: the window first fills at row 12, so rows 12, 16, … 1500 take fresh
  // weights and the spike at 1501 is whitened by the spectrum of the window that ended at 1500.
  const spikeAt = 1501;
  const { evidence } = run(sineWithSpike(2000, spikeAt, 1), { ...S, srEvery: 4 });
  const before = Math.max(...evidence.slice(0, spikeAt));
  assert.ok(evidence[spikeAt] > 1, `evidence at the spike ${evidence[spikeAt]}`);
  assert.ok(before < 1, `largest evidence before the spike ${before}`);
  assert.ok(evidence[spikeAt] > 2 * before);
});

test('with weights from its own window (srEvery 1, the paper), a spike whitens itself and stands out far less', () => {
  // Why the channel is off by default (README, "Anomaly detection"): a spike that dominates its small
  // window flattens the spectrum, so its residual saliency is bounded near the ordinary level.
  const spikeAt = 1501;
  const values = sineWithSpike(2000, spikeAt, 1);
  const ratio = (settings: Readonly<SpectralResidualSettings>) => {
    const sr = new SpectralResidual(settings);
    let mean = 0;
    for (let i = 0; i < spikeAt; i++) {
      sr.update(values[i], OPEN);
      if (i > 1000) mean += sr.saliency / (spikeAt - 1001);
    }
    sr.update(values[spikeAt], OPEN);
    return sr.saliency / mean;
  };
  const own = ratio(S);
  const past = ratio({ ...S, srEvery: 4 });
  assert.ok(past > 10, `saliency ÷ ordinary saliency with past weights ${past}`);
  assert.ok(own < past / 3, `with its own weights ${own}, with past weights ${past}`);
});

test('the gate: a salient point that is not off its baseline is no evidence', () => {
  const values = sineWithSpike(2000, 1501, 1);
  const atSpike = (absZ: number) => {
    const sr = new SpectralResidual({ ...S, srEvery: 4 });
    let e = -1;
    for (let i = 0; i < values.length; i++) {
      const v = sr.update(values[i], i === 1501 ? absZ : OPEN);
      if (i === 1501) e = v;
    }
    return e;
  };
  assert.ok(atSpike(OPEN) > 1);
  assert.equal(atSpike(S.srGateZ / 2), 0);
});

test('a constant series scores 0 (a large constant too)', () => {
  for (const c of [0, 7, 1e9]) {
    const { evidence, saliency } = run(new Float64Array(3000).fill(c));
    assert.ok(evidence.every((e) => e === 0));
    assert.ok(saliency.every((v) => v === 0));
  }
});

test('memory is constant: one fixed state array, whatever the length of the series', () => {
  const sr = new SpectralResidual(S);
  const state = (sr as unknown as { st: Float64Array }).st;
  const size = state.length;
  const rand = seededRandom(3);
  for (let i = 0; i < 200_000; i++) sr.update(rand() * 100, OPEN);
  assert.equal((sr as unknown as { st: Float64Array }).st, state);
  assert.equal(state.length, size);
  assert.equal(size, S.srWindow - S.srExtend + 3 * (S.srWindow / 2 + 1));
});

test('streaming: appending or changing later points never changes an earlier score', () => {
  const values = sineWithSpike(2500, 1800, 4);
  const full = run(values).evidence;
  const changed = values.slice();
  for (let i = 1200; i < changed.length; i++) changed[i] = changed[i] * -3 + 40;
  const other = run(changed).evidence;
  assert.deepEqual(other.slice(0, 1200), full.slice(0, 1200));
  const prefix = run(values.slice(0, 900)).evidence;
  assert.deepEqual(prefix, full.slice(0, 900));
});

test('settings outside what the channel supports are refused, naming the setting', () => {
  assert.throws(() => new SpectralResidual({ ...S, srWindow: 24 }), /srWindow \(24\)/);
  assert.throws(() => new SpectralResidual({ ...S, srWindow: 16, srExtend: 8 }), /srExtend \(8\)/);
  assert.throws(() => new SpectralResidual({ ...S, srEvery: 0 }), /srEvery \(0\)/);
  assert.throws(() => new SpectralResidual({ ...S, srEvery: 2, srPhase: 2 }), /srPhase \(2\)/);
});
