import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BRIDGE_CHANNELS, createBridge, type BridgeChannel, type BridgeConfig } from './bridge.ts';
import { createIpcHandlers, type IpcContext } from './ipc.ts';

const ORIGIN = 'http://127.0.0.1:4780';
const CONFIG: BridgeConfig = { apiBase: ORIGIN, token: 'secret', wall: true };

/** Handlers over a recording fake of Electron's shell. */
function setup(openPathError = '') {
  const calls: string[] = [];
  const ctx: IpcContext = {
    engineOrigin: ORIGIN,
    config: CONFIG,
    openDataDir: async () => {
      calls.push('openDataDir');
      return openPathError;
    },
    openExternal: async (url) => {
      calls.push(`openExternal ${url}`);
    },
  };
  return { handlers: createIpcHandlers(ctx), calls };
}

describe('createBridge (preload side)', () => {
  test('exposes exactly one function per command, each on its fixed channel', async () => {
    const seen: [BridgeChannel, unknown[]][] = [];
    const bridge = createBridge(async (channel, ...args) => {
      seen.push([channel, args]);
      return channel === BRIDGE_CHANNELS.getConfig ? { ok: true, value: CONFIG } : { ok: true, value: undefined };
    });
    assert.deepEqual(Object.keys(bridge).sort(), ['getConfig', 'openDataDir', 'openExternal']);
    assert.ok(Object.values(bridge).every((f) => typeof f === 'function'));

    assert.deepEqual(await bridge.getConfig(), CONFIG);
    assert.equal(await bridge.openDataDir(), undefined);
    await bridge.openExternal('https://example.com/');
    assert.deepEqual(seen, [
      ['watchfloor:get-config', []],
      ['watchfloor:open-data-dir', []],
      ['watchfloor:open-external', ['https://example.com/']],
    ]);
  });

  test('an error reply rejects with a plain {code, message}', async () => {
    const bridge = createBridge(async () => ({ ok: false, error: { code: 'forbidden', message: 'no', extra: 1 } }));
    await assert.rejects(bridge.getConfig(), (err: unknown) => {
      assert.deepEqual(err, { code: 'forbidden', message: 'no' });
      return true;
    });
  });

  test('a failing invoke or a malformed reply also rejects with {code, message}', async () => {
    const failing = createBridge(async () => {
      throw new Error("No handler registered for 'watchfloor:get-config'");
    });
    await assert.rejects(failing.getConfig(), { code: 'ipc-failed', message: "No handler registered for 'watchfloor:get-config'" });
    const odd = createBridge(async () => 'surprise');
    await assert.rejects(odd.openDataDir(), { code: 'bad-reply' });
  });
});

describe('createIpcHandlers (main side)', () => {
  test('registers a handler for every bridge channel and nothing else', () => {
    const { handlers } = setup();
    assert.deepEqual(Object.keys(handlers).sort(), Object.values(BRIDGE_CHANNELS).sort());
  });

  test('getConfig answers the engine origin with the config (a copy)', async () => {
    const { handlers } = setup();
    const reply = await handlers[BRIDGE_CHANNELS.getConfig](`${ORIGIN}/?kiosk`, []);
    assert.deepEqual(reply, { ok: true, value: CONFIG });
    assert.ok(reply.ok && reply.value !== CONFIG);
  });

  test('a sender of another origin, or without a frame, is refused before anything runs', async () => {
    const { handlers, calls } = setup();
    for (const sender of ['https://evil.example/', 'http://127.0.0.1:4781/', 'file:///x.html', 'about:blank', null, undefined, '']) {
      for (const channel of Object.values(BRIDGE_CHANNELS)) {
        const reply = await handlers[channel](sender, channel === BRIDGE_CHANNELS.openExternal ? ['https://example.com/'] : []);
        assert.equal(reply.ok, false);
        assert.equal(!reply.ok && reply.error.code, 'forbidden', `${channel} from ${sender}`);
      }
    }
    assert.deepEqual(calls, []);
  });

  test('bad arguments are a bad-request reply naming the channel, and nothing runs', async () => {
    const { handlers, calls } = setup();
    const cases: [BridgeChannel, unknown[]][] = [
      [BRIDGE_CHANNELS.getConfig, ['unexpected']],
      [BRIDGE_CHANNELS.openDataDir, [{ path: '/etc' }]],
      [BRIDGE_CHANNELS.openExternal, []],
      [BRIDGE_CHANNELS.openExternal, [42]],
      [BRIDGE_CHANNELS.openExternal, ['file:///etc/passwd']],
      [BRIDGE_CHANNELS.openExternal, ['https://user:pw@example.com/']],
      [BRIDGE_CHANNELS.openExternal, ['https://example.com/', 'extra']],
    ];
    for (const [channel, args] of cases) {
      const reply = await handlers[channel](`${ORIGIN}/`, args);
      assert.equal(reply.ok, false, `${channel} ${JSON.stringify(args)}`);
      if (!reply.ok) {
        assert.equal(reply.error.code, 'bad-request');
        assert.ok(reply.error.message.startsWith(channel), reply.error.message);
      }
    }
    assert.deepEqual(calls, []);
  });

  test('openExternal and openDataDir run for a valid call; a failure is a reply, not a throw', async () => {
    const ok = setup();
    assert.deepEqual(await ok.handlers[BRIDGE_CHANNELS.openExternal](`${ORIGIN}/`, ['https://example.com/runbook']), {
      ok: true,
      value: undefined,
    });
    assert.deepEqual(await ok.handlers[BRIDGE_CHANNELS.openDataDir](`${ORIGIN}/`, []), { ok: true, value: undefined });
    assert.deepEqual(ok.calls, ['openExternal https://example.com/runbook', 'openDataDir']);

    const broken = setup('Failed to open path');
    assert.deepEqual(await broken.handlers[BRIDGE_CHANNELS.openDataDir](`${ORIGIN}/`, []), {
      ok: false,
      error: { code: 'failed', message: 'watchfloor:open-data-dir: Failed to open path' },
    });
  });
});
