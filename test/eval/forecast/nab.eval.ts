/**
 * Forecast accuracy on the real series of the Numenta Anomaly Benchmark (NAB; Lavin & Ahmad, 2015;
 * ../shared/datasets/nab/data, realAWSCloudwatch, realAdExchange, realKnownCause, realTraffic,
 * realTweets): walk-forward at 1 h and 6 h horizons, MASE of the Watchfloor forecaster against the
 * naive and seasonal-naive baselines computed by the same tool on the same targets, and the coverage
 * of the 80% prediction interval. One generic configuration for every series.
 *
 * Usage: npm run eval:forecast [-- --horizons 1h,6h --category realTraffic]
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateSeries, type HorizonAccuracy } from '../../../core/analytics/forecast/accuracy.ts';
import { parseDuration } from '../../../core/analytics/forecast/duration.ts';
import { quantile } from '../../../core/analytics/forecast/seasonal.ts';
import { parseSeriesCsv, toGrid } from '../../../core/analytics/forecast/series-csv.ts';
import { nabDataDir } from './nab.ts';

const { values: args } = parseArgs({
  options: {
    horizons: { type: 'string', default: '1h,6h' },
    category: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const dataDir = nabDataDir();
if (!dataDir) {
  console.error('eval:forecast: the NAB dataset was not found; set WATCHFLOOR_SHARED to the folder holding datasets/nab/data (default: ../shared beside the repository)');
  process.exit(1);
}
const horizons = args.horizons!.split(',').map((h) => parseDuration(h.trim(), '--horizons'));
const categories = (await readdir(dataDir)).filter((c) => c.startsWith('real') && (!args.category || c === args.category)).sort();

interface Row {
  category: string;
  file: string;
  acc: HorizonAccuracy[];
}
const rows: Row[] = [];
const files = (await Promise.all(categories.map(async (c) => (await readdir(path.join(dataDir, c))).filter((f) => f.endsWith('.csv')).sort().map((f) => ({ c, f }))))).flat();
const t0 = performance.now();
let points = 0;
for (const [i, { c, f }] of files.entries()) {
  const { ts, values } = parseSeriesCsv(await readFile(path.join(dataDir, c, f), 'utf8'));
  const grid = toGrid(ts, values);
  points += grid.values.length;
  const acc = evaluateSeries(grid, horizons);
  rows.push({ category: c, file: f, acc });
  process.stderr.write(`  [${i + 1}/${files.length}] ${c}/${f}  ${grid.values.length} points, step ${grid.stepMs / 60_000} min\n`);
}
const seconds = (performance.now() - t0) / 1000;

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '—').padStart(6);
const med = (xs: number[]): number => quantile(xs.filter(Number.isFinite), 0.5);

console.log(`# Watchfloor forecast evaluation — NAB real series (Numenta Anomaly Benchmark), ${files.length} files, ${points.toLocaleString('en')} grid points, ${seconds.toFixed(1)} s`);
console.log('# MASE = MAE / in-sample one-step naive MAE; lower is better. Coverage of the 80% interval (target 75–85%).');
for (const [k, h] of horizons.entries()) {
  const label = `${h / 3_600_000} h`;
  console.log('');
  console.log(`## horizon ${label}`);
  if (args.verbose) {
    for (const r of rows) {
      const a = r.acc[k];
      console.log(`  ${`${r.category}/${r.file}`.padEnd(58)} MASE ${fmt(a.forecaster.mase)}  naive ${fmt(a.naive.mase)}  snaive ${fmt(a.seasonalNaive.mase)}  cover ${fmt(a.coverage * 100, 0)}%`);
    }
  }
  console.log('category               series  median MASE: forecaster  naive  seasonal-naive   beats snaive  beats naive  median coverage');
  const groups = [...categories.map((c) => ({ name: c, rs: rows.filter((r) => r.category === c) })), { name: 'overall', rs: rows }];
  for (const g of groups) {
    const a = g.rs.map((r) => r.acc[k]).filter((x) => x.targets > 0);
    const beatS = a.filter((x) => x.forecaster.mae < x.seasonalNaive.mae).length;
    const beatN = a.filter((x) => x.forecaster.mae < x.naive.mae).length;
    console.log(
      `${g.name.padEnd(22)} ${String(a.length).padStart(6)}  ${' '.repeat(13)}${fmt(med(a.map((x) => x.forecaster.mase)))} ${fmt(med(a.map((x) => x.naive.mase)))}  ${fmt(med(a.map((x) => x.seasonalNaive.mase)))}   ${`${beatS}/${a.length}`.padStart(12)}  ${`${beatN}/${a.length}`.padStart(11)}  ${fmt(med(a.map((x) => x.coverage)) * 100, 1)}%`,
    );
  }
}
