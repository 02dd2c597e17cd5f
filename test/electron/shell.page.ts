/**
 * Page object of the desktop shell's window, as seen by the Electron smoke test: the locators and the
 * in-page probes live here, not in the test.
 */
import type { Page } from 'playwright';

/** What the page can see of its own privileges. */
export interface PageProbe {
  origin: string;
  bridgeType: string;
  bridgeKeys: string[];
  requireType: string;
  processType: string;
  moduleType: string;
}

/** The main window of the shell. */
export class ShellWindow {
  constructor(readonly page: Page) {}

  /** Resolves once the UI reports it has loaded its first data (`data-state="ready"`). */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    await this.page.locator('[data-state="ready"]').first().waitFor({ state: 'attached', timeout: timeoutMs });
  }

  /** What the page's own JavaScript can reach. */
  probe(): Promise<PageProbe> {
    return this.page.evaluate(() => {
      const w = window as unknown as { watchfloor?: Record<string, unknown> };
      return {
        origin: location.origin,
        bridgeType: typeof w.watchfloor,
        bridgeKeys: w.watchfloor ? Object.keys(w.watchfloor).sort() : [],
        requireType: typeof (globalThis as { require?: unknown }).require,
        processType: typeof (globalThis as { process?: unknown }).process,
        moduleType: typeof (globalThis as { module?: unknown }).module,
      };
    });
  }

  /** Call `window.watchfloor.getConfig()` from the page. */
  bridgeConfig(): Promise<{ apiBase: string; token: string; wall: boolean }> {
    return this.page.evaluate(() =>
      (window as unknown as { watchfloor: { getConfig(): Promise<{ apiBase: string; token: string; wall: boolean }> } }).watchfloor.getConfig(),
    );
  }

  /** Try to open a non-web URL in a new window; the shell must refuse (window.open returns null). */
  tryOpenFileWindow(): Promise<boolean> {
    return this.page.evaluate(() => window.open('file:///etc/passwd') === null);
  }
}
