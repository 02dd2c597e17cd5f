/**
 * Wire contract of the forensics API (cases, import jobs, SQL console, replay, retention, reports and
 * bundles): request schemas validated by the engine, and the shapes it answers, shared with the UI.
 */
import { z } from 'zod';

/** Formats the importer reads (mirrors core/forensics/importer.ts). */
export const FORENSIC_IMPORT_FORMATS = ['otlp', 'events', 'csv', 'parquet', 'log', 'alertmanager', 'bundle'] as const;

/** `POST /api/sql`. */
export const SqlRequest = z.object({
  sql: z.string().min(1).max(100_000),
  /** Client-chosen id, so the client can poll progress and cancel while the request is open. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  maxRows: z.number().int().min(1).max(200_000).default(10_000),
});
export type SqlRequest = z.output<typeof SqlRequest>;

/** A query result. */
export interface SqlResultBody {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
}

/** `POST /api/sql/saved`. */
export const SavedQueryRequest = z.object({
  name: z.string().min(1).max(200),
  sql: z.string().min(1).max(100_000),
});

/** A saved query. */
export interface SavedQueryBody {
  name: string;
  sql: string;
  savedAt: number;
}

/** A table or view of the schema, for completion. */
export interface SchemaTable {
  name: string;
  kind: 'table' | 'view';
  columns: { name: string; type: string }[];
}

/** Replay speeds. */
export const ReplaySpeedSchema = z.union([z.literal(1), z.literal(10), z.literal(100), z.literal('max')]);

/** `POST /api/replay`. */
export const ReplayStartRequest = z.object({
  speed: ReplaySpeedSchema.default('max'),
  from: z.number().finite().optional(),
  to: z.number().finite().optional(),
});

/** `POST /api/replay/seek`. */
export const ReplaySeekRequest = z.object({ time: z.number().finite() });
/** `POST /api/replay/speed`. */
export const ReplaySpeedRequest = z.object({ speed: ReplaySpeedSchema });

/** The replay's state (`GET /api/replay`). */
export interface ReplayStateBody {
  status: 'idle' | 'running' | 'paused' | 'done' | 'failed' | 'stopped';
  speed: 1 | 10 | 100 | 'max';
  from: number | null;
  to: number | null;
  clock: number | null;
  seekingTo: number | null;
  windows: number;
  /** Event time skipped at full speed because nothing happened in it (ms). */
  skippedMs?: number;
  error?: string;
}

/** `POST /api/retention`. */
export const RetentionRequest = z.object({ olderThanHours: z.number().positive().max(1_000_000) });

/** What a report or bundle covers: one incident, or a range. */
export const ReportRequest = z.union([
  z.object({ incidentId: z.string().min(1).max(200) }),
  z.object({ from: z.number().finite(), to: z.number().finite() }).refine((r) => r.from < r.to, { message: 'must be before to', path: ['from'] }),
]);
export type ReportRequest = z.output<typeof ReportRequest>;

/** `POST /api/reports` answer: where to download each file. */
export interface ReportBody {
  html: string;
  pdf: string;
  incidents: number;
}

/** `POST /api/cases`: create (or open) a case. */
export const CaseRequest = z.object({
  name: z.string().regex(/^[A-Za-z0-9 _.-]{1,100}$/, 'must be 1-100 letters, digits, spaces, dots, dashes or underscores'),
  /** Data directory; default a folder named after the case beside the per-user data directory's cases/. */
  path: z.string().min(1).max(4096).optional(),
});

/** A case in the recent list. */
export interface CaseBody {
  path: string;
  name: string;
  openedAt: number;
  /** Where its engine serves the UI, when it is open in this process. */
  uiUrl?: string;
  current?: boolean;
}

/** Progress of an import job. */
export interface ImportJobBody {
  id: string;
  name: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: {
    bytesDone: number;
    bytesTotal: number;
    rows: number;
    badRows: number;
    rowsPerSec: number;
    etaSec: number | null;
  };
  result?: {
    rows: number;
    badRows: number;
    files: { file: string; format: string | null; status: string; rows: number; badRows: number; error?: string }[];
    bad: { file: string; line: number; reason: string }[];
  };
  error?: string;
}
