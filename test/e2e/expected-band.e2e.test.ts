/**
 * The timeline shows an anomaly's series with the detector's expected band around the actual line, in
 * Debian's Chromium against a real engine fed over OTLP/HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';
import { browserUnavailable, launchBrowser } from '../pages/browser.ts';
import { TimelinePage } from '../pages/timeline-page.ts';

const skip = browserUnavailable();
let engine: EngineProcess;
let browser: Browser;

before(async () => {
  if (skip) return;
  engine = await startEngineProcess();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await engine?.stop({ removeData: true });
});

test('the timeline draws the expected band of the strongest anomaly and the line leaves it at the shift', { skip: skip ?? false }, async () => {
  const T0 = Date.parse('2026-03-02T08:00:00Z');
  const STEP = 30_000;
  const dataPoints = Array.from({ length: 300 }, (_, i) => ({
    timeUnixNano: String(BigInt(T0 + i * STEP) * 1_000_000n),
    asDouble: 200 + 5 * Math.sin(i / 3) + (i >= 260 ? 120 : 0),
  }));
  const res = await fetch(`${engine.otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      resourceMetrics: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'band-e2e' } }] }, scopeMetrics: [{ metrics: [{ name: 'checkout.latency', gauge: { dataPoints } }] }] },
      ],
    }),
  });
  assert.equal(res.status, 200);
  await engine.json('/api/flush', { method: 'POST' });

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.goto(`${engine.apiUrl}/timeline#token=${encodeURIComponent(engine.token)}`);
  const timeline = new TimelinePage(page);
  await timeline.waitReady();
  const band = await timeline.waitBandReady();
  assert.equal(band.entity, 'service:band-e2e');
  assert.equal(band.metric, 'checkout.latency');
  assert.ok(band.points > 50, `band has points: ${band.points}`);
  assert.ok(band.outside >= 1, 'the shifted line leaves the band');
  assert.ok(band.outside < band.points / 4, `most of the line lies inside its band (${band.outside}/${band.points} outside)`);
  const canvas = await page.getByTestId('expected-band-chart').locator('canvas').count();
  assert.ok(canvas >= 1, 'the band is drawn');
  await context.close();
});
