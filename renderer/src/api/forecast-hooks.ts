/** React Query hooks of the forecasting API (polled: forecasts move with every scrape). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from './hooks.tsx';

/** Forecasts whose predicted crossing is within `withinMs` (all capacity series when undefined). */
export function useForecasts(withinMs?: number) {
  const api = useApi();
  return useQuery({
    queryKey: ['forecasts', withinMs ?? null],
    queryFn: () => api.listForecasts({ within: withinMs }),
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
  });
}

/** The band ahead of one series, or nothing while no series is picked. */
export function useForecastBand(entity: string | null, name: string | null, horizonMs: number, stepMs: number) {
  const api = useApi();
  return useQuery({
    queryKey: ['forecast-band', entity, name, horizonMs, stepMs],
    queryFn: () => api.getForecastBand({ entity: entity!, name: name!, horizon: horizonMs, step: stepMs }),
    enabled: entity !== null && name !== null,
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
}

/** One series' history (one line, bucketed by `stepMs`). */
export function useSeriesHistory(entity: string | null, name: string | null, from: number, to: number, stepMs: number) {
  const api = useApi();
  return useQuery({
    queryKey: ['series-history', entity, name, from, to, stepMs],
    queryFn: async () => (await api.getMetrics({ entity: entity!, name: name!, from, to, step: stepMs }))[0]?.points ?? [],
    enabled: entity !== null && name !== null,
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
}
