/**
 * Live mode of the demo estate: posts the simulator's telemetry to the engine over HTTP, through the
 * same endpoints a real source uses (OTLP/HTTP JSON for metrics, /ingest/* for events, changes and
 * topology). It backfills some history at start, then sends each tick's telemetry in real time.
 *
 * A failed POST is logged and skipped, never thrown: the demo must not take the engine down.
 */
import type { DemoFault } from '../common/schemas.ts';
import { estateTopology } from './estate.ts';
import type { FaultRequest } from './simulator.ts';
import { DemoSimulator } from './simulator.ts';

/** Event-time span simulated and posted in one go while catching up (backfill or after a stall). */
const CHUNK_MS = 5 * 60_000;
/** Bound on each POST, so a hung engine cannot hold the runner forever. */
const POST_TIMEOUT_MS = 15_000;
/** Bound on `stop()`. */
const STOP_TIMEOUT_MS = 3_000;

/** Options of the demo runner. */
export interface DemoRunnerOptions {
  /** Base URL of the engine's API, e.g. `http://127.0.0.1:4780`. */
  apiUrl: string;
  /** Base URL of the engine's OTLP/HTTP receiver (metrics go to `{otlpUrl}/v1/metrics`). */
  otlpUrl: string;
  /** Bearer token for every request. */
  token: string;
  seed?: number;
  /** Wall-clock interval between live sends (default 5000 ms). */
  tickMs?: number;
  /** History to backfill at start (default 2 h). */
  backfillMs?: number;
  /** One fault is scheduled in every window of this length (default 4 min); 0 turns scheduling off. */
  faultEveryMs?: number;
  /** Clock in epoch ms (default Date.now); event time follows it. */
  now?: () => number;
  /** Called once per fault, when its telemetry starts to be sent or when it is injected. */
  onFault?: (f: DemoFault) => void | Promise<void>;
  log?: (msg: string, fields?: object) => void;
}

/** Runs the demo estate against an engine. */
export class DemoRunner {
  readonly simulator: DemoSimulator;
  private readonly opts: DemoRunnerOptions;
  private readonly tickMs: number;
  private readonly backfillMs: number;
  private readonly faultEveryMs: number;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private readonly reported = new Set<string>();
  /** End of the event time already sent. */
  private sentTo = 0;
  /** End of the event time already generated (ahead of sentTo while a send is in flight). */
  private generatedTo = 0;
  private faultCursor = 0;
  private topologyPosted = false;
  private markTopologyTried: () => void = () => {};
  /** Settles once the first attempt to post the estate's topology has finished (accepted or not). */
  readonly topologyTried: Promise<void> = new Promise((resolve) => (this.markTopologyTried = resolve));
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;

  constructor(opts: DemoRunnerOptions) {
    this.opts = opts;
    this.tickMs = opts.tickMs ?? 5000;
    this.backfillMs = opts.backfillMs ?? 2 * 60 * 60_000;
    this.faultEveryMs = opts.faultEveryMs ?? 4 * 60_000;
    this.now = opts.now ?? Date.now;
    this.simulator = new DemoSimulator({ seed: opts.seed ?? 1 });
  }

  /**
   * Posts the topology, backfills history (event time now−backfillMs..now, in order, in chunks, as
   * fast as the engine accepts it) and then sends each tick's telemetry in real time. Resolves when
   * the backfill is done; live ticks continue until `stop()`.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('the demo runner was already started');
    this.started = true;
    const now = this.now();
    const step = this.simulator.stepMs;
    const from = Math.floor((now - this.backfillMs) / step) * step;
    this.sentTo = this.generatedTo = this.faultCursor = from;
    const work = (async () => {
      await this.postTopology().finally(() => this.markTopologyTried());
      this.log('demo backfill started', { from, to: now, entities: this.simulator.estate.nodes.length });
      await this.sendUpTo(now);
      this.log('demo backfill done', { to: this.sentTo, faults: this.reported.size });
    })();
    this.running = work;
    try {
      await work;
    } finally {
      if (this.running === work) this.running = null;
    }
    this.scheduleTick();
  }

  /** Injects a fault starting now (or just after what was already sent) and returns its ground truth. */
  async injectNow(req: FaultRequest = {}): Promise<DemoFault> {
    const at = Math.max(this.now(), this.generatedTo + 1);
    const fault = this.simulator.injectFault(at, req);
    this.reported.add(fault.id);
    await this.report(fault);
    this.log('demo fault injected', { id: fault.id, kind: fault.kind, root: fault.rootEntity });
    return fault;
  }

  /** Stops ticking and cancels requests in flight; resolves within a few seconds. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    const running = this.running;
    if (running) {
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([
        running.catch(() => {}),
        new Promise<void>((resolve) => {
          bound = setTimeout(resolve, STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(bound);
    }
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const work = this.tick();
      this.running = work;
      void work.finally(() => {
        if (this.running === work) this.running = null;
        this.scheduleTick();
      });
    }, this.tickMs);
    // The engine's servers keep the process alive; the demo alone must not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      if (!this.topologyPosted) await this.postTopology();
      await this.sendUpTo(this.now());
    } catch (err) {
      // sendUpTo only throws on a bug; keep ticking rather than let the demo die silently.
      this.log('demo tick failed', { error: String(err) });
    }
  }

  /** Sends everything from sentTo up to `to`, in chunks and in order. */
  private async sendUpTo(to: number): Promise<void> {
    while (!this.stopped && this.sentTo < to) {
      const end = Math.min(this.sentTo + CHUNK_MS, to);
      this.scheduleFaultsUpTo(end);
      const batch = this.simulator.generate(this.sentTo, end);
      this.generatedTo = end;
      // Changes first: a deploy precedes the symptoms it causes, and correlation looks back for it.
      if (batch.changes.length > 0) await this.post(`${this.opts.apiUrl}/ingest/changes`, batch.changes, 'changes');
      for (const req of batch.otlpMetrics) await this.post(`${this.opts.otlpUrl}/v1/metrics`, req, 'metrics');
      if (batch.events.length > 0) await this.post(`${this.opts.apiUrl}/ingest/events`, batch.events, 'events');
      this.sentTo = end;
      for (const f of this.simulator.faults()) {
        if (f.start <= end && !this.reported.has(f.id)) {
          this.reported.add(f.id);
          await this.report(f);
        }
      }
    }
  }

  /** Schedules faults one window ahead of `to`, so each is in place before its start is generated. */
  private scheduleFaultsUpTo(to: number): void {
    if (!(this.faultEveryMs > 0)) return;
    while (this.faultCursor <= to) {
      this.simulator.scheduleFaults(this.faultCursor, this.faultCursor + this.faultEveryMs, this.faultEveryMs);
      this.faultCursor += this.faultEveryMs;
    }
  }

  private async postTopology(): Promise<void> {
    this.topologyPosted = await this.post(`${this.opts.apiUrl}/ingest/topology`, estateTopology(this.simulator.estate), 'topology');
  }

  private async report(f: DemoFault): Promise<void> {
    try {
      await this.opts.onFault?.(f);
    } catch (err) {
      this.log('demo fault callback failed', { id: f.id, error: String(err) });
    }
  }

  /** POSTs JSON; true when the engine accepted it. Never throws. */
  private async post(url: string, body: unknown, what: string): Promise<boolean> {
    if (this.stopped) return false;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.opts.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(POST_TIMEOUT_MS)]),
      });
      const text = await res.text();
      if (res.ok) return true;
      this.failed(what, { status: res.status, body: text.slice(0, 300) });
    } catch (err) {
      if (!this.stopped) this.failed(what, { error: String(err) });
    }
    return false;
  }

  private failed(what: string, fields: object): void {
    this.failures++;
    // A down engine would fail every post; log the first few and then a sample.
    if (this.failures <= 3 || this.failures % 50 === 0) {
      this.log('demo post failed', { what, failures: this.failures, ...fields });
    }
  }

  private log(msg: string, fields?: object): void {
    this.opts.log?.(msg, fields);
  }
}
