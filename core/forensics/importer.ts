/**
 * Imports exported telemetry into a case: OTLP JSON dumps (the collector's file exporter: one request
 * per line), JSON-lines events/changes/topology, CSV metrics (wide or long), Parquet metrics, plain log
 * files with a declared line format, Alertmanager payload archives, evidence bundles and directories
 * of any of these.
 *
 * Guarantees:
 * - Re-importing a file whose content (SHA-256) was fully imported before is a no-op.
 * - A bad row is reported with file, line and reason; the rest of the file imports.
 * - Rows are committed in batches; the ledger records how many lines are committed, so an import
 *   stopped by Ctrl-C (the signal is honoured between batches) or a crash resumes where it stopped
 *   instead of storing that part twice. A crash between a batch's commit and its ledger update can
 *   repeat at most that one batch.
 * - Imported data is stored, not analysed: the analytics see it through a replay, in event time.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { earliestEventTime, type AlertRecord, type ChangeRecord, type LogRecord, type MetricBatch, type SeriesKey, type SpanRecord, type TopologyBatch } from '../common/records.ts';
import { parseAlertmanager } from '../ingest/alertmanager.ts';
import { parseChanges, parseEvents, parseTopology } from '../ingest/events.ts';
import { parseOtlpLogsJson } from '../ingest/otlp-logs.ts';
import { parseOtlpMetricsJson } from '../ingest/otlp-metrics.ts';
import { parseOtlpTracesJson, SpanServiceIndex } from '../ingest/otlp-traces.ts';
import {
  BUNDLE_TABLES,
  getImport,
  importBundleTable,
  importMetricsParquet,
  recordImport,
  type BundleTable,
} from '../storage/forensics-store.ts';
import type { Storage } from '../storage/storage.ts';
import { compileLogFormat, csvLayout, csvRowPoints, parseLogLine, RowError, splitCsvLine, type CsvLayout, type LogFormat } from './text-formats.ts';

/** Formats the importer reads. */
export const IMPORT_FORMATS = ['otlp', 'events', 'csv', 'parquet', 'log', 'alertmanager', 'bundle'] as const;
/** One import format. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The default declared log line format. */
export const DEFAULT_LOG_FORMAT = '<Date> <Time> <Level> <Content>';

/** Progress of a running import, reported about once a second and at the end of each file. */
export interface ImportProgress {
  file: string;
  format: ImportFormat;
  bytesDone: number;
  bytesTotal: number;
  /** Rows stored so far over the whole import. */
  rows: number;
  badRows: number;
  rowsPerSec: number;
  /** Seconds left, from the byte fraction of all files; null until it can be estimated. */
  etaSec: number | null;
  filesDone: number;
  filesTotal: number;
}

/** A row that was not imported. */
export interface BadRow {
  file: string;
  /** 1-based line (text formats), element index + 1 (JSON arrays) or row number + 1 (Parquet). */
  line: number;
  reason: string;
}

/** Outcome of one file. */
export interface FileImportResult {
  file: string;
  format: ImportFormat | null;
  sha256: string | null;
  /** imported; skipped (same content imported before); partial (stopped; re-import resumes); failed. */
  status: 'imported' | 'skipped' | 'partial' | 'failed';
  rows: number;
  badRows: number;
  error?: string;
}

/** Outcome of an import. */
export interface ImportResult {
  files: FileImportResult[];
  rows: number;
  badRows: number;
  /** The first bad rows (at most {@link MAX_BAD_REPORTED}). */
  bad: BadRow[];
  interrupted: boolean;
  elapsedMs: number;
}

/** Options of {@link runImport}. */
export interface ImportOptions {
  /** Force a format for every file (default: detected per file). */
  format?: ImportFormat;
  /** Service name for data that names none (default: the file's base name). */
  source?: string;
  /** Line format of plain log files (default {@link DEFAULT_LOG_FORMAT}). */
  logFormat?: string;
  /** Stops the import between batches. */
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  onBadRow?: (b: BadRow) => void;
  /** Display names for files (uploads are staged under generated names). */
  displayName?: (file: string) => string;
  /** Lines per committed batch (default 20,000). */
  batchLines?: number;
}

/** At most this many bad rows are kept in the result (all are counted). */
export const MAX_BAD_REPORTED = 1000;

const PROGRESS_INTERVAL_MS = 1000;

/** A batch of normalised records bound for storage. */
interface PendingBatch {
  metrics: { keys: SeriesKey[]; index: Map<string, number>; series: number[]; ts: number[]; values: number[] };
  logs: LogRecord[];
  spans: SpanRecord[];
  alerts: AlertRecord[];
  changes: ChangeRecord[];
  topology: TopologyBatch;
  rows: number;
}

function emptyBatch(): PendingBatch {
  return {
    metrics: { keys: [], index: new Map(), series: [], ts: [], values: [] },
    logs: [],
    spans: [],
    alerts: [],
    changes: [],
    topology: { nodes: [], edges: [] },
    rows: 0,
  };
}

function addMetricBatch(b: PendingBatch, m: MetricBatch): void {
  const local = m.seriesKeys.map((k) => {
    let i = b.metrics.index.get(k.key);
    if (i === undefined) {
      i = b.metrics.keys.length;
      b.metrics.keys.push(k);
      b.metrics.index.set(k.key, i);
    }
    return i;
  });
  for (let i = 0; i < m.ts.length; i++) {
    b.metrics.series.push(local[m.series[i]]);
    b.metrics.ts.push(m.ts[i]);
    b.metrics.values.push(m.values[i]);
  }
  b.rows += m.ts.length;
}

function addTopology(b: PendingBatch, t: TopologyBatch | undefined): void {
  if (!t) return;
  b.topology.nodes.push(...t.nodes);
  b.topology.edges.push(...t.edges);
}

/** Stores a batch: topology first (so entities exist), then telemetry; each part commits whole. */
async function storeBatch(storage: Storage, b: PendingBatch, seenAt: number): Promise<void> {
  if (b.topology.nodes.length || b.topology.edges.length) await storage.upsertTopology(b.topology, seenAt, earliestEventTime(b));
  if (b.metrics.ts.length) {
    await storage.appendMetrics({
      seriesKeys: b.metrics.keys,
      series: Int32Array.from(b.metrics.series),
      ts: Float64Array.from(b.metrics.ts),
      values: Float64Array.from(b.metrics.values),
    });
  }
  if (b.logs.length) await storage.appendLogs(b.logs);
  if (b.spans.length) await storage.appendSpans(b.spans);
  if (b.alerts.length) await storage.appendAlerts(b.alerts);
  if (b.changes.length) await storage.appendChanges(b.changes);
}

/** SHA-256 of a file's content, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Expands directories (recursively, sorted) into files; a directory with a manifest.json is a bundle. */
async function expand(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (!s.isDirectory()) {
      out.push(p);
      continue;
    }
    const entries = (await readdir(p)).sort();
    if (entries.includes('manifest.json')) {
      out.push(p);
      continue;
    }
    out.push(...(await expand(entries.filter((e) => !e.startsWith('.')).map((e) => path.join(p, e)))));
  }
  return out;
}

/** The format of a file, from its extension and, for JSON, its first record. */
export async function detectFormat(file: string): Promise<ImportFormat> {
  const s = await stat(file);
  if (s.isDirectory()) return 'bundle';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.csv') return 'csv';
  if (ext === '.log' || ext === '.txt') return 'log';
  const head = await readHead(file, 65536);
  const trimmed = head.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') throw new Error('content is not JSON');
    return 'log';
  }
  if (/"resource(Metrics|Logs|Spans)"/.test(head)) return 'otlp';
  if (/"alerts"\s*:/.test(head) && /"(receiver|groupKey|version)"\s*:/.test(head)) return 'alertmanager';
  return 'events';
}

async function readHead(file: string, bytes: number): Promise<string> {
  const stream = createReadStream(file, { start: 0, end: bytes - 1 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Imports files and directories into `storage`. Never throws for bad data; see {@link ImportResult}. */
export async function runImport(storage: Storage, paths: string[], opts: ImportOptions = {}): Promise<ImportResult> {
  const started = Date.now();
  const files = await expand(paths);
  const sizes = await Promise.all(files.map(async (f) => ((await stat(f)).isDirectory() ? 0 : (await stat(f)).size)));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const result: ImportResult = { files: [], rows: 0, badRows: 0, bad: [], interrupted: false, elapsedMs: 0 };
  let bytesBefore = 0;
  let lastProgress = 0;
  const show = (name: string) => opts.displayName?.(name) ?? name;

  for (let fi = 0; fi < files.length; fi++) {
    const file = files[fi];
    if (opts.signal?.aborted) {
      result.interrupted = true;
      break;
    }
    const fr: FileImportResult = { file: show(file), format: null, sha256: null, status: 'imported', rows: 0, badRows: 0 };
    result.files.push(fr);
    const progress = (bytesInFile: number, force = false) => {
      const now = Date.now();
      if (!opts.onProgress || (!force && now - lastProgress < PROGRESS_INTERVAL_MS)) return;
      lastProgress = now;
      const done = bytesBefore + bytesInFile;
      const secs = (now - started) / 1000;
      const rate = secs > 0 ? result.rows / secs : 0;
      const frac = bytesTotal > 0 ? done / bytesTotal : 1;
      opts.onProgress({
        file: fr.file,
        format: fr.format ?? 'events',
        bytesDone: done,
        bytesTotal,
        rows: result.rows,
        badRows: result.badRows,
        rowsPerSec: rate,
        etaSec: frac > 0.001 && secs > 0.2 ? Math.max(0, (secs / frac) * (1 - frac)) : null,
        filesDone: fi,
        filesTotal: files.length,
      });
    };
    const bad = (line: number, reason: string) => {
      fr.badRows++;
      result.badRows++;
      const b = { file: fr.file, line, reason };
      if (result.bad.length < MAX_BAD_REPORTED) result.bad.push(b);
      opts.onBadRow?.(b);
    };
    const stored = (n: number) => {
      fr.rows += n;
      result.rows += n;
    };
    try {
      const format = opts.format && (await stat(file)).isFile() ? opts.format : await detectFormat(file);
      fr.format = format;
      const hashed = format === 'bundle' ? path.join(file, 'manifest.json') : file;
      const sha = await sha256File(hashed);
      fr.sha256 = sha;
      const prior = await getImport(storage, sha);
      if (prior?.status === 'done') {
        fr.status = 'skipped';
        continue;
      }
      const ledger = {
        sha256: sha,
        path: fr.file,
        format,
        rowsImported: prior?.rowsImported ?? 0,
        badRows: prior?.badRows ?? 0,
        startedAt: prior?.startedAt ?? Date.now(),
      };
      const ctx: FileContext = {
        storage,
        file,
        sha,
        source: opts.source ?? sourceName(file),
        opts,
        resumeLines: prior?.linesDone ?? 0,
        bad,
        stored,
        progress,
        checkpoint: async (linesDone) => {
          await recordImport(storage, {
            ...ledger,
            status: 'partial',
            rowsImported: ledger.rowsImported + fr.rows,
            badRows: ledger.badRows + fr.badRows,
            linesDone,
            finishedAt: null,
          });
        },
      };
      const outcome = await IMPORTERS[format](ctx);
      await recordImport(storage, {
        ...ledger,
        status: outcome.stopped ? 'partial' : 'done',
        rowsImported: ledger.rowsImported + fr.rows,
        badRows: ledger.badRows + fr.badRows,
        linesDone: outcome.linesDone,
        finishedAt: outcome.stopped ? null : Date.now(),
      });
      if (outcome.stopped) {
        fr.status = 'partial';
        result.interrupted = true;
        break;
      }
    } catch (err) {
      fr.status = 'failed';
      fr.error = err instanceof RowError || err instanceof Error ? err.message : String(err);
    } finally {
      bytesBefore += sizes[fi];
      progress(0, true);
    }
  }
  result.elapsedMs = Date.now() - started;
  return result;
}

/** A service name from a file name: `checkout-2026-01-01.log` → `checkout-2026-01-01`. */
function sourceName(file: string): string {
  return path.basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'import';
}

interface FileContext {
  storage: Storage;
  file: string;
  sha: string;
  source: string;
  opts: ImportOptions;
  /** Lines already committed by an earlier, interrupted import of the same content. */
  resumeLines: number;
  bad: (line: number, reason: string) => void;
  stored: (rows: number) => void;
  progress: (bytesInFile: number) => void;
  checkpoint: (linesDone: number) => Promise<void>;
}

interface FileOutcome {
  linesDone: number;
  stopped: boolean;
}

/** Parses one line into the batch (throws for a bad line). `id(i)` gives deterministic record ids. */
type LineHandler = (line: string, batch: PendingBatch, id: (i: number) => string) => void;

/**
 * The line loop every text format shares: skip what an earlier run committed, parse, commit every
 * `batchLines` lines, checkpoint, and stop between batches when aborted.
 */
async function importLines(ctx: FileContext, makeHandler: (first: string | null) => LineHandler, opts: { header?: boolean } = {}): Promise<FileOutcome> {
  const batchLines = ctx.opts.batchLines ?? 20_000;
  const rl = createInterface({ input: createReadStream(ctx.file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  let bytes = 0;
  let handler: LineHandler | null = opts.header ? null : makeHandler(null);
  let batch = emptyBatch();
  let batchStart = ctx.resumeLines;
  const prefix = ctx.sha.slice(0, 12);
  const commit = async () => {
    if (batch.rows > 0 || batch.topology.nodes.length) {
      await storeBatch(ctx.storage, batch, Date.now());
      ctx.stored(batch.rows);
    }
    batch = emptyBatch();
    batchStart = lineNo;
    await ctx.checkpoint(lineNo);
    ctx.progress(bytes);
  };
  try {
    for await (const line of rl) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      if (handler === null) {
        try {
          handler = makeHandler(line);
        } catch (err) {
          // A header the format cannot use makes the whole file unusable.
          throw new Error(`line 1: ${(err as Error).message}`);
        }
        continue;
      }
      if (lineNo <= ctx.resumeLines) continue;
      if (line.trim() === '') continue;
      try {
        handler(line, batch, (i) => `imp-${prefix}-${lineNo}-${i}`);
      } catch (err) {
        // Lines are parsed as one-element payloads; the element index says nothing to the analyst.
        ctx.bad(lineNo, (err as Error).message.replace(/^\[0\]\.?/, ''));
      }
      if (lineNo - batchStart >= batchLines || batch.rows >= 200_000) {
        await commit();
        if (ctx.opts.signal?.aborted) return { linesDone: lineNo, stopped: true };
      }
    }
    await commit();
    return { linesDone: lineNo, stopped: false };
  } finally {
    rl.close();
  }
}

function parseJsonLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw new RowError('line', `is not valid JSON (${(err as Error).message})`);
  }
}

/** A whole-file JSON document (an array or one object) or JSON lines, decided by the first line. */
async function isWholeJson(file: string): Promise<boolean> {
  const head = (await readHead(file, 4096)).trimStart();
  if (head.startsWith('[')) return true;
  const firstLine = head.split('\n', 1)[0];
  try {
    JSON.parse(firstLine);
    return false;
  } catch {
    return true;
  }
}

/** Imports a whole-file JSON array (or single object) element by element: element i is "line" i + 1. */
async function importWholeJson(ctx: FileContext, handle: LineHandler): Promise<FileOutcome> {
  const text = await readFile(ctx.file, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  const items = Array.isArray(doc) ? doc : [doc];
  let batch = emptyBatch();
  const prefix = ctx.sha.slice(0, 12);
  for (let i = 0; i < items.length; i++) {
    try {
      handle(JSON.stringify(items[i]), batch, (j) => `imp-${prefix}-${i + 1}-${j}`);
    } catch (err) {
      ctx.bad(i + 1, `[${i}] ${(err as Error).message}`);
    }
  }
  await storeBatch(ctx.storage, batch, Date.now());
  ctx.stored(batch.rows);
  batch = emptyBatch();
  return { linesDone: items.length, stopped: false };
}

const IMPORTERS: Record<ImportFormat, (ctx: FileContext) => Promise<FileOutcome>> = {
  async otlp(ctx) {
    const spanIndex = new SpanServiceIndex(200_000);
    return importLines(ctx, () => (line, batch) => {
      const body = parseJsonLine(line) as Record<string, unknown>;
      if (typeof body !== 'object' || body === null) throw new RowError('line', 'is not an OTLP request object');
      const now = Date.now();
      if ('resourceMetrics' in body) {
        const r = parseOtlpMetricsJson(body, now);
        addMetricBatch(batch, r.metrics);
        addTopology(batch, r.topology);
      } else if ('resourceLogs' in body) {
        const r = parseOtlpLogsJson(body, now);
        batch.logs.push(...r.logs);
        batch.rows += r.logs.length;
        addTopology(batch, r.topology);
      } else if ('resourceSpans' in body) {
        const r = parseOtlpTracesJson(body, now, spanIndex);
        batch.spans.push(...r.spans);
        batch.rows += r.spans.length;
        addTopology(batch, r.topology);
      } else {
        throw new RowError('line', 'has none of resourceMetrics, resourceLogs, resourceSpans');
      }
    });
  },

  async events(ctx) {
    const handle: LineHandler = (line, batch, id) => {
      const v = parseJsonLine(line);
      const items = Array.isArray(v) ? v : [v];
      let n = 0;
      const nextId = () => id(n++);
      for (const item of items) {
        if (typeof item !== 'object' || item === null) throw new RowError('line', 'is not a JSON object');
        const o = item as Record<string, unknown>;
        if ('nodes' in o || 'edges' in o) {
          addTopology(batch, parseTopology(o));
        } else if ('summary' in o && 'kind' in o && !('severity' in o)) {
          const c = parseChanges([o], nextId);
          batch.changes.push(...c);
          batch.rows += c.length;
        } else {
          const a = parseEvents([o], Date.now(), nextId);
          batch.alerts.push(...a);
          batch.rows += a.length;
        }
      }
    };
    return (await isWholeJson(ctx.file)) ? importWholeJson(ctx, handle) : importLines(ctx, () => handle);
  },

  async alertmanager(ctx) {
    const handle: LineHandler = (line, batch, id) => {
      let n = 0;
      const a = parseAlertmanager(parseJsonLine(line), Date.now(), () => id(n++));
      batch.alerts.push(...a);
      batch.rows += a.length;
    };
    return (await isWholeJson(ctx.file)) ? importWholeJson(ctx, handle) : importLines(ctx, () => handle);
  },

  async csv(ctx) {
    return importLines(
      ctx,
      (first) => {
        const header = splitCsvLine(first ?? '');
        const layout: CsvLayout = csvLayout(header);
        return (line, batch) => {
          const points = csvRowPoints(splitCsvLine(line), header, layout, ctx.source);
          for (const p of points) {
            const key = `${p.entity}|${p.name}|${p.host && p.entity !== `host:${p.host}` ? `|host.name=${p.host}` : ''}`;
            let i = batch.metrics.index.get(key);
            if (i === undefined) {
              i = batch.metrics.keys.length;
              batch.metrics.keys.push({ key, entity: p.entity, service: p.service, host: p.host, name: p.name, unit: p.unit, attributes: {} });
              batch.metrics.index.set(key, i);
              batch.topology.nodes.push({ id: p.entity, kind: p.entity.slice(0, p.entity.indexOf(':')), name: p.entity.slice(p.entity.indexOf(':') + 1), attributes: {} });
            }
            batch.metrics.series.push(i);
            batch.metrics.ts.push(p.ts);
            batch.metrics.values.push(p.value);
            batch.rows++;
          }
        };
      },
      { header: true },
    );
  },

  async log(ctx) {
    let fmt: LogFormat;
    try {
      fmt = compileLogFormat(ctx.opts.logFormat ?? DEFAULT_LOG_FORMAT);
    } catch (err) {
      throw new Error((err as Error).message);
    }
    const entity = `service:${ctx.source}`;
    return importLines(ctx, () => (line, batch) => {
      const p = parseLogLine(line, fmt);
      if (batch.logs.length === 0) batch.topology.nodes.push({ id: entity, kind: 'service', name: ctx.source, attributes: {} });
      batch.logs.push({
        ts: p.ts,
        entity,
        service: ctx.source,
        host: p.host,
        severity: p.severity,
        body: p.body,
        traceId: null,
        spanId: null,
        attributes: p.attributes,
      });
      batch.rows++;
    });
  },

  async parquet(ctx) {
    const staged = await stage(ctx.storage, ctx.file, `${ctx.sha}.parquet`);
    try {
      const r = await importMetricsParquet(ctx.storage, staged, ctx.source);
      for (const b of r.bad) ctx.bad(b.row + 1, b.reason);
      // Counted, not all listed: the first few carry row numbers.
      for (let i = r.bad.length; i < r.badRows; i++) ctx.bad(0, 'more rows with a missing time or name');
      if (r.entities.length) {
        await ctx.storage.upsertTopology(
          { nodes: r.entities.map((id) => ({ id, kind: id.slice(0, id.indexOf(':')), name: id.slice(id.indexOf(':') + 1), attributes: {} })), edges: [] },
          Date.now(),
        );
      }
      ctx.stored(r.rows);
      return { linesDone: r.rows + r.badRows, stopped: false };
    } finally {
      await rm(staged, { force: true });
    }
  },

  async bundle(ctx) {
    const manifest = await readManifest(ctx.file);
    // Every file is checked before anything is stored: a tampered bundle imports nothing.
    for (const f of manifest.files) {
      const actual = await sha256File(path.join(ctx.file, f.path));
      if (actual !== f.sha256) throw new Error(`${f.path}: SHA-256 ${actual} does not match the manifest's ${f.sha256}`);
    }
    for (const table of BUNDLE_TABLES) {
      const f = manifest.files.find((x) => x.table === table);
      if (!f || f.rows === 0) continue;
      const staged = await stage(ctx.storage, path.join(ctx.file, f.path), `${ctx.sha}-${table}.parquet`);
      try {
        if (table === 'metrics') {
          const r = await importMetricsParquet(ctx.storage, staged, ctx.source);
          ctx.stored(r.rows);
        } else {
          ctx.stored(await importBundleTable(ctx.storage, table, staged));
        }
      } finally {
        await rm(staged, { force: true });
      }
    }
    return { linesDone: 0, stopped: false };
  },
};

/** The manifest of an evidence bundle. */
export interface BundleManifest {
  format: 'watchfloor-evidence-bundle';
  version: 1;
  createdAt: string;
  range: { from: number; to: number };
  incidentIds: string[];
  files: { path: string; table?: BundleTable; rows?: number; bytes: number; sha256: string }[];
}

/** Reads and checks a bundle's manifest.json. */
export async function readManifest(dir: string): Promise<BundleManifest> {
  let m: BundleManifest;
  try {
    m = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
  } catch (err) {
    throw new Error(`manifest.json: cannot be read (${(err as Error).message})`);
  }
  if (m.format !== 'watchfloor-evidence-bundle') throw new Error(`manifest.json: format must be watchfloor-evidence-bundle, got ${String(m.format)}`);
  if (!Array.isArray(m.files)) throw new Error('manifest.json: files must be an array');
  for (const [i, f] of m.files.entries()) {
    if (typeof f.path !== 'string' || f.path.includes('..') || path.isAbsolute(f.path)) throw new Error(`manifest.json: files[${i}].path must be a relative path inside the bundle`);
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`manifest.json: files[${i}].sha256 must be 64 hex digits`);
  }
  return m;
}

/**
 * Copies a file into the case's staging folder, the only place besides the data directory DuckDB may
 * read from (its file access is locked to the data directory).
 */
async function stage(storage: Storage, file: string, name: string): Promise<string> {
  const dir = storage.dataDir;
  if (dir === null) throw new Error('Parquet import needs a case on disk (an in-memory database has no data directory)');
  const staging = path.join(dir, 'staging');
  await mkdir(staging, { recursive: true });
  const target = path.join(staging, name);
  await copyFile(file, target);
  return target;
}
