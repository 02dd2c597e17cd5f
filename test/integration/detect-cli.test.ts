/**
 * `watchfloor detect` as a user runs it (the built CLI, a real file): output shape and order, a clear
 * shift flagged while steady noise is not, missing values skipped and reported, malformed files
 * refused with exit 2 naming the line and the reason, and the same scores as the engine's detector.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadNabCorpus, sharedDir } from '../../core/analytics/detection/nab-corpus.ts';
import { scoreSeries } from '../../core/analytics/detection/streaming-detector.ts';
import { DEFAULT_ANALYTICS_CONFIG } from '../../core/analytics/config.ts';
import { Rng } from '../../core/demo/random.ts';
import { repoRoot } from '../fixtures/engine-process.ts';

const bin = path.join(repoRoot, 'bin', 'watchfloor.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
let dir = '';

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'watchfloor-detect-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

test('scores every row in input order; a level shift is flagged, steady noise before it is not', async () => {
  const rng = new Rng(7);
  const rand = () => rng.next();
  const start = Date.parse('2026-01-01T00:00:00Z');
  const lines = ['timestamp,cpu,latency'];
  for (let i = 0; i < 1500; i++) {
    const cpu = 40 + 3 * (rand() - 0.5) + (i >= 1200 ? 30 : 0);
    const lat = 100 + 10 * (rand() - 0.5);
    // Mix the three accepted timestamp forms.
    const t = start + i * 60_000;
    const ts = i % 3 === 0 ? new Date(t).toISOString() : i % 3 === 1 ? String(t / 1000) : String(t);
    lines.push(`${ts},${cpu.toFixed(3)},${lat.toFixed(3)}`);
  }
  const input = await file('shift.csv', `${lines.join('\n')}\n`);
  const output = path.join(dir, 'shift-out.csv');
  const r = run('detect', '--input', input, '--output', output);
  assert.equal(r.status, 0, r.stderr);
  const out = (await readFile(output, 'utf8')).trim().split('\n');
  assert.equal(out[0], 'timestamp,anomaly_score,is_anomaly,score_cpu,score_latency');
  assert.equal(out.length, 1501);
  const rows = out.slice(1).map((l) => l.split(','));
  rows.forEach((f, i) => assert.equal(f[0], lines[i + 1].split(',')[0], `row ${i} keeps its input timestamp`));
  for (const f of rows) for (const x of [f[1], f[3], f[4]]) assert.ok(Number(x) >= 0 && Number(x) <= 1, `score ${x} in [0,1]`);
  const flagged = rows.map((f, i) => (f[2] === '1' ? i : -1)).filter((i) => i >= 0);
  assert.ok(flagged.some((i) => i >= 1200 && i < 1210), `the shift at row 1200 is flagged at once (flagged: ${flagged.slice(0, 10).join(',')})`);
  assert.equal(flagged.filter((i) => i >= 200 && i < 1200).length, 0, 'no alert in steady noise after warm-up');
  assert.ok(Number(rows[1200][3]) > Number(rows[1200][4]), 'the cpu column, not latency, carries the anomaly');
  assert.match(r.stderr, /1500 rows, 2 column\(s\)/);
});

test('missing and non-numeric values are skipped and reported, not fatal', async () => {
  const input = await file('gaps.csv', 'timestamp,a,b\n2026-01-01T00:00:00Z,1,2\n2026-01-01T00:01:00Z,,2\n2026-01-01T00:02:00Z,1,n/a\n2026-01-01T00:03:00Z,1,2\n');
  const r = run('detect', '--input', input);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n');
  assert.equal(out.length, 5);
  assert.equal(out[2].split(',')[3], '', 'a missing value has no score');
  assert.match(r.stderr, /line 3 column 'a': missing value/);
  assert.match(r.stderr, /line 4 column 'b': non-numeric value 'n\/a'/);
  assert.match(r.stderr, /2 value\(s\) skipped/);
});

test('a malformed file exits 2 with the line and the reason', async () => {
  const cases: [string, RegExp][] = [
    ['', /line 1: empty file/],
    ['time,value\n1,2\n', /line 1: no 'timestamp' column/],
    ['timestamp\n1\n', /line 1: no value column/],
    ['timestamp,v\n2026-01-01T00:00:00Z,1\n2026-01-01T00:01:00Z,1,3\n', /line 3: 3 fields, the header has 2/],
    ['timestamp,v\n2026-01-01T00:00:00Z,1\nyesterday,2\n', /line 3: timestamp 'yesterday' is not RFC 3339/],
    ['timestamp,v\n,1\n', /line 2: missing timestamp/],
  ];
  for (const [i, [text, message]] of cases.entries()) {
    const input = await file(`bad-${i}.csv`, text);
    const r = run('detect', '--input', input);
    assert.equal(r.status, 2, `case ${i} → exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('bad flags exit 2 naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['detect'], /--input: required/],
    [['detect', '--input', path.join(dir, 'nope.csv')], /--input: cannot read/],
    [['detect', '--input', 'x.csv', '--threshold', '2'], /--threshold: must be a number from 0 to 1/],
    [['detect', '--input', 'x.csv', '--threshold', 'high'], /--threshold/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')} → exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

const shared = sharedDir(repoRoot);
test('gives the engine detector\'s scores on a NAB file (shared code)', { skip: shared ? false : 'NAB dataset not found (set WATCHFLOOR_SHARED or place it at ../shared/datasets/nab)' }, async () => {
  const nab = path.join(shared!, 'datasets', 'nab');
  const f = loadNabCorpus(nab).find((x) => x.name === 'realKnownCause/nyc_taxi.csv')!;
  const r = run('detect', '--input', path.join(nab, 'data', f.name));
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').slice(1);
  const expected = scoreSeries(f.timestamps, f.values);
  assert.equal(rows.length, expected.length);
  let flagged = 0;
  rows.forEach((l, i) => {
    const [, score, isAnomaly, col] = l.split(',');
    assert.ok(Math.abs(Number(col) - expected[i]) < 1e-6, `row ${i}: ${col} vs ${expected[i]}`);
    assert.equal(score, col, 'one column: the entity score is the column score');
    assert.equal(isAnomaly, Number(score) >= DEFAULT_ANALYTICS_CONFIG.anomalyThreshold ? '1' : '0');
    flagged += Number(isAnomaly);
  });
  assert.ok(flagged > 0 && flagged < rows.length * 0.05, `a few rows flagged, not most: ${flagged}`);
});
