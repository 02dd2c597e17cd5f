/**
 * Engine-wide settings that depend on the machine: where data lives and the default ports.
 */
import os from 'node:os';
import path from 'node:path';

/** Default port of the HTTP/WebSocket API and the UI. */
export const DEFAULT_API_PORT = 4780;
/** Default port of the OTLP/HTTP receiver (the OpenTelemetry standard port). */
export const DEFAULT_OTLP_PORT = 4318;

/**
 * The per-user data directory: `$WATCHFLOOR_DATA_DIR` when set; otherwise `$XDG_DATA_HOME/watchfloor`
 * (default `~/.local/share/watchfloor`) on Linux, `~/Library/Application Support/Watchfloor` on macOS
 * and `%APPDATA%\Watchfloor` on Windows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.WATCHFLOOR_DATA_DIR) return path.resolve(env.WATCHFLOOR_DATA_DIR);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Watchfloor');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Watchfloor');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'watchfloor');
}
