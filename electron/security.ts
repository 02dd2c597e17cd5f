/**
 * The shell's security decisions, as pure functions so each can be tested without Electron. The only
 * content a window may show is the engine's own UI (one loopback origin); everything else is denied, and
 * external http(s) links go to the system browser.
 */
import type { WebPreferences } from 'electron';

/** The origin (`scheme://host:port`) of an absolute URL, or null when it does not parse. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    // Opaque origins (data:, blob:, about:, file:) serialise as the string "null": never a match.
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

/** True when a window may navigate to `url`: only pages of the engine's own origin. */
export function isAllowedNavigation(url: string, engineOrigin: string): boolean {
  const origin = originOf(url);
  return origin !== null && origin === engineOrigin;
}

/**
 * True when the session may fetch `url`. The engine's origin over HTTP and its WebSocket (same host and
 * port, ws/wss), plus the in-memory schemes the UI builds itself (data:, blob:) and DevTools' own pages.
 * Anything else (remote scripts, fonts, trackers) is cancelled.
 */
export function isAllowedRequest(url: string, engineOrigin: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:') return true;
  if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin === engineOrigin;
  if (u.protocol === 'ws:' || u.protocol === 'wss:') {
    const engine = new URL(engineOrigin);
    const secureMatches = (u.protocol === 'wss:') === (engine.protocol === 'https:');
    return secureMatches && u.host === engine.host;
  }
  return false;
}

/**
 * True when `url` may be handed to the operating system's browser: http(s) only (no file:, custom
 * schemes or javascript:, which could launch local programs), with a host, and without embedded
 * credentials.
 */
export function isSafeExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    (u.protocol === 'https:' || u.protocol === 'http:') &&
    u.hostname !== '' &&
    u.username === '' &&
    u.password === '' &&
    url.length <= 2048
  );
}

/**
 * Permissions the engine's UI may use. Everything else (camera, microphone, geolocation, notifications,
 * HID/serial/USB, openExternal through the permission path...) is denied.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  // The wall's kiosk view and the "present" button use the Fullscreen API.
  'fullscreen',
  // "Copy link / copy query" buttons write sanitised text to the clipboard.
  'clipboard-sanitized-write',
]);

/**
 * Decide a permission request or check: allowed only for a permission in {@link ALLOWED_PERMISSIONS},
 * asked for by a page of the engine's origin. `requestingUrl` may be a full URL or a bare origin
 * (Electron passes either, depending on the handler); an empty or unknown requester is denied.
 */
export function permissionDecision(permission: string, requestingUrl: string | undefined, engineOrigin: string): boolean {
  if (!ALLOWED_PERMISSIONS.has(permission)) return false;
  if (!requestingUrl) return false;
  return originOf(requestingUrl) === engineOrigin;
}

/**
 * The hardened webPreferences of every window (Electron's security checklist). `preload` is the
 * absolute path of dist/electron-preload.cjs.
 */
export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/**
 * The Content-Security-Policy the shell adds to every response of the engine's origin (the engine sends
 * its own too; when both are present the browser enforces both). Scripts only from the engine; no
 * plugins, frames, forms or base-URL tricks; connections only to the engine over HTTP and WebSocket.
 */
export function contentSecurityPolicy(engineOrigin: string): string {
  const engine = new URL(engineOrigin);
  const ws = `${engine.protocol === 'https:' ? 'wss' : 'ws'}://${engine.host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Charting and graph libraries (ECharts, cytoscape) and React set inline style attributes; inline
    // styles cannot run code, so this is the one loosening.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Response headers with `csp` added. An existing policy (under any letter case) is kept next to ours,
 * so the stricter of the two wins for each directive; header names other than CSP are untouched.
 */
export function withContentSecurityPolicy(
  headers: Record<string, string | string[]> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const policies: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (name.toLowerCase() === 'content-security-policy') policies.push(...values);
    else out[name] = values;
  }
  if (!policies.includes(csp)) policies.push(csp);
  out['Content-Security-Policy'] = policies;
  return out;
}
