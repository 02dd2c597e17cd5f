/**
 * Receivers on standard paths: OTLP/HTTP JSON (`/v1/metrics`, `/v1/logs`, `/v1/traces` on the OTLP
 * port) and `/ingest/*` on the API port (Alertmanager webhook, events, changes, topology). Each batch
 * is validated whole (400 naming the first bad field, nothing stored) and durable before the 2xx.
 */
import type { Engine } from '../engine.ts';
import { parseAlertmanager } from '../ingest/alertmanager.ts';
import { parseChanges, parseEvents, parseTopology } from '../ingest/events.ts';
import { parseOtlpLogsJson } from '../ingest/otlp-logs.ts';
import { parseOtlpMetricsJson } from '../ingest/otlp-metrics.ts';
import { parseOtlpTracesJson, SpanServiceIndex } from '../ingest/otlp-traces.ts';
import { HttpError, type RequestContext, type Router } from './http.ts';

const OTLP_BODY_LIMIT = 64 << 20;
const INGEST_BODY_LIMIT = 32 << 20;
const SPAN_INDEX_SIZE = 200_000;

/** Registers `/ingest/*` on the API router. */
export function ingestRoutes(router: Router, engine: Engine): void {
  const opts = { bodyLimit: INGEST_BODY_LIMIT };
  router.add(
    'POST',
    '/ingest/alertmanager',
    async (ctx) => {
      const alerts = parseAlertmanager(await ctx.json(), Date.now(), engine.newId);
      await engine.accept({ alerts });
      return { accepted: alerts.length };
    },
    opts,
  );
  router.add(
    'POST',
    '/ingest/events',
    async (ctx) => {
      const alerts = parseEvents(await ctx.json(), Date.now(), engine.newId);
      await engine.accept({ alerts });
      return { accepted: alerts.length };
    },
    opts,
  );
  router.add(
    'POST',
    '/ingest/changes',
    async (ctx) => {
      const changes = parseChanges(await ctx.json(), engine.newId);
      await engine.accept({ changes });
      return { accepted: changes.length };
    },
    opts,
  );
  router.add(
    'POST',
    '/ingest/topology',
    async (ctx) => {
      const topology = parseTopology(await ctx.json());
      await engine.accept({ topology });
      return { accepted: topology.nodes.length + topology.edges.length };
    },
    opts,
  );
}

/** OTLP/HTTP accepts JSON here; protobuf is refused with 415 until it is supported. */
async function otlpJson(ctx: RequestContext): Promise<unknown> {
  const type = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') {
    throw new HttpError(415, 'unsupported_media_type', 'content-type application/x-protobuf is not supported yet; send OTLP/HTTP JSON (application/json)');
  }
  if (type !== 'application/json') {
    throw new HttpError(415, 'unsupported_media_type', `content-type ${type || '(none)'} is not supported; send OTLP/HTTP JSON (application/json)`);
  }
  return ctx.json();
}

/** Registers `/v1/metrics`, `/v1/logs` and `/v1/traces` on the OTLP router. */
export function otlpRoutes(router: Router, engine: Engine): void {
  const opts = { bodyLimit: OTLP_BODY_LIMIT };
  const spanIndex = new SpanServiceIndex(SPAN_INDEX_SIZE);
  router.add(
    'POST',
    '/v1/metrics',
    async (ctx) => {
      const { metrics, topology } = parseOtlpMetricsJson(await otlpJson(ctx), Date.now());
      await engine.accept({ metrics, topology });
      return {};
    },
    opts,
  );
  router.add(
    'POST',
    '/v1/logs',
    async (ctx) => {
      const { logs, topology } = parseOtlpLogsJson(await otlpJson(ctx), Date.now());
      await engine.accept({ logs, topology });
      return {};
    },
    opts,
  );
  router.add(
    'POST',
    '/v1/traces',
    async (ctx) => {
      const { spans, topology } = parseOtlpTracesJson(await otlpJson(ctx), Date.now(), spanIndex);
      await engine.accept({ spans, topology });
      return {};
    },
    opts,
  );
}
