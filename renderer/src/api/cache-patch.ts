/**
 * Applying stream events to the react-query caches. Patching (rather than refetching) is what gets a
 * new incident onto the wall within a second; ranged queries that cannot be patched exactly are
 * invalidated instead. Pure over a small cache interface so it is tested without React.
 */
import type { Anomaly, Change, Incident, StreamEvent } from '../../../core/common/schemas.ts';
import { queryKeys } from './query-keys.ts';

/** The part of QueryClient this module uses. */
export interface CacheLike {
  getQueryData<T>(key: readonly unknown[]): T | undefined;
  setQueryData<T>(key: readonly unknown[], updater: T | ((old: T | undefined) => T | undefined)): unknown;
  invalidateQueries(filters: { queryKey: readonly unknown[] }): unknown;
}

/** Most anomalies / changes kept in the live window (older ones fall off the end). */
export const RECENT_LIMIT = 5000;

/**
 * Insert or replace `incident` in `list` by id. Returns the same array when nothing changed, so
 * react-query does not re-render on a duplicate event. An incident that no longer matches `status`
 * is removed.
 */
export function upsertIncident(
  list: Incident[] | undefined,
  incident: Incident,
  status: 'open' | 'resolved' | 'all',
): Incident[] | undefined {
  if (!list) return list;
  const matches = status === 'all' || incident.status === status;
  const i = list.findIndex((x) => x.id === incident.id);
  if (i < 0) return matches ? [incident, ...list] : list;
  if (!matches) return list.filter((x) => x.id !== incident.id);
  if (list[i].updatedAt > incident.updatedAt) return list;
  const next = list.slice();
  next[i] = incident;
  return next;
}

/** Prepend an item (newest first) unless its id is already there, capped at `limit`. */
export function prependUnique<T extends { id: string }>(list: T[] | undefined, item: T, limit = RECENT_LIMIT): T[] | undefined {
  if (!list) return list;
  if (list.some((x) => x.id === item.id)) return list;
  const next = [item, ...list];
  if (next.length > limit) next.length = limit;
  return next;
}

/** Apply one stream event to the caches. Returns true when the event changed something it knows. */
export function applyStreamEvent(cache: CacheLike, event: StreamEvent): boolean {
  switch (event.type) {
    case 'hello':
      // A (re)connect: whatever happened while we were away is only in the API, so refetch it all.
      for (const k of [['incidents'], ['incident'], ['stats'], ['topology'], ['anomalies'], ['changes'], ['automation']]) {
        cache.invalidateQueries({ queryKey: k });
      }
      return true;
    case 'incident-opened':
    case 'incident-updated':
    case 'incident-resolved': {
      const inc = event.incident;
      for (const s of ['open', 'resolved', 'all'] as const) {
        cache.setQueryData<Incident[]>(queryKeys.incidents(s), (old) => upsertIncident(old, inc, s));
      }
      // The detail carries members that the event does not: refetch it if someone is looking at it.
      cache.invalidateQueries({ queryKey: queryKeys.incident(inc.id) });
      return true;
    }
    case 'anomaly-detected':
      // Ranged queries (timeline, node details) are not invalidated here: at hundreds of anomalies a
      // minute that would refetch them continuously; they poll on their own, slowly.
      cache.setQueryData<Anomaly[]>(queryKeys.recentAnomalies(), (old) => prependUnique(old, event.anomaly));
      return true;
    case 'change-recorded':
      cache.setQueryData<Change[]>(queryKeys.recentChanges(), (old) => prependUnique(old, event.change));
      return true;
    case 'topology-changed': {
      const topo = cache.getQueryData<{ nodes: unknown[]; edges: unknown[] }>(queryKeys.topology());
      if (!topo || topo.nodes.length !== event.nodes || topo.edges.length !== event.edges) {
        cache.invalidateQueries({ queryKey: queryKeys.topology() });
      }
      return true;
    }
    case 'stats':
      cache.setQueryData(queryKeys.stats(), event.stats);
      return true;
    case 'action-updated':
      cache.invalidateQueries({ queryKey: ['automation', 'actions'] });
      return true;
    case 'automation-status':
      cache.setQueryData(['automation', 'status'], event.status);
      cache.invalidateQueries({ queryKey: queryKeys.stats() });
      return true;
    case 'notification-updated':
      cache.invalidateQueries({ queryKey: ['automation', 'notifications'] });
      return true;
    default:
      return false;
  }
}
