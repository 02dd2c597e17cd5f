/**
 * End-to-end: a disk filling up on a real engine (`dist/cli.mjs serve`), fed over OTLP/HTTP, shows
 * on the wall's "coming up" panel in Debian's Chromium, soonest first, and the timeline draws its
 * forecast band ahead of the line. Waits are on data-state signals, never fixed sleeps.
 *
 * Run: TZ=UTC node --import tsx --test test/e2e/forecast.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useBrowserAndEngine } from '../fixtures/browser-engine.ts';
import { browserUnavailable } from '../pages/browser.ts';
import { ComingUpPanel, ForecastChart } from '../pages/forecast-page.ts';

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

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const u = new URL(engine.uiUrl);
    u.search = '?kiosk';
    await page.goto(u.toString());
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
