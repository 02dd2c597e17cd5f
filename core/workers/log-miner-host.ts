/**
 * The engine's side of the log-miner worker: one worker, requests answered in order. A reply that
 * does not validate, or a worker that dies, fails the pending requests with a clear error rather
 * than hanging them.
 */
import type { Worker } from 'node:worker_threads';
import type { MinedTemplate, TemplateMerge } from '../analytics/logs/template-miner.ts';
import { LogMinerReply, type LogMinerInit } from './log-miner-protocol.ts';
import { startWorker } from './worker-url.ts';

type Reply = LogMinerReply;
/** A `mine` result. */
export type MinedBatch = Extract<Reply, { type: 'mined' }>;
/** A `tick` result. */
export type TickResult = Extract<Reply, { type: 'ticked' }>;

/** Host handle of the log-miner worker. */
export class LogMinerHost {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private closed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: unknown) => {
      const parsed = LogMinerReply.safeParse(msg);
      const seq = (msg as { seq?: number })?.seq ?? -1;
      const p = this.pending.get(seq);
      if (!p) return;
      this.pending.delete(seq);
      if (!parsed.success) p.reject(new Error(`log miner: invalid reply: ${parsed.error.issues[0]?.message}`));
      else if (parsed.data.type === 'error') p.reject(Object.assign(new Error(`log miner: ${parsed.data.error.message}`), { code: parsed.data.error.code }));
      else p.resolve(parsed.data);
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => failAll(new Error(`log miner worker failed: ${err.message}`)));
    worker.on('exit', (code) => failAll(new Error(`log miner worker exited (${code})`)));
  }

  /** Starts the worker. */
  static start(init: Partial<LogMinerInit> = {}): LogMinerHost {
    return new LogMinerHost(startWorker('log-miner', { workerData: init }));
  }

  private request(msg: Record<string, unknown>): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('log miner is closed'));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ ...msg, seq });
    });
  }

  /** Loads stored templates and merges; call before the first `mine`. */
  async restore(templates: MinedTemplate[], merges: TemplateMerge[]): Promise<void> {
    await this.request({ type: 'restore', templates, merges });
  }

  /** Masks and mines a batch; per line, its masked body and template id, plus what changed. */
  async mine(bodies: string[], ts: number[], entities: string[]): Promise<MinedBatch> {
    return (await this.request({ type: 'mine', bodies, ts, entities })) as MinedBatch;
  }

  /** Closes minutes by the clock while live input pauses. */
  async tick(now: number): Promise<TickResult> {
    return (await this.request({ type: 'tick', now })) as TickResult;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
