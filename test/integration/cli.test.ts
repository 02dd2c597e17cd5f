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
