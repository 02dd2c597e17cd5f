/**
 * The engine: one DuckDB per data directory, the analytics in worker threads, the HTTP/WebSocket API,
 * the OTLP receiver and, when asked, the demo estate. Runs on plain Node (`watchfloor serve`) and in
 * Electron's main process.
 *
 * Data flow: a receiver validates a batch whole → `accept` stores it (durable before the 2xx) → the
 * batch is queued to the analytics in acceptance order → anomalies and incident events come back
 * through the sink, are stored, then broadcast on `/api/stream`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { earliestEventTime } from './common/records.ts';
import type {
  AlertRecord,
  ChangeRecord,
  LogRecord,
  MetricBatch,
  SpanRecord,
  TopologyBatch,
} from './common/records.ts';
import type { Change, DemoFault, Incident, IncidentDetail, Stats, StreamEvent } from './common/schemas.ts';
import { DEFAULT_API_PORT, DEFAULT_OTLP_PORT } from './config.ts';
import { DemoRunner } from './demo/runner.ts';
import { LogTemplating, type TemplateActivityBatch } from './ingest/log-templating.ts';
import { SyslogReceiver } from './ingest/syslog.ts';
import { jsonLogger, type Logger } from './log.ts';
import { AutomationService } from './automation/service.ts';
import { USERS_FILE } from './automation/paths.ts';
import { SessionStore, type SessionPolicy, DEFAULT_SESSION_POLICY } from './auth/sessions.ts';
import { UserStore } from './auth/users.ts';
import { Notifier } from './notify/notifier.ts';
import { authenticate, authorised, requiredRole, setPrincipal } from './server/auth.ts';
import { authRoutes, loginRoute } from './server/auth-routes.ts';
import { automationRoutes } from './server/automation-routes.ts';
import { apiRoutes } from './server/api-routes.ts';
import { detectionRoutes } from './server/detection-routes.ts';
import { forecastRoutes } from './server/forecast-routes.ts';
import { HttpError, Router, sendError, sendJson } from './server/http.ts';
import { forensicsRoutes } from './server/forensics-routes.ts';
import { incidentRoutes } from './server/incident-routes.ts';
import { ingestRoutes, otlpRoutes } from './server/ingest-routes.ts';
import { logsRoutes } from './server/logs-routes.ts';
import { serveStatic } from './server/static.ts';
import { StreamHub } from './server/stream.ts';
import { Storage } from './storage/storage.ts';
import { AnalyticsHost, type AnalyticsOutput } from './workers/analytics-host.ts';
import { ForecastHost } from './workers/forecast-host.ts';
import { concatMetricBatches, SpanSeriesAggregator } from './analytics/detection/span-series.ts';

/** How to start the engine. */
export interface EngineOptions {
  /** Directory holding the DuckDB file, the API token and anything else the engine keeps. */
  dataDir: string;
  /** Address both servers bind to; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** API + UI port (default 4780; 0 picks a free one). */
  port?: number;
  /** OTLP/HTTP port (default 4318; 0 picks a free one). */
  otlpPort?: number;
  /** Run the built-in demo estate. */
  demo?: boolean;
  /** The API token; generated and stored in the data directory when not given. */
  apiToken?: string;
  /** Detector worker threads (default: 1 on 2 cores, cores − 2 above). */
  detectorWorkers?: number;
  /** Directory of the built UI; default dist/renderer beside the bundle; null serves no UI. */
  uiDir?: string | null;
  log?: Logger;
  /** Session lifetimes (default 8 h absolute, 30 min idle). */
  sessionPolicy?: SessionPolicy;
  /** Syslog (UDP and TCP) port; undefined or null: no syslog receiver; 0 picks a free port. */
  syslogPort?: number | null;
  /** Mask IP addresses in log bodies as personal data (e-mails, cards and secrets always are). */
  maskLogIps?: boolean;
  /**
   * Retention: telemetry older than this many hours (counted back from the newest stored event) moves
   * to day-partitioned Parquet in the data directory, still read by queries and replays. Off when
   * null or absent: a live NOC database keeps everything hot unless the operator sets an age.
   */
  retentionHours?: number | null;
  /** How often retention checks, in ms (default 10 minutes). */
  retentionCheckMs?: number;
  /** Demo settings (tests shorten the backfill). */
  demoOptions?: { seed?: number; tickMs?: number; backfillMs?: number; faultEveryMs?: number };
}

/** A started engine. */
export interface RunningEngine {
  apiUrl: string;
  otlpUrl: string;
  /** The UI's address with the token in the fragment (never sent to a server, never logged). */
  uiUrl: string;
  token: string;
  dataDir: string;
  demo: boolean;
  engine: Engine;
  close(): Promise<void>;
}

/** One ingested batch after validation. */
export interface AcceptedBatch {
  metrics?: MetricBatch;
  logs?: LogRecord[];
  spans?: SpanRecord[];
  alerts?: AlertRecord[];
  changes?: ChangeRecord[];
  topology?: TopologyBatch;
  /** The topology was declared by the operator (POST /ingest/topology), not derived from telemetry. */
  topologyDeclared?: boolean;
}

const STATS_INTERVAL_MS = 2000;
const LOG_TICK_MS = 10_000;
const MAX_ANOMALY_BROADCAST = 200;

/** The engine's state and pipeline; the servers call into it. */
export class Engine {
  private readonly ingested: Stats['ingested'];
  private readonly knownNodes = new Set<string>();
  private readonly knownEdges = new Set<string>();
  private anomalyCount = 0;
  private idCounter = 0;
  private readonly idPrefix = randomBytes(4).toString('hex');
  demoRunner: DemoRunner | null = null;
  private statsDirty = true;
  private readonly spanSeries = new SpanSeriesAggregator();

  constructor(
    readonly storage: Storage,
    readonly hub: StreamHub,
    readonly log: Logger,
    readonly demo: boolean,
    ingested: Stats['ingested'],
  ) {
    this.ingested = { ...ingested };
  }

  /**
   * Time-to-limit of every capacity series, computed in the forecast worker; its early warnings join
   * the batch's alerts. Set once started.
   */
  forecasts!: ForecastHost;

  analytics!: AnalyticsHost;
  /** Runbooks, approvals, execution and the audit trail; set once started. */
  automation: AutomationService | null = null;
  /** Log masking and template mining (log-miner worker) and its tables. */
  logTemplating!: LogTemplating;
  /** The event time a replay has brought the views to, when one drives them (set by the forensics routes). */
  replayClock: (() => number | null) | null = null;
  /** The port syslog listens on (UDP and TCP), or null when off. */
  syslogPort: number | null = null;

  /** A unique engine id for records that came without one. */
  newId = (): string => `${this.idPrefix}-${(++this.idCounter).toString(36)}`;

  /** Loads what the analytics need from storage (the topology) so a restart keeps its graph. */
  async warmUp(): Promise<void> {
    const topo = await this.storage.getTopology();
    for (const n of topo.nodes) this.knownNodes.add(n.id);
    for (const e of topo.edges) this.knownEdges.add(edgeKey(e));
    if (topo.nodes.length || topo.edges.length) {
      this.analytics.submit({
        topology: {
          nodes: topo.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, attributes: n.attributes ?? {} })),
          edges: topo.edges,
        },
      });
    }
  }

  /**
   * Stores a validated batch, then queues it for the analytics. Resolves once it is durable: the
   * caller acknowledges only after this.
   */
  async accept(batch: AcceptedBatch): Promise<void> {
    // Declared topology is always stored (it may rename or describe known entities); what receivers
    // derive from telemetry repeats on every request, so only its new facts go further.
    const topology = batch.topology && (batch.topologyDeclared ? batch.topology : this.newTopology(batch.topology));
    const { storage } = this;
    // Logs are masked and get their template id before anything is stored.
    const mined: TemplateActivityBatch | null = batch.logs?.length ? await this.logTemplating.prepare(batch.logs) : null;
    if (topology) {
      await storage.upsertTopology(topology, Date.now(), batch.topologyDeclared ? null : earliestEventTime(batch));
      for (const n of topology.nodes) this.knownNodes.add(n.id);
      for (const e of topology.edges) {
        this.knownEdges.add(edgeKey(e));
        // Storage creates the nodes an edge names if they were not declared.
        this.knownNodes.add(e.source).add(e.target);
      }
    }
    if (batch.metrics && batch.metrics.ts.length) await storage.appendMetrics(batch.metrics);
    // Services' entry spans become latency / error-ratio / count series, stored and scored like metrics.
    const spanSeries = batch.spans?.length ? this.spanSeries.add(batch.spans) : null;
    if (spanSeries) await storage.appendMetrics(spanSeries);
    // Templates first, so a stored line's template id always resolves to a stored template.
    if (mined) await this.logTemplating.commit(mined);
    if (batch.logs?.length) await storage.appendLogs(batch.logs);
    if (batch.spans?.length) await storage.appendSpans(batch.spans);
    // Early warnings are the engine's own alerts: stored and correlated with the batch that caused them.
    const warnings = batch.metrics?.ts.length ? await this.earlyWarnings(batch.metrics) : [];
    const alerts = warnings.length ? [...(batch.alerts ?? []), ...warnings] : batch.alerts;
    if (alerts?.length) await storage.appendAlerts(alerts);
    if (batch.changes?.length) await storage.appendChanges(batch.changes);
    this.ingested.metricPoints += batch.metrics?.ts.length ?? 0;
    this.ingested.logs += batch.logs?.length ?? 0;
    this.ingested.spans += batch.spans?.length ?? 0;
    this.ingested.events += batch.alerts?.length ?? 0;
    this.ingested.changes += batch.changes?.length ?? 0;
    this.statsDirty = true;
    const metrics = batch.metrics && batch.metrics.ts.length ? batch.metrics : undefined;
    this.analytics.submit({
      metrics: metrics && spanSeries ? concatMetricBatches(metrics, spanSeries) : (metrics ?? spanSeries ?? undefined),
      alerts: alerts?.length ? alerts : undefined,
      changes: batch.changes?.length ? batch.changes : undefined,
      topology,
    });
    if (topology) this.hub.broadcast({ type: 'topology-changed', nodes: this.knownNodes.size, edges: this.knownEdges.size });
    for (const c of batch.changes ?? []) {
      const change: Change = { id: c.id, time: c.time, service: c.service, entity: c.entity, kind: c.kind, summary: c.summary };
      this.hub.broadcast({ type: 'change-recorded', change });
    }
  }

  /**
   * The forecast worker's early warnings for a batch. Its failure costs the warnings of that batch,
   * never the batch itself (already stored): it is logged and ingestion goes on.
   */
  private async earlyWarnings(metrics: MetricBatch): Promise<AlertRecord[]> {
    try {
      return await this.forecasts.observe(metrics, Date.now());
    } catch (err) {
      this.log('error', 'forecasting failed for a batch', { message: (err as Error).message });
      return [];
    }
  }

  /** Keeps only the nodes and edges not stored before (receivers repeat them on every request). */
  private newTopology(batch: TopologyBatch): TopologyBatch | undefined {
    const nodes = batch.nodes.filter((n) => !this.knownNodes.has(n.id));
    const edges = batch.edges.filter((e) => !this.knownEdges.has(edgeKey(e)));
    return nodes.length || edges.length ? { nodes, edges } : undefined;
  }

  /** Receives the analytics' outputs, in order: store first, then broadcast. */
  readonly sink = async (out: AnalyticsOutput): Promise<void> => {
    if (out.type === 'anomalies') {
      if (!out.anomalies.length) return;
      await this.storage.appendAnomalies(out.anomalies);
      this.anomalyCount += out.anomalies.length;
      // A backfill can produce thousands at once; the UI refetches anyway, so only the newest go out.
      for (const anomaly of out.anomalies.slice(-MAX_ANOMALY_BROADCAST)) this.hub.broadcast({ type: 'anomaly-detected', anomaly });
    } else {
      if (!out.events.length) return;
      await this.storage.upsertIncidents(
        out.events.map((e) => e.incident),
        out.events.map((e) => e.added),
      );
      for (const e of out.events) this.hub.broadcast({ type: e.type, incident: summary(e.incident) });
      // Automation reacts after the incident is stored, so an action can always be traced to it; it
      // queues the events itself, so the analytics never wait for it.
      if (this.automation) for (const e of out.events) this.automation.onIncident(e.type, e.incident);
    }
    this.statsDirty = true;
  };

  /** Waits until everything accepted so far is stored and analysed. */
  async flush(): Promise<{ watermark: number | null }> {
    return this.analytics.flush();
  }

  /** The headline figures. */
  stats(): Stats {
    const c = this.analytics.counters();
    const asOf = this.replayClock?.() ?? null;
    return {
      ingested: { ...this.ingested, topology: this.knownNodes.size + this.knownEdges.size },
      alertsReceived: c.alertsReceived,
      alertsDeduplicated: c.alertsDeduplicated,
      flappingSuppressed: c.flappingSuppressed,
      incidentsOpened: c.incidentsOpened,
      incidentsOpen: c.incidentsOpen,
      noiseReduction: c.alertsReceived > 0 ? Math.max(0, 1 - c.incidentsOpened / c.alertsReceived) : 0,
      mttdMs: c.mttdMs,
      anomalies: c.anomalies,
      pendingApprovals: this.automation?.pendingCount() ?? 0,
      automationPaused: this.automation?.isPaused() ?? false,
      watermark: c.watermark,
      demo: this.demo,
      ...(asOf !== null ? { asOf } : {}),
    };
  }

  /** Something the stats show changed outside ingest (an approval, the pause switch). */
  markStatsDirty(): void {
    this.statsDirty = true;
  }

  /** Pushes stats to the stream when something changed. */
  tickStats(): void {
    if (!this.statsDirty || this.hub.size === 0) return;
    this.statsDirty = false;
    this.hub.broadcast({ type: 'stats', stats: this.stats() });
  }

  /** Records the ground truth of a demo fault. */
  async recordFault(f: DemoFault): Promise<void> {
    await this.storage.recordDemoFaults([f]);
  }

  hello(): StreamEvent {
    return { type: 'hello', demo: this.demo, serverTime: Date.now() };
  }
}

function edgeKey(e: { source: string; target: string; kind: string }): string {
  return `${e.source}\u0000${e.target}\u0000${e.kind}`;
}

/** An incident without its member list, as listed and streamed. */
export function summary(i: IncidentDetail): Incident {
  const { members: _members, ...rest } = i;
  return rest;
}

async function loadOrCreateToken(dataDir: string, given?: string): Promise<string> {
  if (given) return given;
  const file = path.join(dataDir, 'api-token');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 16) return existing.trim();
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

function defaultUiDir(): string {
  // The bundle lives at dist/*.mjs with the UI at dist/renderer; from source, core/ → ../dist/renderer.
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(here) === 'core' ? path.join(here, '..', 'dist', 'renderer') : path.join(here, 'renderer');
}

/** One detector worker on 2 cores (the correlator and the main thread need the rest), up to 4 above. */
function defaultDetectorWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 2));
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the engine: storage, analytics workers, API + UI server, OTLP receiver and (optionally) the demo. */
export async function startEngine(opts: EngineOptions): Promise<RunningEngine> {
  const log = opts.log ?? jsonLogger();
  const host = opts.host ?? '127.0.0.1';
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const token = await loadOrCreateToken(dataDir, opts.apiToken);
  const demo = opts.demo ?? false;

  const storage = await Storage.open({ path: path.join(dataDir, 'watchfloor.duckdb') });
  const cleanups: (() => Promise<void>)[] = [() => storage.close()];
  try {
    const ingested = await storage.countIngested();
    const stale = await storage.closeStaleIncidents();
    if (stale) log('info', 'closed incidents left open by the previous run', { count: stale });
    let engineRef: Engine | null = null;
    const hub = new StreamHub(() => engineRef!.hello());
    const engine = new Engine(storage, hub, log, demo, ingested);
    engineRef = engine;
    engine.analytics = await AnalyticsHost.start({ detectorWorkers: opts.detectorWorkers ?? defaultDetectorWorkers(), sink: engine.sink });
    cleanups.unshift(() => engine.analytics.close());
    engine.forecasts = await ForecastHost.start({ demo, idPrefix: `${engine.newId()}-fc` });
    cleanups.unshift(() => engine.forecasts.close());
    engine.logTemplating = await LogTemplating.start(
      storage,
      {
        submitMetrics: (metrics) => engine.analytics.submit({ metrics }),
        anomalies: (anomalies) => {
          for (const anomaly of anomalies.slice(-MAX_ANOMALY_BROADCAST)) hub.broadcast({ type: 'anomaly-detected', anomaly });
        },
      },
      { maskIps: opts.maskLogIps },
    );
    cleanups.unshift(() => engine.logTemplating.close());
    await engine.warmUp();

    const notifier = new Notifier(log, (delivery) => hub.broadcast({ type: 'notification-updated', delivery }));
    cleanups.unshift(async () => notifier.close());
    const automation = await AutomationService.start({
      dataDir,
      log,
      notifier,
      onAction: (action) => {
        hub.broadcast({ type: 'action-updated', action });
        engine.markStatsDirty();
      },
      onStatus: (status) => {
        hub.broadcast({ type: 'automation-status', status });
        engine.markStatsDirty();
      },
    });
    engine.automation = automation;
    // Stopped before the analytics, so no incident event reaches a closed service.
    cleanups.unshift(() => automation.close());
    const users = await UserStore.open(path.join(dataDir, USERS_FILE));
    const sessions = new SessionStore(opts.sessionPolicy ?? DEFAULT_SESSION_POLICY);

    const uiDir = opts.uiDir === undefined ? defaultUiDir() : opts.uiDir;
    const api = new Router();
    apiRoutes(api, engine);
    detectionRoutes(api, engine);
    forecastRoutes(api, engine);
    ingestRoutes(api, engine);
    automationRoutes(api, automation, notifier, storage);
    authRoutes(api, users, sessions, automation.audit);
    const publicApi = new Router();
    loginRoute(publicApi, users, sessions, automation.audit);
    const auth: ApiAuth = { token, sessions, publicApi };
    // Another case opens as a second engine in this process: its own DuckDB file, free ports, same token.
    const forensics = forensicsRoutes(api, engine, {
      dataDir,
      retentionHours: opts.retentionHours,
      retentionCheckMs: opts.retentionCheckMs,
      startCase: (caseDir) => startEngine({ ...opts, dataDir: caseDir, port: 0, otlpPort: 0, demo: false, apiToken: token, host }),
    });
    cleanups.unshift(() => forensics.close());
    incidentRoutes(api, engine);
    logsRoutes(api, engine);
    const apiServer = createServer((req, res) => {
      void handleApi(req, res, api, auth, uiDir, log);
    });
    apiServer.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/api/stream' || !authenticate(`Bearer ${url.searchParams.get('token') ?? ''}`, token, sessions)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      hub.upgrade(req, socket, head);
    });
    const otlp = new Router();
    otlpRoutes(otlp, engine);
    const otlpServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void otlp.handle(req, res, url).then((handled) => {
        if (!handled) sendError(res, new HttpError(404, 'not_found', `${url.pathname}: no such OTLP endpoint; use /v1/metrics, /v1/logs or /v1/traces`));
      });
    });
    // Idle keep-alive sockets must not hold shutdown; requests are bounded by the body limit.
    for (const s of [apiServer, otlpServer]) s.keepAliveTimeout = 5000;

    const apiPort = await listen(apiServer, opts.port ?? DEFAULT_API_PORT, host);
    cleanups.unshift(() => closeServer(apiServer));
    const otlpPort = await listen(otlpServer, opts.otlpPort ?? DEFAULT_OTLP_PORT, host);
    cleanups.unshift(() => closeServer(otlpServer));
    cleanups.unshift(() => hub.close());
    const apiUrl = `http://${hostForUrl(host)}:${apiPort}`;
    const otlpUrl = `http://${hostForUrl(host)}:${otlpPort}`;

    const statsTimer = setInterval(() => engine.tickStats(), STATS_INTERVAL_MS);
    statsTimer.unref();
    cleanups.unshift(async () => clearInterval(statsTimer));
    // Per-minute template counts close by the clock too, so a pause in live logs still shows up.
    const logTimer = setInterval(() => {
      engine.logTemplating.tick(Date.now()).catch((err: unknown) => log('warn', 'log template tick failed', { error: String(err) }));
    }, LOG_TICK_MS);
    logTimer.unref();
    cleanups.unshift(async () => clearInterval(logTimer));

    if (opts.syslogPort !== undefined && opts.syslogPort !== null) {
      const syslog = await SyslogReceiver.start({ host, port: opts.syslogPort, onBatch: (logs) => engine.accept({ logs }), log });
      engine.syslogPort = syslog.port;
      // Stops before the log worker and storage (cleanups run in reverse order of registration).
      cleanups.unshift(() => syslog.close());
    }

    if (demo) {
      const runner = new DemoRunner({
        apiUrl,
        otlpUrl,
        token,
        ...opts.demoOptions,
        onFault: (f) => engine.recordFault(f),
        log: (msg, fields) => log('info', msg, { component: 'demo', ...fields }),
      });
      engine.demoRunner = runner;
      cleanups.unshift(() => runner.stop());
      // The demo backfills in the background; the engine is usable at once, with the estate's topology
      // already in (bounded wait), so a UI opened on the ready signal shows the whole estate.
      void runner.start().catch((err: unknown) => log('error', 'demo failed to start', { error: String(err) }));
      await Promise.race([runner.topologyTried, new Promise((r) => setTimeout(r, 10_000).unref())]);
    }

    log('info', 'engine started', { apiUrl, otlpUrl, dataDir, demo, syslogPort: engine.syslogPort });
    let closed: Promise<void> | null = null;
    return {
      apiUrl,
      otlpUrl,
      uiUrl: `${apiUrl}/#token=${encodeURIComponent(token)}`,
      token,
      dataDir,
      demo,
      engine,
      close: () =>
        (closed ??= (async () => {
          for (const c of cleanups) {
            await c().catch((err: unknown) => log('warn', 'shutdown step failed', { error: String(err) }));
          }
          log('info', 'engine stopped');
        })()),
    };
  } catch (err) {
    for (const c of cleanups) await c().catch(() => {});
    throw err;
  }
}

/** What the API server needs to authenticate a request. */
interface ApiAuth {
  token: string;
  sessions: SessionStore;
  /** Routes served without a credential (login). */
  publicApi: Router;
}

async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  router: Router,
  auth: ApiAuth,
  uiDir: string | null,
  log: Logger,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendError(res, new HttpError(400, 'invalid_url', 'url: malformed'));
    return;
  }
  try {
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    const guarded = url.pathname.startsWith('/api/') || url.pathname.startsWith('/ingest/');
    if (guarded) {
      if (await auth.publicApi.handle(req, res, url)) return;
      const principal = authenticate(req.headers.authorization, auth.token, auth.sessions);
      if (!principal) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        sendError(res, new HttpError(401, 'unauthorized', 'Authorization: a valid "Bearer <token>" header is required (the API token or a session from POST /api/auth/login)'));
        return;
      }
      const method = req.method ?? 'GET';
      if (!authorised(principal, method, url.pathname)) {
        sendError(res, new HttpError(403, 'forbidden', `${method} ${url.pathname} needs the role ${requiredRole(method, url.pathname)}; ${principal.user} is ${principal.role}`));
        return;
      }
      setPrincipal(req, principal);
      if (!(await router.handle(req, res, url))) sendError(res, new HttpError(404, 'not_found', `${url.pathname}: no such endpoint`));
      return;
    }
    if (uiDir) await serveStatic(uiDir, req, res, url);
    else sendError(res, new HttpError(404, 'not_found', `${url.pathname}: no UI is served by this engine`));
  } catch (err) {
    log('error', 'request failed', { path: url.pathname, error: String(err) });
    if (!res.headersSent) sendError(res, new HttpError(500, 'internal', 'internal error'));
  }
}
