/** Page object of the forensics views (import, SQL console, reports). Locators live here. */
import type { Download, Page } from 'playwright';

/** The forensics area of one engine's UI. */
export class ForensicsPage {
  constructor(
    readonly page: Page,
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  /** Opens a forensics tab directly. */
  async open(tab: 'cases' | 'import' | 'replay' | 'sql' | 'reports'): Promise<void> {
    await this.page.goto(`${this.apiUrl}/forensics/${tab}#token=${encodeURIComponent(this.token)}`);
    await this.page.getByTestId(`forensics-${tab}`).waitFor();
  }

  /** Switches tab through the tab row (client-side navigation). */
  async tab(tab: 'cases' | 'import' | 'replay' | 'sql' | 'reports'): Promise<void> {
    await this.page.getByTestId(`ftab-${tab}`).click();
    await this.page.getByTestId(`forensics-${tab}`).waitFor();
  }

  /** Drops a file with this name and content onto the drop zone, as a user dragging it in would. */
  async dropFile(name: string, content: string, type = 'text/plain'): Promise<void> {
    const dt = await this.page.evaluateHandle(
      ({ name: n, content: c, type: t }) => {
        const d = new DataTransfer();
        d.items.add(new File([c], n, { type: t }));
        return d;
      },
      { name, content, type },
    );
    const zone = this.page.getByTestId('dropzone');
    await zone.dispatchEvent('dragenter', { dataTransfer: dt });
    await zone.dispatchEvent('dragover', { dataTransfer: dt });
    await zone.dispatchEvent('drop', { dataTransfer: dt });
  }

  /** Waits for the newest import job to finish; returns its state and counts. */
  async waitImportDone(timeoutMs = 60_000): Promise<{ state: string; rows: number; badRows: number }> {
    const job = this.page.getByTestId('import-job').first();
    await job.waitFor();
    await this.page.waitForSelector('[data-testid="import-job"]:not([data-state="running"])', { timeout: timeoutMs });
    return {
      state: (await job.getAttribute('data-state')) ?? '',
      rows: Number(await job.getAttribute('data-rows')),
      badRows: Number(await job.getAttribute('data-bad-rows')),
    };
  }

  /** Starts a replay from the replay view at this speed and pauses it; resolves once it is paused. */
  async startPausedReplay(speed: '1×' | '10×' | '100×' | 'max'): Promise<void> {
    await this.page.getByTestId('replay-speeds').getByRole('button', { name: speed, exact: true }).click();
    await this.page.getByTestId('replay-start').click();
    await this.page.getByTestId('replay-pause').click({ timeout: 30_000 });
    await this.page.locator('[data-testid="replay-status"][data-state="paused"]').waitFor({ timeout: 30_000 });
  }

  /** Waits until the replay view's "as of" clock shows this event time. */
  async waitReplayClock(clock: number, timeoutMs = 30_000): Promise<void> {
    await this.page.locator(`[data-testid="replay-clock"][data-clock="${clock}"]`).waitFor({ timeout: timeoutMs });
  }

  /** Types a query into the console (replacing what is there) and runs it; resolves with the row count. */
  async runQuery(sql: string): Promise<number> {
    const editor = this.page.getByTestId('sql-editor');
    await editor.fill(sql);
    await this.page.keyboard.press('Escape');
    await this.page.getByTestId('sql-run').click();
    const grid = this.page.getByTestId('result-grid');
    await grid.waitFor({ timeout: 30_000 });
    return Number(await grid.getAttribute('data-rows'));
  }

  /** Completion candidates after typing `text` at the end of the editor. */
  async completionsFor(text: string): Promise<string[]> {
    const editor = this.page.getByTestId('sql-editor');
    await editor.fill('');
    await editor.pressSequentially(text);
    const list = this.page.getByTestId('completions');
    await list.waitFor();
    return (await list.locator('div > span:first-child').allTextContents()).map((s) => s.trim());
  }

  /** Draws the result as `kind` and waits for the chart canvas. */
  async drawChart(kind: 'line' | 'bar' | 'heatmap'): Promise<{ kind: string; points: number }> {
    await this.page.getByTestId(`chart-${kind}`).click();
    const chart = this.page.getByTestId('sql-chart');
    await this.page.waitForSelector(`[data-testid="sql-chart"][data-kind="${kind}"] canvas`);
    return { kind: (await chart.getAttribute('data-kind')) ?? '', points: Number(await chart.getAttribute('data-points')) };
  }

  /** Whether the chart canvas has drawn pixels (not one flat colour). */
  async chartHasInk(): Promise<boolean> {
    return this.page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="sql-chart"] canvas') as HTMLCanvasElement | null;
      if (!canvas) return false;
      const ctx = canvas.getContext('2d');
      if (!ctx) return false;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      for (let i = 0; i < data.length && colours.size < 3; i += 16) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2] | (data[i + 3] << 24));
      return colours.size >= 3;
    });
  }

  /** Exports a report for a time range (UTC `YYYY-MM-DDTHH:MM`); returns the two downloads. */
  async exportRangeReport(from: string, to: string): Promise<{ html: Download; pdf: Download }> {
    await this.page.getByTestId('report-from').fill(from);
    await this.page.getByTestId('report-to').fill(to);
    await this.page.getByTestId('report-export').click();
    await this.page.getByTestId('report-ready').waitFor({ timeout: 60_000 });
    const [html] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId('report-html').click()]);
    const [pdf] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId('report-pdf').click()]);
    return { html, pdf };
  }
}
