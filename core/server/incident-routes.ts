/**
 * Incident feedback and similar incidents:
 * - `POST /api/incidents/:id/merge` `{incidentIds}` folds those incidents into `:id`;
 * - `POST /api/incidents/:id/split` `{memberIds}` moves those members into a new incident;
 * - `GET /api/incidents/:id/similar?limit=5` lists the past incidents most like it, with how they ended.
 *
 * A decision is stored (table `incident_feedback`) and handed to the correlator, which changes the
 * incidents it still holds open and learns the signal-template pairs (merged kinds of signal are joined
 * from then on, split ones are kept apart). Incidents the correlator no longer holds (resolved) are
 * changed in storage here. At start, every stored decision is replayed to the correlator, so what it
 * learned survives a restart.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { FeedbackResult, IncidentFeedback, SimilarIncident } from '../common/incident-schemas.ts';
import { MergeRequest, SplitRequest } from '../common/incident-schemas.ts';
import type { IncidentDetail, IncidentMember } from '../common/schemas.ts';
import { describeZodError, severityRank } from '../common/schemas.ts';
import { entityKind, entityName } from '../common/records.ts';
import { crossPairs, incidentSimilarity, memberTemplateOf } from '../analytics/similarity.ts';
import type { IncidentSignature } from '../analytics/similarity.ts';
import { duration } from '../analytics/rca.ts';
import { type Engine, summary } from '../engine.ts';
import { HttpError, intParam, type Router } from './http.ts';

/** How many recent incidents similar-incident search compares with. */
const SIMILAR_POOL = 500;
const MERGED_PREFIX = 'Merged into ';

/** Registers the incident feedback routes and replays stored decisions to the correlator. */
export function incidentRoutes(router: Router, engine: Engine): void {
  const { storage } = engine;
  const learned = storage
    .listIncidentFeedback()
    .then((all) =>
      all.length === 0
        ? undefined
        : engine.analytics.feedback(all.map((f) => ({ action: 'learn' as const, decision: f.action, pairs: f.pairs }))),
    )
    .catch((err: Error) => engine.log('error', 'could not replay incident feedback', { message: err.message }));

  const load = async (id: string, field?: string): Promise<IncidentDetail> => {
    const inc = await storage.getIncident(id);
    if (!inc) throw new HttpError(404, 'not_found', `${field ? `${field}: ` : ''}incident ${id.slice(0, 200)} does not exist`, field);
    if (inc.title.startsWith(MERGED_PREFIX)) throw new HttpError(409, 'merged', `${field ? `${field}: ` : ''}incident ${id} was merged into another`, field);
    return inc;
  };
  const body = async <T>(ctx: { json(): Promise<unknown> }, schema: z.ZodType<T>): Promise<T> => {
    const parsed = schema.safeParse(await ctx.json());
    if (!parsed.success) {
      const e = describeZodError(parsed.error);
      throw new HttpError(400, e.code, e.message, e.field);
    }
    return parsed.data;
  };

  router.add('POST', '/api/incidents/:id/merge', async (ctx) => {
    const req = await body(ctx, MergeRequest);
    await learned;
    const target = await load(ctx.params.id);
    const others: IncidentDetail[] = [];
    for (const [i, id] of req.incidentIds.entries()) {
      if (id === target.id) throw new HttpError(400, 'invalid_input', `incidentIds[${i}]: cannot merge an incident into itself`, `incidentIds[${i}]`);
      if (others.some((o) => o.id === id)) continue;
      others.push(await load(id, `incidentIds[${i}]`));
    }
    const pairs = crossPairs(templates(target.members), others.flatMap((o) => [...templates(o.members)]));
    const feedback: IncidentFeedback = {
      id: `fb-${randomBytes(6).toString('hex')}`,
      time: Date.now(),
      action: 'merge',
      incidentId: target.id,
      otherIds: others.map((o) => o.id),
      memberIds: [],
      pairs,
    };
    await storage.recordIncidentFeedback(feedback);
    const stored = [target, ...others].map((i) => ({ id: i.id, openedAt: i.openedAt, members: i.members }));
    const applied = new Set(await engine.analytics.feedback([{ action: 'merge', target: target.id, others: feedback.otherIds, pairs, stored }]));
    // Those the correlator did not hold open (resolved) are closed in storage. When it holds the merged
    // incident, it has taken their members in (and reopened a resolved target) and has stored the
    // result; otherwise none of them is open and the merge happens in storage alone.
    const rest = others.filter((o) => !applied.has(o.id));
    if (rest.length > 0) {
      const closed = rest.map((o) => ({ ...o, title: `${MERGED_PREFIX}${target.id}`, status: 'resolved' as const, resolvedAt: o.resolvedAt ?? o.updatedAt, members: [], rootCauses: [] }));
      const merged = applied.has(target.id) ? null : mergeDetails((await storage.getIncident(target.id)) ?? target, rest);
      await storage.upsertIncidents(merged ? [merged, ...closed] : closed);
      if (merged) engine.hub.broadcast({ type: 'incident-updated', incident: summary(merged) });
      for (const c of closed) engine.hub.broadcast({ type: 'incident-resolved', incident: summary(c) });
    }
    return { feedback, incidents: [target.id, ...feedback.otherIds] } satisfies FeedbackResult;
  });

  router.add('POST', '/api/incidents/:id/split', async (ctx) => {
    const req = await body(ctx, SplitRequest);
    await learned;
    const inc = await load(ctx.params.id);
    const byId = new Map(inc.members.map((m) => [m.id, m]));
    const ids = [...new Set(req.memberIds)];
    for (const [i, id] of req.memberIds.entries()) {
      if (!byId.has(id)) throw new HttpError(400, 'invalid_input', `memberIds[${i}]: ${id.slice(0, 200)} is not a member of incident ${inc.id}`, `memberIds[${i}]`);
    }
    if (ids.length >= inc.members.length) throw new HttpError(400, 'invalid_input', 'memberIds: a split must leave at least one member behind', 'memberIds');
    let n = 1;
    while (await storage.getIncident(`${inc.id}-split-${n}`)) n++;
    const newId = `${inc.id}-split-${n}`;
    const moved = new Set(ids);
    const movedMembers = inc.members.filter((m) => moved.has(m.id));
    const kept = inc.members.filter((m) => !moved.has(m.id));
    const pairs = crossPairs(templates(kept), templates(movedMembers));
    const feedback: IncidentFeedback = { id: `fb-${randomBytes(6).toString('hex')}`, time: Date.now(), action: 'split', incidentId: inc.id, otherIds: [newId], memberIds: ids, pairs };
    await storage.recordIncidentFeedback(feedback);
    const applied = await engine.analytics.feedback([{ action: 'split', incident: inc.id, memberIds: ids, newId, pairs }]);
    if (!applied.includes(newId)) {
      const remaining = partOf(inc, inc.id, kept, inc.title);
      const part = partOf(inc, newId, movedMembers, `Split from ${inc.id}`);
      await storage.upsertIncidents([remaining, part]);
      engine.hub.broadcast({ type: 'incident-updated', incident: summary(remaining) });
      engine.hub.broadcast({ type: 'incident-opened', incident: summary(part) });
    }
    return { feedback, incidents: [inc.id, newId] } satisfies FeedbackResult;
  });

  router.add('GET', '/api/incidents/:id/similar', async ({ params, url }) => {
    const limit = intParam(url, 'limit') ?? 5;
    if (limit < 1 || limit > 50) throw new HttpError(400, 'invalid_query', 'limit: must be between 1 and 50', 'limit');
    const inc = await storage.getIncident(params.id);
    if (!inc) throw new HttpError(404, 'not_found', `incident ${params.id.slice(0, 200)} does not exist`);
    const sig = signature(inc.members);
    const pool = await storage.recentIncidentMembers(inc.id, SIMILAR_POOL);
    const feedback = await storage.listIncidentFeedback();
    const scored = pool
      .map((p) => ({ p, similarity: incidentSimilarity(sig, signature(p.members)) }))
      .filter((x) => x.similarity > 0 && x.p.incident.openedAt <= inc.openedAt)
      .sort((a, b) => b.similarity - a.similarity || b.p.incident.openedAt - a.p.incident.openedAt)
      .slice(0, limit);
    return scored.map(({ p, similarity }): SimilarIncident => {
      const i = p.incident;
      const cause = i.rootCauses[0]?.entity ?? null;
      return {
        id: i.id,
        title: i.title,
        status: i.status,
        openedAt: i.openedAt,
        resolvedAt: i.resolvedAt ?? null,
        similarity: Math.round(similarity * 100) / 100,
        rootCause: cause,
        resolution: resolution(i, cause, feedback),
        sharedEntities: [...sig.entities].filter((e) => p.members.some((m) => m.entity === e)).sort().slice(0, 10),
      };
    });
  });
}

function templates(members: Pick<IncidentMember, 'kind' | 'fingerprint' | 'entity' | 'title'>[]): Set<string> {
  return new Set(members.map(memberTemplateOf));
}

function signature(members: Pick<IncidentMember, 'kind' | 'fingerprint' | 'entity' | 'title'>[]): IncidentSignature {
  return {
    entities: new Set(members.map((m) => m.entity)),
    templates: new Set(members.filter((m) => m.kind === 'alert').map(memberTemplateOf)),
    metrics: new Set(members.filter((m) => m.kind === 'anomaly').map((m) => m.fingerprint.slice(m.fingerprint.indexOf('|') + 1))),
  };
}

/** How an incident ended, in one sentence an operator can check. */
function resolution(i: { id: string; status: string; openedAt: number; resolvedAt?: number | null }, cause: string | null, feedback: IncidentFeedback[]): string {
  const parts: string[] = [];
  if (i.status === 'resolved' && i.resolvedAt != null) parts.push(`resolved after ${duration(i.resolvedAt - i.openedAt)}`);
  else parts.push('still open');
  if (cause) parts.push(`top cause ${cause}`);
  for (const f of feedback) {
    if (f.action === 'merge' && f.incidentId === i.id) parts.push(`an operator merged ${f.otherIds.length} incident(s) into it`);
    if (f.action === 'split' && (f.incidentId === i.id || f.otherIds.includes(i.id))) parts.push(`an operator split it (${f.memberIds.length} signal(s) moved)`);
  }
  return parts.join('; ');
}

/** `into` with the members of `others` (storage-level merge of incidents the correlator no longer holds). */
function mergeDetails(into: IncidentDetail, others: IncidentDetail[]): IncidentDetail {
  const members = [...into.members, ...others.flatMap((o) => o.members)].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
  const all = [into, ...others];
  let severity = into.severity;
  for (const o of others) if (severityRank(o.severity) < severityRank(severity)) severity = o.severity;
  const resolvedAts = all.map((x) => x.resolvedAt ?? null);
  return {
    ...into,
    severity,
    openedAt: Math.min(...all.map((x) => x.openedAt)),
    updatedAt: Math.max(...all.map((x) => x.updatedAt)),
    resolvedAt: into.status === 'resolved' && resolvedAts.every((r) => r !== null) ? Math.max(...(resolvedAts as number[])) : into.resolvedAt ?? null,
    services: [...new Set(all.flatMap((x) => x.services))].sort(),
    entities: [...new Set(all.flatMap((x) => x.entities))],
    alertCount: members.length,
    members,
  };
}

/** One part of a split incident, from its members; candidates limited to its own entities. */
function partOf(inc: IncidentDetail, id: string, members: IncidentMember[], title: string): IncidentDetail {
  const entities = [...new Set(members.map((m) => m.entity))];
  let severity: IncidentDetail['severity'] = 'info';
  for (const m of members) if (m.severity && severityRank(m.severity) < severityRank(severity)) severity = m.severity;
  return {
    ...inc,
    id,
    title,
    severity,
    openedAt: Math.min(...members.map((m) => m.time)),
    entities,
    services: [...new Set(entities.filter((e) => entityKind(e) === 'service').map(entityName))].sort(),
    alertCount: members.length,
    rootCauses: inc.rootCauses.filter((c) => entities.includes(c.entity)),
    members,
  };
}
