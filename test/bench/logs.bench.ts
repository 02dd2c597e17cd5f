/**
 * Log template mining benchmark, one core, the miner alone (masking + template assignment):
 * a stream built from the Loghub-2k contents of all ten systems (Zhu et al., ISSRE 2023) when the
 * shared datasets are there, else from built-in line shapes; every digit run gets a fresh random
 * value on each pass, so values do not repeat the way a replayed file would.
 * Prints lines/s, median of runs.
 * Then the end-to-end rate of the running engine (built CLI, loopback): OTLP/HTTP JSON log requests
 * of 5,000 records from 4 concurrent senders, each acknowledged only once its lines are masked,
 * mined and stored in DuckDB; lines/s from first send to last acknowledgement, median of runs.
 * Usage: node --import tsx test/bench/logs.bench.ts [--runs 5 --lines 400000 --requests 40]
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '../../core/analytics/hash.ts';
import { resolveLineFormat } from '../../core/analytics/logs/header-format.ts';
import { TemplateMiner } from '../../core/analytics/logs/template-miner.ts';
import { loadLoghub, loghubDir } from '../eval/loghub/dataset.ts';
import { startEngineProcess } from '../fixtures/engine-process.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, lines: { type: 'string', default: '400000' }, requests: { type: 'string', default: '40' } },
});
const RUNS = Number(values.runs);
const LINES = Number(values.lines);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const SHAPES = [
  'Receiving block blk_123 src: /10.1.2.3:50010 dest: /10.1.2.4:50010',
  'Accepted password for alice from 10.0.0.1 port 52811 ssh2',
  'GET /api/v1/orders/123 returned 200 in 12 ms',
  'Connection to db-7:5432 timed out after 3000 ms',
  'Worker 12 finished job 88231 in 1.25 s',
];

const dir = loghubDir();
let seeds: string[];
let source: string;
if (dir) {
  seeds = loadLoghub(dir).flatMap((s) => {
    const f = resolveLineFormat(s.format);
    return s.lines.map((l) => f.parse(l)?.content ?? l);
  });
  source = `Loghub-2k contents (${seeds.length} lines, ten systems)`;
} else {
  seeds = SHAPES;
  source = 'built-in line shapes (Loghub-2k not found: set WATCHFLOOR_SHARED)';
}
const rand = seededRandom(7);
const stream = Array.from({ length: LINES }, (_, i) => seeds[i % seeds.length]!.replace(/\d+/g, () => String(Math.floor(rand() * 100000))));
console.log(`# Watchfloor log-mining benchmark — ${new Date().toISOString()}, node ${process.version}`);
console.log(`stream: ${LINES.toLocaleString('en')} lines from ${source}, fresh numbers per line`);
const rates: number[] = [];
const cpuRates: number[] = [];
let templates = 0;
for (let run = 0; run < RUNS; run++) {
  const miner = new TemplateMiner();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const line of stream) miner.mine(line);
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  rates.push(LINES / s);
  cpuRates.push(LINES / cpu);
  templates = miner.templates().length;
  process.stderr.write(`  run ${run + 1}/${RUNS}: ${Math.round(LINES / s).toLocaleString('en')} lines/s wall, ${Math.round(LINES / cpu).toLocaleString('en')} per CPU-second\n`);
}
const fmt = (x: number) => Math.round(x).toLocaleString('en');
// Wall time counts time the shared machine gave to other processes; CPU time is what this core spent.
console.log(`mining (one core), wall clock: median ${fmt(median(rates))} lines/s over ${RUNS} runs (min ${fmt(Math.min(...rates))}, max ${fmt(Math.max(...rates))})`);
console.log(`mining (one core), per CPU-second (process CPU time, includes GC threads): median ${fmt(median(cpuRates))} lines/s; ${templates} templates`);

// End to end: OTLP/HTTP JSON logs into the engine, acknowledged once stored.
const REQUESTS = Number(values.requests);
const PER_REQUEST = 5000;
function logsRequest(run: number, req: number): string {
  const base = Date.now() - 3_600_000 + (run * REQUESTS + req) * 1000;
  const services = 10;
  const resourceLogs = Array.from({ length: services }, (_, s) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: `bench-svc-${s}` } }] },
    scopeLogs: [
      {
        logRecords: Array.from({ length: PER_REQUEST / services }, (_, i) => ({
          timeUnixNano: `${BigInt(base + i) * 1_000_000n}`,
          severityText: 'INFO',
          body: { stringValue: stream[(req * PER_REQUEST + s * 1000 + i) % stream.length] },
        })),
      },
    ],
  }));
  return JSON.stringify({ resourceLogs });
}
async function postAll(url: string, bodies: string[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (!res.ok) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
const engine = await startEngineProcess();
try {
  await postAll(`${engine.otlpUrl}/v1/logs`, [logsRequest(-1, 0)], 1);
  const e2e: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const bodies = Array.from({ length: REQUESTS }, (_, i) => logsRequest(run, i));
    const t0 = performance.now();
    await postAll(`${engine.otlpUrl}/v1/logs`, bodies, 4);
    const s = (performance.now() - t0) / 1000;
    e2e.push((REQUESTS * PER_REQUEST) / s);
    process.stderr.write(`  engine run ${run + 1}/${RUNS}: ${fmt((REQUESTS * PER_REQUEST) / s)} lines/s\n`);
  }
  console.log(`OTLP logs → masked, mined, stored in DuckDB (engine end to end): median ${fmt(median(e2e))} lines/s over ${RUNS} runs of ${fmt(REQUESTS * PER_REQUEST)} lines`);
} finally {
  await engine.stop({ removeData: true });
}
