/**
 * The Electron main process (bundled to dist/electron-main.mjs). A thin shell: it starts the engine
 * in-process, opens the window(s) on the engine's own UI, hardens every web contents and session, answers
 * the preload's few commands, and closes the engine on quit. No business logic lives here; every decision
 * is a pure function in runtime.ts, windows.ts, security.ts or ipc.ts.
 *
 * Usage: electron dist/electron-main.mjs [--wall] [--data-dir DIR] [--port N] [--otlp-port N] [--no-demo]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  screen,
  session,
  shell,
  type Display,
  type Session,
  type WebContents,
} from 'electron';
import { defaultDataDir } from '../core/config.ts';
import { startEngine } from '../core/engine.ts';
import { BRIDGE_CHANNELS, type BridgeChannel } from './bridge.ts';
import { createIpcHandlers } from './ipc.ts';
import { closeWithin, DEFAULT_PORT, parseArgs } from './runtime.ts';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  isAllowedRequest,
  isSafeExternalUrl,
  permissionDecision,
  webPreferences,
  withContentSecurityPolicy,
} from './security.ts';
import { planWindows, type DisplayInfo, type WindowPlan } from './windows.ts';

/** How long quitting waits for the engine to flush and close before giving up. */
const ENGINE_CLOSE_TIMEOUT_MS = 10_000;

const preloadPath = fileURLToPath(new URL('./electron-preload.cjs', import.meta.url));

/** The engine's origin once it runs; until then every navigation and request is denied. */
let engineOrigin: string | null = null;

function log(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, component: 'electron', ...fields }));
}

function toDisplayInfo(d: Display): DisplayInfo {
  return { id: d.id, bounds: d.bounds, workArea: d.workArea };
}

/** Navigation, new windows and webviews, for every web contents ever created (windows, DevTools, popups). */
function hardenWebContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event) => {
    if (!engineOrigin || !isAllowedNavigation(event.url, engineOrigin)) {
      log('navigation-denied', { url: event.url.slice(0, 200) });
      event.preventDefault();
    }
  });
  contents.on('will-frame-navigate', (event) => {
    if (!engineOrigin || !isAllowedNavigation(event.url, engineOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!engineOrigin || !isAllowedNavigation(event.url, engineOrigin)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (engineOrigin && isAllowedNavigation(url, engineOrigin)) {
      // A second view of the UI (e.g. an incident dragged to another monitor) gets the same hardening.
      return { action: 'allow', overrideBrowserWindowOptions: { webPreferences: webPreferences(preloadPath) } };
    }
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    else log('window-open-denied', { url: url.slice(0, 200) });
    return { action: 'deny' };
  });
}

/** Permissions, remote requests and the CSP, for the session all windows share. */
function hardenSession(ses: Session, origin: string): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionDecision(permission, details.requestingUrl, origin));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionDecision(permission, requestingOrigin, origin),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, origin);
    if (!allowed) log('request-denied', { url: details.url.slice(0, 200) });
    callback({ cancel: !allowed });
  });
  const csp = contentSecurityPolicy(origin);
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (isAllowedNavigation(details.url, origin)) {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
    } else {
      callback({});
    }
  });
}

function openWindow(plan: WindowPlan): BrowserWindow {
  const win = new BrowserWindow({
    ...plan.bounds,
    show: false,
    title: 'Watchfloor',
    backgroundColor: '#0b0f14',
    autoHideMenuBar: plan.kiosk,
    webPreferences: webPreferences(preloadPath),
  });
  win.once('ready-to-show', () => {
    // Kiosk and full screen are applied after the window sits on its display's bounds, so each wall
    // window fills its own display rather than the primary one.
    win.setBounds(plan.bounds);
    if (plan.kiosk) win.setKiosk(true);
    if (plan.fullscreen) win.setFullScreen(true);
    win.show();
  });
  win.webContents.on('did-fail-load', (_e, code, description, url) => {
    log('load-failed', { code, description, url: url.slice(0, 200) });
  });
  win.loadURL(plan.url).catch((err: unknown) => log('load-failed', { error: String(err) }));
  return win;
}

async function main(): Promise<void> {
  // Everything after the binary: the script path (when unpackaged) and Chromium switches added by
  // Electron or a test harness land in `unknown` and are ignored.
  const parsed = parseArgs(process.argv.slice(1));
  if (!parsed.ok) {
    console.error(`watchfloor: ${parsed.message}`);
    app.exit(2);
    return;
  }
  const { args } = parsed;
  const dataDir = path.resolve(args.dataDir ?? defaultDataDir());

  // Before ready (no await above this point): the Chromium profile lives with the data, and the
  // single-instance lock is therefore per data directory — exactly DuckDB's rule of one writer per file.
  app.setPath('userData', path.join(dataDir, 'electron'));
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    console.error(`watchfloor: already running on ${dataDir}; focusing that window instead.`);
    app.exit(0);
    return;
  }
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  await app.whenReady();
  if (args.wall) Menu.setApplicationMenu(null);

  let engine: Awaited<ReturnType<typeof startEngine>>;
  try {
    engine = await startEngine({
      dataDir,
      port: args.port ?? DEFAULT_PORT,
      otlpPort: args.otlpPort,
      demo: args.demo,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log('engine-failed', { message });
    dialog.showErrorBox('Watchfloor could not start its engine', message);
    app.exit(1);
    return;
  }
  const origin = new URL(engine.apiUrl).origin;
  engineOrigin = origin;
  hardenSession(session.defaultSession, origin);
  log('engine-ready', { apiUrl: engine.apiUrl, otlpUrl: engine.otlpUrl, dataDir: engine.dataDir, demo: engine.demo });

  const handlers = createIpcHandlers({
    engineOrigin: origin,
    config: { apiBase: engine.apiUrl.replace(/\/+$/, ''), token: engine.token, wall: args.wall },
    openDataDir: () => shell.openPath(engine.dataDir),
    openExternal: (url) => shell.openExternal(url),
  });
  for (const channel of Object.values(BRIDGE_CHANNELS) as BridgeChannel[]) {
    ipcMain.handle(channel, (event, ...payload: unknown[]) => handlers[channel](event.senderFrame?.url, payload));
  }

  const planFor = (displays: readonly Display[]): WindowPlan[] =>
    planWindows(displays.map(toDisplayInfo), {
      wall: args.wall,
      apiBase: engine.apiUrl,
      token: engine.token,
      primaryId: screen.getPrimaryDisplay().id,
    });
  /** Wall windows by display id, so plugging and unplugging screens opens and closes theirs. */
  const wallWindows = new Map<number, BrowserWindow>();
  for (const plan of planFor(screen.getAllDisplays())) {
    const win = openWindow(plan);
    if (args.wall && plan.displayId !== null) {
      wallWindows.set(plan.displayId, win);
      win.on('closed', () => wallWindows.delete(plan.displayId as number));
    }
  }
  if (args.wall) {
    screen.on('display-added', (_e, display) => {
      for (const plan of planFor([display])) {
        const win = openWindow(plan);
        wallWindows.set(display.id, win);
        win.on('closed', () => wallWindows.delete(display.id));
      }
    });
    screen.on('display-removed', (_e, display) => wallWindows.get(display.id)?.close());
    screen.on('display-metrics-changed', (_e, display) => wallWindows.get(display.id)?.setBounds(display.bounds));
  }

  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // An operations console has no life without its windows: closing the last one quits, on every OS.
  app.on('window-all-closed', () => app.quit());

  let engineClosed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    if (engineClosed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    void closeWithin(() => engine.close(), ENGINE_CLOSE_TIMEOUT_MS).then((outcome) => {
      log('engine-closed', { outcome });
      engineClosed = true;
      app.quit();
    });
  });
}

main().catch((err: unknown) => {
  console.error('watchfloor: the desktop shell failed:', err);
  app.exit(1);
});
