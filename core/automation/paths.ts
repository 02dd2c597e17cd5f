/**
 * Where automation keeps its files inside the data directory, and where the built-in runbooks are.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The hash-chained audit trail (JSON lines). */
export const AUDIT_FILE = 'audit.jsonl';
/** Local users and their password hashes. */
export const USERS_FILE = 'users.json';
/** Automation settings (levels, business hours, guardrails, notification channels). */
export const AUTOMATION_CONFIG_FILE = 'automation.json';
/** Journal of actions (every state change of every action, JSON lines). */
export const ACTIONS_FILE = 'actions.jsonl';
/** The site's own runbooks. */
export const SITE_RUNBOOK_DIR = 'runbooks';

/**
 * The built-in runbooks: resources/runbooks at the repository root. From source this file is
 * core/automation/paths.ts; bundled it is inlined into dist/*.mjs, one level below the root.
 */
export function builtinRunbookDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.basename(here) === 'automation' ? path.join(here, '..', '..') : path.join(here, '..');
  return path.join(root, 'resources', 'runbooks');
}
