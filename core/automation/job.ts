/**
 * An action's steps as the executor runs them: templates filled in, built-in actions turned into
 * concrete requests, the shell environment reduced to its allow-list. The same resolved form gives the
 * approver the exact steps (`stepView`), so what is approved is what runs.
 */
import { z } from 'zod';
import type { ActionStepView, StepResult } from '../common/automation-schemas.ts';
import { fillTemplates, type RunbookStep, type RunbookVerify } from './runbook.ts';

const HttpCall = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().nullable(),
  expectStatus: z.array(z.number()).nullable(),
  bodyContains: z.string().nullable(),
});

/** A step ready to run. */
export const ResolvedStepSchema = z.object({
  name: z.string(),
  timeoutMs: z.number().int().positive(),
  kind: z.enum(['http', 'shell', 'action']),
  http: HttpCall.nullable(),
  shell: z.object({ command: z.array(z.string()).min(1), env: z.record(z.string(), z.string()), cwd: z.string().nullable() }).nullable(),
  /** collect-diagnostics without an endpoint attaches only `context`. */
  diagnostics: z.boolean(),
  /** Why the step cannot run (e.g. a built-in action without an endpoint); it fails with this. */
  invalid: z.string().nullable(),
});
export type ResolvedStep = z.output<typeof ResolvedStepSchema>;

/** What the worker receives for one action. */
export const JobSchema = z.object({
  steps: z.array(ResolvedStepSchema),
  verify: ResolvedStepSchema.extend({ attempts: z.number().int().min(1), intervalMs: z.number().int().min(0) }).nullable(),
  rollback: z.array(ResolvedStepSchema),
  /** Incident context attached by collect-diagnostics. */
  context: z.string(),
});
export type Job = z.output<typeof JobSchema>;

/** Host → executor worker. */
export const ExecutorRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), jobId: z.string(), job: JobSchema }),
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
]);
export type ExecutorRequest = z.output<typeof ExecutorRequestSchema>;

/** How a job ended. */
export type JobOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'cancelled';

/** Executor worker → host. */
export type ExecutorReply =
  | { type: 'step'; jobId: string; result: StepResult }
  | { type: 'done'; jobId: string; outcome: JobOutcome; error: string | null }
  | { type: 'error'; jobId: string | null; message: string };

const StepResultSchema = z.object({
  step: z.string(),
  phase: z.enum(['run', 'verify', 'rollback']),
  ok: z.boolean(),
  status: z.number().nullable().optional(),
  output: z.string(),
  error: z.string().optional(),
  startedAt: z.number(),
  durationMs: z.number(),
});
export const ExecutorReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), jobId: z.string(), result: StepResultSchema }),
  z.object({ type: z.literal('done'), jobId: z.string(), outcome: z.enum(['succeeded', 'failed', 'rolled-back', 'cancelled']), error: z.string().nullable() }),
  z.object({ type: z.literal('error'), jobId: z.string().nullable(), message: z.string() }),
]);

/** Fills a runbook step's templates and resolves built-in actions and the shell environment. */
export function resolveStep(step: RunbookStep | RunbookVerify, vars: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): ResolvedStep {
  const s = fillTemplates(step, vars);
  const base = { name: s.name, timeoutMs: s.timeout, http: null, shell: null, diagnostics: false, invalid: null };
  if (s.http) {
    return {
      ...base,
      kind: 'http',
      http: {
        method: s.http.method,
        url: s.http.url,
        headers: s.http.headers,
        body: s.http.body === undefined ? null : typeof s.http.body === 'string' ? s.http.body : JSON.stringify(s.http.body),
        expectStatus: s.http.expectStatus ?? null,
        bodyContains: s.http.bodyContains ?? null,
      },
      invalid: validUrl(s.http.url, 'http.url'),
    };
  }
  if (s.shell) {
    const allowed: Record<string, string> = {};
    for (const name of s.shell.env) if (env[name] !== undefined) allowed[name] = env[name]!;
    return { ...base, kind: 'shell', shell: { command: s.shell.command, env: allowed, cwd: s.shell.cwd ?? null } };
  }
  // Built-in actions speak to the target's control endpoint: POST /restart, POST /scale, GET /diagnostics.
  const endpoint = String(s.with.endpoint ?? '').replace(/\/+$/, '');
  const json = { 'Content-Type': 'application/json' };
  switch (s.action) {
    case 'collect-diagnostics':
      return {
        ...base,
        kind: 'action',
        diagnostics: true,
        http: endpoint ? { method: 'GET', url: `${endpoint}/diagnostics`, headers: {}, body: null, expectStatus: null, bodyContains: null } : null,
        invalid: endpoint ? validUrl(endpoint, 'with.endpoint') : null,
      };
    case 'restart':
      return {
        ...base,
        kind: 'action',
        http: { method: 'POST', url: `${endpoint}/restart`, headers: json, body: '{}', expectStatus: null, bodyContains: null },
        invalid: endpoint ? validUrl(endpoint, 'with.endpoint') : 'with.endpoint: restart needs the target\'s control endpoint (set params.endpoint)',
      };
    case 'scale': {
      const replicas = Number(s.with.replicas);
      return {
        ...base,
        kind: 'action',
        http: { method: 'POST', url: `${endpoint}/scale`, headers: json, body: JSON.stringify({ replicas }), expectStatus: null, bodyContains: null },
        invalid: !endpoint
          ? 'with.endpoint: scale needs the target\'s control endpoint (set params.endpoint)'
          : !Number.isInteger(replicas) || replicas < 0
            ? `with.replicas: must be a whole number ≥ 0, got '${String(s.with.replicas)}'`
            : validUrl(endpoint, 'with.endpoint'),
      };
    }
    default:
      return { ...base, kind: 'action', invalid: 'step has no http, shell or action' };
  }
}

function validUrl(u: string, field: string): string | null {
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : `${field}: must be an http(s) URL, got '${u}'`;
  } catch {
    return `${field}: not a valid URL: '${u}'`;
  }
}

/** The approver's view of a resolved step. */
export function stepView(s: ResolvedStep): ActionStepView {
  let detail: string;
  if (s.shell) {
    const env = Object.keys(s.shell.env);
    detail = `${s.shell.command.join(' ')}${env.length ? ` (env: ${env.join(', ')})` : ' (no environment)'}`;
  } else if (s.http) {
    detail = `${s.http.method} ${s.http.url}${s.http.body && s.http.body !== '{}' ? ` ${s.http.body}` : ''}`;
  } else {
    detail = s.diagnostics ? 'attach incident context' : '';
  }
  if (s.invalid) detail = `${detail} — cannot run: ${s.invalid}`.trim();
  return { name: s.name, kind: s.kind, detail, timeoutMs: s.timeoutMs };
}
