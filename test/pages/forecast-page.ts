/** Page objects of the forecast parts: the wall's "coming up" panel and the timeline's forecast chart. */
import type { Locator, Page } from 'playwright';

export class ComingUpPanel {
  readonly list: Locator;
  constructor(readonly page: Page) {
    this.list = page.getByTestId('coming-up');
  }

  /** Wait until the panel lists a predicted exhaustion of `entity`; returns the rows' entities and time left. */
  async waitForEntity(entity: string, timeoutMs = 20_000): Promise<{ entity: string; inMs: number; text: string }[]> {
    await this.page.locator(`[data-testid="coming-up"][data-state="ready"] [data-forecast-entity="${entity}"]`).first().waitFor({ timeout: timeoutMs });
    return this.list.locator('[data-forecast-entity]').evaluateAll((els) =>
      els.map((e) => ({ entity: e.getAttribute('data-forecast-entity') ?? '', inMs: Number(e.getAttribute('data-in-ms')), text: (e as HTMLElement).innerText })),
    );
  }

  /** Wait until the panel lists a failure foretold for `entity`; returns every risk row with its explanation. */
  async waitForRisk(entity: string, timeoutMs = 30_000): Promise<RiskRow[]> {
    await this.page.locator(`[data-testid="coming-up"][data-state="ready"] [data-risk-entity="${entity}"]`).first().waitFor({ timeout: timeoutMs });
    return this.list.locator('[data-risk-entity]').evaluateAll((els) =>
      els.map((e) => ({
        entity: e.getAttribute('data-risk-entity') ?? '',
        probability: Number(e.getAttribute('data-probability')),
        text: (e as HTMLElement).innerText,
        because: e.getAttribute('title') ?? '',
      })),
    );
  }

  /** Wait until the ready panel lists nothing (neither exhaustion nor risk) for `entity`. */
  async waitForGone(entity: string, timeoutMs = 30_000): Promise<void> {
    await this.page.waitForFunction(
      (ent) => {
        const list = document.querySelector('[data-testid="coming-up"][data-state="ready"]');
        return list !== null && list.querySelector(`[data-forecast-entity="${ent}"], [data-risk-entity="${ent}"]`) === null;
      },
      entity,
      { timeout: timeoutMs, polling: 250 },
    );
  }
}

/** One foretold failure on the panel. */
export interface RiskRow {
  entity: string;
  probability: number;
  text: string;
  /** Every moved signal, as the row's tooltip lists them. */
  because: string;
}

export class ForecastChart {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByTestId('forecast-chart');
  }

  /** Wait until the chart drew a series with a band ahead of it; returns its series and band size. */
  async waitForBand(timeoutMs = 20_000): Promise<{ series: string; bandPoints: number }> {
    const ready = this.page.locator('[data-testid="forecast-chart"][data-state="ready"]:not([data-band-points="0"])');
    await ready.waitFor({ timeout: timeoutMs });
    return { series: (await ready.getAttribute('data-series')) ?? '', bandPoints: Number(await ready.getAttribute('data-band-points')) };
  }
}
