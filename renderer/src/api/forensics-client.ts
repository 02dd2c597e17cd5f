/**
 * The typed client of the forensics API (cases, imports, SQL, replay, reports, bundles), bound to the
 * same engine and token as the main ApiClient. Only types are imported from core.
 */
import type {
  CaseBody,
  ImportJobBody,
  ReplayStateBody,
  ReportBody,
  SavedQueryBody,
  SchemaTable,
  SqlResultBody,
} from '../../../core/common/forensics-schemas.ts';
import { ApiRequestError, type ApiClient } from './client.ts';

/** A report's scope: one incident or a time range. */
export type ReportScope = { incidentId: string } | { from: number; to: number };

/** A bundle as written by the engine. */
export interface BundleBody {
  dir: string;
  manifest: { files: { path: string; table?: string; rows?: number; bytes: number; sha256: string }[] };
}

/** Client of the forensics routes. */
export class ForensicsClient {
  constructor(private readonly api: Pick<ApiClient, 'base' | 'token'>) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.api.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.api.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { code: 'bad_response', message: `non-JSON answer from ${path}` };
    }
    if (!res.ok) throw new ApiRequestError(res.status, (parsed ?? {}) as { code?: string; message?: string });
    return parsed as T;
  }

  /** Uploads one file and starts its import; resolves with the job once the upload is stored. */
  async upload(file: File, opts: { format?: string; source?: string; logFormat?: string } = {}): Promise<ImportJobBody> {
    const qs = new URLSearchParams({ name: file.name });
    for (const [k, v] of Object.entries(opts)) if (v) qs.set(k, v);
    const res = await fetch(`${this.api.base}/api/forensics/uploads?${qs}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.api.token}`, 'Content-Type': 'application/octet-stream' },
      body: file,
    });
    const parsed = (await res.json().catch(() => ({}))) as ImportJobBody & { code?: string; message?: string };
    if (!res.ok) throw new ApiRequestError(res.status, parsed);
    return parsed;
  }
  importJob(id: string): Promise<ImportJobBody> {
    return this.call('GET', `/api/forensics/imports/${encodeURIComponent(id)}`);
  }
  cancelImport(id: string): Promise<ImportJobBody> {
    return this.call('DELETE', `/api/forensics/imports/${encodeURIComponent(id)}`);
  }

  sql(sql: string, id: string, maxRows = 10_000): Promise<SqlResultBody & { id: string }> {
    return this.call('POST', '/api/sql', { sql, id, maxRows });
  }
  sqlProgress(id: string): Promise<{ running: boolean; percent: number | null }> {
    return this.call('GET', `/api/sql/running/${encodeURIComponent(id)}`);
  }
  cancelSql(id: string): Promise<{ cancelled: boolean }> {
    return this.call('POST', `/api/sql/running/${encodeURIComponent(id)}/cancel`);
  }
  schema(): Promise<SchemaTable[]> {
    return this.call('GET', '/api/sql/schema');
  }
  savedQueries(): Promise<SavedQueryBody[]> {
    return this.call('GET', '/api/sql/saved');
  }
  saveQuery(name: string, sql: string): Promise<SavedQueryBody[]> {
    return this.call('POST', '/api/sql/saved', { name, sql });
  }
  deleteQuery(name: string): Promise<SavedQueryBody[]> {
    return this.call('DELETE', `/api/sql/saved/${encodeURIComponent(name)}`);
  }

  replay(): Promise<ReplayStateBody> {
    return this.call('GET', '/api/replay');
  }
  startReplay(body: { speed: ReplayStateBody['speed']; from?: number; to?: number }): Promise<ReplayStateBody> {
    return this.call('POST', '/api/replay', body);
  }
  replayControl(action: 'pause' | 'resume' | 'stop'): Promise<ReplayStateBody> {
    return this.call('POST', `/api/replay/${action}`);
  }
  seek(time: number): Promise<ReplayStateBody> {
    return this.call('POST', '/api/replay/seek', { time });
  }
  setSpeed(speed: ReplayStateBody['speed']): Promise<ReplayStateBody> {
    return this.call('POST', '/api/replay/speed', { speed });
  }

  report(scope: ReportScope): Promise<ReportBody> {
    return this.call('POST', '/api/reports', scope);
  }
  bundle(scope: ReportScope): Promise<BundleBody> {
    return this.call('POST', '/api/bundles', scope);
  }
  /** Downloads a report file (the token travels in a header, so not through a plain link). */
  async download(path: string): Promise<Blob> {
    const res = await fetch(`${this.api.base}${path}`, { headers: { Authorization: `Bearer ${this.api.token}` } });
    if (!res.ok) throw new ApiRequestError(res.status, { message: `download of ${path} failed` });
    return res.blob();
  }

  /** Moves metric points older than `hours` (before the newest point) to the Parquet cold tier. */
  retention(olderThanHours: number): Promise<{ movedPoints: number; moved?: Record<string, number>; days: string[] }> {
    return this.call('POST', '/api/retention', { olderThanHours });
  }

  cases(): Promise<CaseBody[]> {
    return this.call('GET', '/api/cases');
  }
  openCase(name: string, path?: string): Promise<CaseBody> {
    return this.call('POST', '/api/cases', path ? { name, path } : { name });
  }
}
