/** `watchfloor import PATH...`: pour exported telemetry into a case (a data directory). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../../config.ts';
import { DEFAULT_LOG_FORMAT, IMPORT_FORMATS, runImport, type ImportFormat, type ImportProgress } from '../../forensics/importer.ts';
import { openCase } from '../../forensics/cases.ts';
import { compileLogFormat } from '../../forensics/text-formats.ts';
import { BUILTIN_FORMATS } from '../../analytics/logs/header-format.ts';
import { UsageError, type Command } from '../usage.ts';

export const importCommand: Command = {
  synopsis: 'import PATH... [options]',
  summary: 'import exported telemetry files or directories into a case',
  help: `  PATH...              files or directories (recursed); a directory with manifest.json is an evidence bundle
  --data-dir CASE      the case (data directory) to import into; default ${defaultDataDir()}
  --format F           ${IMPORT_FORMATS.join(', ')}; default: detected per file
                       (.parquet, .csv, .log/.txt by extension; JSON by its first record)
  --source NAME        service name for data that names none; default: the file's base name
  --log-format FMT     line format of plain log files in Loghub notation (needs <Content>) or one of
                       syslog, rfc3164, rfc5424, iso-level, json, raw; default "${DEFAULT_LOG_FORMAT}"

  Progress (rows/s, ETA) goes to stderr, bad rows as "file:line: reason", then one JSON summary line on
  stdout. Re-importing a file with the same content is a no-op; Ctrl-C stops after the current batch and
  a later import of the same file resumes. The case must not be open in a running engine (import through
  its UI instead). Exit 0 when every file imported (bad rows are reported, not fatal), 1 when a file
  failed, 130 when interrupted.
`,
  run: importFiles,
};

function fmtProgress(p: ImportProgress): string {
  const pct = p.bytesTotal ? ((100 * p.bytesDone) / p.bytesTotal).toFixed(1) : '100.0';
  const eta = p.etaSec === null ? '?' : `${Math.ceil(p.etaSec)}s`;
  return `import: ${pct}% file ${p.filesDone + 1}/${p.filesTotal} ${p.file} — ${p.rows.toLocaleString('en-US')} rows, ${Math.round(p.rowsPerSec).toLocaleString('en-US')} rows/s, ETA ${eta}${p.badRows ? `, ${p.badRows} bad` : ''}\n`;
}

async function importFiles(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      format: { type: 'string' },
      source: { type: 'string' },
      'log-format': { type: 'string' },
    },
  });
  if (!positionals.length) throw new UsageError('PATH: give at least one file or directory to import');
  for (const p of positionals) if (!existsSync(p)) throw new UsageError(`PATH: ${p} does not exist`);
  const format = values.format;
  if (format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: must be one of ${IMPORT_FORMATS.join(', ')}, got '${format}'`);
  }
  if (values.source !== undefined && !/^[A-Za-z0-9_.-]{1,200}$/.test(values.source)) {
    throw new UsageError('--source: must be 1-200 letters, digits, dots, dashes or underscores');
  }
  if (values['log-format'] !== undefined) {
    try {
      compileLogFormat(values['log-format']);
    } catch (err) {
      throw new UsageError(`${(err as Error).message}; e.g. "<Date> <Time> <Level> <Content>" or one of ${BUILTIN_FORMATS.join(', ')}`);
    }
  }
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const storage = await openCase(dataDir);
  const abort = new AbortController();
  const onSigint = () => {
    process.stderr.write('import: stopping after the current batch (Ctrl-C again to force)\n');
    abort.abort();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    const result = await runImport(storage, positionals, {
      format: format as ImportFormat | undefined,
      source: values.source,
      logFormat: values['log-format'],
      signal: abort.signal,
      onProgress: (p) => process.stderr.write(fmtProgress(p)),
      onBadRow: (b) => process.stderr.write(`${b.file}:${b.line}: ${b.reason}\n`),
    });
    for (const f of result.files) {
      if (f.status === 'failed') process.stderr.write(`${f.file}: import failed: ${f.error}\n`);
      if (f.status === 'skipped') process.stderr.write(`${f.file}: already imported (same SHA-256), skipped\n`);
    }
    const { bad: _bad, ...summary } = result;
    process.stdout.write(`${JSON.stringify({ event: 'imported', dataDir, ...summary })}\n`);
    if (result.interrupted) return 130;
    return result.files.some((f) => f.status === 'failed') ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await storage.close();
  }
}
