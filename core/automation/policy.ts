/**
 * The approval policy, as pure functions: what may run by itself, what needs approval and by how
 * many, and who may approve.
 *
 * - Levels 1-3 never change anything: 1 attaches diagnostics, 2 routes (notifies), 3 recommends.
 * - Level 4 always asks for approval.
 * - Level 5 follows the risk: low runs by itself (with a notification); medium runs by itself inside
 *   business hours and asks for approval outside them; high always asks, and needs two different
 *   approvers.
 * - Nobody approves their own request, and nobody approves twice.
 */
import type { Risk, Role } from '../common/automation-schemas.ts';
import type { AutomationConfig } from './config.ts';

/** What happens to a new action. */
export interface PolicyDecision {
  mode: 'enrich' | 'route' | 'recommend' | 'auto' | 'approval';
  approvalsRequired: number;
  /** The reason in words, shown with the action and kept in the audit trail. */
  reason: string;
}

/** Business hours as configured. */
export type BusinessHours = AutomationConfig['businessHours'];

/** True when `now` falls inside the business hours (in their time zone; end exclusive). */
export function inBusinessHours(now: number, bh: BusinessHours): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: bh.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  const [sh, sm] = bh.start.split(':').map(Number);
  const [eh, em] = bh.end.split(':').map(Number);
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (!bh.days.includes(day)) return false;
  // A window like 22:00-06:00 wraps midnight; it is attributed to the day it starts on.
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** Approvers needed for a risk when approval is needed at all. */
export function approversFor(risk: Risk): number {
  return risk === 'high' ? 2 : 1;
}

/** Decides how an action of `risk` at `level` proceeds at `now`. */
export function decide(risk: Risk, level: number, now: number, bh: BusinessHours): PolicyDecision {
  if (level <= 1) return { mode: 'enrich', approvalsRequired: 0, reason: 'level 1: diagnostics are attached, nothing is changed' };
  if (level === 2) return { mode: 'route', approvalsRequired: 0, reason: 'level 2: triaged and routed, nothing is changed' };
  if (level === 3) return { mode: 'recommend', approvalsRequired: 0, reason: 'level 3: recommended only; an operator may request it' };
  const n = approversFor(risk);
  if (level === 4) return { mode: 'approval', approvalsRequired: n, reason: `level 4: runs after approval by ${n === 2 ? 'two approvers' : 'an approver'}` };
  if (risk === 'low') return { mode: 'auto', approvalsRequired: 0, reason: 'low risk: runs automatically and notifies' };
  if (risk === 'medium') {
    return inBusinessHours(now, bh)
      ? { mode: 'auto', approvalsRequired: 0, reason: 'medium risk inside business hours: runs automatically and notifies' }
      : { mode: 'approval', approvalsRequired: 1, reason: 'medium risk outside business hours: needs an approver' };
  }
  return { mode: 'approval', approvalsRequired: 2, reason: 'high risk: needs two different approvers' };
}

/** The effective level of a runbook in the configured environment. */
export function effectiveLevel(runbookId: string, runbookLevel: number, config: AutomationConfig): number {
  const env = config.environments[config.environment];
  const level = env?.levels[runbookId] ?? runbookLevel;
  return Math.min(level, env?.maxLevel ?? 5);
}

/** Role order: each role has the rights of the ones before it. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  const order: Role[] = ['viewer', 'operator', 'approver', 'admin'];
  return order.indexOf(role) >= order.indexOf(needed);
}

/**
 * Whether `user` (with `role`) may approve an action requested by `requestedBy` that already has
 * `approvals`. Returns null when allowed, otherwise the reason.
 */
export function approvalRefusal(
  user: string,
  role: Role,
  action: { requestedBy: string; approvals: readonly { user: string }[]; state: string },
): string | null {
  if (!roleAtLeast(role, 'approver')) return `role ${role} may not approve; approver or admin is needed`;
  if (action.state !== 'pending') return `the action is ${action.state}, not pending`;
  if (user === action.requestedBy) return 'the requester may not approve their own request';
  if (action.approvals.some((a) => a.user === user)) return `${user} has already approved; a second, different approver is needed`;
  return null;
}
