/** Page object of the log explorer (`/logs`). */
import type { Locator, Page } from 'playwright';

export class LogsPage {
  readonly page: Page;
  readonly rows: Locator;
  readonly lines: Locator;
  readonly events: Locator;
  readonly entitySelect: Locator;

  constructor(page: Page) {
    this.page = page;
    this.rows = page.getByTestId('log-template-row');
    this.lines = page.getByTestId('log-line');
    this.events = page.getByTestId('log-event');
    this.entitySelect = page.getByTestId('logs-entity');
  }

  /** Open the explorer (the token is in sessionStorage from an earlier page, or given here). */
  async open(origin: string, token?: string): Promise<void> {
    const url = new URL('/logs', origin);
    if (token) url.hash = `token=${encodeURIComponent(token)}`;
    await this.page.goto(url.toString());
  }

  async waitReady(timeoutMs = 20_000): Promise<void> {
    await this.page.locator('[data-testid="logs-view"][data-state="ready"]').waitFor({ timeout: timeoutMs });
  }

  /** The template rows as [template text, line count]. */
  async templates(): Promise<[string, number][]> {
    return this.rows.evaluateAll((els) =>
      els.map((el) => [(el.querySelector('.logs-template')?.textContent ?? '').trim(), Number(el.getAttribute('data-count'))] as [string, number]),
    );
  }

  /** The row of one template. */
  row(templateId: string): Locator {
    return this.page.locator(`[data-testid="log-template-row"][data-template-id="${templateId}"]`);
  }

  /** Filter by entity and wait for the list to show only that entity's templates. */
  async filterEntity(entity: string): Promise<void> {
    await this.entitySelect.selectOption(entity);
    await this.page.waitForURL((u) => new URL(u).searchParams.get('entity') === entity);
  }
}
