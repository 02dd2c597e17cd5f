/**
 * `watchfloor audit verify|export` as an operator runs it: on an intact trail it exits 0; after one
 * entry is edited in the file it exits 1 and names that entry; bad usage exits 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { AuditLog } from '../../core/audit/chain.ts';
import { repoRoot } from '../fixtures/engine-process.ts';

const bin = path.join(repoRoot, 'bin', 'watchfloor.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });
let dir = '';
after(() => rm(dir, { recursive: true, force: true }));

test('audit verify passes an intact trail and names the first edited entry', async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wf-audit-cli-'));
  const log = await AuditLog.open(path.join(dir, 'audit.jsonl'));
  for (let i = 1; i <= 4; i++) await log.append({ actor: 'bob', action: 'action-approved', subject: `act-${i}`, details: { reason: `ok ${i}` } });
  await log.close();

  const ok = run('audit', 'verify', '--data-dir', dir);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).entries, 4);

  const csv = run('audit', 'export', '--data-dir', dir, '--format', 'csv');
  assert.equal(csv.status, 0);
  assert.equal(csv.stdout.trim().split('\n').length, 5);

  const file = path.join(dir, 'audit.jsonl');
  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[2] = lines[2].replace('"bob"', '"mallory"');
  await writeFile(file, lines.join('\n'));
  const bad = run('audit', 'verify', '--file', file);
  assert.equal(bad.status, 1);
  const out = JSON.parse(bad.stdout);
  assert.equal(out.ok, false);
  assert.equal(out.firstTampered.seq, 3);
  assert.match(bad.stderr, /line 3 \(entry 3\)/);
});

test('audit usage errors exit 2', () => {
  assert.equal(run('audit').status, 2);
  assert.match(run('audit', 'frob').stderr, /expected 'verify' or 'export'/);
  assert.match(run('audit', 'export', '--format', 'xml', '--file', '/nonexistent').stderr, /--format/);
});
