/**
 * A small history-API router: four views do not need a routing library. `parseRoute` is pure and
 * tested; `useRoute`/`navigate` wire it to `location` and `popstate`.
 */
import { useSyncExternalStore } from 'react';

/** The views of the app. */
export type Route =
  | { view: 'wall' }
  | { view: 'incident'; id: string }
  | { view: 'topology'; focus: string | null }
  | { view: 'timeline' }
  | { view: 'approvals' }
  | { view: 'audit' }
  | { view: 'forensics'; tab: 'cases' | 'import' | 'replay' | 'sql' | 'reports' }
  | { view: 'logs'; entity: string | null; template: string | null }
  | { view: 'not-found'; path: string };

/** Map a path (and query string) to a route. */
export function parseRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/wall') return { view: 'wall' };
  const inc = /^\/incidents\/([^/]+)$/.exec(path);
  if (inc) return { view: 'incident', id: safeDecode(inc[1]) };
  if (path === '/topology') return { view: 'topology', focus: new URLSearchParams(search).get('focus') };
  if (path === '/timeline') return { view: 'timeline' };
  if (path === '/approvals') return { view: 'approvals' };
  if (path === '/audit') return { view: 'audit' };
  if (/^\/forensics(\/(cases|import|replay|sql|reports))?$/.test(path)) return { view: 'forensics', tab: (path.split('/')[2] ?? 'cases') as 'cases' };
  if (path === '/logs') return { view: 'logs', entity: new URLSearchParams(search).get('entity'), template: new URLSearchParams(search).get('template') };
  return { view: 'not-found', path };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True when the URL asks for kiosk mode (`?kiosk`, `?kiosk=1`; `?kiosk=0` turns it off). */
export function isKiosk(search: string): boolean {
  const p = new URLSearchParams(search);
  if (!p.has('kiosk')) return false;
  const v = p.get('kiosk');
  return v !== '0' && v !== 'false';
}

/** Path of an incident's view. */
export function incidentPath(id: string): string {
  return `/incidents/${encodeURIComponent(id)}`;
}

const listeners = new Set<() => void>();

function subscribe(cb: () => void): () => void {
  listeners.add(cb);
  window.addEventListener('popstate', cb);
  return () => {
    listeners.delete(cb);
    window.removeEventListener('popstate', cb);
  };
}

function snapshot(): string {
  return location.pathname + location.search;
}

/** Go to a path within the app, keeping `?kiosk` if it is set. */
export function navigate(to: string): void {
  const url = new URL(to, location.origin);
  if (isKiosk(location.search) && !url.searchParams.has('kiosk')) url.searchParams.set('kiosk', '');
  history.pushState(null, '', url.pathname + url.search.replace(/kiosk=(&|$)/, 'kiosk$1'));
  for (const l of listeners) l();
}

/** The current route and kiosk flag; re-renders on navigation. */
export function useRoute(): { route: Route; kiosk: boolean } {
  const key = useSyncExternalStore(subscribe, snapshot);
  const q = key.indexOf('?');
  const pathname = q < 0 ? key : key.slice(0, q);
  const search = q < 0 ? '' : key.slice(q);
  return { route: parseRoute(pathname, search), kiosk: isKiosk(search) };
}
