/**
 * React bindings of the API: the client in context, react-query hooks per resource, and the live
 * stream that patches the caches. Components use these hooks, never `fetch`.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from './client.ts';
import { applyStreamEvent } from './cache-patch.ts';
import { queryKeys } from './query-keys.ts';
import { connectStream } from './stream.ts';
import { streamUrl } from './token.ts';
import { engineNow, useAppStore } from '../shared/app-store.ts';

const ApiContext = createContext<ApiClient | null>(null);

/** Provide the API client to the tree. */
export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** The API client; throws outside an ApiProvider (a programming error). */
export function useApi(): ApiClient {
  const c = useContext(ApiContext);
  if (!c) throw new Error('useApi outside ApiProvider');
  return c;
}

/** Window of anomalies and changes the wall keeps live. */
export const RECENT_WINDOW_MS = 6 * 3600_000;

// Live-patched queries never go stale on their own; a slow refetch is only a safety net.
const LIVE = { staleTime: Number.POSITIVE_INFINITY, refetchInterval: 60_000 } as const;

/** Incidents by status, patched live. */
export function useIncidents(status: 'open' | 'resolved' | 'all' = 'open') {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.incidents(status), queryFn: () => api.listIncidents(status), ...LIVE });
}

/** One incident with members; refetched when the stream says it changed. */
export function useIncident(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.incident(id),
    queryFn: () => api.getIncident(id),
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 2,
  });
}

/** Past incidents like this one; refetched with the incident (its key sits under the incident's). */
export function useSimilarIncidents(id: string) {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.similarIncidents(id), queryFn: () => api.similarIncidents(id), staleTime: 30_000 });
}

/** Headline figures, replaced by every `stats` event. */
export function useStats() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.stats(), queryFn: () => api.getStats(), ...LIVE, refetchInterval: 15_000 });
}

/** The topology; refetched on `topology-changed`. With `asOf` (a replay's clock), the estate as it was then. */
export function useTopology(asOf: number | null = null) {
  const api = useApi();
  return useQuery({
    queryKey: asOf === null ? queryKeys.topology() : queryKeys.topologyAsOf(asOf),
    queryFn: () => (asOf === null ? api.getTopology() : api.getTopology(asOf)),
    ...LIVE,
    // Moving the clock keeps the previous graph on screen until the next one arrives.
    placeholderData: keepPreviousData,
  });
}

/** Anomalies of the last RECENT_WINDOW_MS, patched live. */
export function useRecentAnomalies() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.recentAnomalies(),
    queryFn: () => api.listAnomalies({ from: engineNow() - RECENT_WINDOW_MS }),
    ...LIVE,
  });
}

/** Changes of the last RECENT_WINDOW_MS, patched live. */
export function useRecentChanges() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.recentChanges(),
    queryFn: () => api.listChanges({ from: engineNow() - RECENT_WINDOW_MS }),
    ...LIVE,
  });
}

/** Anomalies of an explicit range (optionally one entity); `enabled: false` fetches nothing. */
export function useAnomalies(from: number, to: number, entity?: string, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.anomalies(from, to, entity),
    queryFn: () => api.listAnomalies({ from, to, entity }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    enabled,
  });
}

/** Changes of an explicit range. */
export function useChanges(from: number, to: number, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.changes(from, to),
    queryFn: () => api.listChanges({ from, to }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    enabled,
  });
}

/** Metric series of an entity over a range. */
export function useMetrics(entity: string | null, from: number, to: number) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.metrics(entity ?? '', from, to),
    queryFn: () => api.getMetrics({ entity: entity!, from, to, step: Math.max(1000, Math.round((to - from) / 240)) }),
    enabled: !!entity,
  });
}

/** Connect the stream for the lifetime of the calling component and patch caches from it. */
export function useLiveStream(): void {
  const api = useApi();
  const qc = useQueryClient();
  useEffect(() => {
    const { setConnection, noteHello, noteEvent } = useAppStore.getState();
    const conn = connectStream(streamUrl(api.base, location.origin, api.token), {
      onState: setConnection,
      onEvent: (ev) => {
        noteEvent();
        if (ev.type === 'hello') noteHello(ev.serverTime, ev.demo);
        applyStreamEvent(qc, ev);
      },
    });
    return () => conn.close();
  }, [api, qc]);
}

/** The engine's "now", ticking every `everyMs`, for ages and rolling windows. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(engineNow);
  useEffect(() => {
    const t = setInterval(() => setNow(engineNow()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
