/** Page object of the timeline (`/timeline`). */
import type { Locator, Page } from 'playwright';

export class TimelinePage {
  readonly page: Page;
  readonly chart: Locator;
  readonly window: Locator;
  /** The expected-band chart of the picked (or strongest) anomaly's series. */
  readonly band: Locator;

  constructor(page: Page) {
    this.page = page;
    this.chart = page.getByTestId('timeline-chart');
    this.window = page.getByTestId('timeline-window');
    this.band = page.getByTestId('expected-band');
  }

  /** Wait until anomalies and changes of the range are loaded. */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    await this.page.locator('[data-testid="timeline-view"][data-state="ready"]').waitFor({ timeout: timeoutMs });
  }

  /** Waits until the view shows the timeline as of `asOf` (a replay clock); resolves with its range end. */
  async waitAsOf(asOf: number, timeoutMs = 30_000): Promise<number> {
    const view = this.page.locator(`[data-testid="timeline-view"][data-state="ready"][data-as-of="${asOf}"]`);
    await view.waitFor({ timeout: timeoutMs });
    return Number(await view.getAttribute('data-range-to'));
  }

  /** The heading of the window list ("In window A – B UTC"). */
  async windowTitle(): Promise<string> {
    return (await this.window.locator('h2').innerText()).trim();
  }

  /** Brush across the chart from fraction `a` to `b` of its width. */
  async brush(a: number, b: number): Promise<void> {
    const box = await this.chart.boundingBox();
    if (!box) throw new Error('timeline chart is not visible');
    const y = box.y + box.height * 0.4;
    await this.page.mouse.move(box.x + box.width * a, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + box.width * b, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Wait until the expected band has its data; returns its data-* attributes. */
  async waitBandReady(timeoutMs = 20_000): Promise<{ entity: string; metric: string; points: number; outside: number }> {
    await this.page.locator('[data-testid="expected-band"][data-state="ready"]').waitFor({ timeout: timeoutMs });
    const attr = async (n: string) => (await this.band.getAttribute(n)) ?? '';
    return { entity: await attr('data-entity'), metric: await attr('data-metric'), points: Number(await attr('data-points')), outside: Number(await attr('data-outside')) };
  }
}
