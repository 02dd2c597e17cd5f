/**
 * Which windows to open where. Pure: takes the displays Electron reports and returns one plan per window,
 * so the wall layout can be tested without a screen.
 */

/** A rectangle in screen coordinates (DIP), as Electron's `Rectangle`. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of Electron's `Display` the planner reads. */
export interface DisplayInfo {
  id: number;
  bounds: Rect;
  workArea: Rect;
}

/** One window to open. */
export interface WindowPlan {
  /** The display the window belongs to (on a wall, its window is closed when the display goes away). */
  displayId: number | null;
  bounds: Rect;
  kiosk: boolean;
  fullscreen: boolean;
  url: string;
}

/** Options of {@link planWindows}. */
export interface PlanOptions {
  /** Video-wall mode: one kiosk, full-screen window per display. */
  wall: boolean;
  /** The engine's base URL, e.g. `http://127.0.0.1:4780`. */
  apiBase: string;
  /** The API token, handed to the page in the URL fragment (never sent to a server). */
  token: string;
  /** The primary display's id; the normal-mode window opens there. Defaults to the first display. */
  primaryId?: number;
}

/** Size of the normal-mode window when the display is large enough. */
export const DEFAULT_WINDOW = { width: 1600, height: 1000 } as const;

/**
 * The UI's URL: the engine's root, `?kiosk` on a wall, and the token in the fragment
 * (`#token=…`), which the browser keeps out of requests and logs.
 */
export function uiUrl(apiBase: string, token: string, kiosk: boolean): string {
  const u = new URL(apiBase);
  u.pathname = '/';
  u.search = kiosk ? 'kiosk' : '';
  u.hash = `token=${encodeURIComponent(token)}`;
  return u.href;
}

/** A window of at most {@link DEFAULT_WINDOW}, centred in `area`. */
function centredIn(area: Rect): Rect {
  const width = Math.min(DEFAULT_WINDOW.width, area.width);
  const height = Math.min(DEFAULT_WINDOW.height, area.height);
  return {
    x: area.x + Math.floor((area.width - width) / 2),
    y: area.y + Math.floor((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * Plan the windows. Normal mode: one ordinary window centred on the primary display's work area.
 * Wall mode: one kiosk, full-screen window covering each display's whole bounds, ordered left to right
 * then top to bottom (so window order follows the physical layout). With no display reported at all
 * (a headless session), one ordinary window of the default size.
 */
export function planWindows(displays: readonly DisplayInfo[], opts: PlanOptions): WindowPlan[] {
  if (displays.length === 0) {
    return [
      {
        displayId: null,
        bounds: { x: 0, y: 0, ...DEFAULT_WINDOW },
        kiosk: false,
        fullscreen: false,
        url: uiUrl(opts.apiBase, opts.token, false),
      },
    ];
  }
  if (opts.wall) {
    const ordered = [...displays].sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y || a.id - b.id);
    return ordered.map((d) => ({
      displayId: d.id,
      bounds: { ...d.bounds },
      kiosk: true,
      fullscreen: true,
      url: uiUrl(opts.apiBase, opts.token, true),
    }));
  }
  const primary = displays.find((d) => d.id === opts.primaryId) ?? displays[0];
  return [
    {
      displayId: primary.id,
      bounds: centredIn(primary.workArea),
      kiosk: false,
      fullscreen: false,
      url: uiUrl(opts.apiBase, opts.token, false),
    },
  ];
}
