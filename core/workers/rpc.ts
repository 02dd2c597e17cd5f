/**
 * Both ends of the worker protocol (protocol.ts): `serveRequests` runs inside a worker, `WorkerClient`
 * wraps a Worker on the host side. Requests are handled one at a time in arrival order; a `cancel`
 * removes a request that has not started yet.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { parseReply, parseRequest, toWireError, type WorkerReply, type WorkerRequest } from './protocol.ts';

/** A worker's handler: the data replies for one request (the `end` reply is added by the runtime). */
export type RequestHandler = (req: Exclude<WorkerRequest, { type: 'cancel' }>) => WorkerReply[];

/**
 * Serve requests arriving on `port` (the worker's parentPort). Each request gets its handler's replies
 * and then `end`; a thrown error becomes an `error` reply; an invalid or unknown message gets an
 * `error` reply and the worker carries on.
 */
export function serveRequests(port: MessagePort, handle: RequestHandler): void {
  const queue: Exclude<WorkerRequest, { type: 'cancel' }>[] = [];
  let scheduled = false;
  const post = (r: WorkerReply) => port.postMessage(r);

  // One request per turn of the event loop, so a cancel posted meanwhile is seen before the next one.
  const drain = () => {
    scheduled = false;
    const req = queue.shift();
    if (!req) return;
    try {
      for (const r of handle(req)) post(r);
      post({ type: 'end', seq: req.seq, cancelled: false });
    } catch (err) {
      post({ type: 'error', seq: req.seq, error: toWireError(err) });
    }
    schedule();
  };
  const schedule = () => {
    if (!scheduled && queue.length > 0) {
      scheduled = true;
      setImmediate(drain);
    }
  };

  port.on('message', (msg: unknown) => {
    const p = parseRequest(msg);
    if (!p.ok) {
      post({ type: 'error', seq: p.seq, error: p.error });
      return;
    }
    const req = p.value;
    if (req.type === 'cancel') {
      const i = queue.findIndex((q) => q.seq === req.target);
      if (i >= 0) {
        queue.splice(i, 1);
        post({ type: 'end', seq: req.target, cancelled: true });
      }
      post({ type: 'end', seq: req.seq, cancelled: false });
      return;
    }
    queue.push(req);
    schedule();
  });
}

/** An error reply from a worker, or the worker's failure, as a rejection. */
export class WorkerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

interface Pending {
  replies: WorkerReply[];
  resolve: (r: { replies: WorkerReply[]; cancelled: boolean }) => void;
  reject: (e: WorkerError) => void;
}

/** Host-side handle on one worker: numbered requests, validated replies, bounded shutdown. */
export class WorkerClient {
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: WorkerError | null = null;

  constructor(
    readonly name: string,
    private readonly worker: Worker,
  ) {
    worker.on('message', (msg: unknown) => this.onMessage(msg));
    worker.on('error', (err) => this.fail(new WorkerError('worker_failed', `${name}: ${err.message}`)));
    worker.on('exit', (code) => this.fail(new WorkerError('worker_exited', `${name} exited with code ${code}`)));
  }

  /** Null while the worker is healthy; the reason once it has failed. */
  get error(): WorkerError | null {
    return this.failure;
  }

  /**
   * Send a request (a `seq` is assigned) and collect its data replies until `end`. Rejects on an
   * `error` reply or when the worker dies. `transfer` buffers are moved, not copied.
   */
  request(
    req: DistributiveOmit<Exclude<WorkerRequest, { type: 'cancel' }>, 'seq'>,
    transfer: ArrayBuffer[] = [],
  ): { seq: number; done: Promise<{ replies: WorkerReply[]; cancelled: boolean }> } {
    const seq = this.nextSeq++;
    const done = new Promise<{ replies: WorkerReply[]; cancelled: boolean }>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.set(seq, { replies: [], resolve, reject });
      this.worker.postMessage({ ...req, seq }, transfer);
    });
    return { seq, done };
  }

  /** Ask the worker to drop request `target` if it has not started; its promise then resolves cancelled. */
  cancel(target: number): void {
    if (this.failure) return;
    const seq = this.nextSeq++;
    this.pending.set(seq, { replies: [], resolve: () => {}, reject: () => {} });
    this.worker.postMessage({ type: 'cancel', seq, target });
  }

  /** Terminate the worker; resolves within `timeoutMs` even if it does not stop. */
  async close(timeoutMs = 2000): Promise<void> {
    this.fail(new WorkerError('closed', `${this.name} closed`));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.worker.terminate().catch(() => undefined),
      new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private onMessage(msg: unknown): void {
    const p = parseReply(msg);
    if (!p.ok) {
      // A reply we cannot read poisons only its own request when it names one.
      const pend = p.seq !== null ? this.pending.get(p.seq) : undefined;
      if (pend && p.seq !== null) {
        this.pending.delete(p.seq);
        pend.reject(new WorkerError(p.error.code, p.error.message));
      }
      return;
    }
    const r = p.value;
    if (r.seq === null) return;
    const pend = this.pending.get(r.seq);
    if (!pend) return;
    if (r.type === 'end') {
      this.pending.delete(r.seq);
      pend.resolve({ replies: pend.replies, cancelled: r.cancelled });
    } else if (r.type === 'error') {
      this.pending.delete(r.seq);
      pend.reject(new WorkerError(r.error.code, r.error.message));
    } else {
      pend.replies.push(r);
    }
  }

  private fail(err: WorkerError): void {
    if (!this.failure) this.failure = err;
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      p.reject(err);
    }
  }
}

/** Omit that distributes over a union, so each request variant keeps its own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

