/**
 * End-to-end: the real engine (`dist/cli.mjs serve --demo`, built by `node scripts/build.mjs`) and
 * Debian's Chromium. Each test starts its own engine with a fresh data directory; every wait is on a
 * signal (`data-state="ready"`, a row appearing), never a fixed sleep.
 *
 * Run: TZ=UTC node --import tsx --test test/e2e/wall.e2e.test.ts
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import type { DemoFault, Incident, IncidentDetail, Stats, Topology } from '../../core/common/schemas.ts';
import { browserUnavailable, launchBrowser } from '../pages/browser.ts';
import { startEngineProcess, type EngineProcess } from '../fixtures/engine-process.ts';
import { IncidentPage } from '../pages/incident-page.ts';
import { TimelinePage } from '../pages/timeline-page.ts';
import { TopologyPage } from '../pages/topology-page.ts';
import { WallPage } from '../pages/wall-page.ts';

/**
 * How long an injected fault may take to show up as an incident row. The demo's faults develop in
 * event time like real ones: a network partition's first symptoms come 0–40 s after injection, its
 * first alerts 30–90 s after, and a metric anomaly is emitted at the third 15-second point of its run.
 * So the budget is the fault's physics plus margin; how fast the wall shows what the engine knows is
 * measured separately below (event to wall).
 */
const FAULT_TIMEOUT_MS = Number(process.env.WATCHFLOOR_E2E_FAULT_TIMEOUT_MS ?? 180_000);
/** Budget for a view to show what the engine already has (an incident's root-cause candidates). */
const SHOWN_TIMEOUT_MS = 15_000;
const RESULTS = path.resolve('test-results');

const skip = browserUnavailable();

/** Record every request (and WebSocket) the page makes that does not go to `origin`. */
function watchForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  const allowed = new URL(origin);
  const check = (raw: string) => {
    if (raw.startsWith('data:') || raw.startsWith('blob:')) return;
    const u = new URL(raw);
    if (u.host !== allowed.host) foreign.push(raw);
  };
  page.on('request', (r) => check(r.url()));
  page.on('websocket', (ws) => check(ws.url()));
  return foreign;
}

/** The wall's incident rows: id → entities. */
async function wallRows(page: Page): Promise<Record<string, string[]>> {
  return page.$$eval('[data-incident-id]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-incident-id') ?? '', (e.getAttribute('data-entities') ?? '').split(' ')])),
  );
}

/**
 * Wait for a wall row of an incident for the fault; returns its id. With `before` (the rows on the wall
 * before the injection), a row counts once it lists the fault's root and did not list it before: rows
 * of the demo's earlier incidents that merely touch the partitioned region's services do not count.
 * Without `before`, any row that touches the fault's entities counts. With `open`, the
 * row's link is clicked in the same page task that found it: the accelerated demo can resolve an
 * incident (and drop its row) between two Playwright calls.
 */
async function waitForFaultRow(page: Page, fault: DemoFault, timeoutMs: number, open = false, before: Record<string, string[]> | null = null): Promise<string> {
  const entities = [fault.rootEntity, ...fault.affected];
  const handle = await page.waitForFunction(
    ({ ents, root, click, known }) => {
      for (const el of document.querySelectorAll('[data-incident-id]')) {
        const mine = (el.getAttribute('data-entities') ?? '').split(' ');
        const id = el.getAttribute('data-incident-id') ?? '';
        const counts =
          known === null
            ? mine.some((e) => ents.includes(e)) || ents.includes(el.getAttribute('data-root-cause') ?? '')
            : mine.includes(root) && !(known[id] ?? []).includes(root);
        if (counts) {
          if (click) el.querySelector('a')?.click();
          return id;
        }
      }
      return null;
    },
    { ents: entities, root: fault.rootEntity, click: open, known: before },
    { timeout: timeoutMs, polling: 100 },
  );
  return (await handle.jsonValue()) as string;
}

describe('wall end-to-end', { skip: skip ?? false }, () => {
  let browser: Browser;
  const engines: EngineProcess[] = [];

  before(async () => {
    browser = await launchBrowser();
    await mkdir(RESULTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await Promise.all(engines.map((e) => e.stop({ removeData: true, graceMs: 5000 })));
  });

  test('the 4K wall shows the estate, an injected fault appears as an incident, and an alert reaches the wall within seconds', async () => {
    const engine = await startEngineProcess({ demo: true });
    engines.push(engine);
    const context = await browser.newContext({ viewport: { width: 3840, height: 2160 } });
    const page = await context.newPage();
    const foreign = watchForeignRequests(page, engine.apiUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const wall = new WallPage(page);

    await wall.open(engine.uiUrl, { kiosk: true });
    await wall.waitReady();
    await wall.waitLive();
    assert.ok(!page.url().includes('token='), 'the token is removed from the address bar');
    assert.ok(await wall.demoBadge.isVisible(), 'DEMO badge is shown');
    assert.equal(await page.getByTestId('navbar').count(), 0, 'kiosk mode hides navigation');
    await wall.waitForTopologyNodes(150).catch(() => {});
    const nodes = await wall.topologyNodeCount();
    assert.ok(nodes >= 150, `topology shows the demo estate (${nodes} nodes)`);

    // What follows is measured once the demo's start-up backfill (two hours of history) has been
    // analysed, as a wall runs: incidents of backfilled faults must not be taken for the injected one.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const stats = await engine.json<Stats>('/api/stats');
      if (stats.watermark !== null && stats.watermark >= Date.now() - 60_000) break;
      assert.ok(Date.now() < deadline, 'the demo backfill did not finish within 60 s');
      await page.waitForTimeout(250);
    }

    // A network partition: the fault whose first symptoms come soonest (see FAULT_TIMEOUT_MS).
    // Its target is a regional load balancer no open incident touches yet, when there is one.
    const busy = new Set((await engine.json<Incident[]>('/api/incidents')).flatMap((i) => i.entities));
    const lb = (await engine.json<Topology>('/api/topology')).nodes.find(
      (n) => n.kind === 'loadbalancer' && n.attributes?.role === 'regional load balancer' && !busy.has(n.id),
    );
    const before = await wallRows(page);
    const injectedAt = performance.now();
    const fault = await engine.json<DemoFault>('/api/demo/faults', { method: 'POST', body: { kind: 'network-partition', ...(lb ? { target: lb.id } : {}) } });
    const id = await waitForFaultRow(page, fault, FAULT_TIMEOUT_MS, false, before);
    assert.ok(id, 'an incident row for the fault appeared');
    console.log(`injected ${fault.kind} on ${fault.rootEntity}: on the wall after ${((performance.now() - injectedAt) / 1000).toFixed(1)} s`);

    await page.screenshot({ path: path.join(RESULTS, 'wall-4k.png') });

    // Event to wall: an alert posted to the engine until its incident row is on the screen.
    const probe = `e2e-probe-${Date.now()}`;
    const t0 = performance.now();
    await engine.json('/ingest/events', { method: 'POST', body: [{ time: Date.now(), source: 'e2e', service: probe, severity: 'critical', title: `${probe} is down` }] });
    await page.waitForFunction((ent) => [...document.querySelectorAll('[data-incident-id]')].some((el) => (el.getAttribute('data-entities') ?? '').split(' ').includes(ent)), `service:${probe}`, {
      timeout: 10_000,
      polling: 'raf',
    });
    const eventToWallMs = performance.now() - t0;
    console.log(`event-to-wall in Chromium: ${eventToWallMs.toFixed(0)} ms`);
    assert.ok(eventToWallMs < 3000, `an alert reached the wall in ${eventToWallMs.toFixed(0)} ms`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="topology"]')?.getAttribute('data-unhealthy-count') ?? 0) > 0, null, {
      timeout: 5000,
      polling: 100,
    });
    assert.notEqual(await wall.figure('open'), '0');

    assert.deepEqual(foreign, [], 'no request to any host other than the engine');
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
    await context.close();
  });

  test('the incident view shows root-cause candidates with evidence, reached from the wall', async () => {
    const engine = await startEngineProcess({ demo: true });
    engines.push(engine);
    const context = await browser.newContext({ viewport: { width: 2560, height: 1440 } });
    const page = await context.newPage();
    const foreign = watchForeignRequests(page, engine.apiUrl);

    // Without a token the UI asks for one; typing it in connects.
    await page.goto(engine.apiUrl);
    await page.getByTestId('token-screen').waitFor();
    await page.getByTestId('token-input').fill(engine.token);
    await page.getByTestId('token-input').press('Enter');
    const wall = new WallPage(page);
    await wall.waitReady();

    const fault = await engine.json<DemoFault>('/api/demo/faults', { method: 'POST', body: {} });
    const id = await waitForFaultRow(page, fault, FAULT_TIMEOUT_MS, true);

    const view = new IncidentPage(page);
    await view.waitReady();
    assert.equal(new URL(page.url()).pathname, `/incidents/${encodeURIComponent(id)}`);
    // The live demo keeps updating the incident (members, even its top cause), so the title is checked
    // against what the engine knows after it was read: it names the incident's cause, one of its
    // entities or candidates.
    const shown = (await view.title.innerText()).trim();
    const detail = await engine.json<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`);
    const known = new Set([...detail.entities, ...detail.rootCauses.map((c) => c.entity)]);
    assert.ok(known.has(shown.split(' — ')[0]), `title '${shown}' names one of ${[...known].join(', ')}`);

    await view.waitForRootCauses(SHOWN_TIMEOUT_MS);
    const candidates = await view.candidateEntities();
    assert.ok(candidates.length >= 1, 'at least one root-cause candidate');
    const evidence = await view.evidence(0);
    assert.ok(evidence.length >= 1 && evidence.every((e) => e.length > 0), 'the top candidate has evidence sentences');
    await view.subgraph.waitFor();
    assert.ok(Number(await view.subgraph.getAttribute('data-node-count')) >= 1, 'the affected subgraph is drawn');
    if (candidates[0] !== fault.rootEntity) {
      // Not a failure here: RCA quality is measured by the evaluation script, not guarded by this test.
      console.log(`note: top candidate ${candidates[0]}, injected root ${fault.rootEntity}`);
    }
    await page.screenshot({ path: path.join(RESULTS, 'incident.png') });
    assert.deepEqual(foreign, [], 'no request to any host other than the engine');
    await context.close();
  });

  test('the topology explorer finds an entity and the timeline lists what is in a brushed window', async () => {
    const engine = await startEngineProcess({ demo: true });
    engines.push(engine);
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const foreign = watchForeignRequests(page, engine.apiUrl);

    await page.goto(`${engine.apiUrl}/topology#token=${encodeURIComponent(engine.token)}`);
    const explorer = new TopologyPage(page);
    await explorer.waitReady();
    // The demo estate may still be loading when the engine says ready: wait for the graph to show it.
    await explorer.waitForNodes(150);
    const topo = await engine.json<Topology>('/api/topology');
    const target = topo.nodes.find((n) => n.kind === 'database') ?? topo.nodes[0];
    assert.equal(await explorer.find(target.name), target.id);
    assert.equal(Number(await explorer.graph.getAttribute('data-node-count')), topo.nodes.length);

    await page.getByTestId('navbar').getByText('Timeline').click();
    const timeline = new TimelinePage(page);
    await timeline.waitReady();
    const before = await timeline.windowTitle();
    await timeline.brush(0.5, 0.8);
    await page.waitForFunction((t) => document.querySelector('[data-testid="timeline-window"] h2')?.textContent?.trim() !== t, before, {
      timeout: 5000,
      polling: 100,
    });
    assert.notEqual(await timeline.windowTitle(), before, 'brushing narrows the listed window');
    assert.deepEqual(foreign, [], 'no request to any host other than the engine');
    await context.close();
  });
});
