import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listSavedQueries, saveQuery, deleteSavedQuery } from './forensics-store.ts';
import { Storage } from './storage.ts';

test('SQL on a case reaches no file outside its data directory, and cannot write', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wf-lock-'));
  const outside = await mkdtemp(path.join(os.tmpdir(), 'wf-outside-'));
  await writeFile(path.join(outside, 'secret.csv'), 'a\n1\n');
  await writeFile(path.join(dir, 'inside.csv'), 'a\n2\n');
  const s = await Storage.open({ path: path.join(dir, 'watchfloor.duckdb') });
  try {
    await assert.rejects(s.query(`SELECT * FROM read_csv('${path.join(outside, 'secret.csv')}')`), /Permission|disabled/);
    await assert.rejects(s.query(`SELECT * FROM read_csv('${dir}/../${path.basename(outside)}/secret.csv')`), /Permission|disabled/);
    await assert.rejects(s.query(`SELECT * FROM read_text('/etc/passwd')`), /Permission|disabled/);
    await assert.rejects(s.query(`ATTACH '${path.join(outside, 'x.duckdb')}'`), /query:/);
    await assert.rejects(s.query('CREATE TABLE t AS SELECT 1'), /query:/);
    assert.deepEqual(await s.query(`SELECT a FROM read_csv('${path.join(dir, 'inside.csv')}')`), [{ a: 2 }]);
    // Even on the write connection, the lock holds for COPY elsewhere and cannot be lifted.
    await assert.rejects(s.withWriter((c) => c.run(`COPY (SELECT 1) TO '${path.join(outside, 'out.csv')}'`), { transaction: false }), /Permission|disabled/);
    await assert.rejects(s.withWriter((c) => c.run('SET enable_external_access = true'), { transaction: false }), /Cannot enable/);
  } finally {
    await s.close();
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});

test('saved queries: save, replace by name, delete', async () => {
  const s = await Storage.open({ path: ':memory:' });
  try {
    await saveQuery(s, { name: 'errors', sql: 'SELECT 1' }, 1000);
    await saveQuery(s, { name: 'errors', sql: 'SELECT 2' }, 2000);
    await saveQuery(s, { name: 'apdex', sql: 'SELECT 3' }, 3000);
    assert.deepEqual((await listSavedQueries(s)).map((q) => [q.name, q.sql, q.savedAt]), [
      ['apdex', 'SELECT 3', 3000],
      ['errors', 'SELECT 2', 2000],
    ]);
    assert.equal(await deleteSavedQuery(s, 'errors'), true);
    assert.equal(await deleteSavedQuery(s, 'errors'), false);
  } finally {
    await s.close();
  }
});
