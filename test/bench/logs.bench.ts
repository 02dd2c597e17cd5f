/**
 * Log template mining benchmark, one core, the miner alone (masking + template assignment):
 * a stream built from the Loghub-2k contents of all ten systems (Zhu et al., ISSRE 2023) when the
 * shared datasets are there, else from built-in line shapes; every digit run gets a fresh random
 * value on each pass, so values do not repeat the way a replayed file would.
 * Prints lines/s, median of runs.
 * Usage: node --import tsx test/bench/logs.bench.ts [--runs 5 --lines 400000]
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '../../core/analytics/hash.ts';
import { resolveLineFormat } from '../../core/analytics/logs/header-format.ts';
import { TemplateMiner } from '../../core/analytics/logs/template-miner.ts';
import { loadLoghub, loghubDir } from '../eval/loghub/dataset.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, lines: { type: 'string', default: '400000' } } });
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
