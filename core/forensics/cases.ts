/**
 * Cases: an analyst's own data directory (DuckDB file, API token, cold tier, bundles, reports),
 * separate from the live NOC database. A small JSON file in the per-user data directory remembers the
 * recently opened ones.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Storage } from '../storage/storage.ts';

/** A case as listed. */
export interface CaseInfo {
  /** Absolute data directory. */
  path: string;
  name: string;
  /** Epoch ms of the last time it was opened. */
  openedAt: number;
}

const RECENT_FILE = 'recent-cases.json';
const MAX_RECENT = 20;

/** The database file of a case. */
export function caseDatabase(dataDir: string): string {
  return path.join(dataDir, 'watchfloor.duckdb');
}

/**
 * Opens a case's database for a tool that runs beside no engine (the import command). DuckDB locks
 * the file, so a case open in a running engine is refused with a message saying what to do.
 */
export async function openCase(dataDir: string): Promise<Storage> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await Storage.open({ path: caseDatabase(dataDir) });
  } catch (err) {
    const msg = (err as Error).message;
    if (/lock/i.test(msg)) {
      throw new Error(`${dataDir}: the case is open in a running engine; import through its UI or API, or stop it first (${msg})`, { cause: err });
    }
    throw err;
  }
}

/** The recently opened cases, newest first (missing or unreadable file: none). */
export async function listRecentCases(registryDir: string): Promise<CaseInfo[]> {
  try {
    const raw = JSON.parse(await readFile(path.join(registryDir, RECENT_FILE), 'utf8')) as { cases?: CaseInfo[] };
    return (raw.cases ?? []).filter((c) => typeof c.path === 'string' && typeof c.name === 'string' && typeof c.openedAt === 'number');
  } catch {
    return [];
  }
}

/** Puts a case at the top of the recent list (written atomically: a crash keeps the old list). */
export async function rememberCase(registryDir: string, c: CaseInfo): Promise<CaseInfo[]> {
  const list = [c, ...(await listRecentCases(registryDir)).filter((x) => x.path !== c.path)].slice(0, MAX_RECENT);
  await mkdir(registryDir, { recursive: true });
  const file = path.join(registryDir, RECENT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ cases: list }, null, 1)}\n`);
  await rename(tmp, file);
  return list;
}

/** A case's display name: its case.json name, else the folder name. */
export async function caseName(dataDir: string): Promise<string> {
  try {
    const meta = JSON.parse(await readFile(path.join(dataDir, 'case.json'), 'utf8')) as { name?: unknown };
    if (typeof meta.name === 'string' && meta.name) return meta.name;
  } catch {
    // No case.json: a plain data directory.
  }
  return path.basename(dataDir);
}

/** Creates a case folder with its case.json (an existing case keeps its name). */
export async function createCase(dataDir: string, name: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'case.json');
  await readFile(file).catch(() => writeFile(file, `${JSON.stringify({ name, createdAt: new Date().toISOString() })}\n`));
}
