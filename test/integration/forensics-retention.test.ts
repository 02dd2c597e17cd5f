/**
 * Retention runs on its own: an engine started with `--retention-hours` moves telemetry older than
 * that (metric points, logs, spans, alert events, changes) to day-partitioned Parquet, and the SQL
 * console and a replay over the hot/cold boundary give exactly what they gave before the move.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import type { SqlResultBody } from '../../core/common/forensics-schemas.ts';
import { DemoSimulator } from '../../core/demo/simulator.ts';
import { repoRoot, startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';
import { incidentSnapshot, waitReplay } from '../fixtures/recorded-hour.ts';

const run = promisify(execFile);
const T0 = Date.UTC(2026, 6, 7, 23, 15, 0);
const SPAN = 2 * 3_600_000;
const TABLES = ['metric_points', 'logs', 'spans', 'alerts', 'changes'] as const;

const engines: EngineProcess[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.stop()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Two demo hours from 23:15 (the first hour, which ages out, spans midnight: two days of cold files), with a fault in each hour, as export files. */
async function writeExport(dir: string): Promise<string[]> {
  const sim = new DemoSimulator({ seed: 11 });
  sim.injectFault(T0 + 35 * 60_000, { kind: 'pool-exhaustion' });
  sim.injectFault(T0 + 95 * 60_000, { kind: 'bad-deploy' });
  const otlp: string[] = [];
  const events: string[] = [];
  for (let t = T0; t < T0 + SPAN; t += 30_000) {
    const g = sim.generate(t, t + 30_000);
    for (const r of g.otlpMetrics) otlp.push(JSON.stringify(r));
    for (const e of g.events) events.push(JSON.stringify(e));
    for (const c of g.changes) events.push(JSON.stringify(c));
  }
  // A log line and a span every 10 minutes, so both tiers hold some of each.
  for (let t = T0; t < T0 + SPAN; t += 10 * 60_000) {
    const ns = String(t * 1e6);
    const res = { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] };
    otlp.push(JSON.stringify({ resourceLogs: [{ resource: res, scopeLogs: [{ logRecords: [{ timeUnixNano: ns, severityText: 'WARN', body: { stringValue: `slow payment ${t}` } }] }] }] }));
    const id = (t / 60_000).toString(16).padStart(16, '0');
    otlp.push(
      JSON.stringify({
        resourceSpans: [{ resource: res, scopeSpans: [{ spans: [{ traceId: `${id}${id}`, spanId: id, name: 'POST /pay', kind: 2, startTimeUnixNano: ns, endTimeUnixNano: String((t + 40) * 1e6) }] }] }],
      }),
    );
  }
  const files = [path.join(dir, 'collector.json'), path.join(dir, 'events.jsonl')];
  await writeFile(files[0], `${otlp.join('\n')}\n`);
  await writeFile(files[1], `${events.join('\n')}\n`);
  return files;
}

// Exact figures only (decimal sums, digests of ordered lists): float sums differ with summation order.
const FIGURES = `SELECT
  (SELECT count(*) FROM metric_points) AS points, (SELECT sum(value::DECIMAL(18, 3)) FROM metric_points) AS point_sum,
  (SELECT count(DISTINCT entity) FROM metrics) AS metric_entities,
  (SELECT count(*) FROM logs) AS logs, (SELECT md5(string_agg(body, '|' ORDER BY ts)) FROM logs) AS bodies,
  (SELECT count(*) FROM spans) AS spans, (SELECT count(*) FROM alerts) AS alerts,
  (SELECT md5(string_agg(fingerprint || status, '|' ORDER BY ts, fingerprint, status)) FROM alerts) AS alert_prints,
  (SELECT count(*) FROM changes) AS changes,
  (SELECT count(*) FROM metrics_all) AS all_points, (SELECT count(*) FROM logs_all) AS all_logs`;

async function figures(engine: EngineProcess): Promise<unknown[]> {
  // The timeline's and the reports' metric lines too (rounded: bucket means of the same rows).
  const lines = await engine.json<{ entity: string; name: string; points: [number, number][] }[]>(`/api/metrics?from=${T0}&to=${T0 + SPAN}&step=300000&limit=20`);
  const digest = lines.map((l) => `${l.entity}/${l.name}:${l.points.map(([t, v]) => `${t}=${v.toFixed(3)}`).join(',')}`);
  return [...(await engine.json<SqlResultBody>('/api/sql', { body: { sql: FIGURES } })).rows[0], digest];
}

async function replayAll(engine: EngineProcess) {
  await engine.json('/api/replay', { body: { speed: 'max' } });
  const s = await waitReplay(engine);
  assert.equal(s.status, 'done', s.error);
  const anomalies = (await engine.json<SqlResultBody>('/api/sql', { body: { sql: 'SELECT count(*), round(sum(score), 6) FROM anomalies' } })).rows[0];
  return { incidents: await incidentSnapshot(engine), anomalies };
}

test('retention ages data out on its own; queries and a replay across the boundary are unchanged', async () => {
  const dir = await tempDataDir('wf-retention-');
  dirs.push(dir);
  const dataDir = path.join(dir, 'case');
  const files = await writeExport(dir);
  await run(process.execPath, [path.join(repoRoot, 'dist', 'cli.mjs'), 'import', ...files, '--data-dir', dataDir], { cwd: repoRoot });

  const before = await startEngineProcess({ dataDir });
  engines.push(before);
  const want = await figures(before);
  const wantReplay = await replayAll(before);
  assert.ok(wantReplay.incidents.length >= 1, 'the faults gave incidents');
  await before.stop();

  const bad = await startEngineProcess({ dataDir, extraArgs: ['--retention-hours', 'soon'] }).catch((e: Error) => e);
  assert.match(String(bad), /--retention-hours: must be a positive number/);

  const aged = await startEngineProcess({ dataDir, extraArgs: ['--retention-hours', '1', '--retention-check-sec', '1'] });
  engines.push(aged);
  let status = await aged.json<{ olderThanHours: number; lastMoved: { moved: Record<string, number>; days: string[] } | null }>('/api/retention');
  for (let i = 0; i < 300 && !status.lastMoved; i++) {
    await new Promise((r) => setTimeout(r, 100));
    status = await aged.json('/api/retention');
  }
  assert.equal(status.olderThanHours, 1);
  assert.ok(status.lastMoved, 'retention ran without being asked');
  for (const t of TABLES) {
    assert.ok(status.lastMoved.moved[t] > 0, `${t}: rows moved (${JSON.stringify(status.lastMoved.moved)})`);
    assert.deepEqual((await readdir(path.join(dataDir, 'cold', t))).sort(), ['day=2026-07-07', 'day=2026-07-08'], `${t}: one folder per day`);
    const [hot] = (await aged.json<SqlResultBody>('/api/sql', { body: { sql: `SELECT count(*) FROM watchfloor.main.${t}` } })).rows[0] as number[];
    const [all] = (await aged.json<SqlResultBody>('/api/sql', { body: { sql: `SELECT count(*) FROM ${t}` } })).rows[0] as number[];
    assert.equal(all - hot, status.lastMoved.moved[t], `${t}: the moved rows are cold, the rest hot`);
  }
  assert.deepEqual(await figures(aged), want, 'the same queries give the same results over hot + cold');
  assert.deepEqual(await replayAll(aged), wantReplay, 'a replay over the boundary gives the same anomalies and incidents');
});
