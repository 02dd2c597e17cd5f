/**
 * The `watchfloor` command. Exit codes: 0 done, 1 failed at run time, 2 bad usage or input.
 * Each subcommand lives in commands/ and is listed once in `COMMANDS`; help is built from that list.
 */
import { auditCommand } from './commands/audit.ts';
import { logsCommand } from './commands/logs.ts';
import { importCommand } from './commands/import.ts';
import { detectCommand } from './commands/detect.ts';
import { forecastCommand } from './commands/forecast.ts';
import { serveCommand } from './commands/serve.ts';
import { UsageError, type Command } from './usage.ts';

const VERSION = '0.1.0';

/** Every subcommand, by name, in the order `--help` lists them. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  serve: serveCommand,
  audit: auditCommand,
  logs: logsCommand,
  import: importCommand,
  detect: detectCommand,
  forecast: forecastCommand,
};

/** The full help text. */
export function helpText(): string {
  const entries = Object.values(COMMANDS);
  const width = Math.max(...entries.map((c) => c.synopsis.length)) + 2;
  const list = entries.map((c) => `  watchfloor ${c.synopsis.padEnd(width)}${c.summary}`).join('\n');
  const details = Object.entries(COMMANDS)
    .map(([name, c]) => `${name} options:\n${c.help}`)
    .join('\n');
  return `watchfloor ${VERSION} — AIOps operations center\n\nUsage:\n${list}\n  watchfloor --help | --version\n\n${details}`;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(helpText());
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        process.stdout.write(`${VERSION}\n`);
        return 0;
    }
    const cmd = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!cmd) throw new UsageError(`unknown command '${command}'`);
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`watchfloor: ${(err as Error).message}\nRun 'watchfloor --help' for usage.\n`);
      return 2;
    }
    process.stderr.write(`watchfloor: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/dist/cli.mjs');
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
