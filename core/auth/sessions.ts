/**
 * Login sessions: a random token per login, held in memory only (a restart logs everyone out), with
 * an absolute lifetime and an idle timeout. The token is what the client sends as `Bearer`.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../common/automation-schemas.ts';

/** Session tokens carry this prefix so they are never mistaken for the API token. */
export const SESSION_PREFIX = 'wfs_';

/** One session. */
export interface Session {
  token: string;
  user: string;
  role: Role;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
}

/** Lifetimes of a session. */
export interface SessionPolicy {
  /** Absolute lifetime from login (default 8 h, one shift). */
  ttlMs: number;
  /** Logged out after this long without a request (default 30 min). */
  idleMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlMs: 8 * 3_600_000, idleMs: 30 * 60_000 };

/** Sessions in memory. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  create(user: string, role: Role): Session {
    const t = this.now();
    const s: Session = { token: `${SESSION_PREFIX}${randomBytes(24).toString('base64url')}`, user, role, createdAt: t, lastSeen: t, expiresAt: t + this.policy.ttlMs };
    this.sessions.set(s.token, s);
    return s;
  }

  /** The live session for a token (touching it), or null when unknown or expired. */
  get(token: string): Session | null {
    const s = this.sessions.get(token);
    if (!s) return null;
    const t = this.now();
    if (t >= s.expiresAt || t - s.lastSeen >= this.policy.idleMs) {
      this.sessions.delete(token);
      return null;
    }
    s.lastSeen = t;
    return s;
  }

  end(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Ends every session of a user (deleted, or role changed). */
  endUser(user: string): void {
    for (const [k, s] of this.sessions) if (s.user === user) this.sessions.delete(k);
  }
}
