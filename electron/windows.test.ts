import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_WINDOW, planWindows, uiUrl, type DisplayInfo } from './windows.ts';

const API = 'http://127.0.0.1:4780';
const TOKEN = 'tok/en+1';

function display(id: number, x: number, y: number, width: number, height: number, menuBar = 0): DisplayInfo {
  return { id, bounds: { x, y, width, height }, workArea: { x, y: y + menuBar, width, height: height - menuBar } };
}

const one = [display(1, 0, 0, 1920, 1080, 40)];
// Deliberately listed out of physical order: right, left, centre.
const three = [display(30, 3840, 0, 1920, 1080), display(10, 0, 0, 1920, 1080), display(20, 1920, 0, 2560, 1440)];

describe('uiUrl', () => {
  test('root URL with the token (encoded) in the fragment', () => {
    assert.equal(uiUrl(API, TOKEN, false), 'http://127.0.0.1:4780/#token=tok%2Fen%2B1');
  });
  test('kiosk adds ?kiosk and drops any path of the base', () => {
    assert.equal(uiUrl(`${API}/api/`, 'abc', true), 'http://127.0.0.1:4780/?kiosk#token=abc');
  });
});

describe('planWindows', () => {
  test('normal mode, one display: one ordinary window centred in the work area', () => {
    const plans = planWindows(one, { wall: false, apiBase: API, token: 'abc' });
    assert.deepEqual(plans, [
      {
        displayId: 1,
        bounds: { x: 160, y: 40 + 20, width: DEFAULT_WINDOW.width, height: DEFAULT_WINDOW.height },
        kiosk: false,
        fullscreen: false,
        url: 'http://127.0.0.1:4780/#token=abc',
      },
    ]);
  });

  test('normal mode, small display: the window shrinks to the work area', () => {
    const [plan] = planWindows([display(7, 0, 0, 1280, 720, 30)], { wall: false, apiBase: API, token: 'abc' });
    assert.deepEqual(plan.bounds, { x: 0, y: 30, width: 1280, height: 690 });
  });

  test('normal mode, three displays: one window, on the primary display', () => {
    const plans = planWindows(three, { wall: false, apiBase: API, token: 'abc', primaryId: 20 });
    assert.equal(plans.length, 1);
    assert.equal(plans[0].displayId, 20);
    assert.deepEqual(plans[0].bounds, { x: 1920 + 480, y: 220, width: 1600, height: 1000 });
    assert.equal(plans[0].kiosk, false);
  });

  test('normal mode without a known primary uses the first display', () => {
    const [plan] = planWindows(three, { wall: false, apiBase: API, token: 'abc', primaryId: 999 });
    assert.equal(plan.displayId, 30);
  });

  test('wall mode, one display: one kiosk window covering the whole display', () => {
    assert.deepEqual(planWindows(one, { wall: true, apiBase: API, token: 'abc' }), [
      {
        displayId: 1,
        bounds: { x: 0, y: 0, width: 1920, height: 1080 },
        kiosk: true,
        fullscreen: true,
        url: 'http://127.0.0.1:4780/?kiosk#token=abc',
      },
    ]);
  });

  test('wall mode, three displays: one kiosk window per display, left to right, each on its bounds', () => {
    const plans = planWindows(three, { wall: true, apiBase: API, token: 'abc', primaryId: 20 });
    assert.deepEqual(
      plans.map((p) => p.displayId),
      [10, 20, 30],
    );
    assert.deepEqual(
      plans.map((p) => p.bounds),
      [three[1].bounds, three[2].bounds, three[0].bounds],
    );
    for (const p of plans) {
      assert.equal(p.kiosk, true);
      assert.equal(p.fullscreen, true);
      assert.equal(p.url, 'http://127.0.0.1:4780/?kiosk#token=abc');
    }
    // The plan owns copies: moving a window later must not rewrite the caller's display objects.
    assert.notEqual(plans[0].bounds, three[1].bounds);
  });

  test('stacked displays are ordered top to bottom', () => {
    const plans = planWindows([display(2, 0, 1080, 1920, 1080), display(1, 0, 0, 1920, 1080)], {
      wall: true,
      apiBase: API,
      token: 'abc',
    });
    assert.deepEqual(
      plans.map((p) => p.displayId),
      [1, 2],
    );
  });

  test('no display reported: one ordinary default-size window', () => {
    for (const wall of [false, true]) {
      const plans = planWindows([], { wall, apiBase: API, token: 'abc' });
      assert.equal(plans.length, 1);
      assert.deepEqual(plans[0].bounds, { x: 0, y: 0, ...DEFAULT_WINDOW });
      assert.equal(plans[0].kiosk, false);
      assert.equal(plans[0].displayId, null);
    }
  });
});
