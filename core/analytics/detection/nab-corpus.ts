/**
 * Reads the Numenta Anomaly Benchmark corpus (https://github.com/numenta/NAB; Lavin & Ahmad 2015) as
 * laid out in the shared datasets folder: data/<category>/<file>.csv (timestamp,value),
 * labels/combined_windows.json, config/profiles.json, and results/<detector>/<category>/<detector>_<file>.csv
 * (the published detector outputs, column anomaly_score). Nothing is copied into the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostMatrix } from './nab-scorer.ts';

/** One NAB data file. */
export interface NabFile {
  /** Relative name, e.g. `realKnownCause/nyc_taxi.csv` (the key of combined_windows.json). */
  name: string;
  category: string;
  timestamps: Float64Array;
  values: Float64Array;
  windows: [number, number][];
}

/** NAB's three application profiles by name. */
export type NabProfiles = Record<string, CostMatrix>;

/**
 * The shared datasets folder: $WATCHFLOOR_SHARED, else `<repoRoot>/../shared`. Returns null when
 * neither exists, so a dataset-backed test can skip and say why.
 */
export function sharedDir(repoRoot: string): string | null {
  const candidates = [process.env.WATCHFLOOR_SHARED, path.resolve(repoRoot, '..', 'shared')].filter((d): d is string => Boolean(d));
  for (const d of candidates) if (existsSync(path.join(d, 'datasets', 'nab', 'labels', 'combined_windows.json'))) return d;
  return null;
}

/** NAB's timestamp format (`2014-04-10 07:15:00[.000000]`, UTC) to epoch ms. */
export function parseNabTime(s: string): number {
  const t = Date.parse(`${s.trim().slice(0, 19).replace(' ', 'T')}Z`);
  if (!Number.isFinite(t)) throw new Error(`bad NAB timestamp '${s}'`);
  return t;
}

function readCsv(file: string, columns: string[]): { ts: Float64Array; cols: Float64Array[] } {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const idx = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new Error(`${file}: no column '${c}'`);
    return i;
  });
  const tsIdx = header.indexOf('timestamp');
  const n = lines.length - 1;
  const ts = new Float64Array(n);
  const cols = columns.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const f = lines[r + 1].split(',');
    ts[r] = parseNabTime(f[tsIdx]);
    for (let c = 0; c < idx.length; c++) cols[c][r] = Number(f[idx[c]]);
  }
  return { ts, cols };
}

/** Loads every data file of the corpus with its windows, in a stable (sorted) order. */
export function loadNabCorpus(nabDir: string): NabFile[] {
  const windows = JSON.parse(readFileSync(path.join(nabDir, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const out: NabFile[] = [];
  for (const name of Object.keys(windows).sort()) {
    const { ts, cols } = readCsv(path.join(nabDir, 'data', name), ['value']);
    out.push({
      name,
      category: name.split('/')[0],
      timestamps: ts,
      values: cols[0],
      windows: windows[name].map(([s, e]) => [parseNabTime(s), parseNabTime(e)]),
    });
  }
  return out;
}

/** The cost matrices of config/profiles.json, by profile name. */
export function loadNabProfiles(nabDir: string): NabProfiles {
  const raw = JSON.parse(readFileSync(path.join(nabDir, 'config', 'profiles.json'), 'utf8')) as Record<string, { CostMatrix: CostMatrix }>;
  const out: NabProfiles = {};
  for (const [k, v] of Object.entries(raw)) out[k] = { tpWeight: v.CostMatrix.tpWeight, fnWeight: v.CostMatrix.fnWeight, fpWeight: v.CostMatrix.fpWeight };
  return out;
}

/** The published anomaly scores of `detector` for one corpus file (results/<detector>/...). */
export function loadPublishedScores(nabDir: string, detector: string, file: NabFile): Float64Array {
  const [category, base] = file.name.split('/');
  const p = path.join(nabDir, 'results', detector, category, `${detector}_${base}`);
  const { ts, cols } = readCsv(p, ['anomaly_score']);
  if (ts.length !== file.timestamps.length) throw new Error(`${p}: ${ts.length} rows, data file has ${file.timestamps.length}`);
  return cols[0];
}

/** The published normalised scores (results/final_results.json): detector → profile → score. */
export function loadPublishedFinal(nabDir: string): Record<string, Record<string, number>> {
  return JSON.parse(readFileSync(path.join(nabDir, 'results', 'final_results.json'), 'utf8')) as Record<string, Record<string, number>>;
}

/** The detectors with published outputs in results/. */
export function publishedDetectors(nabDir: string): string[] {
  return readdirSync(path.join(nabDir, 'results'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
