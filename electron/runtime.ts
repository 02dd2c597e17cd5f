/**
 * Decisions of the launcher (`npm start`) and the shell, kept pure: is the Electron runtime there, can a
 * window open at all, what did the user ask for on the command line. Everything environmental
 * (module resolution, files, environment variables) is injected.
 */
import path from 'node:path';

/** What {@link findElectronRuntime} may touch. */
export interface RuntimeDeps {
  /** Resolve a module specifier to a file path (e.g. `createRequire(import.meta.url).resolve`). Throws when absent. */
  resolve(specifier: string): string;
  /** Read a text file. Throws when absent. */
  readFile(file: string): string;
  /** Whether a file exists. */
  exists(file: string): boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** Where the Electron binary is, or why there is none. */
export type RuntimeResult = { ok: true; binary: string } | { ok: false; reason: string };

const SETUP_HINT = 'run `npm run setup:electron` where the network allows it';

/**
 * Find the Electron binary the way the `electron` package itself does (its index.js): the file name
 * comes from `path.txt`, which the package's download script writes after unpacking into `dist/`;
 * `ELECTRON_OVERRIDE_DIST_PATH` points at another unpacked distribution instead. Unlike
 * `require('electron')`, this also checks that the binary is really on disk.
 */
export function findElectronRuntime(deps: RuntimeDeps): RuntimeResult {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(deps.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: `Electron package not installed (node_modules/electron is missing); ${SETUP_HINT}.` };
  }
  let executable: string | null = null;
  try {
    executable = deps.readFile(path.join(pkgDir, 'path.txt')).trim() || null;
  } catch {
    executable = null;
  }
  const override = deps.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, executable ?? 'electron');
    if (deps.exists(binary)) return { ok: true, binary };
    return {
      ok: false,
      reason: `Electron runtime not found: ELECTRON_OVERRIDE_DIST_PATH is set but ${binary} does not exist.`,
    };
  }
  if (executable === null) {
    return {
      ok: false,
      reason: `Electron runtime not installed (node_modules/electron/dist missing: its download is blocked or was skipped); ${SETUP_HINT}.`,
    };
  }
  const binary = path.join(pkgDir, 'dist', executable);
  if (!deps.exists(binary)) {
    return {
      ok: false,
      reason: `Electron runtime not installed (${binary} missing: its download is blocked, was skipped or was interrupted); ${SETUP_HINT}.`,
    };
  }
  return { ok: true, binary };
}

/**
 * Why a window cannot open although the runtime exists, or null when it can. On Linux a window needs an
 * X11 or Wayland display; elsewhere the desktop session always has one.
 */
export function missingDisplayReason(platform: string, env: Readonly<Record<string, string | undefined>>): string | null {
  if (platform !== 'linux') return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'No display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open.';
}

/** What `npm start` does: open the desktop shell, or serve the UI headless (and why). */
export type LaunchDecision = { mode: 'electron'; binary: string } | { mode: 'headless'; reason: string };

/** Combine the runtime lookup and the display check into one decision. */
export function decideLaunch(
  runtime: RuntimeResult,
  platform: string,
  env: Readonly<Record<string, string | undefined>>,
): LaunchDecision {
  if (!runtime.ok) return { mode: 'headless', reason: runtime.reason };
  const noDisplay = missingDisplayReason(platform, env);
  if (noDisplay !== null) return { mode: 'headless', reason: noDisplay };
  return { mode: 'electron', binary: runtime.binary };
}

/** What the user asked for on the command line. */
export interface LaunchArgs {
  /** `--wall`: one kiosk window per display. */
  wall: boolean;
  /** `--data-dir DIR`; the per-user default when absent. */
  dataDir?: string;
  /** `--port N` (0 picks a free port); {@link DEFAULT_PORT} when absent. */
  port?: number;
  /** `--otlp-port N` (0 picks a free port); the engine's default when absent. */
  otlpPort?: number;
  /** False with `--no-demo`. */
  demo: boolean;
}

/** The UI/API port when none is given, so the printed URL stays the same between runs. */
export const DEFAULT_PORT = 4780;

/** Result of {@link parseArgs}: `unknown` keeps arguments that are not ours (Electron/Chromium flags, the script path). */
export type ParsedArgs = { ok: true; args: LaunchArgs; unknown: string[] } | { ok: false; message: string };

function parsePort(flag: string, raw: string | undefined): number | string {
  if (raw === undefined || raw === '') return `${flag} needs a value (a port number 0-65535)`;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) return `${flag} must be a port number 0-65535, got "${raw}"`;
  return Number(raw);
}

/**
 * Parse the shell's options from `argv` (without the node/electron binary and script). Accepts
 * `--flag value` and `--flag=value`. Arguments that are not ours are returned in `unknown` instead of
 * failing, because Electron and test harnesses add their own Chromium switches.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: LaunchArgs = { wall: false, demo: true };
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    switch (name) {
      case '--wall':
      case '--demo':
      case '--no-demo':
        if (inline !== undefined) return { ok: false, message: `${name} takes no value` };
        if (name === '--wall') args.wall = true;
        else args.demo = name === '--demo';
        break;
      case '--data-dir': {
        const v = takeValue();
        if (v === undefined || v.trim() === '') return { ok: false, message: '--data-dir needs a directory' };
        args.dataDir = v;
        break;
      }
      case '--port':
      case '--otlp-port': {
        const v = parsePort(name, takeValue());
        if (typeof v === 'string') return { ok: false, message: v };
        if (name === '--port') args.port = v;
        else args.otlpPort = v;
        break;
      }
      default:
        unknown.push(arg);
    }
  }
  return { ok: true, args, unknown };
}

/** How {@link closeWithin} ended. */
export type CloseOutcome = 'closed' | 'timeout' | 'failed';

/**
 * Run `close` but give up after `ms`, so quitting never hangs on a stuck engine (DuckDB checkpoint,
 * a worker that ignores its cancel frame). Never rejects.
 */
export async function closeWithin(close: () => Promise<void>, ms: number): Promise<CloseOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CloseOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const closing = Promise.resolve()
    .then(close)
    .then(
      (): CloseOutcome => 'closed',
      (): CloseOutcome => 'failed',
    );
  try {
    return await Promise.race([closing, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
