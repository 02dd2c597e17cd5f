/**
 * `/api/logs/*`: the log explorer's templates (by count, with sparklines), the lines of a template,
 * template events, and the log pipeline's status (syslog port, template count).
 */
import type { LogTemplatesResponse } from '../common/log-schemas.ts';
import type { Engine } from '../engine.ts';
import { HttpError, intParam, type Router } from './http.ts';

const HOUR = 3_600_000;

/** Registers the log routes on `router`. */
export function logsRoutes(router: Router, engine: Engine): void {
  const store = () => engine.logTemplating.store;

  /** [from, to): explicit; `to` defaults to just after the newest stored log line, `from` to `span` (1 h) before it. */
  async function window(url: URL): Promise<{ from: number; to: number }> {
    let to = intParam(url, 'to');
    if (to === undefined) {
      const [r] = await engine.storage.select('SELECT epoch_ms(max(ts)) AS t FROM logs');
      to = r?.t == null ? Date.now() : Number(r.t) + 1;
    }
    const span = intParam(url, 'span') ?? HOUR;
    if (span < 1000) throw new HttpError(400, 'invalid_query', 'span: must be at least 1000 ms', 'span');
    const from = intParam(url, 'from') ?? to - span;
    if (from >= to) throw new HttpError(400, 'invalid_query', 'from: must be before to', 'from');
    return { from, to };
  }

  function limit(url: URL, max: number): number | undefined {
    const l = intParam(url, 'limit');
    if (l !== undefined && (l < 1 || l > max)) throw new HttpError(400, 'invalid_query', `limit: must be 1-${max}`, 'limit');
    return l;
  }

  router.add('GET', '/api/logs/status', async () => {
    const [r] = await engine.storage.select('SELECT count(*) AS n FROM log_templates');
    return { syslogPort: engine.syslogPort, templates: Number(r?.n ?? 0) };
  });

  router.add('GET', '/api/logs/templates', async ({ url }): Promise<LogTemplatesResponse> => {
    const { from, to } = await window(url);
    const buckets = intParam(url, 'buckets') ?? 30;
    if (buckets < 1 || buckets > 500) throw new HttpError(400, 'invalid_query', 'buckets: must be 1-500', 'buckets');
    const entity = url.searchParams.get('entity') || undefined;
    const templates = await store().listTemplates({ from, to, entity, limit: limit(url, 5000), buckets });
    return { from, to, buckets, templates };
  });

  router.add('GET', '/api/logs/templates/:id/lines', async ({ url, params }) => {
    if (!/^t[0-9a-f]{16}$/.test(params.id)) throw new HttpError(400, 'invalid_query', `id: not a template id: '${params.id.slice(0, 40)}'`, 'id');
    const from = intParam(url, 'from');
    const to = intParam(url, 'to');
    if (from !== undefined && to !== undefined && from >= to) throw new HttpError(400, 'invalid_query', 'from: must be before to', 'from');
    const entity = url.searchParams.get('entity') || undefined;
    return store().listLines(params.id, { from, to, entity, limit: limit(url, 10_000) });
  });

  router.add('GET', '/api/logs/template-events', async ({ url }) =>
    store().listEvents({ from: intParam(url, 'from'), to: intParam(url, 'to'), limit: limit(url, 10_000) }),
  );
}
