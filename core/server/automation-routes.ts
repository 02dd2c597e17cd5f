/**
 * Routes of automation and governance: runbooks, actions (request, approve, reject), the pause
 * switch, breakers, configuration, acknowledgements, the audit trail (search, export) and
 * notification deliveries. Every handler acts as the authenticated principal; the audit trail names it.
 */
import { ActionRequest, DecisionRequest, PauseRequest } from '../common/automation-schemas.ts';
import { describeZodError } from '../common/schemas.ts';
import { z } from 'zod';
import { auditCsv } from '../audit/chain.ts';
import { AutomationError, type AutomationService } from '../automation/service.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Storage } from '../storage/storage.ts';
import { principalOf } from './auth.ts';
import { HttpError, intParam, type RequestContext, type Router } from './http.ts';

/** Parses a JSON body against a schema; 400 naming the field otherwise. */
export async function parseBody<T extends z.ZodType>(ctx: RequestContext, schema: T): Promise<z.output<T>> {
  const parsed = schema.safeParse(await ctx.json());
  if (!parsed.success) {
    const e = describeZodError(parsed.error);
    throw new HttpError(400, e.code, e.message, e.field);
  }
  return parsed.data;
}

/** Runs a service call, mapping its errors to HTTP errors. */
async function call<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AutomationError) throw new HttpError(err.status, err.code, err.message, err.field);
    throw err;
  }
}

const AckRequest = z.object({ note: z.string().max(2000).default('') });

/** Registers the automation, audit and notification routes. */
export function automationRoutes(router: Router, svc: AutomationService, notifier: Notifier, storage: Storage): void {
  router.add('GET', '/api/automation/status', () => svc.status());
  router.add('GET', '/api/automation/runbooks', () => ({ runbooks: svc.listRunbooks(), errors: svc.status().runbookErrors }));
  router.add('POST', '/api/automation/runbooks/reload', (ctx) => call(() => svc.reloadRunbooks(principalOf(ctx.req).user)));

  router.add('GET', '/api/automation/actions', ({ url }) => {
    const state = url.searchParams.get('state') ?? undefined;
    return svc.listActions({ state, incidentId: url.searchParams.get('incident') ?? undefined, limit: intParam(url, 'limit') });
  });
  router.add('GET', '/api/automation/actions/:id', ({ params }) => {
    const a = svc.getAction(params.id);
    if (!a) throw new HttpError(404, 'not_found', `action ${params.id} does not exist`);
    return a;
  });
  router.add('POST', '/api/automation/actions', async (ctx) => {
    const body = await parseBody(ctx, ActionRequest);
    const incident = body.incidentId ? await storage.getIncident(body.incidentId) : null;
    if (body.incidentId && !incident) throw new HttpError(400, 'invalid_input', `incidentId: incident ${body.incidentId} does not exist`, 'incidentId');
    return call(() => svc.requestAction(principalOf(ctx.req).user, body, incident));
  });
  router.add('POST', '/api/automation/actions/:id/request', (ctx) => call(() => svc.requestRecommended(principalOf(ctx.req).user, ctx.params.id)));
  router.add('POST', '/api/automation/actions/:id/approve', async (ctx) => {
    const { reason } = await parseBody(ctx, DecisionRequest);
    const p = principalOf(ctx.req);
    return call(() => svc.approve(p.user, p.role, ctx.params.id, reason));
  });
  router.add('POST', '/api/automation/actions/:id/reject', async (ctx) => {
    const { reason } = await parseBody(ctx, DecisionRequest);
    const p = principalOf(ctx.req);
    return call(() => svc.reject(p.user, p.role, ctx.params.id, reason));
  });

  router.add('POST', '/api/automation/pause', async (ctx) => {
    const { paused, reason } = await parseBody(ctx, PauseRequest);
    const p = principalOf(ctx.req);
    return call(() => svc.setPaused(p.user, p.role, paused, reason));
  });
  router.add('POST', '/api/automation/breakers/:runbookId/reset', (ctx) => call(() => svc.resetBreaker(principalOf(ctx.req).user, ctx.params.runbookId)));

  router.add('GET', '/api/automation/config', () => svc.getConfig());
  router.add('PUT', '/api/automation/config', async (ctx) => call(async () => {
    await svc.setConfig(principalOf(ctx.req).user, await ctx.json());
    return svc.getConfig();
  }));

  router.add('POST', '/api/incidents/:id/ack', async (ctx) => {
    const { note } = await parseBody(ctx, AckRequest);
    const incident = await storage.getIncident(ctx.params.id);
    if (!incident) throw new HttpError(404, 'not_found', `incident ${ctx.params.id} does not exist`);
    return svc.acknowledge(principalOf(ctx.req).user, ctx.params.id, note);
  });
  router.add('GET', '/api/incidents/:id/automation', ({ params }) => ({
    actions: svc.listActions({ incidentId: params.id }),
    acknowledgement: svc.acknowledgement(params.id),
  }));

  router.add('GET', '/api/audit', ({ url }) => {
    const q = auditQuery(url);
    return { entries: svc.audit.search(q), total: svc.audit.size, intact: svc.audit.verification.ok };
  });
  router.add('GET', '/api/audit/export', ({ url, res }) => {
    const q = { ...auditQuery(url), limit: intParam(url, 'limit') ?? 1_000_000 };
    const format = url.searchParams.get('format') ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'csv') throw new HttpError(400, 'invalid_query', `format: must be jsonl or csv, got '${format.slice(0, 20)}'`, 'format');
    // Exported oldest first, as the chain runs.
    const entries = svc.audit.search(q).reverse();
    const body = format === 'csv' ? auditCsv(entries) : entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
    res.writeHead(200, {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="watchfloor-audit.${format}"`,
      'Cache-Control': 'no-store',
    });
    res.end(body);
    return undefined;
  });

  router.add('GET', '/api/notifications', ({ url }) => notifier.deliveries(intParam(url, 'limit')));
}

function auditQuery(url: URL) {
  const s = (k: string) => url.searchParams.get(k) || undefined;
  return { text: s('q'), actor: s('actor'), action: s('action'), subject: s('subject'), from: intParam(url, 'from'), to: intParam(url, 'to'), limit: intParam(url, 'limit') };
}
