/**
 * Runs a job's steps: HTTP requests with fetch and an abort timeout, shell commands without a shell
 * (argv), with only the allowed environment and killed at their timeout. Runs inside the executor
 * worker; exported for it and for tests.
 */
import { spawn } from 'node:child_process';
import type { StepResult } from '../common/automation-schemas.ts';
import type { Job, JobOutcome, ResolvedStep } from './job.ts';

const MAX_OUTPUT = 4096;

/** Lets the host stop a job between steps and abort the step in flight. */
export interface JobControl {
  cancelled: boolean;
  abort: AbortController;
}

function cut(s: string): string {
  return s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}… (${s.length - MAX_OUTPUT} more characters)` : s;
}

/** Runs one step; never throws. */
export async function runStep(step: ResolvedStep, phase: StepResult['phase'], context: string, control: JobControl): Promise<StepResult> {
  const startedAt = Date.now();
  const done = (ok: boolean, output: string, status: number | null, error?: string): StepResult => ({
    step: step.name,
    phase,
    ok,
    status,
    output: cut(output),
    ...(error ? { error } : {}),
    startedAt,
    durationMs: Date.now() - startedAt,
  });
  if (step.invalid) return done(false, '', null, step.invalid);
  try {
    if (step.diagnostics && !step.http) return done(true, context, null);
    if (step.http) {
      const signal = AbortSignal.any([AbortSignal.timeout(step.timeoutMs), control.abort.signal]);
      const res = await fetch(step.http.url, {
        method: step.http.method,
        headers: step.http.headers,
        body: step.http.method === 'GET' || step.http.method === 'HEAD' ? undefined : (step.http.body ?? undefined),
        signal,
      });
      const text = await res.text();
      const statusOk = step.http.expectStatus ? step.http.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
      const bodyOk = step.http.bodyContains === null || text.includes(step.http.bodyContains);
      const output = step.diagnostics ? `${text}\n--- incident context ---\n${context}` : text;
      if (!statusOk) return done(false, output, res.status, `HTTP ${res.status} is not an expected status`);
      if (!bodyOk) return done(false, output, res.status, `response does not contain '${step.http.bodyContains}'`);
      return done(true, output, res.status);
    }
    if (step.shell) return await runShell(step, control, done);
    return done(false, '', null, 'nothing to run');
  } catch (err) {
    const e = err as Error;
    const reason =
      e.name === 'TimeoutError' ? `timed out after ${step.timeoutMs} ms` : control.cancelled ? 'cancelled: automation paused' : `${e.message}${(e as { cause?: Error }).cause ? `: ${(e as { cause?: Error }).cause!.message}` : ''}`;
    return done(false, '', null, reason);
  }
}

function runShell(
  step: ResolvedStep,
  control: JobControl,
  done: (ok: boolean, output: string, status: number | null, error?: string) => StepResult,
): Promise<StepResult> {
  const sh = step.shell!;
  return new Promise((resolve) => {
    let out = '';
    let timedOut = false;
    const child = spawn(sh.command[0], sh.command.slice(1), { env: sh.env, cwd: sh.cwd ?? undefined, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer) => {
      if (out.length < MAX_OUTPUT * 2) out += d.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, step.timeoutMs);
    control.abort.signal.addEventListener('abort', kill, { once: true });
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(done(false, out, null, `cannot start ${sh.command[0]}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      control.abort.signal.removeEventListener('abort', kill);
      if (timedOut) resolve(done(false, out, code, `timed out after ${step.timeoutMs} ms`));
      else if (control.cancelled && signal) resolve(done(false, out, code, 'cancelled: automation paused'));
      else resolve(done(code === 0, out, code, code === 0 ? undefined : `exited with ${code ?? signal}`));
    });
  });
}

function sleep(ms: number, control: JobControl): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    control.abort.signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/**
 * Runs a whole job: the steps in order until one fails, then the verification (retried), then — when
 * a step or the verification failed — the rollback steps. A cancel stops before the next step and runs
 * no rollback (the operator who paused decides what happens next).
 */
export async function runJob(job: Job, control: JobControl, onStep: (r: StepResult) => void): Promise<{ outcome: JobOutcome; error: string | null }> {
  let failure: string | null = null;
  for (const step of job.steps) {
    if (control.cancelled) return { outcome: 'cancelled', error: 'automation paused before the next step' };
    const r = await runStep(step, 'run', job.context, control);
    onStep(r);
    if (control.cancelled) return { outcome: 'cancelled', error: 'automation paused during a step' };
    if (!r.ok) {
      failure = `step '${step.name}' failed: ${r.error ?? 'unknown error'}`;
      break;
    }
  }
  if (!failure && job.verify) {
    let last = '';
    let ok = false;
    for (let attempt = 1; attempt <= job.verify.attempts; attempt++) {
      if (control.cancelled) return { outcome: 'cancelled', error: 'automation paused during verification' };
      const r = await runStep(job.verify, 'verify', job.context, control);
      onStep({ ...r, step: `${r.step} (attempt ${attempt}/${job.verify.attempts})` });
      if (r.ok) {
        ok = true;
        break;
      }
      last = r.error ?? 'failed';
      if (attempt < job.verify.attempts) await sleep(job.verify.intervalMs, control);
    }
    if (!ok) failure = `verification failed after ${job.verify.attempts} attempts: ${last}`;
  }
  if (!failure) return { outcome: 'succeeded', error: null };
  if (control.cancelled) return { outcome: 'cancelled', error: failure };
  if (!job.rollback.length) return { outcome: 'failed', error: failure };
  let rollbackError: string | null = null;
  for (const step of job.rollback) {
    const r = await runStep(step, 'rollback', job.context, control);
    onStep(r);
    if (!r.ok) {
      rollbackError = `rollback step '${step.name}' failed: ${r.error ?? 'unknown error'}`;
      break;
    }
  }
  return rollbackError ? { outcome: 'failed', error: `${failure}; ${rollbackError}` } : { outcome: 'rolled-back', error: failure };
}
