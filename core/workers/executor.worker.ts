/**
 * The executor worker: runs remediation jobs off the engine's main thread, one at a time, so a slow
 * or hanging step never stalls ingest or the API. Every message is validated; an invalid one gets an
 * error reply, never a crash.
 */
import { parentPort } from 'node:worker_threads';
import { ExecutorRequestSchema, type ExecutorReply } from '../automation/job.ts';
import { runJob, type JobControl } from '../automation/run-steps.ts';

const port = parentPort!;
const running = new Map<string, JobControl>();
const send = (m: ExecutorReply) => port.postMessage(m);

port.on('message', (raw: unknown) => {
  const parsed = ExecutorRequestSchema.safeParse(raw);
  if (!parsed.success) {
    send({ type: 'error', jobId: null, message: `invalid request: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'cancel') {
    const c = running.get(msg.jobId);
    if (c) {
      c.cancelled = true;
      c.abort.abort();
    }
    return;
  }
  const control: JobControl = { cancelled: false, abort: new AbortController() };
  running.set(msg.jobId, control);
  void runJob(msg.job, control, (result) => send({ type: 'step', jobId: msg.jobId, result }))
    .then(({ outcome, error }) => send({ type: 'done', jobId: msg.jobId, outcome, error }))
    .catch((err: unknown) => send({ type: 'done', jobId: msg.jobId, outcome: 'failed', error: `executor error: ${String(err)}` }))
    .finally(() => running.delete(msg.jobId));
});
