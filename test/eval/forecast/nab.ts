/** Where the shared datasets live: WATCHFLOOR_SHARED, else ../shared beside the repository. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared datasets folder, or null when it is absent. */
export function sharedDir(): string | null {
  const dir = process.env.WATCHFLOOR_SHARED ?? path.resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : null;
}

/** NAB's data folder (Numenta Anomaly Benchmark, Lavin & Ahmad 2015), or null when it is absent. */
export function nabDataDir(): string | null {
  const shared = sharedDir();
  const dir = shared && path.join(shared, 'datasets', 'nab', 'data');
  return dir && existsSync(dir) ? dir : null;
}
