/**
 * Data hooks of the approvals, audit and automation views. Keys all start with `automation`, which the
 * stream patcher invalidates on `action-updated` and fills on `automation-status`.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.tsx';

export const automationKeys = {
  status: () => ['automation', 'status'] as const,
  actions: (state: string, incident: string) => ['automation', 'actions', state, incident] as const,
  audit: (q: string, action: string) => ['automation', 'audit', q, action] as const,
  notifications: () => ['automation', 'notifications'] as const,
};

/** The pause switch and queue sizes, kept live by the stream. */
export function useAutomationStatus() {
  const api = useApi();
  return useQuery({ queryKey: automationKeys.status(), queryFn: () => api.getAutomationStatus(), refetchInterval: 30_000 });
}

/** Actions by state (`open` = unfinished) and/or incident. */
export function useActions(state = '', incident = '') {
  const api = useApi();
  return useQuery({
    queryKey: automationKeys.actions(state, incident),
    queryFn: () => api.listActions({ state: state || undefined, incident: incident || undefined }),
    refetchInterval: 30_000,
  });
}

/** An audit search. */
export function useAudit(q: string, action: string) {
  const api = useApi();
  return useQuery({
    queryKey: automationKeys.audit(q, action),
    queryFn: () => api.searchAudit({ q: q || undefined, action: action || undefined, limit: 300 }),
    refetchInterval: 10_000,
  });
}

/** Notification deliveries. */
export function useNotifications() {
  const api = useApi();
  return useQuery({ queryKey: automationKeys.notifications(), queryFn: () => api.listNotifications(), refetchInterval: 30_000 });
}
