/** Page object of the wall (`/`). Locators live here, not in the tests. */
import type { Locator, Page } from 'playwright';

export class WallPage {
  readonly page: Page;
  readonly root: Locator;
  readonly topology: Locator;
  readonly demoBadge: Locator;
  readonly connection: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('wall');
    this.topology = page.getByTestId('topology');
    this.demoBadge = page.getByTestId('demo-badge');
    this.connection = page.getByTestId('connection');
  }

  /** Open the wall from the engine's `uiUrl` (which carries `#token=`), in kiosk mode by default. */
  async open(uiUrl: string, opts: { kiosk?: boolean } = {}): Promise<void> {
    const u = new URL(uiUrl);
    if (opts.kiosk !== false) u.search = '?kiosk';
    await this.page.goto(u.toString());
  }

  /** Wait until every first query answered and the topology drew (`data-state="ready"`). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await this.page.locator('[data-testid="wall"][data-state="ready"]').waitFor({ timeout: timeoutMs });
  }

  /** Wait until the stream is connected. */
  async waitLive(timeoutMs = 10_000): Promise<void> {
    await this.page.locator('[data-testid="connection"][data-connection="live"]').waitFor({ timeout: timeoutMs });
  }

  /**
   * Waits until the wall shows the estate as of `asOf` (a replay clock) with exactly `nodes` nodes
   * drawn; resolves with the count drawn (the last one seen if it never matched).
   */
  async waitAsOf(asOf: number, nodes: number, timeoutMs = 30_000): Promise<number> {
    await this.page.locator(`[data-testid="wall"][data-state="ready"][data-as-of="${asOf}"]`).waitFor({ timeout: timeoutMs });
    const until = Date.now() + timeoutMs;
    let drawn = await this.topologyNodeCount();
    while (drawn !== nodes && Date.now() < until) {
      await this.page.waitForTimeout(100);
      drawn = await this.topologyNodeCount();
    }
    return drawn;
  }

  /** Nodes drawn in the topology graph (from its `data-node-count`). */
  async topologyNodeCount(): Promise<number> {
    return Number(await this.topology.getAttribute('data-node-count'));
  }

  /** Wait until the drawn topology has at least `n` nodes (the estate may load after the engine is ready). */
  async waitForTopologyNodes(n: number, timeoutMs = 20_000): Promise<void> {
    await this.page.waitForFunction(
      (min) => Number(document.querySelector('[data-testid="topology"]')?.getAttribute('data-node-count') ?? 0) >= min,
      n,
      { timeout: timeoutMs, polling: 100 },
    );
  }

  /** Nodes currently coloured as part of an open incident. */
  async unhealthyNodeCount(): Promise<number> {
    return Number((await this.topology.getAttribute('data-unhealthy-count')) ?? 0);
  }

  /** All incident rows. */
  incidentRows(): Locator {
    return this.page.locator('[data-incident-id]');
  }

  /** The row of one incident. */
  incidentRow(id: string): Locator {
    return this.page.locator(`[data-incident-id="${id.replace(/"/g, '\\"')}"]`);
  }

  /** Ids of the incidents on the wall, in display order. */
  async incidentIds(): Promise<string[]> {
    return this.incidentRows().evaluateAll((els) => els.map((e) => e.getAttribute('data-incident-id') ?? ''));
  }

  /** Wait until at least `n` incident rows are shown. */
  async waitForIncidentCount(n: number, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction((min) => document.querySelectorAll('[data-incident-id]').length >= min, n, { timeout: timeoutMs, polling: 100 });
  }

  /** Wait until a row for an incident not in `known` appears; returns its id. */
  async waitForNewIncident(known: readonly string[], timeoutMs = 10_000): Promise<string> {
    const handle = await this.page.waitForFunction(
      (ids) => {
        for (const el of document.querySelectorAll('[data-incident-id]')) {
          const id = el.getAttribute('data-incident-id');
          if (id && !ids.includes(id)) return id;
        }
        return null;
      },
      [...known],
      { timeout: timeoutMs, polling: 100 },
    );
    return (await handle.jsonValue()) as string;
  }

  /** A headline figure's value text, by test id suffix (`open`, `noise`, `mttd`...). */
  async figure(name: string): Promise<string> {
    return (await this.page.getByTestId(`fig-${name}`).locator('.figure-value').innerText()).trim();
  }
}
