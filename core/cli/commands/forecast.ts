/**
 * `watchfloor forecast --input FILE.csv --horizon 6h [--limit X]`: forecast one series from a CSV file
 * with the engine's own code: the seasonal forecaster for the value at the horizon (80% interval),
 * the capacity bank for the time to the limit, and a walk-forward check against naive baselines.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateSeries } from '../../analytics/forecast/accuracy.ts';
import { CapacityForecastBank } from '../../analytics/forecast/capacity-bank.ts';
import { formatDuration, parseDuration } from '../../analytics/forecast/duration.ts';
import { SeasonalForecaster } from '../../analytics/forecast/seasonal.ts';
import { CsvError, parseSeriesCsv, toGrid } from '../../analytics/forecast/series-csv.ts';
import { UsageError, type Command } from '../usage.ts';

export const forecastCommand: Command = {
  synopsis: 'forecast --input FILE.csv --horizon 6h [--limit X]',
  summary: 'forecast one series from a CSV file; time to a limit',
  help: `  --input FILE         CSV of 'time,value' lines (header optional; time as RFC 3339, 'YYYY-MM-DD hh:mm:ss'
                       in UTC, or epoch seconds/milliseconds)
  --horizon DURATION   how far ahead, e.g. 90m, 6h, 2d
  --limit X            the value at which the resource is exhausted: prints when the series reaches it
  --json               print one JSON object instead of text
`,
  run: forecast,
};

async function forecast(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { input: { type: 'string' }, horizon: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.input) throw new UsageError('--input: required (a CSV file of time,value lines)');
  if (!values.horizon) throw new UsageError('--horizon: required (e.g. 6h)');
  let horizonMs: number;
  try {
    horizonMs = parseDuration(values.horizon, '--horizon');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let limit: number | null = null;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (values.limit.trim() === '' || !Number.isFinite(limit)) throw new UsageError(`--limit: must be a number, got '${values.limit.slice(0, 40)}'`);
  }
  const text = await readFile(values.input, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--input: cannot read ${values.input}: ${err.code ?? err.message}`);
  });
  let parsed: { ts: number[]; values: number[] };
  try {
    parsed = parseSeriesCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new UsageError(`--input: ${values.input} ${err.message}`);
    throw err;
  }
  if (parsed.ts.length < 3) throw new UsageError(`--input: ${values.input} has ${parsed.ts.length} points; at least 3 are needed`);
  let grid;
  try {
    grid = toGrid(parsed.ts, parsed.values);
  } catch (err) {
    throw new UsageError(`--input: ${values.input}: ${(err as Error).message}`);
  }
  const steps = Math.max(1, Math.round(horizonMs / grid.stepMs));
  // A short horizon is tracked too: its errors weigh the candidates while the long one has too few.
  const f = new SeasonalForecaster({ stepMs: grid.stepMs, horizons: [steps, Math.min(steps, Math.max(1, Math.round(3_600_000 / grid.stepMs)))] });
  for (let i = 0; i < grid.values.length; i++) f.update(grid.start + i * grid.stepMs, grid.values[i]);
  const last = grid.start + (grid.values.length - 1) * grid.stepMs;
  const at = f.forecast(steps);

  let crossing: { time: number; lo: number; hi: number | null } | null = null;
  let probability: number | null = null;
  if (limit !== null) {
    // The engine's capacity bank, with the operator limit as the exhaustion threshold itself.
    const bank = new CapacityForecastBank({ limits: [{ metric: '*', limit }], fullAt: 1, horizonMs, warnHorizonMs: horizonMs });
    bank.observe(
      {
        seriesKeys: [{ key: 'input', entity: 'file:input', service: null, host: null, name: 'input', unit: '', attributes: {} }],
        series: new Int32Array(parsed.ts.length),
        ts: Float64Array.from(parsed.ts),
        values: Float64Array.from(parsed.values),
      },
      Date.now(),
    );
    const fc = bank.forecasts().forecasts[0];
    crossing = fc?.crossing && fc.crossing.time - last <= horizonMs ? fc.crossing : null;
    probability = fc?.probability ?? 0;
  }
  const acc = grid.values.length > Math.round(86_400_000 / grid.stepMs) + steps + 10 ? evaluateSeries(grid, [horizonMs])[0] : null;

  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ input: values.input, points: grid.points, stepMs: grid.stepMs, last, horizonMs, forecast: { time: last + steps * grid.stepMs, ...at }, limit, crossing, probability, accuracy: acc })}\n`,
    );
    return 0;
  }
  const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
  const lines = [
    `${values.input}: ${grid.points} points, step ${formatDuration(grid.stepMs)}, last at ${iso(last)}`,
    `forecast at ${iso(last + steps * grid.stepMs)} (+${formatDuration(horizonMs)}): ${num(at.mean)}  80% interval ${num(at.lo)} – ${num(at.hi)}`,
  ];
  if (limit !== null) {
    lines.push(
      crossing
        ? `limit ${num(limit)}: reached in ${formatDuration(crossing.time - last)} at ${iso(crossing.time)}  80% interval ${iso(crossing.lo)} – ${crossing.hi === null ? 'never' : iso(crossing.hi)}`
        : `limit ${num(limit)}: not reached within ${formatDuration(horizonMs)}`,
      `probability of reaching the limit within ${formatDuration(horizonMs)}: ${((probability ?? 0) * 100).toFixed(0)}%`,
    );
  }
  if (acc) {
    lines.push(
      `walk-forward at +${formatDuration(horizonMs)} over ${acc.targets} targets: MASE ${num(acc.forecaster.mase)} (naive ${num(acc.naive.mase)}, seasonal-naive ${num(acc.seasonalNaive.mase)}), 80% interval coverage ${(acc.coverage * 100).toFixed(1)}%`,
    );
  } else lines.push('walk-forward check skipped: needs more than a day of history plus the horizon');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function num(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
