/**
 * End-to-end: OTLP logs into the real engine, then the log explorer in Debian's Chromium: templates
 * by count with sparklines, drill into a template's (masked) lines, filter by entity, template events;
 * and the template events on the timeline.
 *
 * Run: npm run build && TZ=UTC node --import tsx --test test/e2e/logs.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { LogTemplatesResponse } from '../../core/common/log-schemas.ts';
import { useBrowserAndEngine } from '../fixtures/browser-engine.ts';
import { browserUnavailable } from '../pages/browser.ts';
import { LogsPage } from '../pages/logs-page.ts';
import { TimelinePage } from '../pages/timeline-page.ts';

const skip = browserUnavailable();
const RESULTS = path.resolve('test-results');
const M = 60_000;

function otlpLogs(service: string, records: { t: number; body: string }[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [{ logRecords: records.map((r) => ({ timeUnixNano: `${BigInt(r.t) * 1_000_000n}`, severityText: 'INFO', body: { stringValue: r.body } })) }],
      },
    ],
  };
}

describe('log explorer end-to-end', { skip: skip ?? false }, () => {
  const suite = useBrowserAndEngine();

  test('templates by count, drill into lines, filter by entity, template events on the explorer and the timeline', async () => {
    const { browser, engine } = suite;
    // 40 minutes ending now: checkout logs a steady heartbeat and rejected orders with a surge at minute 30;
    // payments logs declined charges with card numbers and e-mails (masked before storage).
    const t0 = Math.floor((Date.now() - 42 * M) / M) * M;
    const checkout: { t: number; body: string }[] = [];
    const payments: { t: number; body: string }[] = [];
    for (let m = 0; m < 40; m++) {
      for (let i = 0; i < 3; i++) checkout.push({ t: t0 + m * M + i * 1000, body: `heartbeat ok seq=${m * 3 + i}` });
      const n = m === 30 ? 60 : 2;
      for (let i = 0; i < n; i++) checkout.push({ t: t0 + m * M + 5000 + i * 10, body: `order ${1000 + m * 100 + i} rejected: inventory returned 503` });
      if (m % 4 === 0) payments.push({ t: t0 + m * M + 7000, body: `charge declined for user${m}@example.com card 4111 1111 1111 1111` });
    }
    for (const [svc, recs] of [['checkout', checkout], ['payments', payments]] as const) {
      const res = await fetch(`${engine.otlpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(otlpLogs(svc, recs)) });
      assert.equal(res.status, 200);
    }
    const api = await engine.json<LogTemplatesResponse>('/api/logs/templates?span=86400000');
    const rejected = api.templates.find((t) => t.template === 'order <*> rejected: inventory returned <*>')!;
    const declined = api.templates.find((t) => t.template.startsWith('charge declined'))!;
    assert.ok(rejected && declined);

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const logs = new LogsPage(page);
    await logs.open(engine.apiUrl, engine.token);
    await logs.waitReady();
    await page.getByRole('button', { name: '6 h' }).click();
    await logs.row(rejected.id).waitFor();

    // Templates by count, largest first, with the counts the API gives.
    const shown = await logs.templates();
    assert.deepEqual(shown[0], ['order <*> rejected: inventory returned <*>', 39 * 2 + 60]);
    assert.ok(shown.some(([t, n]) => t === 'heartbeat ok seq=<*>' && n === 120));
    assert.equal(await logs.row(rejected.id).locator('svg.logs-spark polyline').count(), 1);

    // Drill into the payments template: its lines, stored masked.
    await logs.row(declined.id).click();
    await page.waitForURL((u) => new URL(u).searchParams.get('template') === declined.id);
    await logs.lines.first().waitFor();
    assert.equal(await logs.lines.count(), 10);
    for (const text of await logs.lines.allInnerTexts()) {
      assert.match(text, /charge declined for <email> card <card>/);
      assert.doesNotMatch(text, /example\.com|4111/);
    }

    // Filter by entity: only payments' template remains.
    await logs.filterEntity('service:payments');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-template-row"]').length === 1);
    assert.deepEqual((await logs.templates()).map(([t]) => t), ['charge declined for <email> card <card>']);

    // Template events: the surge of rejected orders.
    await page.locator('[data-testid="log-event"][data-kind="surge"]').first().waitFor({ timeout: 20_000 });
    assert.match(await page.locator('[data-testid="log-event"][data-kind="surge"]').first().innerText(), /order <\*> rejected/);
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'logs.png') });

    // The same event is on the timeline.
    await page.getByTestId('navbar').getByText('Timeline').click();
    const timeline = new TimelinePage(page);
    await timeline.waitReady();
    await page.waitForFunction(() => (document.querySelector('[data-testid="timeline-window"]')?.textContent ?? '').includes('log.template.surge'), null, { timeout: 20_000 });

    assert.deepEqual(errors, [], 'no uncaught errors in the page');
    await context.close();
  });
});
