/**
 * The AnalyticsHost: the engine hands it every ingested batch; it runs anomaly detection in
 * `detectorWorkers` worker threads (series sharded by a hash of the series key) and noise reduction,
 * correlation and RCA in one correlator worker, and passes what they produce to the engine's sink.
 *
 * Order: batches are processed in submission order. Detector requests are posted at submit time (each
 * worker sees its shard's points in order); the correlator gets a batch's alerts, changes, topology and
 * anomalies only after the detectors answered for that batch, and after the previous batch, so its
 * input order equals submission order. Outputs reach the sink one at a time, in the order produced.
 *
 * Latency: the correlator holds signals until the watermark is `allowedLatenessMs` past them, which in
 * a live estate would keep a new alert off the wall until later data arrives. So when input pauses for
 * `idleDecideMs` of wall-clock time, the host asks the correlator to decide what it holds, exactly as
 * `flush()` does. A replay at full speed never pauses and decides in event-time order; a live source
 * pauses between its sends, and gets its incidents within a second.
 */
import type { Anomaly, IncidentDetail, IncidentMember } from '../common/schemas.ts';
import type { AlertRecord, ChangeRecord, MetricBatch, TopologyBatch } from '../common/records.ts';
import { type AnalyticsConfig, resolveConfig } from '../analytics/config.ts';
import { fnv1a32 } from '../analytics/hash.ts';
import type { CorrelatorCounters, FeedbackDecision } from '../analytics/correlator.ts';
import type { WireSeriesKey, WorkerInit, WorkerReply } from './protocol.ts';
import { WorkerClient, WorkerError } from './rpc.ts';
import { startWorker } from './worker-url.ts';

export type { AnalyticsConfig } from '../analytics/config.ts';
export { DEFAULT_ANALYTICS_CONFIG } from '../analytics/config.ts';

/** Counters the engine folds into `Stats`. */
export interface AnalyticsCounters {
  alertsReceived: number;
  alertsDeduplicated: number;
  flappingSuppressed: number;
  incidentsOpened: number;
  incidentsOpen: number;
  anomalies: number;
  mttdMs: number | null;
  watermark: number | null;
}

/** What the host emits: anomalies as detected, and incident lifecycle events (full snapshots). */
export type AnalyticsOutput =
  | { type: 'anomalies'; anomalies: Anomaly[] }
  | {
      type: 'incidents';
      /** `added`: see IncidentEvent (the members appended since the incident's previous event). */
      events: { type: 'incident-opened' | 'incident-updated' | 'incident-resolved'; incident: IncidentDetail; added?: IncidentMember[] }[];
    };

/** One ingested batch; every part optional. */
export interface AnalyticsInput {
  metrics?: MetricBatch;
  alerts?: AlertRecord[];
  changes?: ChangeRecord[];
  topology?: TopologyBatch;
}

interface ShardBatch {
  seriesKeys: WireSeriesKey[];
  series: Int32Array;
  ts: Float64Array;
  values: Float64Array;
}

/** Runs the analytics workers for the engine. */
export class AnalyticsHost {
  private tailCorrelate: Promise<unknown> = Promise.resolve();
  private tailSink: Promise<unknown> = Promise.resolve();
  private errors: Error[] = [];
  private closed = false;
  private last: CorrelatorCounters = {
    alertsReceived: 0,
    alertsDeduplicated: 0,
    flappingSuppressed: 0,
    incidentsOpened: 0,
    incidentsOpen: 0,
    mttdMs: null,
  };
  private anomalyCount = 0;
  private wm: number | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Something was submitted since the correlator last decided everything it holds. */
  private undecided = false;
  /** One promise per submitted batch not yet processed, oldest first. */
  private readonly inFlight: Promise<void>[] = [];

  private constructor(
    private readonly detectors: WorkerClient[],
    private readonly correlator: WorkerClient,
    private readonly sink: (out: AnalyticsOutput) => Promise<void>,
    private readonly idleDecideMs: number,
  ) {}

  /**
   * Starts `detectorWorkers` detector workers (series sharded by a hash of the series key) and one
   * correlator worker. `sink` is awaited for each output, in order.
   */
  static async start(opts: {
    detectorWorkers?: number;
    sink: (out: AnalyticsOutput) => Promise<void>;
    config?: Partial<AnalyticsConfig>;
    /** Wall-clock pause after which held signals are decided (default 250 ms; 0 turns it off). */
    idleDecideMs?: number;
  }): Promise<AnalyticsHost> {
    const init: WorkerInit = { config: resolveConfig(opts.config) };
    const n = Math.max(1, Math.floor(opts.detectorWorkers ?? 1));
    const workers = [
      ...Array.from({ length: n }, (_, i) => ({ name: `detector-${i}`, w: startWorker('detector', { workerData: init }) })),
      { name: 'correlator', w: startWorker('correlator', { workerData: init }) },
    ];
    const clients = workers.map(({ name, w }) => new WorkerClient(name, w));
    try {
      // A worker that cannot start (bad init, missing bundle) fails here rather than on first use.
      await Promise.all(
        workers.map(
          ({ name, w }) =>
            new Promise<void>((resolve, reject) => {
              const onError = (e: Error) => reject(new WorkerError('worker_failed', `${name}: ${e.message}`));
              w.once('error', onError);
              w.once('online', () => {
                w.off('error', onError);
                resolve();
              });
            }),
        ),
      );
    } catch (err) {
      await Promise.all(clients.map((c) => c.close()));
      throw err;
    }
    return new AnalyticsHost(clients.slice(0, n), clients[n], opts.sink, opts.idleDecideMs ?? 250);
  }

  /** Queue one ingested batch. Batches are processed in submission order; never throws for bad data. */
  submit(input: AnalyticsInput): void {
    if (this.closed) return;
    let detected: Promise<{ anomalies: Anomaly[]; maxTs: number | null }>;
    try {
      detected = this.detect(input.metrics);
    } catch (err) {
      detected = Promise.reject(err);
    }
    detected.catch(() => undefined);
    const step = this.tailCorrelate.then(async () => {
      let d: { anomalies: Anomaly[]; maxTs: number | null };
      try {
        d = await detected;
      } catch (err) {
        // Detection failing for a batch must not hold back its alerts.
        this.record(err);
        d = { anomalies: [], maxTs: null };
      }
      if (d.anomalies.length > 0) {
        this.anomalyCount += d.anomalies.length;
        this.toSink({ type: 'anomalies', anomalies: d.anomalies });
      }
      const alerts = input.alerts ?? [];
      const changes = input.changes ?? [];
      const topology = input.topology ?? null;
      if (alerts.length === 0 && changes.length === 0 && !topology && d.anomalies.length === 0 && d.maxTs === null) return;
      await this.correlate({ type: 'signals', alerts, anomalies: d.anomalies, changes, topology, watermark: d.maxTs });
    });
    this.tailCorrelate = step.catch((err) => this.record(err));
    // Steps complete in submission order (each waits for the one before), so the oldest leaves first.
    const settled = this.tailCorrelate.then(() => {
      this.inFlight.shift();
    });
    this.inFlight.push(settled);
    this.undecided = true;
    this.armIdleTimer();
  }

  /**
   * Resolves once at most `max` submitted batches are still being processed. A bulk source (a replay
   * at full speed) awaits this between submits, so the batches queued for the workers stay bounded.
   */
  async backlog(max: number): Promise<void> {
    while (this.inFlight.length > max && !this.closed) await this.inFlight[this.inFlight.length - max - 1];
  }

  /** Batches submitted and not yet fully processed. */
  pendingBatches(): number {
    return this.inFlight.length;
  }

  /** (Re)starts the idle timer: when no batch comes for idleDecideMs, decide what is held. */
  private armIdleTimer(): void {
    if (this.idleDecideMs <= 0) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.closed || !this.undecided) return;
      this.undecided = false;
      const step = this.tailCorrelate.then(() => this.correlate({ type: 'flush' }));
      this.tailCorrelate = step.catch((err) => this.record(err));
    }, this.idleDecideMs);
    this.idleTimer.unref();
  }

  /**
   * Resolves once everything submitted before the call is processed, the watermark advanced to the
   * latest event time seen (buffered signals processed, incidents decided), and the sink has completed
   * for every resulting output. Rejects with the first failure since the previous flush.
   */
  async flush(): Promise<{ watermark: number | null }> {
    this.undecided = false;
    const step = this.tailCorrelate.then(() => this.correlate({ type: 'flush' }));
    this.tailCorrelate = step.catch((err) => this.record(err));
    await this.tailCorrelate;
    await this.tailSink;
    const err = this.errors[0];
    this.errors = [];
    if (err) throw err;
    return { watermark: this.wm };
  }

  /**
   * Hands operator decisions (merge, split, learned pairs) to the correlator, in order with the
   * batches submitted before. Resolves with the ids of the incidents the correlator changed (those it
   * held open) once the resulting incident events have reached the sink.
   */
  async feedback(decisions: FeedbackDecision[]): Promise<string[]> {
    let applied: string[] = [];
    const step = this.tailCorrelate.then(async () => {
      const { replies } = await this.correlator.request({ type: 'feedback', decisions }).done;
      for (const r of replies as WorkerReply[]) {
        if (r.type !== 'incidents') continue;
        this.last = r.counters;
        applied = r.applied ?? [];
        if (r.events.length > 0) this.toSink({ type: 'incidents', events: r.events });
      }
    });
    this.tailCorrelate = step.catch((err) => this.record(err));
    await step;
    await this.tailSink;
    return applied;
  }

  /** Counters as of the latest correlator answer. */
  counters(): AnalyticsCounters {
    return { ...this.last, anomalies: this.anomalyCount, watermark: this.wm };
  }

  /** Terminate the workers (bounded time). Later submits are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await Promise.all([...this.detectors, this.correlator].map((c) => c.close()));
  }

  /** Split a batch by shard, post each part now, and gather the anomalies when all answered. */
  private detect(metrics: MetricBatch | undefined): Promise<{ anomalies: Anomaly[]; maxTs: number | null }> {
    if (!metrics || metrics.ts.length === 0) return Promise.resolve({ anomalies: [], maxTs: null });
    const parts = splitByShard(metrics, this.detectors.length);
    const pending = parts.map((p, i) =>
      p ? this.detectors[i].request({ type: 'metrics', batch: p }, [p.series.buffer, p.ts.buffer, p.values.buffer] as ArrayBuffer[]).done : null,
    );
    return Promise.all(pending).then((results) => {
      const anomalies: Anomaly[] = [];
      let maxTs: number | null = null;
      for (const r of results) {
        for (const reply of r?.replies ?? []) {
          if (reply.type !== 'anomalies') continue;
          anomalies.push(...reply.anomalies);
          if (reply.maxTs !== null && (maxTs === null || reply.maxTs > maxTs)) maxTs = reply.maxTs;
        }
      }
      anomalies.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { anomalies, maxTs };
    });
  }

  private async correlate(
    req:
      | { type: 'signals'; alerts: AlertRecord[]; anomalies: Anomaly[]; changes: ChangeRecord[]; topology: TopologyBatch | null; watermark: number | null }
      | { type: 'flush' },
  ): Promise<void> {
    const { replies } = await this.correlator.request(req).done;
    for (const r of replies as WorkerReply[]) {
      if (r.type !== 'incidents') continue;
      this.last = r.counters;
      if (r.watermark !== null) this.wm = r.watermark;
      if (r.events.length > 0) this.toSink({ type: 'incidents', events: r.events });
    }
  }

  private toSink(out: AnalyticsOutput): void {
    this.tailSink = this.tailSink.then(() => this.sink(out)).catch((err) => this.record(err));
  }

  private record(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.errors.push(e);
    // After close, pending requests fail by design; that is not worth a log line.
    if (this.closed) return;
    process.stderr.write(`${JSON.stringify({ level: 'error', component: 'analytics', code: (e as { code?: string }).code ?? 'error', message: e.message })}\n`);
  }
}

/**
 * Copy a batch into one part per shard (null when a shard gets no point). Shard = FNV-1a of the
 * series' entity modulo the shard count, so a series always lands on the same worker, together with
 * the other series of its entity (the detector scores the entity as a whole). Copies are made so
 * the caller's arrays are never detached by transferring.
 */
export function splitByShard(b: MetricBatch, shards: number): (ShardBatch | null)[] {
  const nKeys = b.seriesKeys.length;
  const shardOf = new Int32Array(nKeys);
  const localIdx = new Int32Array(nKeys).fill(-1);
  const keys: WireSeriesKey[][] = Array.from({ length: shards }, () => []);
  for (let k = 0; k < nKeys; k++) shardOf[k] = shards === 1 ? 0 : fnv1a32(b.seriesKeys[k].entity) % shards;
  const counts = new Int32Array(shards);
  const n = b.ts.length;
  for (let i = 0; i < n; i++) {
    const s = b.series[i];
    if (s >= 0 && s < nKeys) counts[shardOf[s]]++;
  }
  const parts: (ShardBatch | null)[] = [];
  for (let sh = 0; sh < shards; sh++) {
    parts.push(
      counts[sh] === 0
        ? null
        : { seriesKeys: keys[sh], series: new Int32Array(counts[sh]), ts: new Float64Array(counts[sh]), values: new Float64Array(counts[sh]) },
    );
  }
  const fill = new Int32Array(shards);
  for (let i = 0; i < n; i++) {
    const s = b.series[i];
    if (s < 0 || s >= nKeys) continue;
    const sh = shardOf[s];
    const part = parts[sh]!;
    if (localIdx[s] < 0) {
      const sk = b.seriesKeys[s];
      localIdx[s] = keys[sh].length;
      keys[sh].push({ key: sk.key, entity: sk.entity, name: sk.name });
    }
    const j = fill[sh]++;
    part.series[j] = localIdx[s];
    part.ts[j] = b.ts[i];
    part.values[j] = b.values[i];
  }
  return parts;
}
