/**
 * The typed HTTP client of the engine API. The only place the renderer calls `fetch`; the only
 * imports from core are types (STYLE.md, boundary 2).
 */
import type { LogTemplateEvent, LogTemplateLine, LogTemplatesResponse } from '../../../core/common/log-schemas.ts';
import type {
  Anomaly,
  ApiError,
  Change,
  DemoFault,
  DemoFaultRequest,
  Incident,
  IncidentDetail,
  Stats,
  Topology,
} from '../../../core/common/schemas.ts';
import type {
  AuditEntryView,
  AutomationAction,
  AutomationStatus,
  LoginResponse,
  Me,
  NotificationDelivery,
} from '../../../core/common/automation-schemas.ts';
import type { ExpectedBand } from '../../../core/common/detection-schemas.ts';
import type { FeedbackResult, SimilarIncident } from '../../../core/common/incident-schemas.ts';
import type { ForecastBand, ForecastsResponse } from '../../../core/common/forecast-schemas.ts';

/** One metric series as `GET /api/metrics` answers it. */
export interface MetricSeries {
  entity: string;
  name: string;
  points: [number, number][];
}

/** Error thrown for any non-2xx answer, carrying the engine's `{code, message}`. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  constructor(status: number, body: Partial<ApiError>) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = body.code ?? `http_${status}`;
    this.field = body.field;
  }
}

/**
 * Signs a local user in: the answer's session token is then used like the API token. Rejects with the
 * engine's message (401 for a wrong user or password).
 */
export async function login(base: string, user: string, password: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): Promise<LoginResponse> {
  const res = await fetchImpl(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<ApiError> & Partial<LoginResponse>;
  if (!res.ok) throw new ApiRequestError(res.status, body);
  return body as LoginResponse;
}

/** Query parameters; undefined values are left out. */
type Params = Record<string, string | number | undefined | null>;

/** A client bound to one engine (base URL + token). */
export class ApiClient {
  readonly base: string;
  readonly token: string;
  private readonly fetchImpl: typeof fetch;
  private readonly onUnauthorised?: () => void;

  /**
   * `base` '' means same origin. `fetchImpl` is injectable for tests. `onUnauthorised` is called on
   * any 401, so the UI can ask for a new token instead of retrying with a dead one.
   */
  constructor(base: string, token: string, fetchImpl: typeof fetch = (...a) => fetch(...a), onUnauthorised?: () => void) {
    this.base = base;
    this.token = token;
    this.fetchImpl = fetchImpl;
    this.onUnauthorised = onUnauthorised;
  }

  /** Open, resolved or all incidents. */
  listIncidents(status: 'open' | 'resolved' | 'all' = 'open'): Promise<Incident[]> {
    return this.get('/api/incidents', { status });
  }
  /** One incident with its members; rejects with status 404 when unknown. */
  getIncident(id: string): Promise<IncidentDetail> {
    return this.get(`/api/incidents/${encodeURIComponent(id)}`);
  }
  /** Past incidents most like this one, with how they ended. */
  similarIncidents(id: string, limit = 5): Promise<SimilarIncident[]> {
    return this.get(`/api/incidents/${encodeURIComponent(id)}/similar`, { limit });
  }
  /** Fold `others` into incident `id` (stored; the correlator learns from it). */
  mergeIncidents(id: string, others: string[]): Promise<FeedbackResult> {
    return this.send('POST', `/api/incidents/${encodeURIComponent(id)}/merge`, { incidentIds: others });
  }
  /** Move these members of incident `id` into a new incident (stored; the correlator learns from it). */
  splitIncident(id: string, memberIds: string[]): Promise<FeedbackResult> {
    return this.send('POST', `/api/incidents/${encodeURIComponent(id)}/split`, { memberIds });
  }
  /** Anomalies in [from, to], newest first. */
  listAnomalies(q: { from?: number; to?: number; entity?: string } = {}): Promise<Anomaly[]> {
    return this.get('/api/anomalies', q);
  }
  /** The estate's topology; with `asOf` (event time), as it was then. */
  getTopology(asOf?: number): Promise<Topology> {
    return this.get('/api/topology', asOf === undefined ? {} : { asOf });
  }
  /** Headline figures. */
  getStats(): Promise<Stats> {
    return this.get('/api/stats');
  }
  /** Changes (deploys, config...) in [from, to]. */
  listChanges(q: { from?: number; to?: number } = {}): Promise<Change[]> {
    return this.get('/api/changes', q);
  }
  /** Metric series of one entity. */
  getMetrics(q: { entity: string; name?: string; from?: number; to?: number; step?: number }): Promise<MetricSeries[]> {
    return this.get('/api/metrics', q);
  }
  /** One series' actual line with the detector's expected range around it. */
  getExpectedBand(q: { entity: string; name: string; from: number; to: number; step?: number }): Promise<ExpectedBand> {
    return this.get('/api/detection/band', q);
  }
  /** Time-to-limit of capacity series (soonest first) and failure probability per entity. */
  listForecasts(q: { entity?: string; within?: number } = {}): Promise<ForecastsResponse> {
    return this.get('/api/forecasts', q);
  }
  /** The forecast band ahead of one series' line. */
  getForecastBand(q: { entity: string; name: string; horizon?: number; step?: number; to?: number }): Promise<ForecastBand> {
    return this.get('/api/forecasts/series', q);
  }
  /** Log templates by line count over a window (default: the hour up to the newest line). */
  listLogTemplates(q: { from?: number; to?: number; span?: number; entity?: string; buckets?: number; limit?: number } = {}): Promise<LogTemplatesResponse> {
    return this.get('/api/logs/templates', q);
  }
  /** Stored lines of one template (and of templates merged into it), newest first. */
  listLogTemplateLines(id: string, q: { from?: number; to?: number; entity?: string; limit?: number } = {}): Promise<LogTemplateLine[]> {
    return this.get(`/api/logs/templates/${encodeURIComponent(id)}/lines`, q);
  }
  /** Template events (new, surge, disappeared), newest first. */
  listLogTemplateEvents(q: { from?: number; to?: number; limit?: number } = {}): Promise<LogTemplateEvent[]> {
    return this.get('/api/logs/template-events', q);
  }
  /** Ground truth of injected demo faults. */
  listDemoFaults(): Promise<DemoFault[]> {
    return this.get('/api/demo/faults');
  }
  /** Inject a demo fault now (409 when the demo is off). */
  injectDemoFault(body: DemoFaultRequest = {}): Promise<DemoFault> {
    return this.send('POST', '/api/demo/faults', body);
  }

  /** Automation actions, newest first (`state` may be `open` for every unfinished one). */
  listActions(q: { state?: string; incident?: string } = {}): Promise<AutomationAction[]> {
    return this.get('/api/automation/actions', q);
  }
  /** Approve an action (approver/admin); the reason is required. */
  approveAction(id: string, reason: string): Promise<AutomationAction> {
    return this.send('POST', `/api/automation/actions/${encodeURIComponent(id)}/approve`, { reason });
  }
  /** Reject an action; the reason is required. */
  rejectAction(id: string, reason: string): Promise<AutomationAction> {
    return this.send('POST', `/api/automation/actions/${encodeURIComponent(id)}/reject`, { reason });
  }
  /** Turn a recommendation into a request for approval. */
  requestAction(id: string): Promise<AutomationAction> {
    return this.send('POST', `/api/automation/actions/${encodeURIComponent(id)}/request`, {});
  }
  /** The pause switch, queue sizes, open breakers. */
  getAutomationStatus(): Promise<AutomationStatus> {
    return this.get('/api/automation/status');
  }
  /** Pause (operator) or resume (approver) all automation. */
  setAutomationPaused(paused: boolean, reason: string): Promise<AutomationStatus> {
    return this.send('POST', '/api/automation/pause', { paused, reason });
  }
  /** Search the audit trail, newest first. */
  searchAudit(q: { q?: string; actor?: string; action?: string; limit?: number } = {}): Promise<{ entries: AuditEntryView[]; total: number; intact: boolean }> {
    return this.get('/api/audit', q);
  }
  /** The audit trail as a file (CSV or JSON lines) matching the same filters. */
  async exportAudit(q: { q?: string; actor?: string; action?: string; format: 'csv' | 'jsonl' }): Promise<Blob> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) qs.set(k, v);
    const res = await this.fetchImpl(`${this.base}/api/audit/export?${qs}`, { headers: { Authorization: `Bearer ${this.token}` } });
    if (res.status === 401) this.onUnauthorised?.();
    if (!res.ok) throw new ApiRequestError(res.status, { message: `export failed: HTTP ${res.status}` });
    return res.blob();
  }
  /** Notification deliveries, newest first. */
  listNotifications(): Promise<NotificationDelivery[]> {
    return this.get('/api/notifications');
  }
  /** Who the token belongs to. */
  me(): Promise<Me> {
    return this.get('/api/auth/me');
  }

  private get<T>(path: string, params: Params = {}): Promise<T> {
    return this.send('GET', path, undefined, params);
  }

  private async send<T>(method: string, path: string, body?: unknown, params: Params = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) qs.set(k, String(v));
    const query = qs.toString();
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.fetchImpl(`${this.base}${path}${query ? `?${query}` : ''}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { code: 'bad_response', message: `non-JSON answer from ${path}` };
    }
    if (res.status === 401) this.onUnauthorised?.();
    if (!res.ok) throw new ApiRequestError(res.status, (parsed ?? {}) as Partial<ApiError>);
    return parsed as T;
  }
}
