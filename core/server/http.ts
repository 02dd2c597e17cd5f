/**
 * A small HTTP toolkit on node:http: a router with path parameters, bounded body reading, JSON
 * replies and errors that cross as `{code, message, field?}`. Kept small on purpose: every route of
 * the engine is visible in one place per domain, and nothing here allocates per request beyond what
 * the request needs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { ApiError } from '../common/schemas.ts';

/** An error with the HTTP status and API error body it maps to. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
  /** The `{code, message, field?}` body. */
  body(): ApiError {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }
}

/** What a route handler sees. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Reads the body (bounded by the route's limit), once. */
  body(): Promise<Buffer>;
  /** Reads and parses a JSON body; 415 for another content type, 400 for malformed JSON. */
  json(): Promise<unknown>;
}

/** A handler returns a value to send as JSON (status 200), or undefined when it replied itself. */
export type Handler = (ctx: RequestContext) => Promise<unknown> | unknown;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
  bodyLimit: number;
}

const DEFAULT_BODY_LIMIT = 1 << 20;

/** Method + path router. Patterns like `/api/incidents/:id`; a trailing `*` matches any rest. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: { bodyLimit?: number } = {}): this {
    this.routes.push({ method, parts: splitPath(pattern), handler, bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT });
    return this;
  }

  /** Finds the route for a request: the route, 405 information, or nothing. */
  match(method: string, pathname: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | null {
    const parts = splitPath(pathname);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
      allowed.push(route.method);
    }
    return allowed.length ? { allowed } : null;
  }

  /**
   * Handles a request if a route matches; returns false when none does (so the caller can fall
   * through to static files or a 404).
   */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const found = this.match(req.method ?? 'GET', url.pathname);
    if (!found) return false;
    if ('allowed' in found) {
      res.setHeader('Allow', found.allowed.join(', '));
      sendError(res, new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`));
      return true;
    }
    const { route, params } = found;
    let cached: Promise<Buffer> | null = null;
    const ctx: RequestContext = {
      req,
      res,
      url,
      params,
      body: () => (cached ??= readBody(req, route.bodyLimit)),
      json: async () => {
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (type !== 'application/json' && type !== '') {
          throw new HttpError(415, 'unsupported_media_type', `content-type ${type} is not supported here; send application/json`);
        }
        const buf = await ctx.body();
        if (buf.length === 0) throw new HttpError(400, 'invalid_json', 'body: is empty; expected JSON');
        try {
          return JSON.parse(buf.toString('utf8'));
        } catch (err) {
          throw new HttpError(400, 'invalid_json', `body: is not valid JSON (${(err as Error).message})`);
        }
      },
    };
    try {
      const out = await route.handler(ctx);
      if (out !== undefined && !res.headersSent) sendJson(res, 200, out);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof HttpError) {
        sendError(res, err);
      } else if (isFieldError(err)) {
        sendError(res, new HttpError(err.status ?? 400, 'invalid_input', err.message, err.field));
      } else {
        sendError(res, new HttpError(500, 'internal', `internal error: ${(err as Error)?.message ?? String(err)}`));
      }
    }
    return true;
  }
}

function isFieldError(err: unknown): err is { message: string; field: string; status?: number } {
  return typeof err === 'object' && err !== null && typeof (err as { field?: unknown }).field === 'string';
}

function splitPath(p: string): string[] {
  return p.split('/').filter(Boolean);
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '*') return params;
    const v = parts[i];
    if (v === undefined) return null;
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(v);
      } catch {
        return null;
      }
    } else if (p !== v) return null;
  }
  return parts.length === pattern.length ? params : null;
}

/** Reads a request body up to `limit` bytes; 413 beyond it. Handles gzip-encoded bodies (OTLP senders use them). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, 'payload_too_large', `body: ${declared} bytes exceeds the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'payload_too_large', `body: exceeds the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks, size);
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding === 'gzip') {
    try {
      return gunzipSync(raw, { maxOutputLength: limit * 4 });
    } catch (err) {
      throw new HttpError(400, 'invalid_encoding', `body: gzip content could not be decoded (${(err as Error).message})`);
    }
  }
  throw new HttpError(415, 'unsupported_encoding', `content-encoding ${encoding} is not supported; use gzip or none`);
}

/** Sends a JSON reply. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Sends an HttpError as `{code, message, field?}`. */
export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, err.body());
}

/** Parses an optional integer query parameter (epoch ms, limits); 400 naming the parameter otherwise. */
export function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new HttpError(400, 'invalid_query', `${name}: must be a number, got '${raw.slice(0, 40)}'`, name);
  return Math.trunc(v);
}
