/**
 * Login, logout, who-am-I and user administration. Logins, logouts, failed logins and user changes
 * go to the audit trail (never a password).
 */
import { LoginRequest, UserCreateRequest, type LoginResponse, type Me } from '../common/automation-schemas.ts';
import type { AuditLog } from '../audit/chain.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { UserStore } from '../auth/users.ts';
import { principalOf } from './auth.ts';
import { parseBody } from './automation-routes.ts';
import { HttpError, type Router } from './http.ts';

/** Registers the routes that need a principal. `POST /api/auth/login` is `loginHandler`, served before authentication. */
export function authRoutes(router: Router, users: UserStore, sessions: SessionStore, audit: AuditLog): void {
  router.add('GET', '/api/auth/me', (ctx): Me => {
    const p = principalOf(ctx.req);
    return { user: p.user, role: p.role, via: p.via, expiresAt: p.expiresAt };
  });
  router.add('POST', '/api/auth/logout', async (ctx) => {
    const p = principalOf(ctx.req);
    if (p.via === 'session') {
      sessions.end(p.token);
      await audit.append({ actor: p.user, action: 'logout' });
    }
    return { ok: true };
  });
  router.add('GET', '/api/users', () => users.list());
  router.add('POST', '/api/users', async (ctx) => {
    const body = await parseBody(ctx, UserCreateRequest);
    const existed = users.get(body.name) !== null;
    const u = await users.put(body.name, body.role, body.password);
    sessions.endUser(body.name);
    await audit.append({ actor: principalOf(ctx.req).user, action: existed ? 'user-changed' : 'user-created', subject: body.name, details: { role: body.role } });
    return u;
  });
  router.add('DELETE', '/api/users/:name', async (ctx) => {
    if (!(await users.remove(ctx.params.name))) throw new HttpError(404, 'not_found', `user ${ctx.params.name} does not exist`);
    sessions.endUser(ctx.params.name);
    await audit.append({ actor: principalOf(ctx.req).user, action: 'user-deleted', subject: ctx.params.name });
    return { ok: true };
  });
}

/** `POST /api/auth/login`: the one API route that needs no credential. */
export function loginRoute(router: Router, users: UserStore, sessions: SessionStore, audit: AuditLog): void {
  router.add('POST', '/api/auth/login', async (ctx): Promise<LoginResponse> => {
    const body = await parseBody(ctx, LoginRequest);
    const u = await users.check(body.user, body.password);
    if (!u) {
      await audit.append({ actor: body.user.slice(0, 100), action: 'login-failed' });
      throw new HttpError(401, 'unauthorized', 'user or password: not recognised');
    }
    const s = sessions.create(u.name, u.role);
    await audit.append({ actor: u.name, action: 'login', details: { role: u.role } });
    return { token: s.token, user: u.name, role: u.role, expiresAt: s.expiresAt };
  });
}
