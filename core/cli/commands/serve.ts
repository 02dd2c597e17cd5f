/** `watchfloor serve`: run the engine headless and serve the UI. */
import { parseArgs } from 'node:util';
import { defaultDataDir, DEFAULT_API_PORT, DEFAULT_OTLP_PORT } from '../../config.ts';
import { startEngine } from '../../engine.ts';
import { jsonLogger } from '../../log.ts';
import { portFlag, UsageError, type Command } from '../usage.ts';

export const serveCommand: Command = {
  synopsis: 'serve [options]',
  summary: 'run the engine headless and serve the UI',
  help: `  --data-dir DIR       data directory (DuckDB file, API token); default ${defaultDataDir()}
                       (or $WATCHFLOOR_DATA_DIR)
  --port N             API, WebSocket and UI port; default ${DEFAULT_API_PORT}; 0 picks a free port
  --otlp-port N        OTLP/HTTP receiver port (/v1/metrics, /v1/logs, /v1/traces); default ${DEFAULT_OTLP_PORT}; 0 picks a free port
  --host ADDR          address to bind both ports to; default 127.0.0.1 (loopback only)
  --demo               run the built-in demo estate (the default)
  --no-demo            do not run the demo estate
  --api-token TOKEN    token the API requires (Authorization: Bearer TOKEN); default: generated
                       once and kept in DATA_DIR/api-token
  --log-level LEVEL    debug, info, warn or error; default info (JSON lines on stderr)
  --syslog-port N      receive syslog (RFC 3164/5424) on UDP and TCP port N; off unless given; 0 picks
                       a free port (GET /api/logs/status tells which)
  --mask-log-ips       mask IP addresses in log bodies before storage (e-mails, card numbers and
                       secrets are always masked)
  --retention-hours H  move telemetry older than H hours (counted back from the newest stored event)
                       to day-partitioned Parquet in DATA_DIR/cold; queries and replays still read it.
                       Off unless given
  --retention-check-sec S  how often retention checks; default 600

  When ready, serve prints one JSON line on stdout:
  {"event":"ready","apiUrl":…,"otlpUrl":…,"uiUrl":…,"token":…,"dataDir":…,"demo":…}
`,
  run: serve,
};

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'otlp-port': { type: 'string' },
      host: { type: 'string' },
      demo: { type: 'boolean' },
      'no-demo': { type: 'boolean' },
      'api-token': { type: 'string' },
      'log-level': { type: 'string' },
      'syslog-port': { type: 'string' },
      'mask-log-ips': { type: 'boolean' },
      'retention-hours': { type: 'string' },
      'retention-check-sec': { type: 'string' },
    },
  });
  if (values.demo && values['no-demo']) throw new UsageError('--demo and --no-demo: choose one');
  const level = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`--log-level: must be debug, info, warn or error, got '${level}'`);
  const token = values['api-token'];
  if (token !== undefined && (token.length < 8 || /\s/.test(token))) throw new UsageError('--api-token: must be at least 8 characters without spaces');
  const log = jsonLogger(level as 'info');
  const engine = await startEngine({
    dataDir: values['data-dir'] ?? defaultDataDir(),
    port: portFlag(values.port, '--port', DEFAULT_API_PORT),
    otlpPort: portFlag(values['otlp-port'], '--otlp-port', DEFAULT_OTLP_PORT),
    host: values.host,
    demo: !values['no-demo'],
    apiToken: token,
    syslogPort: values['syslog-port'] === undefined ? null : portFlag(values['syslog-port'], '--syslog-port', 0),
    maskLogIps: values['mask-log-ips'] ?? false,
    retentionHours: positiveFlag(values['retention-hours'], '--retention-hours'),
    retentionCheckMs: (positiveFlag(values['retention-check-sec'], '--retention-check-sec') ?? 600) * 1000,
    log,
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', apiUrl: engine.apiUrl, otlpUrl: engine.otlpUrl, uiUrl: engine.uiUrl, token: engine.token, dataDir: engine.dataDir, demo: engine.demo })}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Bounded shutdown: a stuck step must not keep the process alive forever.
  const timer = setTimeout(() => {
    log('error', 'shutdown timed out; exiting');
    process.exit(1);
  }, 15_000);
  timer.unref();
  await engine.close();
  return 0;
}

/** A positive number flag, or null when absent; anything else is a usage error naming the flag. */
function positiveFlag(raw: string | undefined, flag: string): number | null {
  if (raw === undefined) return null;
  const v = Number(raw);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${flag}: must be a positive number, got '${raw}'`);
  return v;
}
