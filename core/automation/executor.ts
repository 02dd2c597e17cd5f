/**
 * The host side of the executor worker: sends a job, relays step results, and enforces an overall
 * deadline — if the worker does not finish in time it is terminated and replaced, and the job fails.
 */
import type { Worker } from 'node:worker_threads';
import type { StepResult } from '../common/automation-schemas.ts';
import { startWorker } from '../workers/worker-url.ts';
import { ExecutorReplySchema, type Job, type JobOutcome } from './job.ts';

const DEADLINE_MARGIN_MS = 5000;

/** The longest a job may take: every timeout and verification interval, plus a margin. */
export function jobDeadline(job: Job): number {
  const sum = (steps: Job['steps']) => steps.reduce((a, s) => a + s.timeoutMs, 0);
  const verify = job.verify ? job.verify.attempts * (job.verify.timeoutMs + job.verify.intervalMs) : 0;
  return sum(job.steps) + verify + sum(job.rollback) + DEADLINE_MARGIN_MS;
}

interface Pending {
  onStep: (r: StepResult) => void;
  resolve: (r: { outcome: JobOutcome; error: string | null }) => void;
  timer: NodeJS.Timeout;
}

/** Runs jobs in a worker thread. */
export class ExecutorHost {
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker('executor');
    w.on('message', (raw: unknown) => {
      const parsed = ExecutorReplySchema.safeParse(raw);
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'error') return;
      const p = this.pending.get(m.jobId);
      if (!p) return;
      if (m.type === 'step') p.onStep(m.result);
      else this.finish(m.jobId, { outcome: m.outcome, error: m.error });
    });
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const id of [...this.pending.keys()]) this.finish(id, { outcome: 'failed', error: `executor worker ${why}` });
    };
    w.on('error', (err) => lost(`failed: ${err.message}`));
    w.on('exit', (code) => lost(`exited with ${code}`));
    this.worker = w;
    return w;
  }

  private finish(jobId: string, r: { outcome: JobOutcome; error: string | null }): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(jobId);
    p.resolve(r);
  }

  /** Runs a job; resolves when it ended (never rejects). */
  run(jobId: string, job: Job, onStep: (r: StepResult) => void): Promise<{ outcome: JobOutcome; error: string | null }> {
    if (this.closed) return Promise.resolve({ outcome: 'failed', error: 'executor is closed' });
    const w = this.ensureWorker();
    return new Promise((resolve) => {
      const deadline = jobDeadline(job);
      const timer = setTimeout(() => {
        // A step ignored its own timeout: replace the worker so nothing it started keeps running.
        this.finish(jobId, { outcome: 'failed', error: `executor deadline of ${deadline} ms passed` });
        const stuck = this.worker;
        this.worker = null;
        void stuck?.terminate();
      }, deadline);
      this.pending.set(jobId, { onStep, resolve, timer });
      w.postMessage({ type: 'run', jobId, job });
    });
  }

  /** Asks the worker to stop a job before its next step (and abort the step in flight). */
  cancel(jobId: string): void {
    this.worker?.postMessage({ type: 'cancel', jobId });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.finish(id, { outcome: 'cancelled', error: 'engine stopping' });
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
