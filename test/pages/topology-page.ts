/** Page object of the topology explorer (`/topology`). */
import type { Locator, Page } from 'playwright';

export class TopologyPage {
  readonly page: Page;
  readonly graph: Locator;
  readonly search: Locator;
  readonly details: Locator;

  constructor(page: Page) {
    this.page = page;
    this.graph = page.getByTestId('topology');
    this.search = page.getByTestId('topology-search');
    this.details = page.getByTestId('node-details');
  }

  /** Wait until the topology is loaded and drawn. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    await this.page.locator('[data-testid="topology-view"][data-state="ready"]').waitFor({ timeout: timeoutMs });
    await this.page.locator('[data-testid="topology"][data-rendered="true"]').waitFor({ timeout: timeoutMs });
  }

  /**
   * Waits until the view shows the estate as of `asOf` (a replay clock) and its graph is drawn;
   * resolves with the topology's node and edge counts and the nodes drawn.
   */
  async waitAsOf(asOf: number, timeoutMs = 30_000): Promise<{ nodes: number; edges: number; drawn: number }> {
    const view = this.page.locator(`[data-testid="topology-view"][data-state="ready"][data-as-of="${asOf}"]`);
    await view.waitFor({ timeout: timeoutMs });
    await this.page.locator('[data-testid="topology"][data-rendered="true"]').waitFor({ timeout: timeoutMs });
    return {
      nodes: Number(await view.getAttribute('data-nodes')),
      edges: Number(await view.getAttribute('data-edges')),
      drawn: Number(await this.graph.getAttribute('data-node-count')),
    };
  }

  /** Wait until the drawn graph has at least `n` nodes. */
  async waitForNodes(n: number, timeoutMs = 20_000): Promise<void> {
    await this.page.waitForFunction(
      (min) => Number(document.querySelector('[data-testid="topology"]')?.getAttribute('data-node-count') ?? 0) >= min,
      n,
      { timeout: timeoutMs, polling: 100 },
    );
  }

  /** Type a query and take the best match; returns the entity whose details opened. */
  async find(query: string): Promise<string> {
    await this.search.fill(query);
    await this.search.press('Enter');
    await this.details.waitFor();
    return (await this.details.getAttribute('data-entity')) ?? '';
  }
}
