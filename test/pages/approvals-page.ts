/** Page object of the approval queue (`/approvals`) and the audit trail (`/audit`). */
import type { Locator, Page } from 'playwright';

export class ApprovalsPage {
  readonly page: Page;
  readonly root: Locator;
  readonly pauseSwitch: Locator;

  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('approvals');
    this.pauseSwitch = page.getByTestId('pause-switch');
  }

  /** Open the queue (the token is in sessionStorage from an earlier page, or given here). */
  async open(origin: string, token?: string): Promise<void> {
    const url = new URL('/approvals', origin);
    if (token) url.hash = `token=${encodeURIComponent(token)}`;
    await this.page.goto(url.toString());
  }

  async waitReady(timeoutMs = 20_000): Promise<void> {
    await this.page.locator('[data-testid="approvals"][data-state="ready"]').waitFor({ timeout: timeoutMs });
  }

  /** The card of one action. */
  card(actionId: string): Locator {
    return this.page.locator(`[data-testid="action-card"][data-action-id="${actionId}"]`);
  }

  /** Approve an action with a reason. */
  async approve(actionId: string, reason: string): Promise<void> {
    const card = this.card(actionId);
    await card.getByTestId('reason').fill(reason);
    await card.getByTestId('approve').click();
  }

  /** Wait until the action's card shows `state`. */
  async waitForState(actionId: string, state: string, timeoutMs = 20_000): Promise<void> {
    await this.page.locator(`[data-testid="action-card"][data-action-id="${actionId}"][data-action-state="${state}"]`).waitFor({ timeout: timeoutMs });
  }

  /** Flip the pause switch and wait for it to show `paused`. */
  async setPaused(paused: boolean): Promise<void> {
    await this.pauseSwitch.click();
    await this.page.locator(`[data-testid="pause-switch"][data-paused="${paused}"]`).waitFor({ timeout: 10_000 });
  }
}

export class AuditPage {
  readonly page: Page;
  readonly rows: Locator;

  constructor(page: Page) {
    this.page = page;
    this.rows = page.locator('[data-testid="audit-table"] tbody tr');
  }

  async open(origin: string): Promise<void> {
    await this.page.goto(new URL('/audit', origin).toString());
    await this.page.locator('[data-testid="audit"][data-state="ready"]').waitFor({ timeout: 20_000 });
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('audit-search').fill(text);
  }
}
