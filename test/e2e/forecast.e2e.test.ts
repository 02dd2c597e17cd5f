/**
 * End-to-end: a disk filling up on a real engine (`dist/cli.mjs serve`), fed over OTLP/HTTP, shows
 * on the wall's "coming up" panel in Debian's Chromium, soonest first, and the timeline draws its
 * forecast band ahead of the line. Waits are on data-state signals, never fixed sleeps.
 *
 * Then, on a demo engine (which ships the failure model learned from the demo's labelled faults), a
 * disk that leaves its baseline shows a foretold failure with its explanation beside its predicted
 * exhaustion, and both leave the panel once the disk is cleaned up.
 *
 * Run: TZ=UTC node --import tsx --test test/e2e/forecast.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright';
import { useBrowserAndEngine } from '../fixtures/browser-engine.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';
import { browserUnavailable, launchBrowser } from '../pages/browser.ts';
import { ComingUpPanel, ForecastChart } from '../pages/forecast-page.ts';
import { WallPage } from '../pages/wall-page.ts';

const skip = browserUnavailable();
const STEP = 60_000;

function otlp(host: string, points: [number, number][]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'host.name', value: { stringValue: host } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'system.filesystem.utilization',
                unit: '1',
                gauge: { dataPoints: points.map(([t, v]) => ({ timeUnixNano: `${BigInt(t) * 1_000_000n}`, asDouble: v })) },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A wall-sized browser context on the kiosk wall, collecting page errors. */
async function openKioskWall(browser: Browser, uiUrl: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await new WallPage(page).open(uiUrl);
  return { context, page, errors };
}

describe('forecast end-to-end', { skip: skip ?? false }, () => {
  const suite = useBrowserAndEngine();

  test('the wall lists predicted exhaustions soonest first, and the timeline draws the band ahead of the line', async () => {
    const { browser, engine } = suite;
    // Two disks, both flat for an hour then filling: db-host-3 fast (95% about 12 min after the last
    // point), web-1 slower (about 70 min after).
    const t0 = Math.floor((Date.now() - 2 * 3_600_000) / STEP) * STEP;
    for (let i = 0; i < 120; i++) {
      const t = t0 + i * STEP;
      const fill = Math.max(0, i - 60);
      for (const [host, rate] of [
        ['db-host-3', 0.009],
        ['web-1', 0.005],
      ] as const) {
        const res = await fetch(`${engine.otlpUrl}/v1/metrics`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(otlp(host, [[t, 0.3 + rate * fill + (i % 3) * 0.0005]])),
        });
        assert.equal(res.status, 200);
      }
    }
    await engine.json('/api/flush', { method: 'POST' });

    const { context, page, errors } = await openKioskWall(browser, engine.uiUrl);
    const rows = await new ComingUpPanel(page).waitForEntity('host:web-1').catch(async (err: Error) => {
      const fc = await engine.json<{ forecasts: unknown[] }>('/api/forecasts');
      throw new Error(`${err.message}\nforecasts: ${JSON.stringify(fc.forecasts)}`);
    });
    const mine = rows.filter((r) => r.entity === 'host:db-host-3' || r.entity === 'host:web-1');
    assert.deepEqual(mine.map((r) => r.entity), ['host:db-host-3', 'host:web-1'], `soonest first: ${JSON.stringify(rows)}`);
    assert.ok(mine[0].inMs < mine[1].inMs);
    assert.match(mine[0].text, /disk full/);
    assert.match(mine[0].text, /db-host-3/);

    await page.goto(`${engine.apiUrl}/timeline`);
    const band = await new ForecastChart(page).waitForBand();
    assert.equal(band.series, 'host:db-host-3|system.filesystem.utilization', 'the soonest exhaustion is drawn by default');
    assert.ok(band.bandPoints >= 30, `band points ahead of the line: ${band.bandPoints}`);
    assert.deepEqual(errors, [], 'no page errors');
    await context.close();
  });
});

describe('forecast end-to-end: risk rows and a trend that turns', { skip: skip ?? false }, () => {
  let engine: EngineProcess;
  let browser: Browser;
  before(async () => {
    engine = await startEngineProcess({ demo: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await engine?.stop({ removeData: true, graceMs: 5000 });
  });

  test('a filling disk shows its exhaustion and its foretold failure with the signal behind it, and both go when the disk is cleaned up', async () => {
    const host = 'e2e-fill-1';
    const entity = `host:${host}`;
    const post = async (points: [number, number][]): Promise<void> => {
      const res = await fetch(`${engine.otlpUrl}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(otlp(host, points)) });
      assert.equal(res.status, 200);
    };
    // An hour flat at 30% (the indicator's baseline), then filling 1%/min for 35 min, ending 5 min
    // ago: 95% about half an hour after the last point.
    const t0 = Math.floor((Date.now() - 100 * STEP) / STEP) * STEP;
    const flat: [number, number][] = Array.from({ length: 60 }, (_, i) => [t0 + i * STEP, 0.3 + (i % 3) * 0.0005]);
    const fill: [number, number][] = Array.from({ length: 35 }, (_, i) => [t0 + (60 + i) * STEP, 0.3 + 0.01 * (i + 1) + (i % 3) * 0.0005]);
    await post(flat);
    await post(fill);

    const { context, page, errors } = await openKioskWall(browser, engine.uiUrl);
    const panel = new ComingUpPanel(page);
    const dump = async (err: Error): Promise<never> => {
      const fc = await engine.json<{ forecasts: { entity: string }[]; entities: { entity: string }[] }>('/api/forecasts');
      throw new Error(`${err.message}\nforecasts: ${JSON.stringify(fc.forecasts.filter((f) => f.entity === entity))}\nrisks: ${JSON.stringify(fc.entities.filter((f) => f.entity === entity))}`);
    };
    const rows = await panel.waitForEntity(entity, 60_000).catch(dump);
    const mine = rows.find((r) => r.entity === entity)!;
    assert.match(mine.text, /disk full/);
    assert.ok(mine.inMs > 10 * 60_000 && mine.inMs < 60 * 60_000, `predicted in ${mine.inMs} ms`);
    const inMs = rows.map((r) => r.inMs);
    assert.deepEqual(inMs, [...inMs].sort((a, b) => a - b), `soonest first: ${JSON.stringify(rows)}`);

    const risks = await panel.waitForRisk(entity).catch(dump);
    const risk = risks.find((r) => r.entity === entity)!;
    assert.ok(risk.probability >= 0.5, `probability ${risk.probability}`);
    assert.match(risk.text, /disk full/);
    assert.match(risk.text, new RegExp(`${Math.round(risk.probability * 100)}%`));
    // The explanation: which signal moved, by how much, and what that did to the odds.
    assert.match(risk.because, /system\.filesystem\.utilization \+\d+σ \(odds ×\d+\)/);
    assert.match(risk.text, /system\.filesystem\.utilization \+\d+σ/);

    // A cleanup: back to 30%. The trend has turned; the exhaustion and the foretold failure leave the wall.
    const last = fill.at(-1)![0];
    await post(Array.from({ length: 5 }, (_, i) => [last + (i + 1) * STEP, 0.3 + (i % 3) * 0.0005] as [number, number]));
    await panel.waitForGone(entity).catch(dump);
    assert.deepEqual(errors, [], 'no page errors');
    await context.close();
  });
});
