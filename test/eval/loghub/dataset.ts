/**
 * The Loghub-2k dataset (Zhu et al., "Loghub", ISSRE 2023; corrected labels from Jiang et al.,
 * "A Large-scale Evaluation for Log Parsing Techniques", ISSTA 2024), read from the shared datasets
 * folder: `WATCHFLOOR_SHARED` when set, else `../shared` beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../../../core/analytics/logs/csv.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The loghub-2k folder, or null when the shared datasets are not there. */
export function loghubDir(): string | null {
  const shared = process.env.WATCHFLOOR_SHARED ?? path.resolve(repoRoot, '..', 'shared');
  const dir = path.join(shared, 'datasets', 'loghub-2k');
  return existsSync(path.join(dir, 'systems.json')) ? dir : null;
}

/** One system: its raw lines, its Loghub line format and the true event per line. */
export interface LoghubSystem {
  name: string;
  format: string;
  lines: string[];
  truth: { eventId: string; template: string }[];
}

/** Loads every system listed in systems.json, in its order. */
export function loadLoghub(dir: string): LoghubSystem[] {
  const systems = JSON.parse(readFileSync(path.join(dir, 'systems.json'), 'utf8')) as Record<
    string,
    { log: string; truth: string; log_format: string }
  >;
  return Object.entries(systems).map(([name, s]) => {
    const lines = readFileSync(path.join(dir, s.log), 'utf8').split(/\r?\n/);
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    const rows = parseCsv(readFileSync(path.join(dir, s.truth), 'utf8'));
    const header = rows[0]!;
    const idCol = header.indexOf('EventId');
    const tplCol = header.indexOf('EventTemplate');
    const truth = rows.slice(1).filter((r) => r.length > 1).map((r) => ({ eventId: r[idCol]!, template: r[tplCol]! }));
    if (truth.length !== lines.length) throw new Error(`${name}: ${lines.length} log lines but ${truth.length} truth rows`);
    return { name, format: s.log_format, lines, truth };
  });
}
