/**
 * Detection over a CSV file, the engine's detector run offline (`watchfloor detect`): a `timestamp`
 * column (RFC 3339, epoch seconds or epoch milliseconds) and one or more numeric columns; one
 * detector per column, an entity score per row. Missing or non-numeric values are skipped and
 * counted; a malformed file is refused with the line and the reason.
 */
import { entityScore } from './entity-score.ts';
import { DEFAULT_DETECTOR_SETTINGS, StreamingDetector, type DetectorSettings } from './streaming-detector.ts';

/** A file that cannot be read as a detection input: `line` is 1-based (the header is line 1). */
export class CsvFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** A value that was skipped: where and why. */
export interface SkippedValue {
  line: number;
  column: string;
  reason: 'missing' | 'non-numeric';
  text: string;
}

/** The result of `detectCsv`. */
export interface DetectCsvResult {
  /** The numeric columns, in file order. */
  columns: string[];
  /** Output CSV text: timestamp,anomaly_score,is_anomaly,score_<column>… in input order. */
  csv: string;
  rows: number;
  anomalies: number;
  skipped: SkippedValue[];
  /** Count of skipped values (the `skipped` list keeps the first 1000). */
  skippedCount: number;
}

/** Splits one CSV record; supports double-quoted fields with "" escapes. */
export function splitCsvLine(line: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur.length === 0) quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
    i++;
  }
  if (quoted) throw new CsvFormatError(lineNo, 'unterminated quoted field');
  out.push(cur);
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * A timestamp cell to epoch ms: RFC 3339 (a missing offset is read as UTC, as NAB's files are), or a
 * number — epoch seconds when below 1e11 (the year 5138 in seconds), else epoch milliseconds.
 * Returns NaN when it is neither.
 */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (t === '') return NaN;
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  if (!RFC3339.test(t)) return NaN;
  const iso = t.replace(' ', 'T');
  return Date.parse(/([Zz]|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
}

/** Runs the detector over every numeric column of `text` (a whole CSV file). */
export function detectCsv(
  text: string,
  opts: { threshold: number; settings?: Readonly<DetectorSettings>; onProgress?: (done: number, total: number) => void },
): DetectCsvResult {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines[0].trim() === '') throw new CsvFormatError(1, 'empty file: expected a header with a timestamp column');
  const header = splitCsvLine(lines[0].replace(/^\uFEFF/, ''), 1).map((h) => h.trim());
  const tsCol = header.indexOf('timestamp');
  if (tsCol < 0) throw new CsvFormatError(1, `no 'timestamp' column in the header (${header.join(',')})`);
  const valueCols = header.map((_, i) => i).filter((i) => i !== tsCol);
  if (valueCols.length === 0) throw new CsvFormatError(1, 'no value column besides timestamp');
  for (const i of valueCols) if (header[i] === '') throw new CsvFormatError(1, `column ${i + 1} has an empty name`);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) throw new CsvFormatError(1, `column '${dup}' appears twice`);

  const settings = opts.settings ?? DEFAULT_DETECTOR_SETTINGS;
  const detectors = valueCols.map(() => new StreamingDetector(settings));
  const colScores = new Float64Array(valueCols.length);
  const skipped: SkippedValue[] = [];
  let skippedCount = 0;
  let anomalies = 0;
  let rows = 0;
  const out: string[] = [['timestamp', 'anomaly_score', 'is_anomaly', ...valueCols.map((i) => `score_${header[i]}`)].join(',')];
  const total = lines.length - 1;
  for (let l = 1; l < lines.length; l++) {
    const lineNo = l + 1;
    if (lines[l].trim() === '') continue;
    const fields = splitCsvLine(lines[l], lineNo);
    if (fields.length !== header.length) throw new CsvFormatError(lineNo, `${fields.length} fields, the header has ${header.length}`);
    const tsText = fields[tsCol].trim();
    const ts = parseTimestamp(tsText);
    if (!Number.isFinite(ts)) throw new CsvFormatError(lineNo, tsText === '' ? 'missing timestamp' : `timestamp '${tsText}' is not RFC 3339, epoch seconds or epoch milliseconds`);
    const cells: string[] = [];
    for (let c = 0; c < valueCols.length; c++) {
      const raw = fields[valueCols[c]].trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        skippedCount++;
        if (skipped.length < 1000) skipped.push({ line: lineNo, column: header[valueCols[c]], reason: raw === '' ? 'missing' : 'non-numeric', text: raw });
        colScores[c] = NaN;
        cells.push('');
        continue;
      }
      const s = detectors[c].update(ts, v);
      colScores[c] = s;
      cells.push(round(s));
    }
    const score = entityScore(colScores);
    const isAnomaly = score >= opts.threshold;
    if (isAnomaly) anomalies++;
    out.push(`${csvField(fields[tsCol].trim())},${round(score)},${isAnomaly ? 1 : 0},${cells.join(',')}`);
    rows++;
    if (opts.onProgress && l % 100_000 === 0) opts.onProgress(l, total);
  }
  return { columns: valueCols.map((i) => header[i]), csv: `${out.join('\n')}\n`, rows, anomalies, skipped, skippedCount };
}

function round(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
