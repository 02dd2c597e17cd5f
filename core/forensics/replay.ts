/**
 * Replay: runs the analytics over stored (imported) telemetry in event time, at 1×, 10×, 100× or as
 * fast as possible, with pause, resume, speed change and seek. It uses its own AnalyticsHost, so the
 * live pipeline is untouched, and sends outputs to the same sink as live analytics (stored, then
 * broadcast), so the wall, timeline and incident views show the estate as of the replay clock.
 *
 * Each window of event time is submitted the way a live source delivers it: changes, then metric
 * points, then alert events. At full speed nothing pauses, so incidents are decided in event-time
 * order, which is why a replay gives the incidents a live run over the same data gave.
 *
 * Seeking forward runs at full speed up to the target; seeking backward clears the analysis results
 * and restarts from the beginning (analytics state depends on everything before), then fast-forwards.
 */
import type { AnalyticsHost, AnalyticsOutput } from '../workers/analytics-host.ts';
import { ReplaySource, clearAnalysisResults } from '../storage/replay-source.ts';
import type { Storage } from '../storage/storage.ts';

/** Replay speeds: event-time seconds per wall-clock second, or as fast as the analytics go. */
export const REPLAY_SPEEDS = [1, 10, 100, 'max'] as const;
/** One replay speed. */
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** What the replay is doing, for the API and the UI's "as of" clock. */
export interface ReplayState {
  status: 'idle' | 'running' | 'paused' | 'done' | 'failed' | 'stopped';
  speed: ReplaySpeed;
  /** Event-time span being replayed (epoch ms). */
  from: number | null;
  to: number | null;
  /** Event time up to which data has been handed to the analytics: the "as of" time. */
  clock: number | null;
  /** Fast-forwarding to this event time (after a seek), else null. */
  seekingTo: number | null;
  windows: number;
  /** Event time jumped over at full speed because nothing happened in it (ms). */
  skippedMs: number;
  error?: string;
}

/** Windows the reader may run ahead of the analytics (each submits up to three batches). */
const MAX_WINDOWS_IN_FLIGHT = 4;

/** Options of a replay controller. */
export interface ReplayOptions {
  /** Starts a fresh analytics host whose outputs go to `sink`. */
  startHost: (sink: (out: AnalyticsOutput) => Promise<void>) => Promise<AnalyticsHost>;
  /** Where outputs go (the engine's sink: store, then broadcast). */
  sink: (out: AnalyticsOutput) => Promise<void>;
  /** Event-time window per step at full speed (default 30 s, a live source's send interval). */
  maxWindowMs?: number;
  /** Called when the replay clock moved (after each window, jump or restart). */
  onClock?: () => void;
}

/** Drives one replay at a time over a storage. */
export class ReplayController {
  private st: ReplayState = { status: 'idle', speed: 'max', from: null, to: null, clock: null, seekingTo: null, windows: 0, skippedMs: 0 };
  private runId = 0;
  private host: AnalyticsHost | null = null;
  private wake: (() => void) | null = null;
  private seekTarget: number | null = null;
  private finished: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly opts: ReplayOptions,
  ) {}

  /** The current state. */
  state(): ReplayState {
    return { ...this.st };
  }

  /** Resolves when the current replay ends (done, failed or stopped). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  /**
   * Starts a replay over [from, to] (default: all stored telemetry), replacing any running one. The
   * analysis results (anomalies, incidents) are cleared first: the replay recomputes them.
   */
  async start(p: { speed: ReplaySpeed; from?: number; to?: number }): Promise<ReplayState> {
    await this.stop();
    const id = ++this.runId;
    const source = new ReplaySource(this.storage);
    const span = await source.open();
    const from = p.from ?? span.from;
    const to = p.to ?? (span.to === null ? null : span.to + 1);
    if (from === null || to === null || from >= to) {
      source.close();
      throw Object.assign(new Error('from: there is no stored telemetry to replay in the range'), { field: 'from', status: 400 });
    }
    this.st = { status: 'running', speed: p.speed, from, to, clock: from, seekingTo: null, windows: 0, skippedMs: 0 };
    this.seekTarget = null;
    this.finished = this.loop(id, source, from, to).finally(() => source.close());
    return this.state();
  }

  private live(id: number): boolean {
    return id === this.runId;
  }

  private async freshHost(): Promise<AnalyticsHost> {
    await this.host?.close();
    this.host = null;
    await clearAnalysisResults(this.storage);
    this.host = await this.opts.startHost(this.opts.sink);
    return this.host;
  }

  private async loop(id: number, source: ReplaySource, from: number, to: number): Promise<void> {
    try {
      let host = await this.freshHost();
      host.submit({ topology: await source.topology() });
      let t = from;
      // A replay that starts before the first event skips straight to it.
      let lastEmpty = true;
      while (t < to) {
        if (!this.live(id)) return;
        // A seek made while paused fast-forwards to its target, then stays paused there.
        if (this.st.status === 'paused' && this.seekTarget === null && this.st.seekingTo === null) {
          await new Promise<void>((r) => (this.wake = r));
          continue;
        }
        if (this.seekTarget !== null) {
          const target = Math.min(Math.max(this.seekTarget, from), to);
          this.seekTarget = null;
          if (target < t) {
            host = await this.freshHost();
            if (!this.live(id)) return;
            host.submit({ topology: await source.topology() });
            t = from;
            this.st.clock = from;
            lastEmpty = true;
          }
          this.st.seekingTo = target > t ? target : null;
        }
        const fast = this.st.speed === 'max' || this.st.seekingTo !== null;
        const maxWin = this.opts.maxWindowMs ?? 30_000;
        const win = fast ? maxWin : Math.min(maxWin, Math.max(1000, (this.st.speed as number) * 1000));
        if (fast && lastEmpty) {
          // Nothing happened in the last window: jump to the window (on the grid of full-speed windows
          // from `from`) holding the next event, or to the seek target if that comes first.
          const next = await source.nextEventTime(t);
          if (!this.live(id)) return;
          let jump = next === null ? to : Math.max(t, from + Math.floor((next - from) / maxWin) * maxWin);
          if (this.st.seekingTo !== null) jump = Math.min(jump, this.st.seekingTo);
          if (jump > t) {
            this.st.skippedMs += Math.min(jump, to) - t;
            t = Math.min(jump, to);
            this.st.clock = t;
            this.opts.onClock?.();
            if (t >= to) continue;
          }
          if (this.st.seekingTo !== null && t >= this.st.seekingTo) {
            // Landed on the seek target in an empty stretch: arrive there, everything before it decided.
            this.st.seekingTo = null;
            await host.flush();
            continue;
          }
        }
        let end = Math.min(to, t + win);
        if (this.st.seekingTo !== null) end = Math.min(end, Math.max(this.st.seekingTo, t + 1));
        const started = Date.now();
        const winStart = t;
        const w = await source.window(t, end);
        if (!this.live(id)) return;
        if (w.changes.length) host.submit({ changes: w.changes });
        if (w.metrics.ts.length) host.submit({ metrics: w.metrics });
        if (w.alerts.length) host.submit({ alerts: w.alerts });
        lastEmpty = !w.changes.length && !w.metrics.ts.length && !w.alerts.length;
        t = end;
        this.st.clock = end;
        this.st.windows++;
        this.opts.onClock?.();
        // Bounded work in flight: reading runs ahead of the analytics by at most a few windows, so a
        // replay's memory stays flat however long the range.
        await host.backlog(MAX_WINDOWS_IN_FLIGHT * 3);
        if (!this.live(id)) return;
        if (this.st.seekingTo !== null && t >= this.st.seekingTo) {
          this.st.seekingTo = null;
          // Arrive "as of" the target: everything up to it decided.
          await host.flush();
        }
        if (!fast) {
          const wait = (end - winStart) / (this.st.speed as number) - (Date.now() - started);
          if (wait > 0) {
            await new Promise<void>((r) => {
              const timer = setTimeout(r, wait);
              this.wake = () => {
                clearTimeout(timer);
                r();
              };
            });
          }
        }
      }
      await host.flush();
      if (this.live(id)) this.st.status = 'done';
    } catch (err) {
      if (this.live(id)) {
        this.st.status = 'failed';
        this.st.error = (err as Error).message;
      }
    }
  }

  /** Pauses between windows. */
  pause(): ReplayState {
    if (this.st.status === 'running') this.st.status = 'paused';
    return this.state();
  }

  /** Resumes a paused replay. */
  resume(): ReplayState {
    if (this.st.status === 'paused') {
      this.st.status = 'running';
      this.wake?.();
    }
    return this.state();
  }

  /** Changes the speed of the running replay. */
  setSpeed(speed: ReplaySpeed): ReplayState {
    this.st.speed = speed;
    this.wake?.();
    return this.state();
  }

  /** Moves the replay clock to `time` (clamped to the span); see the file comment. */
  seek(time: number): ReplayState {
    if (this.st.status !== 'running' && this.st.status !== 'paused') {
      throw Object.assign(new Error('replay: no replay is running; start one first'), { field: 'time', status: 409 });
    }
    this.seekTarget = time;
    this.wake?.();
    return this.state();
  }

  /** Stops the replay and its analytics workers (results so far stay stored). */
  async stop(): Promise<void> {
    const wasActive = this.st.status === 'running' || this.st.status === 'paused';
    this.runId++;
    this.wake?.();
    await this.finished.catch(() => undefined);
    await this.host?.close();
    this.host = null;
    if (wasActive) this.st.status = 'stopped';
  }
}
