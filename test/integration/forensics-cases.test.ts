/**
 * Cases: an engine creates and opens another case (its own data directory and DuckDB file) as a second
 * engine with the same token, lists it among the recent cases, and the case's own API answers with its
 * own, separate data.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import type { CaseBody } from '../../core/common/forensics-schemas.ts';
import { startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';

const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

test('create and open a case from the API; it is listed and serves its own database', async () => {
  const registry = await tempDataDir('wf-registry-');
  cleanup.push(() => rm(registry, { recursive: true, force: true }));
  const engine: EngineProcess = await startEngineProcess({ env: { WATCHFLOOR_DATA_DIR: registry } });
  cleanup.push(() => engine.stop({ removeData: true }));
  const bad = await engine.api('/api/cases', { body: { name: '../etc' } });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, 'name');

  const opened = await engine.json<CaseBody>('/api/cases', { body: { name: 'payments outage' } });
  const caseDir = path.join(registry, 'cases', 'payments-outage');
  assert.equal(opened.path, caseDir);
  assert.ok(opened.uiUrl, 'the case runs and serves a UI');
  assert.ok(existsSync(path.join(caseDir, 'watchfloor.duckdb')), 'the case has its own DuckDB file');
  assert.ok(existsSync(path.join(caseDir, 'case.json')));

  const caseApi = new URL(opened.uiUrl!).origin;
  assert.notEqual(caseApi, engine.apiUrl);
  const post = await fetch(`${caseApi}/ingest/events`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${engine.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify([{ time: '2026-01-01T00:00:00Z', source: 'test', service: 'pay', severity: 'major', title: 'only in the case' }]),
  });
  assert.equal(post.status, 200);
  const inCase = await fetch(`${caseApi}/api/sql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${engine.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT count(*) FROM alerts' }),
  });
  assert.deepEqual(((await inCase.json()) as { rows: unknown[][] }).rows, [[1]]);
  const inMain = await engine.json<{ rows: unknown[][] }>('/api/sql', { body: { sql: 'SELECT count(*) FROM alerts' } });
  assert.deepEqual(inMain.rows, [[0]], 'the live database is untouched');

  const list = await engine.json<CaseBody[]>('/api/cases');
  const item = list.find((c) => c.path === caseDir);
  assert.ok(item, 'the new case is in the recent list');
  assert.equal(item.name, 'payments outage');
  assert.equal(item.uiUrl, opened.uiUrl);
  assert.ok(list.some((c) => c.current && c.path === engine.dataDir));
  // Opening it again reuses the running case engine.
  assert.equal((await engine.json<CaseBody>('/api/cases', { body: { name: 'payments outage' } })).uiUrl, opened.uiUrl);
});
