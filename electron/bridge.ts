/**
 * The contract between the preload (renderer side) and the main process: the one object the page sees
 * as `window.watchfloor`, the fixed IPC channel of each of its commands, and the reply envelope.
 *
 * This file is bundled into the sandboxed preload, which can require nothing but 'electron': it must stay
 * free of runtime imports (types only). Payload validation lives on the receiving side, in ipc.ts.
 */

/** What the UI needs to talk to the engine when it runs inside the desktop shell. */
export interface BridgeConfig {
  /** The engine's base URL, e.g. `http://127.0.0.1:4780` (no trailing slash). */
  apiBase: string;
  /** Bearer token for `/api/*` and the stream. */
  token: string;
  /** True when the shell runs as a video wall (one kiosk window per display). */
  wall: boolean;
}

/** An error crossing the bridge. Commands reject with this shape, never with a bare string. */
export interface BridgeError {
  code: string;
  message: string;
}

/** `window.watchfloor`: one function per command, nothing generic. */
export interface WatchfloorBridge {
  /** Where the engine is and how to authenticate to it. */
  getConfig(): Promise<BridgeConfig>;
  /** Reveal the engine's data directory in the system file manager. */
  openDataDir(): Promise<void>;
  /** Open an external http(s) link in the system browser (never inside the app). */
  openExternal(url: string): Promise<void>;
}

/** The fixed IPC channel of each command. The main process registers exactly these. */
export const BRIDGE_CHANNELS = {
  getConfig: 'watchfloor:get-config',
  openDataDir: 'watchfloor:open-data-dir',
  openExternal: 'watchfloor:open-external',
} as const satisfies Record<keyof WatchfloorBridge, string>;

/** A channel name of {@link BRIDGE_CHANNELS}. */
export type BridgeChannel = (typeof BRIDGE_CHANNELS)[keyof typeof BRIDGE_CHANNELS];

/**
 * What the main process answers on every channel. Errors travel inside the envelope because an error
 * thrown by an `ipcMain.handle` handler reaches the renderer as a re-worded Error that loses its code.
 */
export type IpcReply<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

/** `ipcRenderer.invoke`, injected so the bridge can be built and tested without Electron. */
export type Invoke = (channel: BridgeChannel, ...args: unknown[]) => Promise<unknown>;

function isBridgeError(v: unknown): v is BridgeError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as BridgeError).code === 'string' &&
    typeof (v as BridgeError).message === 'string'
  );
}

/**
 * Unwrap one reply: the value, or a rejection with a plain `{code, message}` (plain data survives the
 * context bridge intact; an Error object would be re-created with its message only).
 */
async function call<T>(invoke: Invoke, channel: BridgeChannel, ...args: unknown[]): Promise<T> {
  let reply: unknown;
  try {
    reply = await invoke(channel, ...args);
  } catch (err) {
    throw { code: 'ipc-failed', message: err instanceof Error ? err.message : String(err) } satisfies BridgeError;
  }
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) {
    const r = reply as IpcReply<T>;
    if (r.ok) return r.value;
    if (isBridgeError(r.error)) throw { code: r.error.code, message: r.error.message } satisfies BridgeError;
  }
  throw { code: 'bad-reply', message: `unexpected reply on ${channel}` } satisfies BridgeError;
}

/** Build the object the preload exposes, from an injected `ipcRenderer.invoke`. */
export function createBridge(invoke: Invoke): WatchfloorBridge {
  return {
    getConfig: () => call<BridgeConfig>(invoke, BRIDGE_CHANNELS.getConfig),
    openDataDir: () => call<void>(invoke, BRIDGE_CHANNELS.openDataDir),
    openExternal: (url: string) => call<void>(invoke, BRIDGE_CHANNELS.openExternal, url),
  } satisfies WatchfloorBridge;
}
