/**
 * The one error every ingest parser throws. A batch is valid as a whole or rejected whole, and the
 * message names the first offending field, e.g.
 * `resourceMetrics[0].scopeMetrics[1].metrics[0].gauge.dataPoints[3].timeUnixNano: must be ...`.
 */
import type { z } from 'zod';
import { describeZodError } from '../common/schemas.ts';

/** Bad ingest input: HTTP 400 with `{code, message, field}`. */
export class IngestError extends Error {
  /** Path of the offending field, written like `alerts[0].labels`; `body` for the payload itself. */
  readonly field: string;
  /** HTTP status to answer with; always 400. */
  readonly status: number = 400;
  /** Error code for the API's `{code, message, field}` body. */
  readonly code = 'invalid_input';

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'IngestError';
    this.field = field;
  }

  /** The first issue of a zod error as an IngestError (path rooted at `root`, e.g. `alerts`). */
  static fromZod(err: z.ZodError, root = ''): IngestError {
    const api = describeZodError(err, root);
    const field = api.field ?? 'body';
    const prefix = `${field}: `;
    return new IngestError(field, api.message.startsWith(prefix) ? api.message.slice(prefix.length) : api.message);
  }
}
