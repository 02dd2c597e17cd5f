/**
 * Authentication and authorisation of the API. Two kinds of bearer credential:
 * - the engine's API token: the single-operator desktop case, acting as the built-in admin
 *   (`token-admin`), so the desktop app and existing clients stay one click;
 * - a session token from `POST /api/auth/login` for a local user, with that user's role.
 * Every `/api/*` and `/ingest/*` request needs one, and its role must reach the route's minimum
 * (`requiredRole`). Compared in constant time so tokens cannot be guessed from response timings.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Role } from '../common/automation-schemas.ts';
import { roleAtLeast } from '../automation/policy.ts';
import { SESSION_PREFIX, type SessionStore } from '../auth/sessions.ts';

/** True when `header` is `Bearer <token>` for the expected token. */
export function checkBearer(header: string | undefined, expected: string): boolean {
  const token = bearerToken(header);
  if (token === null) return false;
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(token).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1] : null;
}

/** Who is calling. */
export interface Principal {
  user: string;
  role: Role;
  via: 'api-token' | 'session';
  expiresAt: number | null;
  token: string;
}

/** The name the API token acts under in the audit trail. */
export const TOKEN_ADMIN = 'token-admin';

/** Resolves a bearer header to a principal: the API token (admin) or a live session; null otherwise. */
export function authenticate(header: string | undefined, apiToken: string, sessions: SessionStore): Principal | null {
  const token = bearerToken(header);
  if (token === null) return null;
  if (token.startsWith(SESSION_PREFIX)) {
    const s = sessions.get(token);
    return s ? { user: s.user, role: s.role, via: 'session', expiresAt: s.expiresAt, token } : null;
  }
  return checkBearer(header, apiToken) ? { user: TOKEN_ADMIN, role: 'admin', via: 'api-token', expiresAt: null, token } : null;
}

/**
 * The least role a request needs. Reading is for every role; changing what the engine does needs an
 * operator; deciding on actions an approver; configuration, users and breakers an admin.
 */
export function requiredRole(method: string, pathname: string): Role {
  const write = method !== 'GET' && method !== 'HEAD';
  if (pathname.startsWith('/api/users') || pathname === '/api/automation/config' || pathname.startsWith('/api/automation/breakers') || pathname === '/api/automation/runbooks/reload') {
    return 'admin';
  }
  if (/^\/api\/automation\/actions\/[^/]+\/(approve|reject)$/.test(pathname)) return write ? 'operator' : 'viewer';
  if (pathname.startsWith('/api/audit')) return 'operator';
  if (pathname.startsWith('/ingest/')) return 'operator';
  if (pathname === '/api/auth/logout' || pathname === '/api/auth/me') return 'viewer';
  // A SQL query is a POST only because it carries a body; the console's connection is read-only and
  // confined to the data directory, so a viewer may run (and cancel) queries. Saving one is a change.
  if (pathname === '/api/sql' || /^\/api\/sql\/running\/[^/]+\/cancel$/.test(pathname)) return 'viewer';
  return write ? 'operator' : 'viewer';
}

/** True when the principal may make the request. */
export function authorised(p: Principal, method: string, pathname: string): boolean {
  return roleAtLeast(p.role, requiredRole(method, pathname));
}

const principals = new WeakMap<IncomingMessage, Principal>();

/** Attaches the authenticated principal to a request (done once, before routing). */
export function setPrincipal(req: IncomingMessage, p: Principal): void {
  principals.set(req, p);
}

/** The principal of an authenticated request. Routes only run after authentication, so it is always set. */
export function principalOf(req: IncomingMessage): Principal {
  const p = principals.get(req);
  if (!p) throw new Error('request reached a route without authentication');
  return p;
}
