/**
 * `watchfloor logs parse`: mine a log file into templates, offline. One CSV row per input line, in
 * order: `line,template_id,template`, where the id and text are the line's template after the
 * whole file has been mined (a template that generalised later covers the earlier lines too).
 * Lines that do not match the format are reported on stderr with their number and mined as whole
 * content.
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { csvField } from '../../analytics/logs/csv.ts';
import { BUILTIN_FORMATS, FormatError, resolveLineFormat, type LineFormat } from '../../analytics/logs/header-format.ts';
import { TemplateMiner } from '../../analytics/logs/template-miner.ts';
import { UsageError, type Command } from '../usage.ts';

/** At most this many unmatched lines are listed one by one; the rest are counted. */
const MAX_REPORTED = 1000;
const PROGRESS_EVERY = 200_000;

export const logsCommand: Command = {
  synopsis: 'logs parse --input FILE --format FORMAT [--output FILE.csv]',
  summary: 'mine a log file into templates (CSV: line,template_id,template)',
  help: `  parse                 the only subcommand
  --input FILE          log file, one record per line
  --format FORMAT       line format in Loghub notation, e.g. '<Date> <Time> <Level> <Component>: <Content>'
                        (only <Content> is mined), or a built-in: ${BUILTIN_FORMATS.join(', ')}
  --output FILE.csv     where to write the CSV; default standard output
  Lines that do not match FORMAT are listed on stderr ("line N: ...") and mined as whole content.
`,
  run: logs,
};

async function logs(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'parse') throw new UsageError(sub === undefined ? "logs: missing subcommand; use 'logs parse'" : `logs: unknown subcommand '${sub}'; use 'logs parse'`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options: { input: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } },
  });
  if (!values.input) throw new UsageError('--input: required (the log file to parse)');
  if (!values.format) throw new UsageError('--format: required (Loghub notation or a built-in format name)');
  if (!existsSync(values.input) || !statSync(values.input).isFile()) throw new UsageError(`--input: no such file '${values.input}'`);
  let format: LineFormat;
  try {
    format = resolveLineFormat(values.format);
  } catch (err) {
    if (err instanceof FormatError) throw new UsageError(`--format: ${err.message.replace(/^format: /, '')}`);
    throw err;
  }
  if (values.output !== undefined && values.output === '') throw new UsageError('--output: empty file name');

  const miner = new TemplateMiner();
  const ids: string[] = [];
  let unmatched = 0;
  const started = performance.now();
  const lines = createInterface({ input: createReadStream(values.input, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    const parsed = format.parse(line);
    if (!parsed) {
      unmatched++;
      if (unmatched <= MAX_REPORTED) process.stderr.write(`line ${ids.length + 1}: does not match the format; mined as whole content\n`);
    }
    ids.push(miner.mine(parsed ? parsed.content : line).templateId);
    if (ids.length % PROGRESS_EVERY === 0) process.stderr.write(`  ${ids.length.toLocaleString('en')} lines mined\n`);
  }
  if (unmatched > MAX_REPORTED) process.stderr.write(`… and ${unmatched - MAX_REPORTED} more lines that do not match the format\n`);

  const out = values.output ? createWriteStream(values.output) : process.stdout;
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('line,template_id,template\n');
  const texts = new Map<string, string>();
  let chunk = '';
  for (let i = 0; i < ids.length; i++) {
    const id = miner.resolve(ids[i]!);
    let text = texts.get(id);
    if (text === undefined) {
      text = csvField(miner.get(id)!.template);
      texts.set(id, text);
    }
    chunk += `${i + 1},${id},${text}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  if (chunk) await write(chunk);
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  const secs = (performance.now() - started) / 1000;
  process.stderr.write(
    `${ids.length.toLocaleString('en')} lines, ${miner.templates().length} templates, ${unmatched} not matching the format, ${secs.toFixed(2)} s\n`,
  );
  return 0;
}
