/**
 * What every `watchfloor` subcommand shares: the usage error (exit code 2) and flag parsers that name
 * the flag in their message.
 */

/** A usage or input error: printed with the help hint, exit code 2. */
export class UsageError extends Error {}

/** A port flag: integer 0-65535, `fallback` when absent. */
export function portFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: must be a port number 0-65535, got '${value}'`);
  return n;
}

/** One subcommand of the CLI. */
export interface Command {
  /** One line for the command list in `--help`, e.g. `serve [options]`. */
  synopsis: string;
  /** What it does, one line. */
  summary: string;
  /** Full option help, printed by `watchfloor --help` under the command's name. */
  help: string;
  /** Runs it with the arguments after the command name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
