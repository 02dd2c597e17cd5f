/**
 * The NAB scorer reproduces the published scores (results/final_results.json) of the null, numenta
 * and windowedGaussian detectors from their published per-row outputs, to 0.1, under all three
 * profiles. Dataset: the Numenta Anomaly Benchmark (../shared/datasets/nab or $WATCHFLOOR_SHARED).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadNabCorpus, loadNabProfiles, loadPublishedFinal, loadPublishedScores, sharedDir } from './nab-corpus.ts';
import { probationaryLength, scaledSigmoid, scoreAtThreshold, scoreProfile, sweepFile } from './nab-scorer.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shared = sharedDir(repoRoot);
const skip = shared ? false : 'NAB dataset not found (set WATCHFLOOR_SHARED or place it at ../shared/datasets/nab)';

test('scaled sigmoid and probation follow the definition', () => {
  assert.ok(Math.abs(scaledSigmoid(-1) - 0.98661) < 1e-4);
  assert.equal(scaledSigmoid(0), 0);
  assert.equal(scaledSigmoid(3.5), -1);
  assert.equal(probationaryLength(4032), 604);
  assert.equal(probationaryLength(22695), 750);
});

test('a window rewards its earliest detection; FPs cost fpWeight; misses cost fnWeight', () => {
  const n = 100;
  const ts = Float64Array.from({ length: n }, (_, i) => i * 1000);
  const scores = new Float64Array(n);
  const file = { name: 'x.csv', timestamps: ts, scores, windows: [[50_000, 59_000]] as [number, number][] };
  const cost = { tpWeight: 1, fnWeight: 1, fpWeight: 0.11 };
  assert.equal(scoreAtThreshold(sweepFile(file), cost, 0.5).score, -1);
  scores[50] = 1;
  scores[55] = 1;
  assert.ok(Math.abs(scoreAtThreshold(sweepFile(file), cost, 0.5).score - 1) < 1e-9);
  scores[30] = 1;
  assert.ok(Math.abs(scoreAtThreshold(sweepFile(file), cost, 0.5).score - (1 - 0.11)) < 1e-9);
  scores[50] = 0;
  const late = scoreAtThreshold(sweepFile(file), cost, 0.5).score + 0.11;
  assert.ok(late > 0 && late < 1, `a detection mid-window earns less than the first row: ${late}`);
});

for (const detector of ['null', 'numenta', 'windowedGaussian']) {
  test(`reproduces the published NAB scores of ${detector}`, { skip }, () => {
    const nab = path.join(shared!, 'datasets', 'nab');
    const corpus = loadNabCorpus(nab);
    assert.equal(corpus.length, 58);
    const profiles = loadNabProfiles(nab);
    const published = loadPublishedFinal(nab)[detector];
    const swept = corpus.map((f) => sweepFile({ name: f.name, timestamps: f.timestamps, scores: loadPublishedScores(nab, detector, f), windows: f.windows }));
    for (const [profile, cost] of Object.entries(profiles)) {
      const r = scoreProfile(swept, profile, cost);
      assert.ok(Math.abs(r.normalised - published[profile]) < 0.1, `${detector} ${profile}: ${r.normalised.toFixed(3)} vs published ${published[profile].toFixed(3)}`);
    }
  });
}
