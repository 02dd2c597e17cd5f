/**
 * Structured logging: one JSON object per line on stderr. Never pass secrets or unmasked personal
 * data in fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing JSON lines to `out` (stderr by default) at `minLevel` and above. */
export function jsonLogger(minLevel: LogLevel = 'info', out: NodeJS.WritableStream = process.stderr): Logger {
  return (level, msg, fields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = () => {};
