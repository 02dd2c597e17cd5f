/**
 * Launch Debian's Chromium through Playwright. Where it is missing, CI must fail loudly and a
 * developer machine skips with the reason.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright';

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Null when the browser can be launched, otherwise why not. In CI a missing browser throws instead,
 * so the suite cannot pass by skipping.
 */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`${reason}: end-to-end tests cannot run in CI without it`);
  return reason;
}

/** Launch headless Chromium with the flags that work in containers. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
}
