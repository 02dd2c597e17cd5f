import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AlertRecord, MetricBatch } from '../common/records.ts';
import type { IncidentDetail } from '../common/schemas.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { MIGRATIONS } from './migrations.ts';
import { Storage } from './storage.ts';

const T0 = Date.UTC(2026, 0, 2, 3, 0, 0);

function metricBatch(): MetricBatch {
  return {
    seriesKeys: [
      { key: 'service:api|cpu|', entity: 'service:api', service: 'api', host: 'h1', name: 'cpu', unit: '1', attributes: {} },
      {
        key: 'service:api|latency|route=/a',
        entity: 'service:api',
        service: 'api',
        host: 'h1',
        name: 'latency',
        unit: 'ms',
        attributes: { route: '/a' },
      },
    ],
    // 5,000 points: more than two DuckDB vectors, so chunk boundaries are exercised.
    series: Int32Array.from({ length: 5000 }, (_, i) => i % 2),
    ts: Float64Array.from({ length: 5000 }, (_, i) => T0 + Math.floor(i / 2) * 1000 + 0.5),
    values: Float64Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? 1 : 100) + Math.floor(i / 2)),
  };
}

function alert(id: string, over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id,
    externalId: null,
    time: T0,
    receivedAt: T0 + 5,
    source: 'alertmanager',
    service: 'api',
    host: null,
    entity: 'service:api',
    severity: 'major',
    status: 'firing',
    title: 'High error rate',
    description: null,
    fingerprint: 'fp-1',
    attributes: { alertname: 'HighErrorRate' },
    ...over,
  };
}

function incident(id: string, over: Partial<IncidentDetail> = {}): IncidentDetail {
  return {
    id,
    title: `incident ${id}`,
    status: 'open',
    severity: 'major',
    openedAt: T0,
    updatedAt: T0,
    resolvedAt: null,
    services: ['api'],
    entities: ['service:api'],
    alertCount: 1,
    rootCauses: [{ entity: 'database:orders', score: 0.8, evidence: ['pool exhausted'] }],
    members: [{ kind: 'alert', id: 'a1', fingerprint: 'fp-1', entity: 'service:api', time: T0, title: 'x', severity: 'major' }],
    ...over,
  };
}

describe('Storage (in memory)', () => {
  let s: Storage;
  before(async () => {
    s = await Storage.open({ path: ':memory:', memoryLimit: '256MB', threads: 1 });
  });
  after(async () => {
    await s.close();
  });

  test('runs every migration and records it', async () => {
    const versions = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
    assert.equal(new Set(versions).size, versions.length, 'migration versions are unique');
    assert.equal(s.schemaVersion, versions.at(-1));
    const rows = await s.query('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      rows.map((r) => r.version),
      versions,
    );
  });

  test('appends metric points across chunks and reuses series ids', async () => {
    await s.appendMetrics(metricBatch());
    // A second batch naming the same series in another order must land on the same ids.
    const b = metricBatch();
    b.seriesKeys.reverse();
    b.series = b.series.map((x) => 1 - x);
    b.ts = b.ts.map((t) => t + 10_000_000);
    await s.appendMetrics(b);
    const [series] = await s.query('SELECT count(*) AS n FROM series');
    assert.equal(series.n, 2);
    const rows = await s.query(
      `SELECT name, count(*) AS n, min(value) AS lo, max(value) AS hi, min(ts) AS first FROM metrics GROUP BY name ORDER BY name`,
    );
    assert.deepEqual(rows, [
      { name: 'cpu', n: 5000, lo: 1, hi: 2500, first: T0 + 0.5 },
      { name: 'latency', n: 5000, lo: 100, hi: 2599, first: T0 + 0.5 },
    ]);
    const [attrs] = await s.query(`SELECT attributes->>'route' AS route FROM metrics WHERE name = 'latency' LIMIT 1`);
    assert.equal(attrs.route, '/a');
  });

  test('rejects a batch with an out-of-range series index without storing any of it', async () => {
    const before = (await s.countIngested()).metricPoints;
    const b = metricBatch();
    b.series[4500] = 7;
    await assert.rejects(s.appendMetrics(b), /series index 7 out of range/);
    assert.equal((await s.countIngested()).metricPoints, before);
  });

  test('a large batch that fails late leaves nothing behind, not even its new series', async () => {
    const before = await s.countIngested();
    const n = 300_000; // beyond the appender's own flush threshold (~200k rows)
    const b: MetricBatch = {
      seriesKeys: [{ key: 'service:big|m|', entity: 'service:big', service: 'big', host: null, name: 'm', unit: '', attributes: {} }],
      series: new Int32Array(n),
      ts: Float64Array.from({ length: n }, (_, i) => T0 + i),
      values: new Float64Array(n),
    };
    b.ts[n - 1] = Number.NaN;
    await assert.rejects(s.appendMetrics(b), /invalid time/);
    assert.equal((await s.countIngested()).metricPoints, before.metricPoints);
    assert.deepEqual(await s.query(`SELECT * FROM series WHERE entity = 'service:big'`), []);
    // The series id it would have taken is still free and used by the next batch that succeeds.
    b.ts[n - 1] = T0;
    await s.appendMetrics({ ...b, series: b.series.subarray(0, 10), ts: b.ts.subarray(0, 10), values: b.values.subarray(0, 10) });
    const [row] = await s.query(`SELECT series_id FROM series WHERE entity = 'service:big'`);
    assert.equal(row.series_id, 3);
    await assert.rejects(s.appendLogs([{ ts: T0, entity: 'e', service: null, host: null, severity: 'INFO', body: 'ok', traceId: null, spanId: null, attributes: {} }, { ts: Number.POSITIVE_INFINITY, entity: 'e', service: null, host: null, severity: 'INFO', body: 'bad', traceId: null, spanId: null, attributes: {} }]), /invalid time/);
    assert.equal((await s.countIngested()).logs, before.logs);
  });

  test('metricSeries averages per step bucket', async () => {
    const lines = await s.metricSeries({ entity: 'service:api', name: 'cpu', from: T0, to: T0 + 3999, stepMs: 2000 });
    assert.equal(lines.length, 1);
    // cpu values at seconds 0,1 → 1,2 (avg 1.5); seconds 2,3 → 3,4 (avg 3.5).
    assert.deepEqual(lines[0], { entity: 'service:api', name: 'cpu', points: [[T0, 1.5], [T0 + 2000, 3.5]] });
    const all = await s.metricSeries({ entity: 'service:api', from: T0, to: T0 + 999, stepMs: 1000 });
    assert.deepEqual(
      all.map((l) => l.name),
      ['cpu', 'latency'],
    );
  });

  test('stores logs, spans, alerts and counts them', async () => {
    await s.appendLogs([
      {
        ts: T0,
        entity: 'service:api',
        service: 'api',
        host: null,
        severity: 'ERROR',
        body: "it's broken; DROP TABLE logs",
        traceId: 'ab',
        spanId: null,
        attributes: { k: 1 },
      },
    ]);
    await s.appendSpans([
      {
        traceId: 't1',
        spanId: 's1',
        parentSpanId: null,
        service: 'api',
        name: 'GET /',
        kind: 2,
        start: T0,
        end: T0 + 12.5,
        statusCode: 0,
        attributes: {},
      },
    ]);
    await s.appendAlerts([alert('a1'), alert('a2', { status: 'resolved', externalId: 'ext-2' })]);
    const counts = await s.countIngested();
    assert.equal(counts.logs, 1);
    assert.equal(counts.spans, 1);
    assert.equal(counts.events, 2);
    const [log] = await s.query('SELECT body, ts, span_id FROM logs');
    assert.deepEqual(log, { body: "it's broken; DROP TABLE logs", ts: T0, span_id: null });
    const [span] = await s.query('SELECT duration_ms FROM spans');
    assert.equal(span.duration_ms, 12.5);
    const alerts = await s.query('SELECT id, external_id, status FROM alerts ORDER BY id');
    assert.deepEqual(alerts, [
      { id: 'a1', external_id: null, status: 'firing' },
      { id: 'a2', external_id: 'ext-2', status: 'resolved' },
    ]);
  });

  test('changes: filtered by time, newest first, same id replaces', async () => {
    await s.appendChanges([
      { id: 'c1', time: T0, service: 'api', entity: 'service:api', kind: 'deploy', summary: 'v1' },
      { id: 'c2', time: T0 + 60_000, service: 'db', entity: 'service:db', kind: 'config', summary: 'pool=10' },
    ]);
    await s.appendChanges([{ id: 'c1', time: T0, service: 'api', entity: 'service:api', kind: 'deploy', summary: 'v1.1' }]);
    const all = await s.listChanges({});
    assert.deepEqual(
      all.map((c) => [c.id, c.summary]),
      [
        ['c2', 'pool=10'],
        ['c1', 'v1.1'],
      ],
    );
    const early = await s.listChanges({ to: T0 + 1 });
    assert.deepEqual(
      early.map((c) => c.id),
      ['c1'],
    );
  });

  test('topology: upserts nodes, merges attributes, keeps declared edges declared, adds missing endpoints', async () => {
    await s.upsertTopology(
      {
        nodes: [
          { id: 'service:api', kind: 'service', name: 'api', attributes: { team: 'a' } },
          { id: 'host:h1', kind: 'host', name: 'h1', attributes: {} },
        ],
        edges: [
          { source: 'service:api', target: 'host:h1', kind: 'runs_on', origin: 'declared' },
          { source: 'service:api', target: 'database:orders', kind: 'depends_on', origin: 'declared' },
        ],
      },
      T0,
    );
    await s.upsertTopology({ nodes: [{ id: 'database:orders', kind: 'database', name: 'Orders DB', attributes: {} }], edges: [] }, T0);
    await s.upsertTopology(
      {
        nodes: [{ id: 'service:api', kind: 'service', name: 'api', attributes: { version: '2' } }],
        edges: [
          { source: 'service:api', target: 'host:h1', kind: 'runs_on', origin: 'traces' },
          { source: 'service:web', target: 'database:orders', kind: 'calls', origin: 'traces' },
        ],
      },
      T0 + 120_000,
    );
    const topo = await s.getTopology();
    assert.deepEqual(
      topo.nodes.map((n) => n.id),
      ['database:orders', 'host:h1', 'service:api', 'service:web'],
    );
    assert.deepEqual(topo.nodes.find((n) => n.id === 'service:api')?.attributes, { team: 'a', version: '2' });
    // Declared after it appeared as an edge endpoint, the name sticks even when the endpoint is seen again.
    assert.deepEqual(topo.nodes.find((n) => n.id === 'database:orders'), { id: 'database:orders', kind: 'database', name: 'Orders DB' });
    assert.deepEqual(topo.nodes.find((n) => n.id === 'service:web'), { id: 'service:web', kind: 'service', name: 'web' });
    assert.deepEqual(
      topo.edges.map((e) => `${e.source}>${e.target}:${e.origin}`),
      ['service:api>database:orders:declared', 'service:api>host:h1:declared', 'service:web>database:orders:traces'],
    );
    const [seen] = await s.query(`SELECT first_seen, last_seen FROM topology_nodes WHERE id = 'service:api'`);
    assert.deepEqual(seen, { first_seen: T0, last_seen: T0 + 120_000 });
    assert.equal((await s.countIngested()).topology, 7);
  });

  test('anomalies: filters and order', async () => {
    await s.appendAnomalies([
      { id: 'an1', time: T0, entity: 'service:api', metric: 'cpu', value: 9, expected: 1, score: 0.9 },
      { id: 'an2', time: T0 + 1000, entity: 'service:db', metric: 'cpu', value: 8, expected: 1, score: 0.7 },
      { id: 'an3', time: T0 + 2000, entity: 'service:api', metric: 'latency', value: 7, expected: 1, score: 0.6 },
    ]);
    assert.deepEqual(
      (await s.listAnomalies({})).map((a) => a.id),
      ['an3', 'an2', 'an1'],
    );
    assert.deepEqual(
      (await s.listAnomalies({ entity: 'service:api', from: T0 + 1 })).map((a) => a.id),
      ['an3'],
    );
    assert.deepEqual(await s.listAnomalies({ limit: 1, to: T0 }), [
      { id: 'an1', time: T0, entity: 'service:api', metric: 'cpu', value: 9, expected: 1, score: 0.9 },
    ]);
  });

  test('incidents: upsert replaces members; list order; get detail', async () => {
    await s.upsertIncidents([
      incident('i1', { severity: 'minor', openedAt: T0 + 5000 }),
      incident('i2', { severity: 'critical', openedAt: T0 }),
      incident('i3', { status: 'resolved', resolvedAt: T0 + 9000, severity: 'critical' }),
      incident('i4', { status: 'resolved', resolvedAt: T0 + 8000 }),
    ]);
    await s.upsertIncidents([
      incident('i1', {
        severity: 'minor',
        openedAt: T0 + 5000,
        alertCount: 2,
        members: [
          { kind: 'alert', id: 'a1', fingerprint: 'fp-1', entity: 'service:api', time: T0, title: 'x', severity: 'major' },
          { kind: 'anomaly', id: 'an1', fingerprint: 'fp-an', entity: 'service:api', time: T0 + 1, title: 'cpu high' },
        ],
      }),
    ]);
    assert.deepEqual(
      (await s.listIncidents('all')).map((i) => i.id),
      ['i2', 'i1', 'i3', 'i4'],
    );
    assert.deepEqual(
      (await s.listIncidents('resolved')).map((i) => i.id),
      ['i3', 'i4'],
    );
    assert.deepEqual(
      (await s.listIncidents('open', 1)).map((i) => i.id),
      ['i2'],
    );
    const d = await s.getIncident('i1');
    assert.ok(d);
    assert.equal(d.alertCount, 2);
    assert.deepEqual(d.services, ['api']);
    assert.deepEqual(d.rootCauses, [{ entity: 'database:orders', score: 0.8, evidence: ['pool exhausted'] }]);
    assert.equal(d.resolvedAt, null);
    assert.deepEqual(d.members, [
      { kind: 'alert', id: 'a1', fingerprint: 'fp-1', entity: 'service:api', time: T0, title: 'x', severity: 'major' },
      { kind: 'anomaly', id: 'an1', fingerprint: 'fp-an', entity: 'service:api', time: T0 + 1, title: 'cpu high' },
    ]);
    assert.equal(await s.getIncident('nope'), null);
  });

  test('incidents: an update with added members appends them and keeps what is stored', async () => {
    const m = (id: string, time: number) => ({ kind: 'alert' as const, id, fingerprint: `fp-${id}`, entity: 'host:h1', time, title: id });
    await s.upsertIncidents([incident('grow', { members: [m('g1', T0), m('g2', T0 + 1)] })]);
    // The snapshot lists all three, but only g3 is new: g1 and g2 must not be written twice.
    await s.upsertIncidents([incident('grow', { alertCount: 3, members: [m('g1', T0), m('g2', T0 + 1), m('g3', T0 + 2)] })], [[m('g3', T0 + 2)]]);
    assert.deepEqual((await s.getIncident('grow'))?.members.map((x) => x.id), ['g1', 'g2', 'g3']);
    assert.equal((await s.getIncident('grow'))?.alertCount, 3);
    // Without added, the members are replaced whole.
    await s.upsertIncidents([incident('grow', { members: [m('g2', T0 + 1)] })], [undefined]);
    assert.deepEqual((await s.getIncident('grow'))?.members.map((x) => x.id), ['g2']);
  });

  test('closeStaleIncidents resolves what a previous run left open, at its last update', async () => {
    const before = (await s.listIncidents('open')).map((i) => i.id);
    assert.ok(before.length > 0, 'the test above left open incidents');
    const closed = await s.closeStaleIncidents();
    assert.equal(closed, before.length);
    assert.deepEqual(await s.listIncidents('open'), []);
    const i1 = await s.getIncident('i1');
    assert.equal(i1?.status, 'resolved');
    assert.equal(i1?.resolvedAt, i1?.updatedAt);
    assert.equal(await s.closeStaleIncidents(), 0);
  });

  test('demo faults round-trip', async () => {
    const f = {
      id: 'f1',
      kind: 'pool-exhaustion' as const,
      rootEntity: 'database:orders',
      start: T0,
      end: T0 + 600_000,
      affected: ['service:api', 'service:checkout'],
      description: 'pool exhausted',
    };
    await s.recordDemoFaults([f]);
    assert.deepEqual(await s.listDemoFaults(), [f]);
  });

  test('query rejects anything that is not one read-only statement', async () => {
    for (const sql of [
      'DELETE FROM logs',
      'INSERT INTO logs SELECT * FROM logs',
      'SELECT 1; DROP TABLE logs',
      'DROP TABLE logs',
      'PRAGMA enable_profiling',
      'CREATE TABLE x AS SELECT 1',
      'COPY logs TO \'/tmp/x.csv\'',
      '/* SELECT */ UPDATE logs SET body = 1',
      '',
    ]) {
      await assert.rejects(s.query(sql), /query:/, sql);
    }
    assert.equal((await s.countIngested()).logs, 1);
    assert.ok((await s.query('DESCRIBE metrics')).some((r) => r.column_name === 'value'));
    assert.ok((await s.query('SUMMARIZE SELECT 1 AS x')).length === 1);
    assert.deepEqual(await s.query('WITH t AS (SELECT 2::BIGINT AS n, [1, 2] AS l) SELECT * FROM t'), [{ n: 2, l: [1, 2] }]);
    assert.ok((await s.query("PRAGMA table_info('logs')")).length > 0);
  });

  test('fails cleanly after close', async () => {
    const t = await Storage.open({ path: ':memory:' });
    await t.close();
    await t.close();
    await assert.rejects(t.appendLogs([]), /closed/);
    await assert.rejects(t.query('SELECT 1'), /closed/);
  });
});

describe('Storage (file)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wf-storage-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('refuses to open the same file twice in one process', async () => {
    const file = path.join(dir, 'twice.duckdb');
    const a = await Storage.open({ path: file });
    try {
      await assert.rejects(Storage.open({ path: file }), /already open/);
      // The same file through a different spelling of its path is still the same file.
      await assert.rejects(Storage.open({ path: path.join(dir, '.', 'twice.duckdb') }), /already open/);
    } finally {
      await a.close();
    }
    const b = await Storage.open({ path: file });
    await b.close();
  });

  test('data and schema version survive a reopen, and series ids keep counting', async () => {
    const file = path.join(dir, 'nested', 'wf.duckdb');
    const a = await Storage.open({ path: file });
    await a.appendMetrics(metricBatch());
    await a.appendAlerts([alert('a1')]);
    await a.upsertIncidents([incident('i1')]);
    await a.close();

    const b = await Storage.open({ path: file });
    try {
      assert.equal(b.schemaVersion, Math.max(...MIGRATIONS.map((x) => x.version)));
      const [m] = await b.query('SELECT count(*) AS n FROM schema_migrations');
      assert.equal(m.n, MIGRATIONS.length);
      const counts = await b.countIngested();
      assert.equal(counts.metricPoints, 5000);
      assert.equal(counts.events, 1);
      assert.equal((await b.getIncident('i1'))?.members.length, 1);
      // A known series keeps its id, a new one gets the next free id.
      const batch = metricBatch();
      batch.seriesKeys.push({ key: 'host:h1|disk|', entity: 'host:h1', service: null, host: 'h1', name: 'disk', unit: 'By', attributes: {} });
      batch.series = Int32Array.from([0, 2]);
      batch.ts = Float64Array.from([T0, T0]);
      batch.values = Float64Array.from([1, 2]);
      await b.appendMetrics(batch);
      const ids = await b.query('SELECT series_id, name FROM series ORDER BY series_id');
      assert.deepEqual(ids, [
        { series_id: 1, name: 'cpu' },
        { series_id: 2, name: 'latency' },
        { series_id: 3, name: 'disk' },
      ]);
    } finally {
      await b.close();
    }
  });

  test('a file migrated by a newer engine is refused, naming the unknown migration', async () => {
    const file = path.join(dir, 'newer.duckdb');
    await (await Storage.open({ path: file })).close();
    const inst = await DuckDBInstance.create(file);
    const c = await inst.connect();
    await c.run('INSERT INTO schema_migrations VALUES (99999, now()::TIMESTAMP)');
    c.closeSync();
    inst.closeSync();
    await assert.rejects(Storage.open({ path: file }), /migration 99999.*newer/);
  });
});
