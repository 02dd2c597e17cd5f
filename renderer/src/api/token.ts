/**
 * Where the UI gets its API token from. Pure functions over plain inputs so the order of precedence
 * is unit-tested without a DOM; `main.tsx` wires them to `location`, `sessionStorage` and the bridge.
 */
import type { WatchfloorConfig } from './bridge.ts';

/** sessionStorage key for the token (a session only: closing the tab forgets it). */
export const TOKEN_STORAGE_KEY = 'watchfloor.token';

/**
 * Read `token=…` from a location hash such as `#token=abc` or `#foo=1&token=abc`.
 * Returns the token and the hash with the token removed ('' when nothing else was in it).
 */
export function extractTokenFromHash(hash: string): { token: string | null; rest: string } {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body) return { token: null, rest: '' };
  const params = new URLSearchParams(body);
  const token = params.get('token');
  if (token === null) return { token: null, rest: hash };
  params.delete('token');
  const remaining = params.toString();
  return { token: token.trim() || null, rest: remaining ? `#${remaining}` : '' };
}

/** Inputs of the token resolution. */
export interface TokenSources {
  hash: string;
  bridge?: WatchfloorConfig | null;
  stored?: string | null;
}

/** The resolved connection settings; `token` is null when the user has to type one in. */
export interface ResolvedConnection {
  token: string | null;
  apiBase: string;
  /** Where the token came from, for diagnostics. */
  source: 'hash' | 'bridge' | 'storage' | 'none';
  /** Hash to put in the address bar (the token removed), or null to leave it. */
  replaceHash: string | null;
  /** True when the shell asked for wall (kiosk) mode. */
  wall: boolean;
}

/**
 * Precedence: a token in the URL hash (freshest: the engine just printed it) wins, then the Electron
 * bridge, then what this tab stored earlier. The API base comes from the bridge, else same origin.
 */
export function resolveConnection(src: TokenSources): ResolvedConnection {
  const fromHash = extractTokenFromHash(src.hash);
  const apiBase = normaliseBase(src.bridge?.apiBase ?? '');
  const wall = src.bridge?.wall ?? false;
  const replaceHash = fromHash.token !== null || src.hash.includes('token=') ? fromHash.rest : null;
  if (fromHash.token) return { token: fromHash.token, apiBase, source: 'hash', replaceHash, wall };
  if (src.bridge?.token) return { token: src.bridge.token, apiBase, source: 'bridge', replaceHash, wall };
  if (src.stored) return { token: src.stored, apiBase, source: 'storage', replaceHash, wall };
  return { token: null, apiBase, source: 'none', replaceHash, wall };
}

function normaliseBase(base: string): string {
  return base.replace(/\/+$/, '');
}

/** The WebSocket URL of the stream for an API base ('' = same origin as `pageOrigin`). */
export function streamUrl(apiBase: string, pageOrigin: string, token: string): string {
  const origin = apiBase || pageOrigin;
  const url = new URL('/api/stream', origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.toString();
}
