/**
 * End-to-end: an incident proposes a medium-risk restart outside business hours; the wall counts it
 * as awaiting approval; an operator approves it in the queue in Chromium; the engine runs it against
 * a real target service, the queue and the incident show it succeeded, the wall's count drops; the
 * pause switch puts a banner on the wall; the audit view finds the approval.
 *
 * Run: npm run build && TZ=UTC node --import tsx --test test/e2e/approvals.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright';
import { actionOf, raiseIncident, runbookYaml } from '../fixtures/automation-helpers.ts';
import { startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';
import { startTargetService, type TargetService } from '../fixtures/target-service.ts';
import { ApprovalsPage, AuditPage } from '../pages/approvals-page.ts';
import { browserUnavailable, launchBrowser } from '../pages/browser.ts';
import { IncidentPage } from '../pages/incident-page.ts';
import { WallPage } from '../pages/wall-page.ts';

const skip = browserUnavailable();
const RESULTS = path.resolve('test-results');

describe('approvals end-to-end', { skip: skip ?? false }, () => {
  let browser: Browser;
  let engine: EngineProcess;
  let target: TargetService;

  before(async () => {
    target = await startTargetService();
    const dataDir = await tempDataDir('wf-approvals-e2e-');
    await mkdir(path.join(dataDir, 'runbooks'));
    await writeFile(path.join(dataDir, 'runbooks', 'e2e-restart.yaml'), runbookYaml({ id: 'e2e-restart', risk: 'medium', title: 'E2E-RESTART', base: target.url }));
    await writeFile(path.join(dataDir, 'automation.json'), JSON.stringify({ businessHours: { days: [] } }));
    engine = await startEngineProcess({ dataDir });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await engine?.stop({ removeData: true, graceMs: 5000 });
    await target?.close();
  });

  test('approve an action from the queue and see it execute and the incident update', async () => {
    const incident = await raiseIncident(engine, 'e2e-checkout', 'E2E-RESTART checkout failing');
    const action = await actionOf(engine, incident.id, (a) => a.runbookId === 'e2e-restart', 'the proposed restart');
    assert.equal(action.state, 'pending');

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const wall = new WallPage(page);
    await wall.open(engine.uiUrl, { kiosk: false });
    await wall.waitReady();
    assert.equal(await wall.figure('approvals'), '1');

    const queue = new ApprovalsPage(page);
    await queue.open(engine.apiUrl);
    await queue.waitReady();
    const card = queue.card(action.id);
    await card.waitFor();
    assert.match(await card.getByTestId('action-steps').innerText(), new RegExp(`POST ${target.url}/e2e-checkout/restart`));
    assert.equal(await card.getByTestId('approve').isDisabled(), true, 'no approval without a reason');
    await queue.approve(action.id, 'checkout is failing; restart approved');
    await queue.waitForState(action.id, 'succeeded');
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'approvals.png') });
    assert.equal(target.state('e2e-checkout').restarts, 1);
    assert.equal(target.state('e2e-checkout').healthy, true);

    const incidentPage = new IncidentPage(page);
    await incidentPage.open(engine.apiUrl, incident.id);
    await incidentPage.waitReady();
    await page.locator(`[data-testid="incident-actions"] [data-action-id="${action.id}"][data-action-state="succeeded"]`).waitFor({ timeout: 10_000 });

    await queue.open(engine.apiUrl);
    await queue.waitReady();
    await queue.setPaused(true);
    await wall.open(engine.uiUrl, { kiosk: true });
    await wall.waitReady();
    await page.getByTestId('automation-paused').waitFor({ timeout: 10_000 });
    assert.equal(await wall.figure('approvals'), '0');

    const audit = new AuditPage(page);
    await audit.open(engine.apiUrl);
    await audit.search('restart approved');
    await page.locator('[data-testid="audit-table"] tbody tr[data-event="action-approved"]').first().waitFor({ timeout: 10_000 });
    assert.match(await audit.rows.first().innerText(), /token-admin/);

    assert.deepEqual(errors, [], 'no uncaught errors in the page');
    await context.close();
  });

  test('a local user signs in with name and password instead of the token', async () => {
    await engine.json('/api/users', { method: 'POST', body: { name: 'eve', role: 'viewer', password: 'eve-password-123' } });
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    await page.goto(engine.apiUrl);
    await page.getByTestId('login-user').fill('eve');
    await page.getByTestId('login-password').fill('eve-password-123');
    await page.getByTestId('login-submit').click();
    await new WallPage(page).waitReady();
    await context.close();
  });
});
