/**
 * Cost of forecasting an estate: 100,000 capacity series (disk, memory, pool utilizations and pool
 * counts against their `.max`), fed to the engine's CapacityForecastBank on this one thread in
 * scrape-sized batches (one point per series per batch, as the engine receives them), with the
 * early-warning lifecycle evaluated after every batch. Prints points/s (median of runs) and what that
 * means for a 15 s scrape interval; then the same batches through the engine's forecast worker
 * (ForecastHost: copied to the worker thread, forecast there, warnings back), the rate the engine
 * gets; also the walk-forward seasonal forecaster's rate (the band and `watchfloor forecast`) on one
 * series.
 * Usage: npm run bench:forecast [-- --series 100000 --scrapes 20 --runs 5]
 */
import { parseArgs } from 'node:util';
import type { MetricBatch, SeriesKey } from '../../core/common/records.ts';
import { CapacityForecastBank } from '../../core/analytics/forecast/capacity-bank.ts';
import { SeasonalForecaster } from '../../core/analytics/forecast/seasonal.ts';
import { ForecastHost } from '../../core/workers/forecast-host.ts';

const { values } = parseArgs({ options: { series: { type: 'string', default: '100000' }, scrapes: { type: 'string', default: '20' }, runs: { type: 'string', default: '5' } } });
const SERIES = Number(values.series);
const SCRAPES = Number(values.scrapes);
const RUNS = Number(values.runs);
const STEP = 15_000;
const T0 = Date.parse('2026-11-16T06:00:00Z');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const NAMES = ['system.filesystem.utilization', 'system.memory.utilization', 'db.client.connection.count'];
const keys: SeriesKey[] = [];
for (let i = 0; i < SERIES; i++) {
  const name = NAMES[i % NAMES.length];
  const entity = name.startsWith('db.') ? `database:db-${i}` : `host:h-${i}`;
  keys.push({ key: `${entity}|${name}`, entity, service: null, host: null, name, unit: name.startsWith('db.') ? '{connection}' : '1', attributes: {} });
  // Pools need their capacity series beside them.
  if (name.startsWith('db.')) keys.push({ key: `${entity}|db.client.connection.max`, entity, service: null, host: null, name: 'db.client.connection.max', unit: '{connection}', attributes: {} });
}

/** One scrape: a point for every series; 1% of the series fill up, the rest wander. */
function scrape(k: number): MetricBatch {
  const n = keys.length;
  const series = new Int32Array(n);
  const ts = new Float64Array(n).fill(T0 + k * STEP);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    series[i] = i;
    const name = keys[i].name;
    const base = name === 'db.client.connection.max' ? 100 : name.startsWith('db.') ? 30 : 0.4;
    const filling = i % 100 === 0 && name !== 'db.client.connection.max';
    vals[i] = name === 'db.client.connection.max' ? 100 : base * (1 + 0.02 * Math.sin(i + k) + (filling ? 0.01 * k : 0));
  }
  return { seriesKeys: keys, series, ts, values: vals };
}

const batches = Array.from({ length: SCRAPES }, (_, k) => scrape(k));
const points = batches.reduce((s, b) => s + b.ts.length, 0);
console.log(`# Watchfloor forecast benchmark — ${SERIES.toLocaleString('en')} capacity series (+ pool .max series), ${SCRAPES} scrapes, one thread`);
const rates: number[] = [];
let warnings = 0;
for (let r = 0; r < RUNS; r++) {
  const bank = new CapacityForecastBank();
  const t0 = performance.now();
  warnings = 0;
  for (const b of batches) warnings += bank.observe(b, 0).length;
  const s = (performance.now() - t0) / 1000;
  rates.push(points / s);
  process.stderr.write(`  run ${r + 1}/${RUNS}: ${(points / s).toFixed(0)} points/s (${bank.tracked} series tracked, ${warnings} warning events)\n`);
}
const rate = median(rates);
console.log(`capacity forecasting: ${Math.round(rate).toLocaleString('en')} points/s median of ${RUNS} runs (${points.toLocaleString('en')} points per run)`);
console.log(`  a 100,000-series estate scraped every 15 s needs ${(100_000 / 15).toFixed(0)} points/s: ${((100_000 / 15 / rate) * 100).toFixed(1)}% of one core`);

const workerRates: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const host = await ForecastHost.start();
  try {
    const t0 = performance.now();
    for (const b of batches) await host.observe(b, 0);
    const s = (performance.now() - t0) / 1000;
    workerRates.push(points / s);
    process.stderr.write(`  worker run ${r + 1}/${RUNS}: ${(points / s).toFixed(0)} points/s\n`);
  } finally {
    await host.close();
  }
}
const workerRate = median(workerRates);
console.log(`through the forecast worker (as the engine runs it): ${Math.round(workerRate).toLocaleString('en')} points/s median of ${RUNS} runs: ${((100_000 / 15 / workerRate) * 100).toFixed(1)}% of its thread for a 100,000-series estate at 15 s`);

const seasonalRates: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const f = new SeasonalForecaster({ stepMs: 300_000, horizons: [12, 72] });
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    f.update(T0 + i * 300_000, 100 + 30 * Math.sin(i / 45.8) + (i % 7));
    f.forecast(12);
  }
  seasonalRates.push(n / ((performance.now() - t0) / 1000));
}
console.log(`seasonal forecaster (band, CLI): ${Math.round(median(seasonalRates)).toLocaleString('en')} points/s median of ${RUNS} runs (update + one forecast per point, 2 tracked horizons)`);
