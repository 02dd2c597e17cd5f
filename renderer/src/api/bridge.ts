/**
 * The Electron preload bridge as the renderer sees it. The preload (electron/) exposes exactly this
 * object as `window.watchfloor`; in a plain browser (wall kiosk, Playwright) it is absent, which is
 * why every use goes through `getBridge()`.
 */

/** What the desktop shell tells the UI at start-up. */
export interface WatchfloorConfig {
  /** Base URL of the engine's API, e.g. `http://127.0.0.1:4780`; empty means same origin. */
  apiBase: string;
  /** Bearer token for `/api/*` and the stream. */
  token: string;
  /** True when this window is a wall display (kiosk mode). */
  wall: boolean;
}

/** The object the preload exposes: one function per command. */
export interface WatchfloorBridge {
  getConfig(): WatchfloorConfig;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell. */
    watchfloor?: WatchfloorBridge;
  }
}

/** The preload bridge when running inside Electron, otherwise undefined. */
export function getBridge(): WatchfloorBridge | undefined {
  return typeof window === 'undefined' ? undefined : window.watchfloor;
}
