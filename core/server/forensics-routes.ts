/**
 * The forensics API: cases, import uploads with progress and cancel, the read-only SQL console,
 * replay control, retention, evidence reports and bundles. Every route sits under `/api/` and so needs
 * the bearer token; bad input is a 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { z } from 'zod';
import { describeZodError } from '../common/schemas.ts';
import {
  CaseRequest,
  FORENSIC_IMPORT_FORMATS,
  ReplaySeekRequest,
  ReplaySpeedRequest,
  ReplayStartRequest,
  ReportRequest,
  RetentionRequest,
  SavedQueryRequest,
  SqlRequest,
  type CaseBody,
  type ImportJobBody,
} from '../common/forensics-schemas.ts';
import { defaultDataDir } from '../config.ts';
import type { Engine } from '../engine.ts';
import { caseName, createCase, listRecentCases, rememberCase } from '../forensics/cases.ts';
import { runImport, type ImportFormat } from '../forensics/importer.ts';
import { compileLogFormat } from '../forensics/text-formats.ts';
import { ReplayController } from '../forensics/replay.ts';
import { writeBundle, writeReportFiles } from '../forensics/report.ts';
import { AnalystQuery, describeSchema } from '../storage/analyst-sql.ts';
import { applyRetention, startRetention } from '../forensics/retention.ts';
import { ensureColdViews } from '../storage/cold-tier.ts';
import { deleteSavedQuery, listImports, listSavedQueries, saveQuery } from '../storage/forensics-store.ts';
import { AnalyticsHost } from '../workers/analytics-host.ts';
import { HttpError, sendJson, type RequestContext, type Router } from './http.ts';

/** An engine serving another case in this process. */
export interface CaseEngine {
  uiUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/** What the forensics routes need besides the engine. */
export interface ForensicsOptions {
  /** This engine's data directory. */
  dataDir: string;
  /** Starts an engine on another case's data directory (same token, free ports). */
  startCase?: (dataDir: string) => Promise<CaseEngine>;
  /** Where the recent-cases list lives (default: the per-user data directory). */
  registryDir?: string;
  /** Largest upload in bytes (default 8 GiB). */
  uploadLimit?: number;
  /** Automatic retention: telemetry older than this (hours, from the newest event) moves to the cold tier; null: off. */
  retentionHours?: number | null;
  /** How often retention checks (ms; default 10 minutes). */
  retentionCheckMs?: number;
}

/** Handle to stop what the routes started (import jobs, replay, case engines). */
export interface ForensicsHandle {
  replay: ReplayController;
  close(): Promise<void>;
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const e = describeZodError(r.error);
    throw new HttpError(400, e.code, e.message, e.field);
  }
  return r.data;
}

interface Job {
  body: ImportJobBody;
  abort: AbortController;
  done: Promise<void>;
}

const MAX_JOBS_KEPT = 50;

/** Registers the forensics routes; returns the handle the engine closes on shutdown. */
export function forensicsRoutes(router: Router, engine: Engine, opts: ForensicsOptions): ForensicsHandle {
  const { storage } = engine;
  const registryDir = opts.registryDir ?? defaultDataDir();
  const uploadLimit = opts.uploadLimit ?? 8 * 1024 ** 3;
  const jobs = new Map<string, Job>();
  const queries = new Map<string, AnalystQuery>();
  const cases = new Map<string, Promise<CaseEngine>>();
  const replay = new ReplayController(storage, {
    startHost: (sink) => AnalyticsHost.start({ detectorWorkers: 1, sink }),
    sink: engine.sink,
    // The stats carry the replay clock (Stats.asOf), so every view follows it, even through empty stretches.
    onClock: () => engine.markStatsDirty(),
  });
  // A finished replay keeps its clock, so the analyst can look at the estate as the replay left it;
  // stopping one hands every view back to the live estate.
  engine.replayClock = () => {
    const s = replay.state();
    return s.status === 'idle' || s.status === 'stopped' ? null : s.clock;
  };
  void ensureColdViews(storage).catch((err: unknown) => engine.log('warn', 'cold-tier views not defined', { error: String(err) }));
  // A data directory made as a case (it has case.json) joins the recent list when an engine opens it.
  void caseName(opts.dataDir).then(async (name) => {
    if (name !== path.basename(opts.dataDir) || (await readFile(path.join(opts.dataDir, 'case.json')).catch(() => null))) {
      await rememberCase(registryDir, { path: opts.dataDir, name, openedAt: Date.now() });
    }
  }).catch(() => undefined);

  // ---- import ------------------------------------------------------------------------------------
  router.add('POST', '/api/forensics/uploads', async (ctx: RequestContext) => {
    const name = ctx.url.searchParams.get('name') ?? '';
    if (!/^[^/\\\0]{1,255}$/.test(name) || name === '.' || name === '..') {
      throw new HttpError(400, 'invalid_query', 'name: must be the file name (1-255 characters, no slashes)', 'name');
    }
    const format = ctx.url.searchParams.get('format') || undefined;
    if (format !== undefined && !(FORENSIC_IMPORT_FORMATS as readonly string[]).includes(format)) {
      throw new HttpError(400, 'invalid_query', `format: must be one of ${FORENSIC_IMPORT_FORMATS.join(', ')}`, 'format');
    }
    const source = ctx.url.searchParams.get('source') || undefined;
    if (source !== undefined && !/^[A-Za-z0-9_.-]{1,200}$/.test(source)) {
      throw new HttpError(400, 'invalid_query', 'source: must be 1-200 letters, digits, dots, dashes or underscores', 'source');
    }
    const logFormat = ctx.url.searchParams.get('logFormat') || undefined;
    if (logFormat !== undefined) {
      try {
        compileLogFormat(logFormat);
      } catch (err) {
        throw new HttpError(400, 'invalid_query', `logFormat: ${(err as Error).message.replace(/^--log-format: /, '')}`, 'logFormat');
      }
    }
    const declared = Number(ctx.req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > uploadLimit) throw new HttpError(413, 'payload_too_large', `body: exceeds the upload limit of ${uploadLimit} bytes`);
    const id = randomUUID();
    const dir = path.join(opts.dataDir, 'uploads', id);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, name);
    let size = 0;
    try {
      await pipeline(
        ctx.req,
        async function* (src: AsyncIterable<Buffer>) {
          for await (const chunk of src) {
            size += chunk.length;
            if (size > uploadLimit) throw new HttpError(413, 'payload_too_large', `body: exceeds the upload limit of ${uploadLimit} bytes`);
            yield chunk;
          }
        },
        createWriteStream(file),
      );
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const abort = new AbortController();
    const body: ImportJobBody = { id, name, status: 'running', progress: { bytesDone: 0, bytesTotal: size, rows: 0, badRows: 0, rowsPerSec: 0, etaSec: null } };
    const done = runImport(storage, [file], {
      format: format as ImportFormat | undefined,
      source,
      logFormat,
      signal: abort.signal,
      displayName: () => name,
      onProgress: (p) => {
        body.progress = { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rows: p.rows, badRows: p.badRows, rowsPerSec: p.rowsPerSec, etaSec: p.etaSec };
      },
    })
      .then((r) => {
        body.result = { rows: r.rows, badRows: r.badRows, files: r.files, bad: r.bad.slice(0, 200) };
        const failed = r.files.find((f) => f.status === 'failed');
        body.status = r.interrupted ? 'cancelled' : failed ? 'failed' : 'done';
        if (failed) body.error = failed.error;
        body.progress = { ...body.progress, bytesDone: body.progress.bytesTotal, rows: r.rows, badRows: r.badRows, etaSec: 0 };
        engine.log('info', 'import finished', { name, rows: r.rows, badRows: r.badRows, status: body.status });
      })
      .catch((err: unknown) => {
        body.status = 'failed';
        body.error = (err as Error).message;
      })
      .finally(() => rm(dir, { recursive: true, force: true }).catch(() => undefined));
    jobs.set(id, { body, abort, done });
    for (const old of [...jobs.keys()].slice(0, Math.max(0, jobs.size - MAX_JOBS_KEPT))) if (jobs.get(old)!.body.status !== 'running') jobs.delete(old);
    sendJson(ctx.res, 202, body);
    return undefined;
  }, { bodyLimit: uploadLimit });

  router.add('GET', '/api/forensics/imports', async () => ({ jobs: [...jobs.values()].map((j) => j.body).reverse(), ledger: await listImports(storage) }));
  router.add('GET', '/api/forensics/imports/:id', ({ params }) => {
    const job = jobs.get(params.id);
    if (!job) throw new HttpError(404, 'not_found', `import ${params.id} does not exist`);
    return job.body;
  });
  router.add('DELETE', '/api/forensics/imports/:id', async ({ params }) => {
    const job = jobs.get(params.id);
    if (!job) throw new HttpError(404, 'not_found', `import ${params.id} does not exist`);
    job.abort.abort();
    await job.done;
    return job.body;
  });

  // ---- SQL console -------------------------------------------------------------------------------
  router.add('POST', '/api/sql', async (ctx) => {
    const req = parse(SqlRequest, await ctx.json());
    const id = req.id ?? randomUUID();
    if (queries.has(id)) throw new HttpError(409, 'conflict', `id: a query with id ${id} is already running`, 'id');
    const q = new AnalystQuery(storage);
    queries.set(id, q);
    try {
      return { id, ...(await q.run(req.sql, req.maxRows)) };
    } catch (err) {
      const msg = (err as Error).message;
      if (msg === 'query cancelled') throw new HttpError(409, 'cancelled', 'sql: query cancelled', 'sql');
      throw new HttpError(400, 'invalid_sql', msg.startsWith('sql:') ? msg : `sql: ${msg}`, 'sql');
    } finally {
      queries.delete(id);
    }
  }, { bodyLimit: 1 << 20 });
  router.add('GET', '/api/sql/running/:id', ({ params }) => {
    const q = queries.get(params.id);
    return { id: params.id, running: q !== undefined, percent: q?.progress() ?? null };
  });
  router.add('POST', '/api/sql/running/:id/cancel', ({ params }) => {
    const q = queries.get(params.id);
    q?.cancel();
    return { id: params.id, cancelled: q !== undefined };
  });
  router.add('GET', '/api/sql/schema', () => describeSchema(storage));
  router.add('GET', '/api/sql/saved', () => listSavedQueries(storage));
  router.add('POST', '/api/sql/saved', async (ctx) => {
    const q = parse(SavedQueryRequest, await ctx.json());
    await saveQuery(storage, q, Date.now());
    return listSavedQueries(storage);
  });
  router.add('DELETE', '/api/sql/saved/:name', async ({ params }) => {
    if (!(await deleteSavedQuery(storage, params.name))) throw new HttpError(404, 'not_found', `saved query ${params.name} does not exist`);
    return listSavedQueries(storage);
  });

  // ---- replay ------------------------------------------------------------------------------------
  router.add('GET', '/api/replay', () => replay.state());
  router.add('POST', '/api/replay', async (ctx) => {
    const buf = await ctx.body();
    const req = parse(ReplayStartRequest, buf.length ? await ctx.json() : {});
    return replay.start(req);
  });
  router.add('POST', '/api/replay/pause', () => replay.pause());
  router.add('POST', '/api/replay/resume', () => replay.resume());
  router.add('POST', '/api/replay/stop', async () => {
    await replay.stop();
    engine.markStatsDirty();
    return replay.state();
  });
  router.add('POST', '/api/replay/seek', async (ctx) => replay.seek(parse(ReplaySeekRequest, await ctx.json()).time));
  router.add('POST', '/api/replay/speed', async (ctx) => replay.setSpeed(parse(ReplaySpeedRequest, await ctx.json()).speed));

  // ---- retention ---------------------------------------------------------------------------------
  const retention = opts.retentionHours
    ? startRetention(storage, { olderThanMs: opts.retentionHours * 3_600_000, everyMs: opts.retentionCheckMs }, engine.log)
    : null;
  router.add('GET', '/api/retention', () => ({
    olderThanHours: opts.retentionHours ?? null,
    checkEveryMs: retention?.policy.everyMs ?? null,
    lastMoved: retention?.lastMoved() ?? null,
  }));
  router.add('POST', '/api/retention', async (ctx) => {
    const req = parse(RetentionRequest, await ctx.json());
    // Age is measured from the newest stored event (event time), so an imported case behaves the same
    // whenever it is opened.
    const r = await applyRetention(storage, req.olderThanHours * 3_600_000);
    return r ?? { moved: {}, movedPoints: 0, days: [], batch: null, cutoff: null };
  });

  // ---- reports and bundles -----------------------------------------------------------------------
  const exportsDir = path.join(opts.dataDir, 'exports');
  router.add('POST', '/api/reports', async (ctx) => {
    const scope = parse(ReportRequest, await ctx.json());
    const r = await writeReportFiles(storage, scope, Date.now(), ({ from, to, incidentIds }) => {
      const trail = engine.automation?.audit;
      if (!trail) return [];
      // Entries of the range, and any entry naming one of the incidents (approvals may come later).
      const seen = new Map<number, Record<string, unknown>>();
      for (const e of [...trail.search({ from, to, limit: 500 }), ...incidentIds.flatMap((id) => trail.search({ text: id, limit: 200 }))]) {
        seen.set(e.seq, { seq: e.seq, time: new Date(e.time).toISOString(), actor: e.actor, action: e.action, subject: e.subject, details: e.details });
      }
      return [...seen.values()].sort((a, b) => (a.seq as number) - (b.seq as number));
    });
    return { html: `/api/reports/${path.basename(r.html)}`, pdf: `/api/reports/${path.basename(r.pdf)}`, incidents: r.data.incidents.length };
  });
  router.add('GET', '/api/reports/:file', async ({ params, res }) => {
    const m = /^report-[0-9TZ-]+\.(html|pdf)$/.exec(params.file);
    if (!m) throw new HttpError(400, 'invalid_path', 'file: not a report file name', 'file');
    const buf = await readFile(path.join(exportsDir, params.file)).catch(() => null);
    if (!buf) throw new HttpError(404, 'not_found', `report ${params.file} does not exist`);
    res.writeHead(200, {
      'Content-Type': m[1] === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8',
      'Content-Length': buf.length,
      'Content-Disposition': `attachment; filename="${params.file}"`,
      'Cache-Control': 'no-store',
    });
    res.end(buf);
    return undefined;
  });
  router.add('POST', '/api/bundles', async (ctx) => writeBundle(storage, parse(ReportRequest, await ctx.json())));

  // ---- cases -------------------------------------------------------------------------------------
  const caseList = async (): Promise<CaseBody[]> => {
    const recent = await listRecentCases(registryDir);
    const out: CaseBody[] = [];
    for (const c of recent) {
      const open = cases.get(c.path);
      const engineCase = open ? await open.catch(() => null) : null;
      out.push({ ...c, ...(engineCase ? { uiUrl: engineCase.uiUrl } : {}), ...(c.path === opts.dataDir ? { current: true } : {}) });
    }
    if (!out.some((c) => c.current)) out.unshift({ path: opts.dataDir, name: await caseName(opts.dataDir), openedAt: Date.now(), current: true });
    return out;
  };
  router.add('GET', '/api/cases', caseList);
  router.add('POST', '/api/cases', async (ctx) => {
    const req = parse(CaseRequest, await ctx.json());
    const dir = path.resolve(req.path ?? path.join(registryDir, 'cases', req.name.replace(/\s+/g, '-')));
    await createCase(dir, req.name);
    const name = await caseName(dir);
    await rememberCase(registryDir, { path: dir, name, openedAt: Date.now() });
    if (dir === path.resolve(opts.dataDir)) return { path: dir, name, current: true };
    if (!opts.startCase) throw new HttpError(409, 'unsupported', 'this engine cannot open other cases; run `watchfloor serve --data-dir CASE`');
    let started = cases.get(dir);
    if (!started) {
      started = opts.startCase(dir);
      cases.set(dir, started);
      started.catch(() => cases.delete(dir));
    }
    try {
      const c = await started;
      return { path: dir, name, uiUrl: c.uiUrl, openedAt: Date.now() };
    } catch (err) {
      throw new HttpError(409, 'case_unavailable', `path: the case cannot be opened (${(err as Error).message})`, 'path');
    }
  });

  return {
    replay,
    async close() {
      for (const j of jobs.values()) j.abort.abort();
      await Promise.all([...jobs.values()].map((j) => j.done.catch(() => undefined)));
      for (const q of queries.values()) q.cancel();
      await replay.stop();
      await retention?.close();
      for (const c of cases.values()) await (await c.catch(() => null))?.close();
    },
  };
}
