/**
 * The SQL console, the upload import and the cold tier over the real engine: queries run on their own
 * connection and return typed rows; a long query shows progress and is cancelled; writes and file
 * access outside the case are refused with a 400 naming `sql`; data moved to day-partitioned Parquet
 * is still seen by the hot+cold views and by replays.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ImportJobBody, SchemaTable } from '../../core/common/forensics-schemas.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';

let engine: EngineProcess;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

before(async () => {
  engine = await startEngineProcess();
});
after(async () => {
  await engine?.stop({ removeData: true });
});

async function sql(query: string, id?: string): Promise<Response> {
  return engine.api('/api/sql', { body: { sql: query, ...(id ? { id } : {}) } });
}

async function waitJob(id: string): Promise<ImportJobBody> {
  for (let i = 0; i < 600; i++) {
    const j = await engine.json<ImportJobBody>(`/api/forensics/imports/${id}`);
    if (j.status !== 'running') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

test('upload import over HTTP: progress to done, bad rows listed, a re-upload is a no-op', async () => {
  const lines = ['time,service,cpu'];
  for (let i = 0; i < 3 * 24 * 60; i++) lines.push(`${new Date(T0 + i * 60_000).toISOString()},api,${(i % 100) / 100}`);
  lines.push('garbage,api,1');
  const body = `${lines.join('\n')}\n`;
  const up = await engine.api('/api/forensics/uploads?name=cpu.csv', { method: 'POST', body, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(up.status, 202);
  const job = await waitJob(((await up.json()) as ImportJobBody).id);
  assert.equal(job.status, 'done', job.error);
  assert.equal(job.result!.rows, 3 * 24 * 60);
  assert.equal(job.result!.badRows, 1);
  assert.deepEqual(job.result!.bad[0], { file: 'cpu.csv', line: lines.length, reason: "time: 'garbage' is not a time" });
  const again = await engine.api('/api/forensics/uploads?name=cpu-copy.csv', { method: 'POST', body, headers: { 'Content-Type': 'text/csv' } });
  const job2 = await waitJob(((await again.json()) as ImportJobBody).id);
  assert.equal(job2.result!.files[0].status, 'skipped');
  const bad = await engine.api('/api/forensics/uploads?name=a/b.csv', { method: 'POST', body: 'x' });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, 'name');
});

test('queries return columns and rows; schema lists tables with columns; saved queries persist', async () => {
  const r = await sql(`SELECT entity, count(*) AS n, min(ts) AS first FROM metrics GROUP BY entity`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as { columns: { name: string; type: string }[]; rows: unknown[][] };
  assert.deepEqual(body.columns.map((c) => c.name), ['entity', 'n', 'first']);
  assert.deepEqual(body.rows, [['service:api', 3 * 24 * 60, T0]]);
  const schema = await engine.json<SchemaTable[]>('/api/sql/schema');
  const names = schema.map((t) => t.name);
  for (const t of ['alerts', 'metrics', 'metric_points', 'metrics_all', 'incidents']) assert.ok(names.includes(t), `${t} in the schema`);
  assert.ok(schema.find((t) => t.name === 'alerts')!.columns.some((c) => c.name === 'fingerprint'));
  await engine.json('/api/sql/saved', { body: { name: 'per entity', sql: 'SELECT entity FROM series' } });
  const saved = await engine.json<{ name: string }[]>('/api/sql/saved');
  assert.deepEqual(saved.map((s) => s.name), ['per entity']);
});

test('writes, several statements and files outside the case are refused with 400 naming sql', async () => {
  for (const q of [
    'DELETE FROM alerts',
    'CREATE TABLE x AS SELECT 1',
    "COPY alerts TO '/tmp/leak.csv'",
    'SELECT 1; SELECT 2',
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "ATTACH '/tmp/other.duckdb'",
    'SELEC nonsense',
  ]) {
    const r = await sql(q);
    assert.equal(r.status, 400, q);
    const e = (await r.json()) as { field: string; message: string };
    assert.equal(e.field, 'sql', q);
  }
  const [row] = ((await (await sql('SELECT count(*) FROM alerts')).json()) as { rows: unknown[][] }).rows;
  assert.deepEqual(row, [0]);
});

test('a long query reports progress and is cancelled; the engine keeps answering', async () => {
  const id = 'long-query-1';
  const pending = sql('SELECT count(*) FROM range(4000000000) a WHERE (a.range * 7) % 13 = 3', id);
  let sawRunning = false;
  for (let i = 0; i < 100 && !sawRunning; i++) {
    await new Promise((r) => setTimeout(r, 100));
    sawRunning = (await engine.json<{ running: boolean }>(`/api/sql/running/${id}`)).running;
  }
  assert.ok(sawRunning, 'the query was seen running');
  await new Promise((r) => setTimeout(r, 500));
  const p = await engine.json<{ percent: number | null }>(`/api/sql/running/${id}`);
  assert.ok(p.percent === null || (p.percent >= 0 && p.percent <= 100));
  const started = Date.now();
  assert.deepEqual(await engine.json(`/api/sql/running/${id}/cancel`, { method: 'POST' }), { id, cancelled: true });
  const r = await pending;
  assert.equal(r.status, 409);
  assert.match((await r.json()).message, /cancelled/);
  assert.ok(Date.now() - started < 10_000, 'cancelled promptly');
  assert.equal((await sql('SELECT 42 AS x')).status, 200);
});

test('retention moves old points to day-partitioned Parquet; hot+cold views and replays still see them', async () => {
  const before = ((await (await sql('SELECT count(*), round(sum(value), 6) FROM metrics_all')).json()) as { rows: unknown[][] }).rows[0];
  const bad = await engine.api('/api/retention', { body: { olderThanHours: -1 } });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).field, 'olderThanHours');
  const moved = await engine.json<{ movedPoints: number; days: string[] }>('/api/retention', { body: { olderThanHours: 24 } });
  // Age counts back from the newest point (T0 + 3 days - 1 minute), so the cutoff is T0 + 2 days - 1 minute.
  assert.equal(moved.movedPoints, 2 * 24 * 60 - 1);
  assert.deepEqual(moved.days, ['2026-03-01', '2026-03-02']);
  const dayDirs = (await readdir(path.join(engine.dataDir, 'cold', 'metric_points'))).sort();
  assert.deepEqual(dayDirs, ['day=2026-03-01', 'day=2026-03-02']);
  // The console reads hot and cold under the table's own name; the hot table alone is <database>.main.<table>.
  const hot = ((await (await sql('SELECT count(*) FROM watchfloor.main.metric_points')).json()) as { rows: unknown[][] }).rows[0][0];
  const all = ((await (await sql('SELECT count(*) FROM metric_points')).json()) as { rows: unknown[][] }).rows[0][0];
  assert.equal(all, before[0]);
  assert.equal(hot, 24 * 60 + 1);
  const after = ((await (await sql('SELECT count(*), round(sum(value), 6) FROM metrics_all')).json()) as { rows: unknown[][] }).rows[0];
  assert.deepEqual(after, before);
  // A replay across the hot/cold boundary (two hours around it, to stay quick on a loaded machine).
  const boundary = T0 + 2 * DAY;
  await engine.json('/api/replay', { body: { speed: 'max', from: boundary - 3_600_000, to: boundary + 3_600_000 } });
  let state: { status: string; from: number; to: number } = { status: 'running', from: 0, to: 0 };
  for (let i = 0; i < 600 && state.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    state = await engine.json('/api/replay');
  }
  assert.equal(state.status, 'done');
  assert.equal(state.from, boundary - 3_600_000);
  assert.equal((state as { clock?: number }).clock, boundary + 3_600_000);
});
