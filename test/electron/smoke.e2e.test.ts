/**
 * Smoke test of the desktop shell: the real Electron binary runs dist/electron-main.mjs (build first:
 * `node scripts/build.mjs`), which starts the engine in-process on a free port with its own data
 * directory. Skips, saying why, where the Electron runtime is not installed or no display exists.
 *
 * Run: TZ=UTC node --import tsx --test test/electron/smoke.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright';
import { closeWithin, findElectronRuntime, missingDisplayReason } from '../../electron/runtime.ts';
import { ShellWindow } from './shell.page.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const mainScript = path.join(root, 'dist', 'electron-main.mjs');
const require = createRequire(import.meta.url);

const runtime = findElectronRuntime({
  resolve: (specifier) => require.resolve(specifier),
  readFile: (file) => readFileSync(file, 'utf8'),
  exists: (file) => existsSync(file),
  env: process.env,
});
const noDisplay = missingDisplayReason(process.platform, process.env);

test('the desktop shell opens the UI, hardened', { timeout: 180_000 }, async (t) => {
  if (!runtime.ok) {
    t.skip(runtime.reason);
    return;
  }
  if (noDisplay !== null) {
    t.skip(`${noDisplay} Run under a display, e.g. xvfb-run.`);
    return;
  }
  assert.ok(existsSync(mainScript), `${mainScript} is missing: run \`node scripts/build.mjs\` first`);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'watchfloor-electron-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
  let app: ElectronApplication | null = null;
  try {
    app = await _electron.launch({
      executablePath: runtime.binary,
      args: [mainScript, '--data-dir', dataDir, '--port', '0', '--otlp-port', '0', '--no-demo'],
      env,
      timeout: 60_000,
    });
    const shell = new ShellWindow(await app.firstWindow({ timeout: 60_000 }));
    await shell.waitUntilReady(60_000);

    const probe = await shell.probe();
    assert.match(probe.origin, /^http:\/\/127\.0\.0\.1:\d+$/, 'the UI comes from the engine on loopback');
    assert.equal(probe.bridgeType, 'object', 'the preload bridge is exposed');
    assert.deepEqual(probe.bridgeKeys, ['getConfig', 'openDataDir', 'openExternal']);
    assert.equal(probe.requireType, 'undefined', 'no Node integration in the page');
    assert.equal(probe.processType, 'undefined');
    assert.equal(probe.moduleType, 'undefined');

    const config = await shell.bridgeConfig();
    assert.equal(config.apiBase, probe.origin);
    assert.ok(config.token.length >= 16, 'a real token is handed over');
    assert.equal(config.wall, false);

    assert.equal(await shell.tryOpenFileWindow(), true, 'window.open of a file: URL is refused');

    // Every window the main process made is an ordinary window on the engine's origin (no webview, no
    // stray remote page).
    const windows = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => ({ type: w.webContents.getType(), url: w.webContents.getURL() })),
    );
    assert.equal(windows.length, 1);
    assert.equal(windows[0].type, 'window');
    assert.ok(windows[0].url.startsWith(`${probe.origin}/`), windows[0].url);
  } finally {
    if (app) {
      const running = app;
      const outcome = await closeWithin(() => running.close(), 20_000);
      if (outcome !== 'closed') running.process().kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  }
});
