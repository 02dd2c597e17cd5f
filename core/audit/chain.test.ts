import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { AuditLog, GENESIS_HASH, canonicalJson, chainEntry, verifyAuditFile, verifyAuditLines } from './chain.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tmpFile(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'wf-audit-'));
  dirs.push(d);
  return path.join(d, 'audit.jsonl');
}

test('canonical JSON does not depend on key order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
});

test('entries chain: each carries the previous hash', () => {
  const a = chainEntry(null, { actor: 'alice', action: 'action-approved', subject: 'act-1' }, 1000);
  const b = chainEntry(a, { actor: 'bob', action: 'action-approved', subject: 'act-1', details: { reason: 'ok' } }, 2000);
  assert.equal(a.prev, GENESIS_HASH);
  assert.equal(b.prev, a.hash);
  assert.equal(b.seq, 2);
  assert.deepEqual(verifyAuditLines([JSON.stringify(a), JSON.stringify(b), '']), { ok: true, intact: 2 });
});

test('an appended log survives reopening and verifies; an edited entry is named', async () => {
  const file = await tmpFile();
  const log = await AuditLog.open(file);
  for (let i = 0; i < 5; i++) await log.append({ actor: 'system', action: 'action-executed', subject: `act-${i}`, details: { output: `run ${i}` } });
  await log.close();
  assert.deepEqual(await verifyAuditFile(file), { ok: true, intact: 5 });

  const reopened = await AuditLog.open(file);
  assert.equal(reopened.verification.ok, true);
  const sixth = await reopened.append({ actor: 'alice', action: 'config-changed' });
  assert.equal(sixth.seq, 6);
  assert.equal(reopened.search({ actor: 'alice' }).length, 1);
  assert.equal(reopened.search({ text: 'run 3' })[0].subject, 'act-3');
  await reopened.close();

  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[2] = lines[2].replace('run 2', 'run 9');
  await writeFile(file, lines.join('\n'));
  const v = await verifyAuditFile(file);
  assert.equal(v.ok, false);
  assert.equal(v.intact, 2);
  assert.equal(v.firstBad?.seq, 3);
  assert.equal(v.firstBad?.line, 3);
  assert.match(v.firstBad!.reason, /edited/);
});

test('a removed entry breaks the sequence; a recomputed hash still breaks the next link', async () => {
  const entries = [chainEntry(null, { actor: 'a', action: 'x' }, 1)];
  for (let i = 0; i < 3; i++) entries.push(chainEntry(entries.at(-1)!, { actor: 'a', action: 'x', details: { i } }, 2 + i));
  const removed = entries.filter((_, i) => i !== 1).map((e) => JSON.stringify(e));
  assert.equal(verifyAuditLines(removed).firstBad?.line, 2);
  assert.match(verifyAuditLines(removed).firstBad!.reason, /sequence/);

  // A forger who edits entry 2 and recomputes its hash leaves entry 3 pointing at the old hash.
  const forged = { ...entries[1], details: { i: 99 } };
  const reHashed = chainEntry(entries[0], { actor: forged.actor, action: forged.action, details: forged.details }, forged.time);
  const lines = entries.map((e) => JSON.stringify(e));
  lines[1] = JSON.stringify(reHashed);
  const v = verifyAuditLines(lines);
  assert.equal(v.firstBad?.seq, 3);
  assert.match(v.firstBad!.reason, /prev/);
});

test('appends issued together keep their order and chain', async () => {
  const file = await tmpFile();
  const log = await AuditLog.open(file);
  await Promise.all(Array.from({ length: 20 }, (_, i) => log.append({ actor: 'system', action: 'n', details: { i } })));
  await log.close();
  const text = await readFile(file, 'utf8');
  const seen = text.trim().split('\n').map((l) => (JSON.parse(l) as { details: { i: number } }).details.i);
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => i));
  assert.equal((await verifyAuditFile(file)).ok, true);
});
