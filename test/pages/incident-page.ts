/** Page object of the incident view (`/incidents/:id`). */
import type { Locator, Page } from 'playwright';

export class IncidentPage {
  readonly page: Page;
  readonly root: Locator;
  readonly title: Locator;
  readonly rootCauses: Locator;
  readonly subgraph: Locator;
  readonly membersTimeline: Locator;
  readonly similar: Locator;
  readonly similarRows: Locator;
  readonly mergeSelect: Locator;
  readonly mergeButton: Locator;
  readonly splitButton: Locator;
  readonly actionResult: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('incident-view');
    this.title = page.getByTestId('incident-title');
    this.rootCauses = page.getByTestId('root-cause');
    this.subgraph = page.getByTestId('incident-subgraph');
    this.membersTimeline = page.getByTestId('members-timeline');
    this.similar = page.locator('[data-testid="similar-incidents"][data-state="ready"]');
    this.similarRows = page.getByTestId('similar-incident');
    this.mergeSelect = page.getByTestId('merge-select');
    this.mergeButton = page.getByTestId('merge-button');
    this.splitButton = page.getByTestId('split-button');
    this.actionResult = page.getByTestId('action-result');
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

  /** Merge the open incident `otherId` into this one through the UI; resolves when the engine answered. */
  async mergeIn(otherId: string): Promise<string> {
    await this.mergeSelect.selectOption(otherId);
    await this.mergeButton.click();
    await this.actionResult.waitFor();
    return this.actionResult.innerText();
  }

  /** Split the signals of `entities` off into a new incident through the UI. */
  async splitOff(entities: string[]): Promise<string> {
    for (const e of entities) await this.page.locator(`[data-testid="split-entity"][data-entity="${e}"]`).check();
    await this.splitButton.click();
    await this.actionResult.waitFor();
    return this.actionResult.innerText();
  }
}
