/**
 * The WebSocket hub behind `/api/stream`: every connected client gets every StreamEvent as JSON.
 * A client that cannot keep up (too much buffered) is dropped rather than allowed to grow memory
 * without bound; the UI reconnects and refetches.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StreamEvent } from '../common/schemas.ts';

const MAX_BUFFERED = 8 << 20;

/** Broadcasts stream events to WebSocket clients. */
export class StreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<WebSocket>();

  constructor(private readonly hello: () => StreamEvent) {
    this.wss.on('connection', (ws) => {
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
      // The stream is one-way; anything a client sends is ignored.
      ws.send(JSON.stringify(this.hello()));
    });
  }

  /** Completes a WebSocket upgrade that was already authorised. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }

  /** Sends one event to every client. */
  broadcast(event: StreamEvent): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(event);
    for (const ws of this.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.terminate();
        this.clients.delete(ws);
        continue;
      }
      ws.send(text);
    }
  }

  /** Closes every client and the server. */
  async close(): Promise<void> {
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
