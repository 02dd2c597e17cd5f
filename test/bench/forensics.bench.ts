/**
 * Forensics benchmarks (data generated here; progress on stderr; medians of runs):
 *  1. Import rate from Parquet (DuckDB reads the file; long format with a service column) and from an
 *     OTLP JSON dump (collector file-exporter lines of the demo estate's metrics), rows/s.
 *  2. A set of forensic queries over N metric points (default 100M) run through the engine's SQL
 *     console (`POST /api/sql` of the built engine serving the case) next to the same SQL run by plain
 *     DuckDB on the same file (read-only, same memory limit), and their ratio.
 *  3. Replay at full speed of a dense hour and of a sparse day (data in one minute per hour): time,
 *     windows read and peak RSS, which show the skipping of empty stretches and the bounded backlog.
 * Usage: npm run bench  |  node --import tsx test/bench/forensics.bench.ts [--points 100000000] [--runs 3]
 *        [--parts import,replay,queries]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DemoSimulator } from '../../core/demo/simulator.ts';
import { runImport } from '../../core/forensics/importer.ts';
import { ReplayController } from '../../core/forensics/replay.ts';
import { AnalyticsHost } from '../../core/workers/analytics-host.ts';
import { timePlainDuckDb } from '../../core/storage/plain-duckdb.ts';
import { Storage } from '../../core/storage/storage.ts';
import { startEngineProcess } from '../fixtures/engine-process.ts';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '100000000' },
    runs: { type: 'string', default: '3' },
    'parquet-rows': { type: 'string', default: '5000000' },
    'otlp-minutes': { type: 'string', default: '120' },
    parts: { type: 'string', default: 'import,replay,queries' },
  },
});
const POINTS = Number(values.points);
const RUNS = Number(values.runs);
const PARQUET_ROWS = Number(values['parquet-rows']);
const OTLP_MINUTES = Number(values['otlp-minutes']);
const SMALL_OTLP_MINUTES = 2;
const PARTS = new Set(values.parts!.split(','));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const say = (s: string) => process.stderr.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Writes `minutes` of the demo estate's OTLP metric requests from `start` as a collector dump; returns its points. */
async function writeDemoDump(file: string, seed: number, start: number, minutes: number, stepMs: number): Promise<number> {
  const sim = new DemoSimulator({ seed });
  const lines: string[] = [];
  let points = 0;
  for (let t = start; t < start + minutes * 60_000; t += stepMs) {
    for (const req of sim.generate(t, t + stepMs).otlpMetrics) {
      for (const rm of req.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) points += m.gauge.dataPoints.length;
      lines.push(JSON.stringify(req));
    }
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return points;
}

/**
 * Imports demo telemetry into a fresh case and replays it at full speed in this process: `dense` is
 * one hour of the whole estate; `sparse` is a day in which only the first minute of each hour has
 * data (what an export of alert bursts looks like). Peak RSS is sampled every 50 ms.
 */
async function benchReplay(kind: 'dense' | 'sparse') {
  const sim = new DemoSimulator({ seed: 3 });
  const t0 = Date.UTC(2026, 2, 1);
  const ranges: [number, number][] = kind === 'dense' ? [[t0, t0 + 3_600_000]] : Array.from({ length: 24 }, (_, h) => [t0 + h * 3_600_000, t0 + h * 3_600_000 + 60_000]);
  if (kind === 'dense') sim.injectFault(t0 + 30 * 60_000, { kind: 'pool-exhaustion' });
  const metricLines: string[] = [];
  const eventLines: string[] = [];
  let points = 0;
  for (const [a, b] of ranges) {
    for (let t = a; t < b; t += 30_000) {
      const g = sim.generate(t, Math.min(b, t + 30_000));
      for (const req of g.otlpMetrics) {
        for (const rm of req.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) points += m.gauge.dataPoints.length;
        metricLines.push(JSON.stringify(req));
      }
      for (const e of g.events) eventLines.push(JSON.stringify(e));
    }
  }
  const dir = path.join(work, `replay-${kind}`);
  const s = await Storage.open({ path: path.join(dir, 'watchfloor.duckdb') });
  await writeFile(path.join(work, `${kind}-metrics.json`), `${metricLines.join('\n')}\n`);
  const files = [path.join(work, `${kind}-metrics.json`)];
  if (eventLines.length) {
    await writeFile(path.join(work, `${kind}-events.jsonl`), `${eventLines.join('\n')}\n`);
    files.push(path.join(work, `${kind}-events.jsonl`));
  }
  say(`importing the ${kind} replay data (${fmt(points)} points, ${fmt(eventLines.length)} alert events)…`);
  await runImport(s, files, {});
  const replay = new ReplayController(s, {
    startHost: (sink) => AnalyticsHost.start({ detectorWorkers: 1, sink }),
    sink: async (out) => {
      if (out.type === 'anomalies') await s.appendAnomalies(out.anomalies);
      else await s.upsertIncidents(out.events.map((e) => e.incident));
    },
  });
  const rssAtStart = process.memoryUsage().rss;
  let peak = rssAtStart;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const w0 = performance.now();
  const st = await replay.start({ speed: 'max' });
  await replay.whenFinished();
  const seconds = (performance.now() - w0) / 1000;
  clearInterval(sampler);
  const end = replay.state();
  await replay.stop();
  await s.close();
  if (end.status !== 'done') throw new Error(`${kind} replay ended ${end.status}: ${end.error ?? ''}`);
  say(`  ${kind}: ${seconds.toFixed(1)} s, ${end.windows} windows`);
  const span = (st.to ?? 0) - (st.from ?? 0);
  return {
    label: kind === 'dense' ? 'dense hour (whole demo estate, one fault)' : 'sparse day (1 minute of data per hour)',
    points,
    alerts: eventLines.length,
    seconds,
    eventSecondsPerSecond: span / 1000 / seconds,
    pointsPerSec: points / seconds,
    windows: end.windows,
    peakRssMb: peak / 1024 ** 2,
    rssGrowthMb: (peak - rssAtStart) / 1024 ** 2,
  };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'wf-bench-forensics-'));
try {
  const report: string[] = [];
  if (PARTS.has('import')) {
    // ---- 1a. Parquet import -----------------------------------------------------------------------
    const scratchDir = path.join(work, 'scratch');
    const scratch = await Storage.open({ path: path.join(scratchDir, 'scratch.duckdb') });
    const pq = path.join(scratchDir, 'points.parquet');
    say(`generating ${fmt(PARQUET_ROWS)} rows of Parquet…`);
    await scratch.withWriter(
      (c) =>
        c.run(`COPY (SELECT TIMESTAMP '2026-01-01' + INTERVAL (i // 1000 * 15) SECOND AS ts, 'svc-' || (i % 50) AS service,
          'metric_' || (i % 1000 // 50) AS name, random() * 100 AS value FROM range(${PARQUET_ROWS}) t(i)) TO '${pq}' (FORMAT parquet)`),
      { transaction: false },
    );
    await scratch.close();
    const parquetRates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const s = await Storage.open({ path: path.join(work, `pq-case-${r}`, 'watchfloor.duckdb') });
      const res = await runImport(s, [pq], { onProgress: (p) => say(`  parquet run ${r + 1}: ${fmt(p.rows)} rows`) });
      await s.close();
      if (res.rows !== PARQUET_ROWS) throw new Error(`parquet import stored ${res.rows} of ${PARQUET_ROWS}`);
      parquetRates.push(res.rows / (res.elapsedMs / 1000));
    }

    // ---- 1b. OTLP JSON dump import ----------------------------------------------------------------
    say(`generating an OTLP JSON dump of ${OTLP_MINUTES} demo minutes…`);
    const start = Date.UTC(2026, 0, 2);
    const dump = path.join(work, 'collector.json');
    const otlpPoints = await writeDemoDump(dump, 1, start, OTLP_MINUTES, 60_000);
    const otlpRates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const s = await Storage.open({ path: path.join(work, `otlp-case-${r}`, 'watchfloor.duckdb') });
      const res = await runImport(s, [dump], { onProgress: (p) => say(`  otlp run ${r + 1}: ${fmt(p.rows)} rows, ${fmt(p.rowsPerSec)} rows/s`) });
      await s.close();
      if (res.rows !== otlpPoints) throw new Error(`otlp import stored ${res.rows} of ${otlpPoints}`);
      otlpRates.push(res.rows / (res.elapsedMs / 1000));
    }

    // ---- 1c. small OTLP dumps: a few demo minutes, where the estate's topology is most of the work --
    say(`generating small OTLP dumps (${SMALL_OTLP_MINUTES} demo minutes each)…`);
    const smallDump = path.join(work, 'small-collector.json');
    const smallPoints = await writeDemoDump(smallDump, 2, start, SMALL_OTLP_MINUTES, 30_000);
    const smallRates: number[] = [];
    let smallTopology = 0;
    for (let r = 0; r < Math.max(RUNS, 5); r++) {
      const s = await Storage.open({ path: path.join(work, `small-case-${r}`, 'watchfloor.duckdb') });
      const res = await runImport(s, [smallDump], {});
      const topo = await s.getTopology();
      smallTopology = topo.nodes.length + topo.edges.length;
      await s.close();
      if (res.rows !== smallPoints) throw new Error(`small otlp import stored ${res.rows} of ${smallPoints}`);
      smallRates.push(res.rows / (res.elapsedMs / 1000));
    }
    say(`  small dumps: ${fmt(median(smallRates))} rows/s`);
    report.push(
      `import from Parquet (${fmt(PARQUET_ROWS)} rows):        ${fmt(median(parquetRates))} rows/s`,
      `import from OTLP JSON dump (${fmt(otlpPoints)} points): ${fmt(median(otlpRates))} rows/s`,
      `import of a small OTLP dump (${fmt(smallPoints)} points, ${smallTopology} topology rows): ${fmt(median(smallRates))} rows/s`,
    );
  }

  // ---- 1d. replay at full speed: a dense hour and a sparse day ------------------------------------
  if (PARTS.has('replay')) {
    report.push('', 'replay at full speed (event time replayed per wall second; windows read; peak RSS of this process and its workers):');
    for (const kind of ['sparse', 'dense'] as const) {
      const r = await benchReplay(kind);
      report.push(
        `  ${r.label.padEnd(44)} ${fmt(r.points)} points, ${fmt(r.alerts)} alerts: ${r.seconds.toFixed(1)} s (${fmt(r.eventSecondsPerSecond)}× real time, ${fmt(r.pointsPerSec)} points/s), ${fmt(r.windows)} windows, peak RSS ${fmt(r.peakRssMb)} MB (+${fmt(r.rssGrowthMb)} MB during the replay)`,
      );
    }
  }

  if (PARTS.has('queries')) {
    // ---- 2. forensic queries over POINTS points --------------------------------------------------
    const caseDir = path.join(work, 'big-case');
    const dbFile = path.join(caseDir, 'watchfloor.duckdb');
    const big = await Storage.open({ path: dbFile });
    const SERIES = 10_000;
    const HOUR_START = Date.UTC(2026, 0, 1);
    say(`generating ${fmt(POINTS)} metric points over ${fmt(SERIES)} series…`);
    await big.withWriter(async (c) => {
      await c.run(`INSERT INTO series SELECT i + 1, 'service:svc-' || (i // 20) || '|m' || (i % 20) || '|', 'service:svc-' || (i // 20), 'svc-' || (i // 20), NULL,
        'm' || (i % 20), '', '{}' FROM range(${SERIES}) t(i)`);
    }, { seriesChanged: true });
    const CHUNK = 10_000_000;
    const t0 = performance.now();
    for (let off = 0; off < POINTS; off += CHUNK) {
      const n = Math.min(CHUNK, POINTS - off);
      // Points arrive in time order, 15 s apart per series, like a scrape.
      await big.withWriter((c) =>
        c.run(`INSERT INTO metric_points SELECT make_timestamp(${HOUR_START * 1000}::BIGINT + (i // ${SERIES}) * 15000000), (i % ${SERIES}) + 1,
          50 + 40 * sin(i / 977.0) + (hash(i) % 1000) / 100.0 FROM range(${off}, ${off + n}) t(i)`),
      );
      say(`  ${fmt(off + n)} / ${fmt(POINTS)} points (${fmt((off + n) / ((performance.now() - t0) / 1000))} points/s)`);
    }
    await big.withWriter((c) => c.run('CHECKPOINT'), { transaction: false });
    await big.close();
    const span = Math.floor(POINTS / SERIES) * 15_000;
    const lastHour = `make_timestamp(${(HOUR_START + span - 3_600_000) * 1000}::BIGINT)`;
    const QUERIES: [string, string][] = [
      ['count and range', 'SELECT count(*), min(ts), max(ts) FROM metric_points'],
      ['per-service avg/max of one metric, per hour', `SELECT service, time_bucket(INTERVAL '1 hour', ts) AS h, avg(value), max(value) FROM metrics WHERE name = 'm3' GROUP BY ALL ORDER BY ALL`],
      ['p99 per minute, last hour', `SELECT time_bucket(INTERVAL '1 minute', ts) AS m, quantile_cont(value, 0.99) FROM metric_points WHERE ts >= ${lastHour} GROUP BY ALL ORDER BY m`],
      ['top 20 series by max', 'SELECT series_id, max(value) AS peak FROM metric_points GROUP BY series_id ORDER BY peak DESC LIMIT 20'],
      ['one entity, one metric, raw', `SELECT ts, value FROM metrics WHERE entity = 'service:svc-7' AND name = 'm5' AND ts >= ${lastHour} ORDER BY ts`],
    ];
    say('timing the queries through the engine (POST /api/sql)…');
    const engine = await startEngineProcess({ dataDir: caseDir, readyTimeoutMs: 120_000 });
    const viaEngine: number[][] = QUERIES.map(() => []);
    try {
      // One untimed pass on each side first: the file's pages are then cached for both alike.
      for (const [, sql] of QUERIES) await (await engine.api('/api/sql', { body: { sql, maxRows: 200_000 } })).text();
      for (let r = 0; r < RUNS; r++) {
        for (const [i, [, sql]] of QUERIES.entries()) {
          const q0 = performance.now();
          const res = await engine.api('/api/sql', { body: { sql, maxRows: 200_000 } });
          if (!res.ok) throw new Error(`${sql}: ${await res.text()}`);
          await res.json();
          viaEngine[i].push(performance.now() - q0);
        }
        say(`  engine run ${r + 1}/${RUNS}`);
      }
    } finally {
      await engine.stop();
    }
    say('timing the same SQL in plain DuckDB on the same file…');
    const direct: number[][] = QUERIES.map(() => []);
    await timePlainDuckDb(dbFile, QUERIES.map(([, q]) => q));
    for (let r = 0; r < RUNS; r++) {
      const times = await timePlainDuckDb(dbFile, QUERIES.map(([, q]) => q));
      times.forEach((t, i) => direct[i].push(t.ms));
      say(`  direct run ${r + 1}/${RUNS}`);
    }

    report.push('');
    report.push(`queries over ${fmt(POINTS)} metric points (${fmt(SERIES)} series):`);
    report.push('query'.padEnd(48) + 'engine ms'.padStart(11) + 'DuckDB ms'.padStart(11) + 'ratio'.padStart(8));
    let sumE = 0;
    let sumD = 0;
    for (const [i, [name]] of QUERIES.entries()) {
      const e = median(viaEngine[i]);
      const d = median(direct[i]);
      sumE += e;
      sumD += d;
      report.push(name.padEnd(48) + fmt(e).padStart(11) + fmt(d).padStart(11) + (e / d).toFixed(2).padStart(8));
    }
    report.push('all queries'.padEnd(48) + fmt(sumE).padStart(11) + fmt(sumD).padStart(11) + (sumE / sumD).toFixed(2).padStart(8));
  }
  console.log(`\nForensics benchmark (${os.availableParallelism()} cores; medians of ${RUNS} runs)`);
  for (const line of report) console.log(line);
} finally {
  await rm(work, { recursive: true, force: true });
}
