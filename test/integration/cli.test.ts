/**
 * The `watchfloor` command as a user meets it: help, and bad flags rejected with exit code 2 and a
 * message naming the flag, before anything is started.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../fixtures/engine-process.ts';

const bin = path.join(repoRoot, 'bin', 'watchfloor.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });

test('--help documents every serve flag and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const flag of ['--data-dir', '--port', '--otlp-port', '--host', '--demo', '--no-demo', '--api-token', '--log-level']) {
    assert.ok(r.stdout.includes(flag), `--help mentions ${flag}`);
  }
});

test('bad usage exits 2 naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['serve', '--port', 'abc'], /--port: must be a port number/],
    [['serve', '--otlp-port', '70000'], /--otlp-port: must be a port number/],
    [['serve', '--bogus'], /bogus/],
    [['serve', '--demo', '--no-demo'], /--demo and --no-demo/],
    [['serve', '--api-token', 'short'], /--api-token/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')} → exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('forecast: predicts a limit crossing from a CSV file, and names the flag or line it cannot use', async () => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wf-forecast-'));
  try {
    const file = path.join(dir, 'disk.csv');
    const t0 = Date.parse('2026-11-16T00:00:00Z') / 1000;
    // Disk at 50% rising 0.4 over 56 h, 2 days of 5-minute points: 0.9 is 8 h after the last point.
    const rows = Array.from({ length: 577 }, (_, i) => `${t0 + i * 300},${(0.5 + (0.4 / 56 / 12) * i + (i % 3) * 0.001).toFixed(5)}`);
    await writeFile(file, `timestamp,value\n${rows.join('\n')}\n`);
    const r = run('forecast', '--input', file, '--horizon', '12h', '--limit', '0.9', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.crossing, 'a crossing within 12 h');
    const hoursLeft = (out.crossing.time - out.last) / 3_600_000;
    assert.ok(hoursLeft > 6.5 && hoursLeft < 9.5, `about 8 h left, got ${hoursLeft}`);
    assert.ok(out.accuracy.targets > 0 && out.accuracy.coverage > 0.5);
    const text = run('forecast', '--input', file, '--horizon', '2h', '--limit', '0.9');
    assert.equal(text.status, 0);
    assert.match(text.stdout, /limit 0\.9: not reached within 2 h/);

    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:05:00,x\n');
    const cases: [string[], RegExp][] = [
      [['forecast', '--horizon', '6h'], /--input: required/],
      [['forecast', '--input', file], /--horizon: required/],
      [['forecast', '--input', file, '--horizon', 'soon'], /--horizon: must be a positive duration/],
      [['forecast', '--input', file, '--horizon', '6h', '--limit', 'full'], /--limit: must be a number/],
      [['forecast', '--input', path.join(dir, 'missing.csv'), '--horizon', '6h'], /--input: cannot read/],
      [['forecast', '--input', bad, '--horizon', '6h'], /line 3: value/],
    ];
    for (const [args, message] of cases) {
      const e = run(...args);
      assert.equal(e.status, 2, `${args.join(' ')} → exit ${e.status}: ${e.stderr}`);
      assert.match(e.stderr, message);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
