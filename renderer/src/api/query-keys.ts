/** React-query keys, in one place so the stream patcher and the hooks agree. */
export const queryKeys = {
  incidents: (status: 'open' | 'resolved' | 'all') => ['incidents', status] as const,
  incident: (id: string) => ['incident', id] as const,
  similarIncidents: (id: string) => ['incident', id, 'similar'] as const,
  stats: () => ['stats'] as const,
  topology: () => ['topology'] as const,
  /** The topology as of an event time (time travel); invalidated with `topology()` (a prefix of it). */
  topologyAsOf: (asOf: number) => ['topology', asOf] as const,
  /** The wall's rolling window of anomalies (patched live from the stream). */
  recentAnomalies: () => ['anomalies', 'recent'] as const,
  /** Anomalies of an explicit range (refetched, not patched). */
  anomalies: (from: number, to: number, entity?: string) => ['anomalies', 'range', from, to, entity ?? ''] as const,
  recentChanges: () => ['changes', 'recent'] as const,
  changes: (from: number, to: number) => ['changes', 'range', from, to] as const,
  metrics: (entity: string, from: number, to: number) => ['metrics', entity, from, to] as const,
};
