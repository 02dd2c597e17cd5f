/**
 * The engine's forecasting configuration. The demo estate's containers run with a 2 GiB memory limit
 * that its telemetry does not carry (as in many real estates); an operator would declare it, and the
 * demo declares it here the same way, as an operator limit. The demo also ships the failure model
 * learned from its own labelled faults (failure-model.ts); an estate without labelled failures gets
 * capacity forecasts only.
 */
import { DEFAULT_FORECAST_CONFIG, type ForecastConfig } from './capacity-bank.ts';
import type { OperatorLimit } from './capacity.ts';
import { DEMO_FAILURE_MODEL } from './failure-model.ts';

/** Operator limits of the demo estate: its containers' memory limit. */
export const DEMO_OPERATOR_LIMITS: readonly OperatorLimit[] = Object.freeze([{ metric: 'process.memory.usage', limit: 2 * 1024 ** 3 }]);

/** Forecast configuration for an engine; `limits` are operator-set and come first. */
export function forecastConfigFor(opts: { demo: boolean; limits?: OperatorLimit[] }): Partial<ForecastConfig> {
  return {
    ...DEFAULT_FORECAST_CONFIG,
    limits: [...(opts.limits ?? []), ...(opts.demo ? DEMO_OPERATOR_LIMITS : [])],
    failureModel: opts.demo && DEMO_FAILURE_MODEL.indicators.length ? DEMO_FAILURE_MODEL : null,
  };
}
