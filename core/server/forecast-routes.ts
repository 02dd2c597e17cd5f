/**
 * The forecasting routes: `GET /api/forecasts` (time-to-limit of every capacity series, failure
 * probability per entity, soonest first) and `GET /api/forecasts/series` (the band ahead of one
 * series' line on the timeline, computed from its stored history by the same forecaster as
 * `watchfloor forecast`).
 */
import type { ForecastBand, ForecastsResponse } from '../common/forecast-schemas.ts';
import { SeasonalForecaster } from '../analytics/forecast/seasonal.ts';
import type { Engine } from '../engine.ts';
import { HttpError, intParam, type Router } from './http.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Band points drawn ahead of the line, at most. */
const MAX_BAND_POINTS = 120;

/** Registers the forecast routes on `router`. */
export function forecastRoutes(router: Router, engine: Engine): void {
  router.add('GET', '/api/forecasts', async ({ url }): Promise<ForecastsResponse> => {
    const within = intParam(url, 'within');
    if (within !== undefined && within <= 0) throw new HttpError(400, 'invalid_query', 'within: must be a positive number of ms', 'within');
    const all = await engine.forecasts.forecasts();
    const entity = url.searchParams.get('entity');
    const asOf = all.asOf ?? Date.now();
    const forecasts = all.forecasts.filter(
      (f) => (!entity || f.entity === entity) && (within === undefined || (f.crossing !== null && f.crossing.time - asOf <= within)),
    );
    const entities = all.entities.filter((e) => !entity || e.entity === entity);
    return { ...all, forecasts, entities };
  });

  router.add('GET', '/api/forecasts/series', async ({ url }): Promise<ForecastBand> => {
    const entity = url.searchParams.get('entity');
    const name = url.searchParams.get('name');
    if (!entity) throw new HttpError(400, 'invalid_query', 'entity: required', 'entity');
    if (!name) throw new HttpError(400, 'invalid_query', 'name: required', 'name');
    const horizon = intParam(url, 'horizon') ?? HOUR;
    if (horizon <= 0 || horizon > 7 * DAY) throw new HttpError(400, 'invalid_query', 'horizon: must be between 1 ms and 7 days', 'horizon');
    const step = intParam(url, 'step') ?? Math.max(60_000, Math.ceil(horizon / 60));
    if (step < 1000) throw new HttpError(400, 'invalid_query', 'step: must be at least 1000 ms', 'step');
    const to = intParam(url, 'to') ?? engine.stats().watermark ?? Date.now();
    // Two days of history lets the daily profile take part; bounded so a fine step stays cheap.
    const from = to - Math.min(2 * DAY, step * 20_000);
    const [line] = await engine.storage.metricSeries({ entity, name, from, to, stepMs: step, limit: 1 });
    const cap = (await engine.forecasts.forecasts()).forecasts.find((f) => f.entity === entity && f.metric === name);
    const band: ForecastBand = { entity, metric: name, stepMs: step, points: [], limit: cap?.limit ?? null, crossing: cap?.crossing ?? null };
    if (!line || line.points.length < 3) return band;
    const steps = Math.max(1, Math.round(horizon / step));
    const f = new SeasonalForecaster({ stepMs: step, horizons: [Math.max(1, Math.round(steps / 2)), steps] });
    let t = line.points[0][0];
    for (const [pt, v] of line.points) {
      // Empty buckets between points are fed as missing so horizons stay counted in steps.
      for (; t < pt; t += step) f.update(t, NaN);
      f.update(pt, v);
      t = pt + step;
    }
    const last = line.points[line.points.length - 1][0];
    const every = Math.max(1, Math.ceil(steps / MAX_BAND_POINTS));
    for (let h = every; h <= steps; h += every) band.points.push({ time: last + h * step, ...f.forecast(h) });
    return band;
  });
}
