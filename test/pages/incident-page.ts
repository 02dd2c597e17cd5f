/** Page object of the incident view (`/incidents/:id`). */
import type { Locator, Page } from 'playwright';

export class IncidentPage {
  readonly page: Page;
  readonly root: Locator;
  readonly title: Locator;
  readonly rootCauses: Locator;
  readonly subgraph: Locator;
  readonly membersTimeline: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('incident-view');
    this.title = page.getByTestId('incident-title');
    this.rootCauses = page.getByTestId('root-cause');
    this.subgraph = page.getByTestId('incident-subgraph');
    this.membersTimeline = page.getByTestId('members-timeline');
  }

  /** Open an incident by id on the engine at `origin` (the token is already in sessionStorage or the hash). */
  async open(origin: string, id: string, token?: string): Promise<void> {
    const url = new URL(`/incidents/${encodeURIComponent(id)}`, origin);
    if (token) url.hash = `token=${encodeURIComponent(token)}`;
    await this.page.goto(url.toString());
  }

  /** Wait for the incident and the topology to load. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    await this.page.locator('[data-testid="incident-view"][data-state="ready"]').waitFor({ timeout: timeoutMs });
  }

  /** Wait until at least one root-cause candidate is listed (the RCA may still be running). */
  async waitForRootCauses(timeoutMs = 20_000): Promise<void> {
    await this.rootCauses.first().waitFor({ timeout: timeoutMs });
  }

  /** Entities of the candidates, best first. */
  async candidateEntities(): Promise<string[]> {
    return this.rootCauses.evaluateAll((els) => els.map((e) => e.getAttribute('data-entity') ?? ''));
  }

  /** Evidence sentences of candidate `i`. */
  async evidence(i = 0): Promise<string[]> {
    return this.rootCauses.nth(i).locator('[data-testid="evidence"] li').allInnerTexts();
  }
}
