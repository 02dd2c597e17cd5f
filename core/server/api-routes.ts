/**
 * The `/api/*` routes: incidents, anomalies, topology, stats, changes, metrics, flush and the demo.
 */
import { DemoFaultRequest, describeZodError } from '../common/schemas.ts';
import type { Engine } from '../engine.ts';
import { HttpError, intParam, type Router } from './http.ts';

const HOUR = 3_600_000;

/** Registers the API routes on `router`. */
export function apiRoutes(router: Router, engine: Engine): void {
  const { storage } = engine;

  router.add('GET', '/api/incidents', async ({ url }) => {
    const status = url.searchParams.get('status') ?? 'open';
    if (status !== 'open' && status !== 'resolved' && status !== 'all') {
      throw new HttpError(400, 'invalid_query', `status: must be open, resolved or all, got '${status.slice(0, 40)}'`, 'status');
    }
    return storage.listIncidents(status, intParam(url, 'limit'));
  });

  router.add('GET', '/api/incidents/:id', async ({ params }) => {
    const incident = await storage.getIncident(params.id);
    if (!incident) throw new HttpError(404, 'not_found', `incident ${params.id} does not exist`);
    return incident;
  });

  router.add('GET', '/api/anomalies', async ({ url }) =>
    storage.listAnomalies({
      from: intParam(url, 'from'),
      to: intParam(url, 'to'),
      entity: url.searchParams.get('entity') ?? undefined,
      limit: intParam(url, 'limit'),
    }),
  );

  // ?asOf=<event time, epoch ms>: the estate as it was then (time travel).
  router.add('GET', '/api/topology', ({ url }) => storage.getTopology(intParam(url, 'asOf')));
  router.add('GET', '/api/stats', () => engine.stats());

  router.add('GET', '/api/changes', async ({ url }) =>
    storage.listChanges({ from: intParam(url, 'from'), to: intParam(url, 'to'), limit: intParam(url, 'limit') }),
  );

  router.add('GET', '/api/metrics', async ({ url }) => {
    const to = intParam(url, 'to') ?? engine.stats().watermark ?? Date.now();
    const from = intParam(url, 'from') ?? to - 3 * HOUR;
    if (from >= to) throw new HttpError(400, 'invalid_query', 'from: must be before to', 'from');
    const step = intParam(url, 'step') ?? Math.max(1000, Math.ceil((to - from) / 500));
    if (step < 1000) throw new HttpError(400, 'invalid_query', 'step: must be at least 1000 ms', 'step');
    if ((to - from) / step > 20_000) throw new HttpError(400, 'invalid_query', 'step: too small for the range (over 20,000 buckets)', 'step');
    return storage.metricSeries({
      entity: url.searchParams.get('entity') ?? undefined,
      name: url.searchParams.get('name') ?? undefined,
      from,
      to,
      stepMs: step,
      limit: intParam(url, 'limit'),
    });
  });


  router.add('POST', '/api/flush', () => engine.flush());

  router.add('GET', '/api/demo/faults', () => storage.listDemoFaults());
  router.add('POST', '/api/demo/faults', async (ctx) => {
    if (!engine.demoRunner) throw new HttpError(409, 'demo_off', 'the demo estate is not running (start with --demo)');
    const buf = await ctx.body();
    const raw = buf.length ? await ctx.json() : {};
    const parsed = DemoFaultRequest.safeParse(raw);
    if (!parsed.success) {
      const e = describeZodError(parsed.error);
      throw new HttpError(400, e.code, e.message, e.field);
    }
    return engine.demoRunner.injectNow(parsed.data);
  });
}
