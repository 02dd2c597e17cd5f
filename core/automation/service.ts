/**
 * Automation under governance: turns incidents into proposed actions through the runbooks, applies
 * the policy (levels, risk, business hours, approvers), the guardrails (pause, breaker, loop, rate
 * limits), runs approved actions in the executor worker one at a time, rolls back on a failed
 * verification and escalates, and writes every step of it to the audit trail.
 *
 * Depends only on the incident events the engine emits (opened/updated/resolved with the incident
 * detail), never on the correlator's internals.
 *
 * Durability: an action's change is in the journal and the audit trail before the API answers.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type {
  ActionRequest,
  ActionState,
  AutomationAction,
  AutomationStatus,
  Role,
  RunbookSummary,
} from '../common/automation-schemas.ts';
import type { IncidentDetail } from '../common/schemas.ts';
import { entityKind, entityName } from '../common/records.ts';
import type { Logger } from '../log.ts';
import { AuditLog } from '../audit/chain.ts';
import type { Notifier, NotificationEvent } from '../notify/notifier.ts';
import { AutomationConfigSchema, readAutomationConfig, writeAutomationConfig, type AutomationConfig } from './config.ts';
import { ExecutorHost } from './executor.ts';
import { Guardrails } from './guardrails.ts';
import { resolveStep, stepView, type Job } from './job.ts';
import { ActionJournal } from './journal.ts';
import { matchRunbook } from './match.ts';
import { ACTIONS_FILE, AUDIT_FILE, AUTOMATION_CONFIG_FILE, builtinRunbookDir, SITE_RUNBOOK_DIR } from './paths.ts';
import { approvalRefusal, approversFor, decide, effectiveLevel, roleAtLeast } from './policy.ts';
import { loadRunbooks, runbookSummary, type LoadedRunbook, type RunbookError } from './runbook.ts';

/** An error a route turns into an HTTP status with a field-naming message. */
export class AutomationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** How the service reaches the rest of the engine. */
export interface AutomationDeps {
  dataDir: string;
  log: Logger;
  notifier: Notifier;
  /** Broadcast an action change / a status change (the engine's stream). */
  onAction?: (a: AutomationAction) => void;
  onStatus?: (s: AutomationStatus) => void;
  /** Extra runbook folder (default DATA_DIR/runbooks) and the built-in one (default resources/runbooks). */
  siteRunbookDir?: string;
  builtinRunbookDir?: string;
  now?: () => number;
}

const FINAL: ReadonlySet<ActionState> = new Set(['succeeded', 'failed', 'rolled-back', 'rejected', 'expired', 'blocked', 'cancelled']);
const EXPIRY_CHECK_MS = 1000;

/** The automation part of the engine. */
export class AutomationService {
  private runbooks = new Map<string, LoadedRunbook>();
  private runbookErrors: RunbookError[] = [];
  private readonly actions = new Map<string, AutomationAction>();
  private readonly jobs = new Map<string, Job>();
  /** `incidentId|runbookId` already proposed (or routed), so incident updates do not repeat them. */
  private readonly proposed = new Set<string>();
  private readonly acks = new Map<string, { user: string; time: number; note: string }>();
  private paused: { by: string; at: number } | null = null;
  private running: string | null = null;
  private pumping = false;
  private incidentQueue: Promise<void> = Promise.resolve();
  private readonly executor = new ExecutorHost();
  private guardrails: Guardrails;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly now: () => number;

  private constructor(
    private readonly deps: AutomationDeps,
    readonly audit: AuditLog,
    private readonly journal: ActionJournal,
    private config: AutomationConfig,
    private rawConfig: unknown,
  ) {
    this.now = deps.now ?? Date.now;
    this.guardrails = new Guardrails(config.guardrails);
    deps.notifier.configure(config);
    this.timer = setInterval(() => void this.expireApprovals(), EXPIRY_CHECK_MS);
    this.timer.unref();
  }

  /** Opens the audit trail, the journal and the config, loads the runbooks and resumes the queue. */
  static async start(deps: AutomationDeps): Promise<AutomationService> {
    const audit = await AuditLog.open(path.join(deps.dataDir, AUDIT_FILE));
    if (!audit.verification.ok) {
      deps.log('error', 'audit trail is broken', { firstBad: audit.verification.firstBad });
    }
    const { config, raw } = await readAutomationConfig(path.join(deps.dataDir, AUTOMATION_CONFIG_FILE));
    const { journal, records } = await ActionJournal.open(path.join(deps.dataDir, ACTIONS_FILE));
    const svc = new AutomationService(deps, audit, journal, config, raw);
    await svc.loadRunbooks('system');
    for (const { action, job } of records) {
      svc.actions.set(action.id, action);
      svc.jobs.set(action.id, job);
      if (action.incidentId) svc.proposed.add(`${action.incidentId}|${action.runbookId}`);
      const ran = action.results.find((r) => r.phase === 'run');
      if (ran) svc.guardrails.recordRun(action.runbookId, action.target, ran.startedAt);
      if (action.state === 'running') {
        // The engine stopped while it ran: its outcome is unknown, so it is not run again by itself.
        await svc.transition(action, 'failed', 'system', 'action-interrupted', { blockedReason: 'the engine stopped while this action was running; check the target' });
      }
    }
    void svc.pump();
    return svc;
  }

  // ----------------------------------------------------------------------------------------------
  // Runbooks and configuration.

  private async loadRunbooks(actor: string): Promise<void> {
    const set = await loadRunbooks([
      { dir: this.deps.builtinRunbookDir ?? builtinRunbookDir(), origin: 'builtin' },
      { dir: this.deps.siteRunbookDir ?? path.join(this.deps.dataDir, SITE_RUNBOOK_DIR), origin: 'site' },
    ]);
    this.runbooks = new Map(set.runbooks.map((r) => [r.id, r]));
    this.runbookErrors = set.errors;
    for (const e of set.errors) this.deps.log('warn', 'runbook rejected', { file: e.file, line: e.line, reason: e.reason });
    await this.audit.append({
      actor,
      action: 'runbooks-loaded',
      details: { runbooks: set.runbooks.map((r) => `${r.id}@${r.origin}`), errors: set.errors },
    });
  }

  /** Reloads the runbook folders (admin). */
  async reloadRunbooks(actor: string): Promise<{ runbooks: RunbookSummary[]; errors: RunbookError[] }> {
    await this.loadRunbooks(actor);
    this.emitStatus();
    return { runbooks: this.listRunbooks(), errors: this.runbookErrors };
  }

  listRunbooks(): RunbookSummary[] {
    return [...this.runbooks.values()].map((r) => runbookSummary(r, effectiveLevel(r.id, r.automation, this.config)));
  }

  /** The configuration with secrets replaced, as an admin sees it. */
  getConfig(): unknown {
    return redact(this.rawConfig);
  }

  /** Replaces the configuration (admin); validated whole, audited with old and new values (secrets redacted). */
  async setConfig(actor: string, raw: unknown): Promise<AutomationConfig> {
    const parsed = AutomationConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const field = i.path.map(String).join('.');
      throw new AutomationError(400, 'invalid_input', `${field || 'body'}: ${i.message}`, field || undefined);
    }
    await writeAutomationConfig(path.join(this.deps.dataDir, AUTOMATION_CONFIG_FILE), raw);
    const before = this.rawConfig;
    this.rawConfig = raw;
    this.config = parsed.data;
    this.guardrails.setLimits(parsed.data.guardrails);
    this.deps.notifier.configure(parsed.data);
    await this.audit.append({ actor, action: 'config-changed', subject: 'automation.config', details: { before: redact(before), after: redact(raw) } });
    this.emitStatus();
    return parsed.data;
  }

  // ----------------------------------------------------------------------------------------------
  // Incidents.

  /**
   * Called for every incident event of the engine. Returns at once: the events are handled in order
   * on the service's own queue, so the analytics pipeline never waits for automation's disk writes.
   */
  onIncident(type: 'incident-opened' | 'incident-updated' | 'incident-resolved', incident: IncidentDetail): void {
    if (this.closed) return;
    this.incidentQueue = this.incidentQueue
      .then(() => this.handleIncident(type, incident))
      .catch((err: unknown) => this.deps.log('error', 'automation failed to handle an incident event', { incident: incident.id, error: String(err) }));
  }

  private async handleIncident(type: 'incident-opened' | 'incident-updated' | 'incident-resolved', incident: IncidentDetail): Promise<void> {
    if (this.closed) return;
    if (type === 'incident-resolved' || incident.status === 'resolved') {
      for (const a of this.actions.values()) {
        if (a.incidentId === incident.id && (a.state === 'pending' || a.state === 'recommended')) {
          await this.transition(a, 'expired', 'system', 'action-withdrawn', { blockedReason: 'the incident resolved before the action was approved' });
        }
      }
      this.deps.notifier.notify({ event: 'incident-resolved', title: `Resolved: ${incident.title}`, text: `Incident ${incident.id} resolved.`, severity: 'info', incidentId: incident.id });
      return;
    }
    for (const rb of this.runbooks.values()) {
      const key = `${incident.id}|${rb.id}`;
      if (this.proposed.has(key)) continue;
      const target = matchRunbook(rb, incident);
      if (!target) continue;
      this.proposed.add(key);
      const level = effectiveLevel(rb.id, rb.automation, this.config);
      try {
        await this.propose(rb, target, incident, {}, 'system', level);
      } catch (err) {
        this.deps.log('error', 'proposing an action failed', { runbook: rb.id, incident: incident.id, error: String(err) });
      }
    }
  }

  /** Records an acknowledgement of an incident. */
  async acknowledge(actor: string, incidentId: string, note: string): Promise<{ user: string; time: number; note: string }> {
    const ack = { user: actor, time: this.now(), note };
    this.acks.set(incidentId, ack);
    await this.audit.append({ actor, action: 'incident-acknowledged', subject: incidentId, details: { note } });
    return ack;
  }

  acknowledgement(incidentId: string): { user: string; time: number; note: string } | null {
    return this.acks.get(incidentId) ?? null;
  }

  // ----------------------------------------------------------------------------------------------
  // Actions.

  /** An operator asks for a runbook on a target. Needs approval unless the level and risk allow it to run. */
  async requestAction(actor: string, req: ActionRequest, incident: IncidentDetail | null): Promise<AutomationAction> {
    const rb = this.runbooks.get(req.runbookId);
    if (!rb) throw new AutomationError(400, 'invalid_input', `runbookId: no runbook '${req.runbookId}'`, 'runbookId');
    const params = Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)]));
    for (const k of Object.keys(params)) {
      if (!Object.hasOwn(rb.parameters, k)) throw new AutomationError(400, 'invalid_input', `params.${k}: runbook ${rb.id} has no such parameter`, `params.${k}`);
    }
    // A person asking is at least level 4: a request is never a mere recommendation.
    const level = Math.max(4, effectiveLevel(rb.id, rb.automation, this.config));
    return this.propose(rb, req.target, incident, params, actor, level);
  }

  private async propose(
    rb: LoadedRunbook,
    target: string,
    incident: IncidentDetail | null,
    requestParams: Record<string, string>,
    requestedBy: string,
    level: number,
  ): Promise<AutomationAction> {
    const now = this.now();
    const decision = decide(rb.risk, level, now, this.config.businessHours);
    if (decision.mode === 'route') {
      await this.audit.append({ actor: 'system', action: 'incident-routed', subject: incident?.id ?? target, details: { runbook: rb.id, target, policy: decision.reason } });
      this.deps.notifier.notify({
        event: 'incident-routed',
        title: `${incident?.title ?? target}: ${rb.name} suggested`,
        text: `${rb.description}\nTarget: ${target}`,
        severity: 'warning',
        incidentId: incident?.id ?? null,
      });
      // Routing is recorded as a finished action so it shows with the incident.
    }
    const id = `act-${now.toString(36)}-${randomBytes(3).toString('hex')}`;
    const params: Record<string, string> = {};
    for (const [k, p] of Object.entries(rb.parameters)) if (p.default !== undefined) params[k] = String(p.default);
    for (const [k, v] of Object.entries(this.config.targets[target] ?? {})) if (Object.hasOwn(rb.parameters, k)) params[k] = String(v);
    Object.assign(params, requestParams);
    const vars: Record<string, string> = {
      target,
      'target.kind': entityKind(target),
      'target.name': entityName(target),
      'incident.id': incident?.id ?? '',
      'incident.title': incident?.title ?? '',
      'incident.severity': incident?.severity ?? '',
      'action.id': id,
    };
    for (const [k, v] of Object.entries(params)) vars[`params.${k}`] = v;
    const env = process.env;
    // Level 1 runs only what gathers diagnostics; nothing else of the runbook.
    const steps = rb.steps.map((s) => resolveStep(s, vars, env)).filter((s) => decision.mode !== 'enrich' || s.diagnostics);
    const verify = rb.verify && decision.mode !== 'enrich' ? { ...resolveStep(rb.verify, vars, env), attempts: rb.verify.attempts, intervalMs: rb.verify.interval } : null;
    const rollback = decision.mode === 'enrich' ? [] : rb.rollback.map((s) => resolveStep(s, vars, env));
    const job: Job = { steps, verify, rollback, context: incidentContext(incident, target) };
    const action: AutomationAction = {
      id,
      runbookId: rb.id,
      runbookName: rb.name,
      risk: rb.risk,
      level,
      incidentId: incident?.id ?? null,
      incidentTitle: incident?.title ?? null,
      target,
      params,
      steps: steps.map(stepView),
      verify: verify ? stepView(verify) : null,
      rollback: rollback.map(stepView),
      expectedEffect: fillExpected(rb.expectedEffect, vars),
      confidence: rb.confidence,
      state: 'recommended',
      policy: decision.reason,
      approvalsRequired: decision.approvalsRequired,
      approvals: [],
      rejection: null,
      requestedBy,
      createdAt: now,
      updatedAt: now,
      expiresAt: null,
      blockedReason: null,
      results: [],
      escalated: false,
    };
    let state: ActionState = 'recommended';
    let blockedReason: string | null = null;
    if (decision.mode === 'route') {
      state = 'succeeded';
      blockedReason = 'routed to the configured channels; nothing was changed';
    } else if (decision.mode === 'enrich') {
      state = steps.length ? 'queued' : 'succeeded';
    } else if (decision.mode === 'auto' || decision.mode === 'approval') {
      const refusal = this.guardrails.check(rb.id, target, now, false);
      // A paused engine still collects approvals; only running waits for resume.
      if (refusal) {
        state = 'blocked';
        blockedReason = refusal.reason;
      } else if (decision.mode === 'auto') state = 'queued';
      else {
        state = 'pending';
        action.expiresAt = now + this.config.approvalTtl;
      }
    }
    action.state = state;
    action.blockedReason = blockedReason;
    this.actions.set(id, action);
    this.jobs.set(id, job);
    await this.journal.save({ action, job });
    await this.audit.append({
      actor: requestedBy,
      action: 'action-proposed',
      subject: id,
      details: { runbook: rb.id, risk: rb.risk, level, target, incident: incident?.id ?? null, state, policy: decision.reason, steps: action.steps, blockedReason },
    });
    this.deps.onAction?.(action);
    if (state === 'pending') {
      this.notify(action, 'action-pending', `Approval needed: ${rb.name} on ${target}`, `${decision.reason}. Steps: ${action.steps.map((s) => s.detail).join('; ')}`, 'warning');
    } else if (state === 'blocked') {
      await this.audit.append({ actor: 'system', action: 'action-blocked', subject: id, details: { state, runbook: rb.id, target, blockedReason } });
      this.notify(action, 'action-blocked', `Blocked: ${rb.name} on ${target}`, blockedReason ?? '', 'warning');
    }
    this.emitStatus();
    void this.pump();
    return action;
  }

  /** Turns a recommendation into a request for approval (operator). */
  async requestRecommended(actor: string, id: string): Promise<AutomationAction> {
    const a = this.mustGet(id);
    if (a.state !== 'recommended') throw new AutomationError(409, 'conflict', `action ${id} is ${a.state}, not recommended`);
    a.requestedBy = actor;
    a.approvalsRequired = approversFor(a.risk);
    a.policy = `requested by ${actor} from a recommendation: needs ${a.approvalsRequired === 2 ? 'two approvers' : 'an approver'}`;
    a.expiresAt = this.now() + this.config.approvalTtl;
    await this.transition(a, 'pending', actor, 'action-requested', {});
    this.notify(a, 'action-pending', `Approval needed: ${a.runbookName} on ${a.target}`, a.policy, 'warning');
    return a;
  }

  /** Approves (approver/admin). Enough distinct approvals queue the action. */
  async approve(actor: string, role: Role, id: string, reason: string): Promise<AutomationAction> {
    const a = this.mustGet(id);
    this.expireIfDue(a);
    const refusal = approvalRefusal(actor, role, a);
    if (refusal) {
      await this.audit.append({ actor, action: 'approval-refused', subject: id, details: { reason: refusal } });
      throw new AutomationError(refusal.startsWith('role') || refusal.includes('requester') || refusal.includes('already approved') ? 403 : 409, 'forbidden', refusal);
    }
    a.approvals.push({ user: actor, time: this.now(), reason });
    const enough = a.approvals.length >= a.approvalsRequired;
    await this.transition(a, enough ? 'queued' : 'pending', actor, 'action-approved', { reason, approvals: a.approvals.length, required: a.approvalsRequired });
    void this.pump();
    return a;
  }

  /** Rejects (approver/admin; the requester may withdraw their own). */
  async reject(actor: string, role: Role, id: string, reason: string): Promise<AutomationAction> {
    const a = this.mustGet(id);
    if (!roleAtLeast(role, 'approver') && actor !== a.requestedBy) throw new AutomationError(403, 'forbidden', `role ${role} may not reject; approver or admin is needed`);
    if (a.state !== 'pending' && a.state !== 'recommended' && a.state !== 'queued') throw new AutomationError(409, 'conflict', `action ${id} is ${a.state}; only pending, recommended or queued actions can be rejected`);
    a.rejection = { user: actor, time: this.now(), reason };
    await this.transition(a, 'rejected', actor, 'action-rejected', { reason });
    return a;
  }

  /** Pauses or resumes all automation. Pausing cancels the running action before its next step. */
  async setPaused(actor: string, role: Role, paused: boolean, reason: string): Promise<AutomationStatus> {
    if (!paused && !roleAtLeast(role, 'approver')) throw new AutomationError(403, 'forbidden', `role ${role} may pause but not resume; approver or admin is needed`);
    if (paused && !this.paused) {
      this.paused = { by: actor, at: this.now() };
      await this.audit.append({ actor, action: 'automation-paused', details: { reason } });
      if (this.running) this.executor.cancel(this.running);
      this.deps.notifier.notify({ event: 'automation-paused', title: `Automation paused by ${actor}`, text: reason || 'no reason given', severity: 'warning' });
    } else if (!paused && this.paused) {
      this.paused = null;
      await this.audit.append({ actor, action: 'automation-resumed', details: { reason } });
      void this.pump();
    }
    this.emitStatus();
    return this.status();
  }

  /** Closes a runbook's circuit breaker (admin). */
  async resetBreaker(actor: string, runbookId: string): Promise<AutomationStatus> {
    const was = this.guardrails.resetBreaker(runbookId);
    if (!was) throw new AutomationError(404, 'not_found', `runbookId: no open breaker for '${runbookId}'`, 'runbookId');
    await this.audit.append({ actor, action: 'breaker-reset', subject: runbookId });
    this.emitStatus();
    void this.pump();
    return this.status();
  }

  listActions(q: { state?: string; incidentId?: string; limit?: number } = {}): AutomationAction[] {
    const out = [...this.actions.values()].filter(
      (a) => (!q.state || a.state === q.state || (q.state === 'open' && !FINAL.has(a.state))) && (!q.incidentId || a.incidentId === q.incidentId),
    );
    out.sort((a, b) => b.createdAt - a.createdAt);
    return out.slice(0, q.limit ?? 500);
  }

  getAction(id: string): AutomationAction | null {
    return this.actions.get(id) ?? null;
  }

  pendingCount(): number {
    let n = 0;
    for (const a of this.actions.values()) if (a.state === 'pending') n++;
    return n;
  }

  isPaused(): boolean {
    return this.paused !== null;
  }

  status(): AutomationStatus {
    let queued = 0;
    for (const a of this.actions.values()) if (a.state === 'queued') queued++;
    return {
      paused: this.paused !== null,
      pausedBy: this.paused?.by ?? null,
      pausedAt: this.paused?.at ?? null,
      pending: this.pendingCount(),
      running: this.running ? 1 : 0,
      queued,
      environment: this.config.environment,
      openBreakers: this.guardrails.openBreakers(this.now()),
      runbookErrors: this.runbookErrors,
      auditIntact: this.audit.verification.ok,
    };
  }

  // ----------------------------------------------------------------------------------------------
  // Execution.

  /** Runs queued actions one at a time, oldest approval first, until paused or empty. */
  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (!this.closed && !this.paused) {
        const next = [...this.actions.values()].filter((a) => a.state === 'queued').sort((a, b) => a.updatedAt - b.updatedAt)[0];
        if (!next) break;
        await this.execute(next);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async execute(a: AutomationAction): Promise<void> {
    const job = this.jobs.get(a.id)!;
    const now = this.now();
    const enrichOnly = a.level <= 1;
    const refusal = enrichOnly ? null : this.guardrails.check(a.runbookId, a.target, now, this.paused !== null);
    if (refusal) {
      await this.transition(a, 'blocked', 'system', 'action-blocked', { blockedReason: refusal.reason, guardrail: refusal.guardrail });
      this.notify(a, 'action-blocked', `Blocked: ${a.runbookName} on ${a.target}`, refusal.reason, 'warning');
      return;
    }
    if (!enrichOnly) this.guardrails.recordRun(a.runbookId, a.target, now);
    this.running = a.id;
    await this.transition(a, 'running', 'system', 'action-started', {});
    const outcome = await this.executor.run(a.id, job, (r) => {
      a.results.push(r);
      a.updatedAt = this.now();
      void this.audit.append({ actor: 'system', action: r.phase === 'rollback' ? 'rollback-step' : r.phase === 'verify' ? 'verification' : 'action-output', subject: a.id, details: { ...r } });
      this.deps.onAction?.(a);
    });
    this.running = null;
    const state: ActionState = outcome.outcome;
    if (state === 'cancelled') {
      await this.transition(a, 'cancelled', this.paused?.by ?? 'system', 'action-cancelled', { blockedReason: outcome.error ?? 'cancelled' });
      return;
    }
    const ok = state === 'succeeded';
    if (!enrichOnly) {
      const opened = this.guardrails.recordOutcome(a.runbookId, ok, this.now());
      if (opened) {
        await this.audit.append({ actor: 'system', action: 'breaker-opened', subject: a.runbookId, details: { failures: this.config.guardrails.breaker.failures } });
        this.deps.notifier.notify({ event: 'breaker-opened', title: `Circuit breaker open: ${a.runbookId}`, text: `${this.config.guardrails.breaker.failures} consecutive failures`, severity: 'critical' });
      }
    }
    if (ok) {
      await this.transition(a, 'succeeded', 'system', 'action-succeeded', {});
      this.notify(a, 'action-succeeded', `Done: ${a.runbookName} on ${a.target}`, a.expectedEffect, 'info');
    } else {
      a.escalated = a.incidentId !== null;
      // The escalation is recorded before the final state, so whoever sees the state sees the escalation too.
      if (a.incidentId) await this.audit.append({ actor: 'system', action: 'incident-escalated', subject: a.incidentId, details: { action: a.id, reason: outcome.error } });
      await this.transition(a, state, 'system', state === 'rolled-back' ? 'action-rolled-back' : 'action-failed', { blockedReason: outcome.error });
      this.notify(a, 'action-failed', `Failed: ${a.runbookName} on ${a.target}`, `${outcome.error ?? 'failed'}${state === 'rolled-back' ? ' — rolled back' : ''}`, 'critical');
      if (a.incidentId) {
        this.notify(a, 'incident-escalated', `Escalated: ${a.incidentTitle ?? a.incidentId}`, `Automated remediation ${a.runbookName} on ${a.target} failed (${outcome.error ?? 'unknown'}); a person is needed.`, 'critical');
      }
    }
    this.emitStatus();
  }

  private async expireApprovals(): Promise<void> {
    for (const a of this.actions.values()) this.expireIfDue(a);
  }

  private expireIfDue(a: AutomationAction): void {
    if (a.state === 'pending' && a.expiresAt !== null && a.expiresAt <= this.now()) {
      // Set synchronously so an approval arriving at the same moment sees the expiry.
      a.state = 'expired';
      void this.transition(a, 'expired', 'system', 'approval-expired', { blockedReason: 'approval not given in time' });
    }
  }

  private async transition(a: AutomationAction, state: ActionState, actor: string, event: string, details: Record<string, unknown>): Promise<void> {
    a.state = state;
    a.updatedAt = this.now();
    if (typeof details.blockedReason === 'string') a.blockedReason = details.blockedReason;
    await this.journal.save({ action: a, job: this.jobs.get(a.id)! });
    await this.audit.append({ actor, action: event, subject: a.id, details: { state, runbook: a.runbookId, target: a.target, ...details } });
    this.deps.onAction?.(a);
    this.emitStatus();
  }

  private notify(a: AutomationAction, event: string, title: string, text: string, severity: NotificationEvent['severity']): void {
    this.deps.notifier.notify({ event, title, text, severity, incidentId: a.incidentId, actionId: a.id });
  }

  private emitStatus(): void {
    this.deps.onStatus?.(this.status());
  }

  private mustGet(id: string): AutomationAction {
    const a = this.actions.get(id);
    if (!a) throw new AutomationError(404, 'not_found', `action ${id} does not exist`);
    return a;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.incidentQueue;
    await this.executor.close();
    await this.journal.close();
    await this.audit.close();
  }
}

function fillExpected(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, v: string) => vars[v] ?? '');
}

/** What collect-diagnostics attaches: the incident in brief. */
function incidentContext(incident: IncidentDetail | null, target: string): string {
  if (!incident) return JSON.stringify({ target });
  return JSON.stringify({
    target,
    incident: incident.id,
    title: incident.title,
    severity: incident.severity,
    openedAt: new Date(incident.openedAt).toISOString(),
    entities: incident.entities.slice(0, 20),
    rootCauses: incident.rootCauses.slice(0, 3).map((r) => ({ entity: r.entity, score: r.score, evidence: r.evidence.slice(0, 3) })),
    members: incident.members.slice(-10).map((m) => `${new Date(m.time).toISOString()} ${m.entity}: ${m.title}`),
  });
}

const SECRET_KEYS = new Set(['secret', 'password', 'token', 'apiKey']);

/** A copy with secret-bearing fields replaced, for the API and the audit trail. */
export function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.has(k) && typeof x === 'string' ? '••••' : redact(x)]));
  }
  return v;
}
