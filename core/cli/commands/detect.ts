/** `watchfloor detect`: run the engine's anomaly detector over a CSV file. */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_ANALYTICS_CONFIG } from '../../analytics/config.ts';
import { CsvFormatError, detectCsv } from '../../analytics/detection/detect-csv.ts';
import { UsageError, type Command } from '../usage.ts';

export const detectCommand: Command = {
  synopsis: 'detect --input FILE.csv [options]',
  summary: 'score a CSV of time series with the engine\'s anomaly detector',
  help: `  --input FILE.csv     CSV with a 'timestamp' column (RFC 3339, epoch seconds or epoch ms) and
                       one or more numeric columns
  --output FILE.csv    where to write the scores; default stdout
  --threshold X        is_anomaly when anomaly_score >= X (0-1); default ${DEFAULT_ANALYTICS_CONFIG.anomalyThreshold},
                       the threshold the engine alerts on

  Output: timestamp,anomaly_score,is_anomaly,score_<column>… in input order. anomaly_score combines
  the columns (one entity); score_<column> is each column's own score. Each score uses only the rows
  before it. Missing or non-numeric values are skipped and reported on stderr; a malformed file exits
  2 naming the line and the reason.
`,
  run: detect,
};

async function detect(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { input: { type: 'string' }, output: { type: 'string' }, threshold: { type: 'string' } },
  });
  if (!values.input) throw new UsageError('--input: required (a CSV file with a timestamp column)');
  let threshold = DEFAULT_ANALYTICS_CONFIG.anomalyThreshold;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (values.threshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
      throw new UsageError(`--threshold: must be a number from 0 to 1, got '${values.threshold}'`);
    }
  }
  let text: string;
  try {
    text = await readFile(values.input, 'utf8');
  } catch (err) {
    throw new UsageError(`--input: cannot read '${values.input}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let result;
  try {
    result = detectCsv(text, {
      threshold,
      onProgress: (done, total) => process.stderr.write(`detect: ${Math.round((100 * done) / total)}% (${done}/${total} rows)\n`),
    });
  } catch (err) {
    if (err instanceof CsvFormatError) throw new UsageError(`${values.input}: ${err.message}`);
    throw err;
  }
  if (values.output) await writeFile(values.output, result.csv);
  else process.stdout.write(result.csv);
  for (const s of result.skipped.slice(0, 20)) {
    process.stderr.write(`detect: skipped line ${s.line} column '${s.column}': ${s.reason === 'missing' ? 'missing value' : `non-numeric value '${s.text}'`}\n`);
  }
  if (result.skippedCount > 20) process.stderr.write(`detect: … ${result.skippedCount - 20} more skipped values\n`);
  process.stderr.write(
    `detect: ${result.rows} rows, ${result.columns.length} column(s) (${result.columns.join(', ')}), ${result.anomalies} anomalous rows at threshold ${threshold}, ${result.skippedCount} value(s) skipped\n`,
  );
  return 0;
}
