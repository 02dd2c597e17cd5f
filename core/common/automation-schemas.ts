/**
 * The wire contract of automation, audit, users and notifications: request schemas (validated on
 * the receiving side) and the types the API answers. Plain TypeScript: the renderer imports the types.
 */
import { z } from 'zod';

export const RISKS = ['low', 'medium', 'high'] as const;
/** A runbook's declared risk. */
export type Risk = (typeof RISKS)[number];

export const BUILTIN_ACTIONS = ['collect-diagnostics', 'scale', 'restart'] as const;
/** Actions the engine knows how to perform against a target's control endpoint. */
export type BuiltinAction = (typeof BUILTIN_ACTIONS)[number];

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
/** A user's role; each includes the rights of the ones before it. */
export type Role = (typeof ROLES)[number];

/**
 * Automation levels: 1 enrich (attach diagnostics), 2 triage and route (notify), 3 recommend,
 * 4 execute after approval, 5 execute and notify (the risk policy decides whether approval is needed).
 */
export type AutomationLevel = 1 | 2 | 3 | 4 | 5;

/** A runbook as listed by `GET /api/automation/runbooks`. */
export interface RunbookSummary {
  id: string;
  name: string;
  description: string;
  risk: Risk;
  /** Effective level in the current environment. */
  level: number;
  origin: 'builtin' | 'site';
  file: string;
  steps: string[];
  hasVerify: boolean;
  rollbackSteps: number;
  expectedEffect: string;
  confidence: number;
}

export const ACTION_STATES = [
  'recommended',
  'pending',
  'queued',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
  'rejected',
  'expired',
  'blocked',
  'cancelled',
] as const;
/**
 * Where an action is: `recommended` (level 3, shown only), `pending` (waiting for approval), `queued`
 * (approved or automatic, waiting for the executor), `running`, then `succeeded`, `failed` (verification
 * or a step failed and there was nothing to roll back), `rolled-back` (failed, rollback ran), `rejected`,
 * `expired` (approval not given in time), `blocked` (a guardrail refused it), `cancelled` (paused mid-run).
 */
export type ActionState = (typeof ACTION_STATES)[number];

/** One step as it will run, with templates filled in: exactly what an approver approves. */
export interface ActionStepView {
  name: string;
  kind: 'http' | 'shell' | 'action';
  /** e.g. `POST http://10.0.0.5:8080/restart`, `systemctl restart app (env: PATH)`, `restart endpoint=…`. */
  detail: string;
  timeoutMs: number;
}

/** The outcome of one step. */
export interface StepResult {
  step: string;
  phase: 'run' | 'verify' | 'rollback';
  ok: boolean;
  /** HTTP status or process exit code. */
  status?: number | null;
  /** Response body or stdout+stderr, cut at 4 KiB. */
  output: string;
  error?: string;
  startedAt: number;
  durationMs: number;
}

/** An approval or rejection. */
export interface ApprovalRecord {
  user: string;
  time: number;
  reason: string;
}

/** A proposed, pending, running or finished remediation. */
export interface AutomationAction {
  id: string;
  runbookId: string;
  runbookName: string;
  risk: Risk;
  level: number;
  incidentId: string | null;
  incidentTitle: string | null;
  /** The entity acted on, e.g. `service:checkout`. */
  target: string;
  params: Record<string, string>;
  steps: ActionStepView[];
  verify: ActionStepView | null;
  rollback: ActionStepView[];
  expectedEffect: string;
  confidence: number;
  state: ActionState;
  /** Why the policy chose this path, in words. */
  policy: string;
  approvalsRequired: number;
  approvals: ApprovalRecord[];
  rejection: ApprovalRecord | null;
  requestedBy: string;
  createdAt: number;
  updatedAt: number;
  /** When a pending approval lapses. */
  expiresAt: number | null;
  /** Which guardrail refused it, or why it stopped. */
  blockedReason: string | null;
  results: StepResult[];
  /** The incident was escalated because the action failed. */
  escalated: boolean;
}

/** `GET /api/automation/status`. */
export interface AutomationStatus {
  paused: boolean;
  pausedBy: string | null;
  pausedAt: number | null;
  pending: number;
  running: number;
  queued: number;
  environment: string;
  /** Runbooks whose circuit breaker is open, with when it closes again. */
  openBreakers: { runbookId: string; until: number; failures: number }[];
  runbookErrors: { file: string; line: number; reason: string }[];
  auditIntact: boolean;
}

/** An entry of the audit trail, as stored (one JSON object per line) and as the API returns it. */
export interface AuditEntryView {
  /** 1-based, contiguous. */
  seq: number;
  /** Wall-clock epoch milliseconds when it was appended. */
  time: number;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  /** Hash of the previous entry (the genesis hash for the first). */
  prev: string;
  /** SHA-256 over `prev` and the canonical JSON of the other fields. */
  hash: string;
}

/** A user as the API shows it (never the password hash). */
export interface UserView {
  name: string;
  role: Role;
  createdAt: number;
}

/** A notification delivery and its fate. */
export interface NotificationDelivery {
  id: string;
  channel: string;
  kind: string;
  event: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** A ticket's key/number when the channel creates tickets. */
  ticket?: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Requests.

const Reason = z.string().trim().min(1, 'a reason is required').max(2000);

/** `POST /api/automation/actions/:id/approve` and `/reject`. */
export const DecisionRequest = z.object({ reason: Reason });
export type DecisionRequest = z.output<typeof DecisionRequest>;

/** `POST /api/automation/actions`: propose a runbook on a target by hand. */
export const ActionRequest = z.object({
  runbookId: z.string().min(1).max(80),
  target: z.string().min(1).max(300),
  incidentId: z.string().min(1).max(200).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type ActionRequest = z.output<typeof ActionRequest>;

/** `POST /api/automation/pause`. */
export const PauseRequest = z.object({ paused: z.boolean(), reason: z.string().max(2000).default('') });
export type PauseRequest = z.output<typeof PauseRequest>;

/** `POST /api/auth/login`. */
export const LoginRequest = z.object({ user: z.string().min(1).max(100), password: z.string().min(1).max(1000) });
export type LoginRequest = z.output<typeof LoginRequest>;

/** `POST /api/users`. */
export const UserCreateRequest = z.object({
  name: z.string().regex(/^[a-z][a-z0-9._-]{1,63}$/, 'must be 2-64 lowercase letters, digits, dot, dash or underscore, starting with a letter'),
  role: z.enum(ROLES),
  password: z.string().min(10, 'must be at least 10 characters').max(1000),
});
export type UserCreateRequest = z.output<typeof UserCreateRequest>;

/** `POST /api/auth/login` answers this. */
export interface LoginResponse {
  token: string;
  user: string;
  role: Role;
  expiresAt: number;
}

/** `GET /api/auth/me`. */
export interface Me {
  user: string;
  role: Role;
  /** How the caller authenticated. */
  via: 'api-token' | 'session';
  expiresAt: number | null;
}
