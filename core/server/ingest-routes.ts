/**
 * Receivers on standard paths: OTLP/HTTP JSON (`/v1/metrics`, `/v1/logs`, `/v1/traces` on the OTLP
 * port) and `/ingest/*` on the API port (Alertmanager webhook, events, changes, topology). Each batch
 * is validated whole (400 naming the first bad field, nothing stored) and durable before the 2xx.
 */
import type { AcceptedBatch, Engine } from '../engine.ts';
import { parseAlertmanager } from '../ingest/alertmanager.ts';
import { parseChanges, parseEvents, parseTopology } from '../ingest/events.ts';
import { parseOtlpLogsJson } from '../ingest/otlp-logs.ts';
import { parseOtlpMetricsJson } from '../ingest/otlp-metrics.ts';
import { parseOtlpTracesJson, SpanServiceIndex } from '../ingest/otlp-traces.ts';
import { HttpError, type RequestContext, type Router } from './http.ts';

const OTLP_BODY_LIMIT = 64 << 20;
const INGEST_BODY_LIMIT = 32 << 20;
const SPAN_INDEX_SIZE = 200_000;

/** Registers `/ingest/*` on the API router: each parses a whole batch, stores it, then acknowledges. */
export function ingestRoutes(router: Router, engine: Engine): void {
  const receivers: Record<string, (body: unknown) => { batch: AcceptedBatch; count: number }> = {
    alertmanager: (body) => {
      const alerts = parseAlertmanager(body, Date.now(), engine.newId);
      return { batch: { alerts }, count: alerts.length };
    },
    events: (body) => {
      const alerts = parseEvents(body, Date.now(), engine.newId);
      return { batch: { alerts }, count: alerts.length };
    },
    changes: (body) => {
      const changes = parseChanges(body, engine.newId);
      return { batch: { changes }, count: changes.length };
    },
    topology: (body) => {
      const topology = parseTopology(body);
      return { batch: { topology, topologyDeclared: true }, count: topology.nodes.length + topology.edges.length };
    },
  };
  for (const [name, receive] of Object.entries(receivers)) {
    router.add(
      'POST',
      `/ingest/${name}`,
      async (ctx) => {
        const { batch, count } = receive(await ctx.json());
        await engine.accept(batch);
        return { accepted: count };
      },
      { bodyLimit: INGEST_BODY_LIMIT },
    );
  }
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
