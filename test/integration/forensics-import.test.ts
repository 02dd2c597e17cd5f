/**
 * `watchfloor import` end to end: the built CLI imports each format (good and malformed files) into a
 * case on disk; the case is then opened with the real storage and its rows counted. Re-import is a
 * no-op, bad rows are named by file and line, and an interrupted import resumes without duplicates.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DemoSimulator } from '../../core/demo/simulator.ts';
import { estateTopology } from '../../core/demo/estate.ts';
import { Storage } from '../../core/storage/storage.ts';
import { repoRoot } from '../fixtures/engine-process.ts';

const cli = path.join(repoRoot, 'dist', 'cli.mjs');
let work: string;

before(async () => {
  if (!existsSync(cli)) throw new Error('run `npm run build` first');
  work = await mkdtemp(path.join(os.tmpdir(), 'wf-import-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function runCli(args: string[], opts: { killAfterStderr?: RegExp } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...process.env, TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.killAfterStderr && !signalled && opts.killAfterStderr.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function count(dataDir: string, sql: string): Promise<number> {
  const s = await Storage.open({ path: path.join(dataDir, 'watchfloor.duckdb') });
  try {
    const [r] = await s.query(sql);
    return Number(Object.values(r)[0]);
  } finally {
    await s.close();
  }
}

function summary(stdout: string): { rows: number; badRows: number; files: { status: string; rows: number; badRows: number }[] } {
  const line = stdout.trim().split('\n').find((l) => l.startsWith('{"event":"imported"'));
  assert.ok(line, `no summary line in ${stdout}`);
  return JSON.parse(line);
}

test('OTLP JSON dump (collector file exporter): metrics, logs and traces; a bad line is reported and skipped', async () => {
  const sim = new DemoSimulator({ seed: 3 });
  const start = Date.UTC(2026, 0, 5, 10, 0, 0);
  const reqs = sim.generate(start, start + 5 * 60_000).otlpMetrics;
  const points = reqs.reduce((n, r) => n + r.resourceMetrics.reduce((m, rm) => m + rm.scopeMetrics.reduce((k, sm) => k + sm.metrics.reduce((j, mm) => j + mm.gauge.dataPoints.length, 0), 0), 0), 0);
  const logReq = {
    resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: String(start * 1e6), severityText: 'ERROR', body: { stringValue: 'payment timeout' } }] }] }],
  };
  const spanReq = {
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'GET /', kind: 2, startTimeUnixNano: String(start * 1e6), endTimeUnixNano: String((start + 12) * 1e6) }] }] }],
  };
  const lines = [...reqs.map((r) => JSON.stringify(r)), JSON.stringify(logReq), '{"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "x", "gauge": {"dataPoints": [{"timeUnixNano": "oops", "asDouble": 1}]}}]}]}]}', JSON.stringify(spanReq)];
  const file = path.join(work, 'collector.json');
  await writeFile(file, `${lines.join('\n')}\n`);
  const dataDir = path.join(work, 'otlp-case');
  const r = await runCli(['import', file, '--format', 'otlp', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const s = summary(r.stdout);
  assert.equal(s.badRows, 1);
  assert.match(r.stderr, new RegExp(`collector\\.json:${reqs.length + 2}: .*timeUnixNano`));
  assert.match(r.stderr, /rows\/s, ETA/);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM metric_points'), points);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM logs'), 1);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM spans'), 1);
  assert.ok((await count(dataDir, 'SELECT count(*) FROM topology_nodes')) > 10);

  const again = await runCli(['import', file, '--data-dir', dataDir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(summary(again.stdout).files[0].status, 'skipped');
  assert.equal(await count(dataDir, 'SELECT count(*) FROM metric_points'), points, 're-import stored nothing');
});

test('events, changes and topology as JSON lines; Alertmanager archives as JSON lines and as a JSON array', async () => {
  const dir = path.join(work, 'events-in');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'events.jsonl'),
    [
      '{"time":"2026-01-01T00:00:00Z","source":"nagios","service":"api","severity":"major","title":"api down"}',
      '{"time":"yesterday","source":"nagios","severity":"major","title":"bad time"}',
      '{"time":1767225660000,"service":"api","kind":"deploy","summary":"v2"}',
      '{"nodes":[{"id":"service:api","kind":"service"}],"edges":[{"source":"service:api","target":"database:db","kind":"depends_on"}]}',
      'not json at all',
    ].join('\n'),
  );
  const am = (status: string) => ({
    version: '4',
    status,
    receiver: 'watchfloor',
    alerts: [{ status, labels: { alertname: 'HighLatency', service: 'api', severity: 'critical' }, annotations: {}, startsAt: '2026-01-01T00:00:00Z', endsAt: status === 'resolved' ? '2026-01-01T00:10:00Z' : '0001-01-01T00:00:00Z' }],
  });
  await writeFile(path.join(dir, 'am.jsonl'), `${JSON.stringify(am('firing'))}\n${JSON.stringify({ version: '4', alerts: [{ labels: {} }] })}\n${JSON.stringify(am('resolved'))}\n`);
  await writeFile(path.join(dir, 'am-archive.json'), JSON.stringify([am('firing'), am('resolved')]));
  const dataDir = path.join(work, 'events-case');
  const r = await runCli(['import', dir, '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const s = summary(r.stdout);
  assert.deepEqual(s.files.map((f) => [f.status, f.rows, f.badRows]), [
    ['imported', 2, 0],
    ['imported', 2, 1],
    ['imported', 2, 2],
  ]);
  assert.match(r.stderr, /events\.jsonl:2: time: /);
  assert.match(r.stderr, /events\.jsonl:5: line: is not valid JSON/);
  assert.match(r.stderr, /am\.jsonl:2: /);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM alerts'), 5);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM changes'), 1);
  assert.equal(await count(dataDir, `SELECT count(*) FROM topology_edges WHERE target = 'database:db'`), 1);
});

test('CSV metrics, wide and long, with bad cells reported by line and column', async () => {
  const wide = path.join(work, 'wide.csv');
  await writeFile(wide, 'timestamp,service,cpu,mem\n2026-01-01 00:00:00,api,0.5,100\n2026-01-01 00:01:00,api,abc,101\n2026-01-01 00:02:00,api,0.7,\nnot-a-time,api,1,1\n');
  const long = path.join(work, 'long.csv');
  await writeFile(long, 'time,host,name,value,unit\n1767225600000,web-1,load,1.5,1\n1767225660,web-1,load,2.5,1\n1767225720000,web-1,,3,1\n');
  const dataDir = path.join(work, 'csv-case');
  const r = await runCli(['import', wide, long, '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wide\.csv:3: cpu: 'abc' is not a number/);
  assert.match(r.stderr, /wide\.csv:5: timestamp: /);
  assert.match(r.stderr, /long\.csv:4: name: is empty/);
  assert.equal(await count(dataDir, `SELECT count(*) FROM metrics WHERE entity = 'service:api'`), 3);
  assert.equal(await count(dataDir, `SELECT count(*) FROM metrics WHERE entity = 'host:web-1' AND name = 'load'`), 2);
  // Epoch seconds and epoch ms in one column are both read as times.
  assert.equal(await count(dataDir, `SELECT count(DISTINCT ts) FROM metrics WHERE entity = 'host:web-1' AND ts >= '2026-01-01'`), 2);
});

test('Parquet metrics (DuckDB reads the file) and plain logs with a declared line format', async () => {
  const scratch = path.join(work, 'scratch');
  const s = await Storage.open({ path: path.join(scratch, 'scratch.duckdb') });
  const pq = path.join(scratch, 'points.parquet');
  try {
    await s.withWriter(
      (c) => c.run(`COPY (SELECT TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND AS ts, 'svc-' || (i % 3) AS service, 'latency' AS name, i * 1.0 AS value,
        FROM range(30000) t(i)
        UNION ALL SELECT NULL, 'svc-0', 'latency', 1.0) TO '${pq}' (FORMAT parquet)`),
      { transaction: false },
    );
  } finally {
    await s.close();
  }
  const log = path.join(work, 'app.log');
  await writeFile(log, '2026-01-01 00:00:01,123 INFO  started\n2026-01-01 00:00:02,000 ERROR db connection refused\ngarbage\n');
  const dataDir = path.join(work, 'pq-case');
  const r = await runCli(['import', pq, log, '--source', 'billing', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /points\.parquet:30001: time: /);
  assert.match(r.stderr, /app\.log:3: line: does not match the declared log format/);
  assert.equal(await count(dataDir, `SELECT count(*) FROM metrics WHERE name = 'latency'`), 30000);
  assert.equal(await count(dataDir, 'SELECT count(DISTINCT entity) FROM series'), 3);
  assert.equal(await count(dataDir, `SELECT count(*) FROM logs WHERE service = 'billing' AND severity = 'ERROR' AND body = 'db connection refused'`), 1);
});

test('bad usage exits 2 naming the flag; a missing path is named', async () => {
  const a = await runCli(['import', '--data-dir', path.join(work, 'x')]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /PATH/);
  const b = await runCli(['import', path.join(work, 'nope.csv'), '--data-dir', path.join(work, 'x')]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /nope\.csv does not exist/);
  const c = await runCli(['import', work, '--format', 'xml', '--data-dir', path.join(work, 'x')]);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /--format/);
});

test('Ctrl-C stops between batches and leaves the case consistent; importing again resumes without duplicates', async () => {
  const sim = new DemoSimulator({ seed: 9 });
  const start = Date.UTC(2026, 0, 6, 0, 0, 0);
  const file = path.join(work, 'big.json');
  const lines: string[] = [];
  for (let t = start; t < start + 120 * 60_000; t += 5 * 60_000) for (const r of sim.generate(t, t + 5 * 60_000).otlpMetrics) lines.push(JSON.stringify(r));
  await writeFile(file, `${lines.join('\n')}\n`);
  void estateTopology;
  const dataDir = path.join(work, 'ctrlc-case');
  const first = await runCli(['import', file, '--data-dir', dataDir], { killAfterStderr: /import: \d/ });
  const full = await (async () => {
    const other = path.join(work, 'ctrlc-reference');
    const r = await runCli(['import', file, '--data-dir', other]);
    assert.equal(r.code, 0, r.stderr);
    return count(other, 'SELECT count(*) FROM metric_points');
  })();
  if (first.code === 130) {
    assert.match(first.stderr, /stopping after the current batch/);
    const partial = await count(dataDir, 'SELECT count(*) FROM metric_points');
    assert.ok(partial < full, `interrupted import stored ${partial} of ${full}`);
  } else {
    assert.equal(first.code, 0, first.stderr);
  }
  const second = await runCli(['import', file, '--data-dir', dataDir]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM metric_points'), full);
  assert.equal(await count(dataDir, 'SELECT count(*) FROM (SELECT ts, series_id FROM metric_points GROUP BY ALL HAVING count(*) > 1)'), 0);
});
