/**
 * Detection routes: `GET /api/detection/band?entity=E&name=N[&from&to&step]` — the actual line of a
 * series with the detector's expected range (core/analytics/detection/expected-band.ts).
 */
import type { ExpectedBand } from '../common/detection-schemas.ts';
import { expectedBand } from '../analytics/detection/expected-band.ts';
import type { Engine } from '../engine.ts';
import { HttpError, intParam, type Router } from './http.ts';

const HOUR = 3_600_000;
/** Buckets before `from` replayed to warm the detector (its warm-up plus room for its quantiles). */
const WARM_BUCKETS = 240;
const MAX_BUCKETS = 20_000;

/** Registers the detection routes on `router`. */
export function detectionRoutes(router: Router, engine: Engine): void {
  router.add('GET', '/api/detection/band', async ({ url }) => {
    const entity = url.searchParams.get('entity');
    if (!entity) throw new HttpError(400, 'invalid_query', 'entity: required (e.g. service:checkout)', 'entity');
    const name = url.searchParams.get('name');
    if (!name) throw new HttpError(400, 'invalid_query', 'name: required (the metric name)', 'name');
    const to = intParam(url, 'to') ?? engine.stats().watermark ?? Date.now();
    const from = intParam(url, 'from') ?? to - 3 * HOUR;
    if (from >= to) throw new HttpError(400, 'invalid_query', 'from: must be before to', 'from');
    const step = intParam(url, 'step') ?? Math.max(1000, Math.ceil((to - from) / 500));
    if (step < 1000) throw new HttpError(400, 'invalid_query', 'step: must be at least 1000 ms', 'step');
    if ((to - from) / step > MAX_BUCKETS) throw new HttpError(400, 'invalid_query', `step: too small for the range (over ${MAX_BUCKETS} buckets)`, 'step');
    const lines = await engine.storage.metricSeries({ entity, name, from: from - WARM_BUCKETS * step, to, stepMs: step, limit: 1 });
    const line = lines[0];
    const band: ExpectedBand = { entity, name, stepMs: step, points: line ? expectedBand(line.points, from) : [] };
    return band;
  });
}
