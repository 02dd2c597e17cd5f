/** Data hooks of the log explorer. Keys start with `logs`; refetched on a timer (logs are not streamed). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.tsx';

export const logKeys = {
  templates: (span: number, entity: string) => ['logs', 'templates', span, entity] as const,
  lines: (id: string, entity: string, from: number, to: number) => ['logs', 'lines', id, entity, from, to] as const,
  events: (from: number, to: number) => ['logs', 'events', from, to] as const,
};

/** Templates by count over the last `span` ms of logs, optionally of one entity. */
export function useLogTemplates(span: number, entity: string) {
  const api = useApi();
  return useQuery({
    queryKey: logKeys.templates(span, entity),
    queryFn: () => api.listLogTemplates({ span, entity: entity || undefined, buckets: 30, limit: 300 }),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });
}

/** Lines of one template within the window shown. */
export function useTemplateLines(id: string | null, entity: string, from: number, to: number) {
  const api = useApi();
  return useQuery({
    queryKey: logKeys.lines(id ?? '', entity, from, to),
    queryFn: () => api.listLogTemplateLines(id!, { entity: entity || undefined, from, to, limit: 200 }),
    enabled: !!id && to > from,
    refetchInterval: 15_000,
  });
}

/** Template events within the window shown. */
export function useTemplateEvents(from: number, to: number) {
  const api = useApi();
  return useQuery({
    queryKey: logKeys.events(from, to),
    queryFn: () => api.listLogTemplateEvents({ from, to, limit: 200 }),
    enabled: to > from,
    refetchInterval: 15_000,
  });
}
