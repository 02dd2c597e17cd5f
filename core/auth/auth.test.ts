import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { authenticate, authorised, requiredRole, TOKEN_ADMIN } from '../server/auth.ts';
import { SessionStore } from './sessions.ts';
import { UserStore, hashPassword, verifyPassword } from './users.ts';

let dir = '';
after(() => rm(dir, { recursive: true, force: true }));

test('passwords are scrypt-hashed with a salt and checked', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.notEqual(a.hash, b.hash, 'salted');
  assert.equal(await verifyPassword('correct horse battery', a.salt, a.hash), true);
  assert.equal(await verifyPassword('correct horse batterz', a.salt, a.hash), false);
});

test('the user file keeps hashes, never passwords, and survives reopening', async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wf-users-'));
  const file = path.join(dir, 'users.json');
  const users = await UserStore.open(file);
  await users.put('alice', 'approver', 'alice-password-1');
  const again = await UserStore.open(file);
  assert.deepEqual(again.list().map((u) => [u.name, u.role]), [['alice', 'approver']]);
  assert.equal((await again.check('alice', 'alice-password-1'))?.role, 'approver');
  assert.equal(await again.check('alice', 'nope'), null);
  assert.equal(await again.check('nobody', 'alice-password-1'), null);
  assert.ok(!(await readFile(file, 'utf8')).includes('alice-password-1'));
});

test('sessions expire after their lifetime and when idle', () => {
  let now = 0;
  const s = new SessionStore({ ttlMs: 1000, idleMs: 300 }, () => now);
  const a = s.create('bob', 'approver');
  now = 200;
  assert.equal(s.get(a.token)?.user, 'bob');
  now = 450;
  assert.equal(s.get(a.token)?.user, 'bob', 'touched at 200, idle 250 < 300');
  now = 800;
  assert.equal(s.get(a.token), null, 'idle 350 ≥ 300');
  const b = s.create('bob', 'approver');
  for (now = 900; now < 1900; now += 200) assert.ok(s.get(b.token));
  now = 1900;
  assert.equal(s.get(b.token), null, 'absolute lifetime');
});

test('the API token is the admin; sessions carry their role; routes need theirs', () => {
  const sessions = new SessionStore();
  const v = sessions.create('vera', 'viewer');
  assert.equal(authenticate('Bearer the-api-token-123', 'the-api-token-123', sessions)?.user, TOKEN_ADMIN);
  assert.equal(authenticate('Bearer wrong', 'the-api-token-123', sessions), null);
  assert.equal(authenticate(`Bearer ${v.token}`, 'the-api-token-123', sessions)?.role, 'viewer');
  assert.equal(authenticate('Bearer wfs_forged', 'the-api-token-123', sessions), null);
  assert.equal(requiredRole('GET', '/api/incidents'), 'viewer');
  assert.equal(requiredRole('POST', '/api/flush'), 'operator');
  assert.equal(requiredRole('GET', '/api/users'), 'admin');
  assert.equal(requiredRole('PUT', '/api/automation/config'), 'admin');
  assert.equal(requiredRole('POST', '/ingest/events'), 'operator');
  assert.equal(requiredRole('POST', '/api/sql'), 'viewer', 'a read-only query is reading');
  assert.equal(requiredRole('POST', '/api/sql/running/q1/cancel'), 'viewer');
  assert.equal(requiredRole('POST', '/api/sql/saved'), 'operator');
  const viewer = authenticate(`Bearer ${v.token}`, 'x', sessions)!;
  assert.equal(authorised(viewer, 'GET', '/api/stats'), true);
  assert.equal(authorised(viewer, 'POST', '/api/automation/pause'), false);
});
