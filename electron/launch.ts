/**
 * What `npm start` runs (bundled to dist/launch.mjs). Opens the desktop shell when the Electron runtime
 * is installed and a display exists; otherwise says in one line why no window opens and serves the same
 * UI headless from an in-process engine, printing its URL.
 *
 * Usage: node dist/launch.mjs [--wall] [--data-dir DIR] [--port N] [--otlp-port N] [--no-demo]
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeWithin, decideLaunch, DEFAULT_PORT, findElectronRuntime, parseArgs, type LaunchArgs } from './runtime.ts';
import { uiUrl } from './windows.ts';

const ENGINE_CLOSE_TIMEOUT_MS = 10_000;
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** dist/electron-main.mjs, whether this runs as the bundle (dist/launch.mjs) or from source under tsx. */
function mainScriptPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return import.meta.url.endsWith('.ts')
    ? path.join(here, '..', 'dist', 'electron-main.mjs')
    : path.join(here, 'electron-main.mjs');
}

/** Run the desktop shell as a child and mirror its fate: same exit code, same terminating signal. */
function runElectron(binary: string, mainScript: string, userArgs: readonly string[]): Promise<never> {
  const env = { ...process.env };
  // Set by some tool chains; it would make the binary behave as plain Node and never open a window.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [mainScript, ...userArgs], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => {
    child.kill(signal);
  };
  const listeners = FORWARDED_SIGNALS.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return new Promise<never>((_resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [s, listener] of listeners) process.off(s, listener);
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}

/** Start the engine in this process and keep serving until interrupted. */
async function serveHeadless(args: LaunchArgs): Promise<void> {
  // Loaded only on this path: the engine pulls in DuckDB, which the desktop path never needs here.
  const [{ startEngine }, { defaultDataDir }] = await Promise.all([
    import('../core/engine.ts'),
    import('../core/config.ts'),
  ]);
  const engine = await startEngine({
    dataDir: path.resolve(args.dataDir ?? defaultDataDir()),
    port: args.port ?? DEFAULT_PORT,
    otlpPort: args.otlpPort,
    demo: args.demo,
  });
  console.log(`Watchfloor UI: ${uiUrl(engine.apiUrl, engine.token, false)}`);
  if (args.wall) console.log(`Wall (kiosk) view: ${uiUrl(engine.apiUrl, engine.token, true)}`);
  console.log(`OTLP/HTTP receiver: ${engine.otlpUrl}   data: ${engine.dataDir}   demo: ${engine.demo ? 'on' : 'off'}`);
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void closeWithin(() => engine.close(), ENGINE_CLOSE_TIMEOUT_MS).then((outcome) => {
      if (outcome !== 'closed') console.error(`watchfloor: engine shutdown ${outcome}`);
      process.exit(outcome === 'closed' ? 0 : 1);
    });
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, stop);
}

async function main(): Promise<void> {
  const userArgs = process.argv.slice(2);
  const parsed = parseArgs(userArgs);
  if (!parsed.ok) {
    console.error(`watchfloor: ${parsed.message}`);
    process.exit(2);
  }
  const require = createRequire(import.meta.url);
  const decision = decideLaunch(
    findElectronRuntime({
      resolve: (specifier) => require.resolve(specifier),
      readFile: (file) => readFileSync(file, 'utf8'),
      exists: (file) => existsSync(file),
      env: process.env,
    }),
    process.platform,
    process.env,
  );

  if (decision.mode === 'electron') {
    const mainScript = mainScriptPath();
    if (!existsSync(mainScript)) {
      console.error(`watchfloor: ${mainScript} is missing; run \`node scripts/build.mjs\` first.`);
      process.exit(1);
    }
    try {
      await runElectron(decision.binary, mainScript, userArgs);
      return;
    } catch (err) {
      console.error(
        `${decision.binary} could not be started (${err instanceof Error ? err.message : String(err)}). Serving the UI headless instead.`,
      );
    }
  } else {
    console.error(`${decision.reason} Serving the UI headless instead.`);
  }
  if (parsed.unknown.length > 0) console.error(`watchfloor: ignoring unknown arguments: ${parsed.unknown.join(' ')}`);
  await serveHeadless(parsed.args);
}

main().catch((err: unknown) => {
  console.error('watchfloor:', err instanceof Error ? err.message : err);
  process.exit(1);
});
