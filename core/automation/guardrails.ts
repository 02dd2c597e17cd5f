/**
 * Guardrails between a decision to act and the act: a global pause, a circuit breaker per runbook
 * (after consecutive failures), loop detection (the same runbook on the same target again and again)
 * and rate limits per target and per runbook. Checked when an action is created and again right
 * before it runs. Time is passed in, so the rules are tested without waiting.
 */
import type { AutomationConfig } from './config.ts';

/** Why a guardrail refused an action. */
export interface GuardrailRefusal {
  guardrail: 'paused' | 'circuit-breaker' | 'loop' | 'rate-limit-target' | 'rate-limit-runbook';
  reason: string;
}

type Limits = AutomationConfig['guardrails'];

/** Execution history and breaker state. */
export class Guardrails {
  private readonly runs: { runbookId: string; target: string; at: number }[] = [];
  private readonly failures = new Map<string, number>();
  private readonly openUntil = new Map<string, number>();

  constructor(private limits: Limits) {}

  /** Applies new limits (a configuration change); history is kept. */
  setLimits(limits: Limits): void {
    this.limits = limits;
  }

  /** Null when the action may run now, otherwise which guardrail refuses and why. */
  check(runbookId: string, target: string, now: number, paused: boolean): GuardrailRefusal | null {
    if (paused) return { guardrail: 'paused', reason: 'automation is paused' };
    const until = this.openUntil.get(runbookId);
    if (until !== undefined && until > now) {
      return {
        guardrail: 'circuit-breaker',
        reason: `circuit breaker open for ${runbookId} after ${this.failures.get(runbookId) ?? 0} consecutive failures, until ${new Date(until).toISOString()}`,
      };
    }
    const { loop, perTarget, perRunbook } = this.limits;
    const since = (w: number) => now - w;
    const same = this.runs.filter((r) => r.runbookId === runbookId && r.target === target && r.at > since(loop.window)).length;
    if (same >= loop.max) {
      return { guardrail: 'loop', reason: `loop detected: ${runbookId} already ran ${same} times on ${target} within ${fmt(loop.window)}` };
    }
    const onTarget = this.runs.filter((r) => r.target === target && r.at > since(perTarget.window)).length;
    if (onTarget >= perTarget.max) {
      return { guardrail: 'rate-limit-target', reason: `rate limit: ${onTarget} actions on ${target} within ${fmt(perTarget.window)} (limit ${perTarget.max})` };
    }
    const ofRunbook = this.runs.filter((r) => r.runbookId === runbookId && r.at > since(perRunbook.window)).length;
    if (ofRunbook >= perRunbook.max) {
      return { guardrail: 'rate-limit-runbook', reason: `rate limit: ${runbookId} ran ${ofRunbook} times within ${fmt(perRunbook.window)} (limit ${perRunbook.max})` };
    }
    return null;
  }

  /** Records that an action started running. */
  recordRun(runbookId: string, target: string, at: number): void {
    this.runs.push({ runbookId, target, at });
    // Keep only what the longest window can still see.
    const horizon = at - Math.max(this.limits.loop.window, this.limits.perTarget.window, this.limits.perRunbook.window);
    while (this.runs.length && this.runs[0].at <= horizon) this.runs.shift();
  }

  /** Records an outcome; consecutive failures open the runbook's breaker. Returns true when it just opened. */
  recordOutcome(runbookId: string, ok: boolean, now: number): boolean {
    if (ok) {
      this.failures.delete(runbookId);
      this.openUntil.delete(runbookId);
      return false;
    }
    const n = (this.failures.get(runbookId) ?? 0) + 1;
    this.failures.set(runbookId, n);
    if (n >= this.limits.breaker.failures) {
      const wasOpen = (this.openUntil.get(runbookId) ?? 0) > now;
      this.openUntil.set(runbookId, now + this.limits.breaker.cooldown);
      return !wasOpen;
    }
    return false;
  }

  /** Closes a breaker by hand (an admin decided the cause is fixed). */
  resetBreaker(runbookId: string): boolean {
    const was = this.openUntil.has(runbookId);
    this.openUntil.delete(runbookId);
    this.failures.delete(runbookId);
    return was;
  }

  /** Breakers open at `now`. */
  openBreakers(now: number): { runbookId: string; until: number; failures: number }[] {
    return [...this.openUntil]
      .filter(([, until]) => until > now)
      .map(([runbookId, until]) => ({ runbookId, until, failures: this.failures.get(runbookId) ?? 0 }));
  }
}

function fmt(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
