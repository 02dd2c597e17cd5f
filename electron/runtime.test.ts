import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  closeWithin,
  decideLaunch,
  findElectronRuntime,
  missingDisplayReason,
  parseArgs,
  type RuntimeDeps,
} from './runtime.ts';

const PKG = path.join('/app', 'node_modules', 'electron');

/** A fake file system: `files` maps path → content; resolve finds electron only when `installed`. */
function deps(files: Record<string, string>, env: Record<string, string> = {}, installed = true): RuntimeDeps {
  return {
    resolve: (specifier) => {
      if (!installed || specifier !== 'electron/package.json') throw new Error(`Cannot find module '${specifier}'`);
      return path.join(PKG, 'package.json');
    },
    readFile: (file) => {
      if (!(file in files)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return files[file];
    },
    exists: (file) => file in files,
    env,
  };
}

describe('findElectronRuntime', () => {
  test('finds the binary named by path.txt under dist/', () => {
    const binary = path.join(PKG, 'dist', 'electron');
    const r = findElectronRuntime(deps({ [path.join(PKG, 'path.txt')]: 'electron\n', [binary]: '' }));
    assert.deepEqual(r, { ok: true, binary });
  });

  test('absent when path.txt is missing (download blocked or skipped)', () => {
    const r = findElectronRuntime(deps({}));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /Electron runtime not installed.*node_modules\/electron\/dist missing.*npm run setup:electron/);
  });

  test('absent when path.txt exists but the binary does not (interrupted unpack)', () => {
    const r = findElectronRuntime(deps({ [path.join(PKG, 'path.txt')]: 'electron' }));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', new RegExp(`${path.join(PKG, 'dist', 'electron')} missing`));
  });

  test('absent when the electron package itself is not installed', () => {
    const r = findElectronRuntime(deps({}, {}, false));
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /Electron package not installed/);
  });

  test('ELECTRON_OVERRIDE_DIST_PATH wins over dist/, with the path.txt name or "electron"', () => {
    const override = '/opt/electron-41';
    const named = path.join(override, 'Electron.app/Contents/MacOS/Electron');
    const withName = findElectronRuntime(
      deps(
        { [path.join(PKG, 'path.txt')]: 'Electron.app/Contents/MacOS/Electron', [named]: '', [path.join(PKG, 'dist', 'Electron.app/Contents/MacOS/Electron')]: '' },
        { ELECTRON_OVERRIDE_DIST_PATH: override },
      ),
    );
    assert.deepEqual(withName, { ok: true, binary: named });

    const plain = path.join(override, 'electron');
    assert.deepEqual(findElectronRuntime(deps({ [plain]: '' }, { ELECTRON_OVERRIDE_DIST_PATH: override })), {
      ok: true,
      binary: plain,
    });
  });

  test('an override pointing at nothing is reported, not silently replaced by dist/', () => {
    const r = findElectronRuntime(
      deps(
        { [path.join(PKG, 'path.txt')]: 'electron', [path.join(PKG, 'dist', 'electron')]: '' },
        { ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' },
      ),
    );
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /ELECTRON_OVERRIDE_DIST_PATH.*\/nowhere\/electron does not exist/);
  });
});

describe('decideLaunch', () => {
  test('electron when the runtime and a display exist', () => {
    assert.deepEqual(decideLaunch({ ok: true, binary: '/e' }, 'linux', { DISPLAY: ':0' }), { mode: 'electron', binary: '/e' });
    assert.deepEqual(decideLaunch({ ok: true, binary: '/e' }, 'linux', { WAYLAND_DISPLAY: 'wayland-0' }), {
      mode: 'electron',
      binary: '/e',
    });
    assert.deepEqual(decideLaunch({ ok: true, binary: 'C:\\e.exe' }, 'win32', {}), { mode: 'electron', binary: 'C:\\e.exe' });
  });

  test('headless with the runtime reason when the runtime is absent', () => {
    assert.deepEqual(decideLaunch({ ok: false, reason: 'no runtime' }, 'linux', { DISPLAY: ':0' }), {
      mode: 'headless',
      reason: 'no runtime',
    });
  });

  test('headless on Linux without a display', () => {
    const d = decideLaunch({ ok: true, binary: '/e' }, 'linux', {});
    assert.equal(d.mode, 'headless');
    assert.equal(missingDisplayReason('linux', { DISPLAY: '' }), d.mode === 'headless' ? d.reason : null);
    assert.equal(missingDisplayReason('darwin', {}), null);
  });
});

describe('parseArgs', () => {
  test('defaults: normal window, demo on, no port or data dir', () => {
    assert.deepEqual(parseArgs([]), { ok: true, args: { wall: false, demo: true }, unknown: [] });
  });

  test('all options, in both --flag value and --flag=value forms', () => {
    const r = parseArgs(['--wall', '--data-dir', '/tmp/wf', '--port=0', '--otlp-port', '4319', '--no-demo']);
    assert.deepEqual(r, {
      ok: true,
      args: { wall: true, demo: false, dataDir: '/tmp/wf', port: 0, otlpPort: 4319 },
      unknown: [],
    });
    assert.deepEqual(parseArgs(['--data-dir=/x y', '--port', '65535']), {
      ok: true,
      args: { wall: false, demo: true, dataDir: '/x y', port: 65535 },
      unknown: [],
    });
  });

  test('the last of --demo / --no-demo wins', () => {
    const r = parseArgs(['--no-demo', '--demo']);
    assert.equal(r.ok && r.args.demo, true);
  });

  test('foreign arguments (script path, Chromium switches) are kept aside, not rejected', () => {
    const r = parseArgs(['dist/electron-main.mjs', '--remote-debugging-port=0', '--wall', '--enable-logging']);
    assert.deepEqual(r, {
      ok: true,
      args: { wall: true, demo: true },
      unknown: ['dist/electron-main.mjs', '--remote-debugging-port=0', '--enable-logging'],
    });
  });

  test('bad values are errors naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--port'], /--port needs a value/],
      [['--port', '--wall'], /--port needs a value/],
      [['--port', 'http'], /--port must be a port number 0-65535, got "http"/],
      [['--port=65536'], /--port must be a port number/],
      [['--port=-1'], /--port must be a port number/],
      [['--port=1.5'], /--port must be a port number/],
      [['--otlp-port=x'], /--otlp-port must be a port number/],
      [['--data-dir'], /--data-dir needs a directory/],
      [['--data-dir='], /--data-dir needs a directory/],
      [['--wall=yes'], /--wall takes no value/],
    ];
    for (const [argv, message] of cases) {
      const r = parseArgs(argv);
      assert.equal(r.ok, false, argv.join(' '));
      assert.match(!r.ok ? r.message : '', message, argv.join(' '));
    }
  });
});

describe('closeWithin', () => {
  test('reports a close that finishes in time', async () => {
    let closed = false;
    assert.equal(
      await closeWithin(async () => {
        closed = true;
      }, 1000),
      'closed',
    );
    assert.equal(closed, true);
  });

  test('gives up on a close that never finishes', async () => {
    assert.equal(await closeWithin(() => new Promise<void>(() => {}), 20), 'timeout');
  });

  test('a failing close (rejection or synchronous throw) does not reject', async () => {
    assert.equal(await closeWithin(() => Promise.reject(new Error('boom')), 1000), 'failed');
    assert.equal(
      await closeWithin(() => {
        throw new Error('sync boom');
      }, 1000),
      'failed',
    );
  });
});
