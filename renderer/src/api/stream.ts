/**
 * The live stream: one WebSocket to `/api/stream`, reconnected with capped exponential backoff.
 * Messages are parsed and lightly checked (a `type` string) before they reach the caches; anything
 * else is dropped rather than crashing the wall.
 */
import type { StreamEvent } from '../../../core/common/schemas.ts';

/** What the connection indicator shows. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'unauthorised';

/** Callbacks of a stream connection. */
export interface StreamHandlers {
  onEvent(event: StreamEvent): void;
  onState(state: ConnectionState): void;
}

/** Minimal WebSocket surface, so tests can pass a fake. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

/** Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling to 10 s, with ±20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Parse one message; null when it is not a stream event. */
export function parseStreamMessage(data: unknown): StreamEvent | null {
  if (typeof data !== 'string') return null;
  try {
    const v: unknown = JSON.parse(data);
    if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') return v as StreamEvent;
  } catch {
    // Not JSON: ignored on purpose, the stream keeps going.
  }
  return null;
}

/**
 * Open the stream and keep it open until `close()` is called. The engine closes with code 4401 (or
 * 1008, policy violation) on a bad token; then we stop retrying and report `unauthorised`.
 */
export function connectStream(
  url: string,
  handlers: StreamHandlers,
  createSocket: (url: string) => SocketLike = (u) => new WebSocket(u) as unknown as SocketLike,
): { close(): void } {
  let attempt = 0;
  let socket: SocketLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const open = () => {
    if (closed) return;
    handlers.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    const s = createSocket(url);
    socket = s;
    s.onopen = () => {
      attempt = 0;
      handlers.onState('live');
    };
    s.onmessage = (ev) => {
      const event = parseStreamMessage(ev.data);
      if (event) handlers.onEvent(event);
    };
    s.onerror = () => {
      // An error is always followed by close; reconnecting is handled there.
    };
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      if (closed) return;
      if (ev.code === 4401 || ev.code === 1008) {
        handlers.onState('unauthorised');
        return;
      }
      handlers.onState('reconnecting');
      timer = setTimeout(open, backoffMs(attempt++));
    };
  };
  open();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
      socket = null;
    },
  };
}
