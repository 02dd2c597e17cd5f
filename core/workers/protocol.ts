/**
 * The message protocol between the AnalyticsHost and its workers (detector and correlator).
 *
 * Every request carries a `seq`; the worker answers with zero or more data replies for that seq and
 * then exactly one terminal reply: `end` (done, or `cancelled: true` when a `cancel` removed it before
 * it started) or `error` (`{code, message}`). Both sides validate what they receive: a message that
 * does not parse, or whose type the worker does not serve, gets an `error` reply, never a crash.
 *
 * Metric batches travel as typed arrays whose buffers are transferred, and are checked by a cheap
 * hand-written guard (no per-point validation); everything else is checked with zod.
 *
 * The records' schemas live here rather than in core/common because core/common/records.ts declares
 * the record types only, and that file is not ours to change.
 */
import { z } from 'zod';
import type { Anomaly } from '../common/schemas.ts';
import { SeveritySchema } from '../common/schemas.ts';
import type { AlertRecord, ChangeRecord, TopologyBatch } from '../common/records.ts';
import type { AnalyticsConfig } from '../analytics/config.ts';
import type { CorrelatorCounters, FeedbackDecision, IncidentEvent } from '../analytics/correlator.ts';
import type { DetectorBatch } from '../analytics/detector.ts';

/** An error as it crosses a thread boundary. */
export interface WireError {
  code: string;
  message: string;
}

/** The part of a series key a detector needs. */
export interface WireSeriesKey {
  key: string;
  entity: string;
  name: string;
}

/** Requests, host → worker. */
export type WorkerRequest =
  | { type: 'metrics'; seq: number; batch: { seriesKeys: WireSeriesKey[]; series: Int32Array; ts: Float64Array; values: Float64Array } }
  | {
      type: 'signals';
      seq: number;
      alerts: AlertRecord[];
      anomalies: Anomaly[];
      changes: ChangeRecord[];
      topology: TopologyBatch | null;
      watermark: number | null;
    }
  | { type: 'flush'; seq: number }
  | { type: 'feedback'; seq: number; decisions: FeedbackDecision[] }
  | { type: 'cancel'; seq: number; target: number };


/** Replies, worker → host. */
export type WorkerReply =
  | { type: 'anomalies'; seq: number; anomalies: Anomaly[]; maxTs: number | null }
  | {
      type: 'incidents';
      seq: number;
      events: IncidentEvent[];
      counters: CorrelatorCounters;
      watermark: number | null;
      /** For a feedback request: the incident ids the correlator changed (it held them open). */
      applied?: string[];
    }
  | { type: 'end'; seq: number; cancelled: boolean }
  | { type: 'error'; seq: number | null; error: WireError };

/** The workerData every analytics worker starts with. */
export interface WorkerInit {
  config: AnalyticsConfig;
}

/** Outcome of parsing a message: the message, or an error naming what was wrong. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; seq: number | null; error: WireError };

const seq = z.number().int().nonnegative();
const attrs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const finite = z.number().finite();

/** An AlertRecord (core/common/records.ts). */
export const AlertRecordSchema = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  time: finite,
  receivedAt: finite,
  source: z.string(),
  service: z.string().nullable(),
  host: z.string().nullable(),
  entity: z.string().min(1),
  severity: SeveritySchema,
  status: z.enum(['firing', 'resolved']),
  title: z.string(),
  description: z.string().nullable(),
  fingerprint: z.string().min(1),
  attributes: attrs,
});

/** An Anomaly (core/common/schemas.ts). */
export const AnomalySchema = z.object({
  id: z.string().min(1),
  time: finite,
  entity: z.string().min(1),
  metric: z.string(),
  value: z.number(),
  expected: z.number(),
  score: z.number().min(0).max(1),
  series: z.string().optional(),
  lower: z.number().optional(),
  upper: z.number().optional(),
  entityScore: z.number().min(0).max(1).optional(),
  movers: z.array(z.object({ series: z.string(), metric: z.string(), score: z.number().min(0).max(1) })).optional(),
});

/** A ChangeRecord. */
export const ChangeRecordSchema = z.object({
  id: z.string(),
  time: finite,
  service: z.string(),
  entity: z.string().min(1),
  kind: z.enum(['deploy', 'config', 'infra', 'flag']),
  summary: z.string(),
});

/** A TopologyBatch. */
export const TopologyBatchSchema = z.object({
  nodes: z.array(z.object({ id: z.string().min(1), kind: z.string(), name: z.string(), attributes: attrs })),
  edges: z.array(
    z.object({
      source: z.string().min(1),
      target: z.string().min(1),
      kind: z.enum(['calls', 'runs_on', 'depends_on']),
      origin: z.enum(['declared', 'traces']),
    }),
  ),
});

const MemberSchema = z.object({
  kind: z.enum(['alert', 'anomaly']),
  id: z.string(),
  fingerprint: z.string(),
  entity: z.string(),
  time: finite,
  title: z.string(),
  severity: SeveritySchema.optional(),
});

/** An IncidentDetail snapshot. */
export const IncidentDetailSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  status: z.enum(['open', 'resolved']),
  severity: SeveritySchema,
  openedAt: finite,
  updatedAt: finite,
  resolvedAt: finite.nullable().optional(),
  services: z.array(z.string()),
  entities: z.array(z.string()),
  alertCount: z.number().int().nonnegative(),
  rootCauses: z.array(z.object({ entity: z.string(), score: z.number().min(0).max(1), evidence: z.array(z.string()) })),
  members: z.array(MemberSchema),
});

const CountersSchema = z.object({
  alertsReceived: z.number().int().nonnegative(),
  alertsDeduplicated: z.number().int().nonnegative(),
  flappingSuppressed: z.number().int().nonnegative(),
  incidentsOpened: z.number().int(),
  incidentsOpen: z.number().int().nonnegative(),
  mttdMs: z.number().nullable(),
});

const SignalsRequest = z.object({
  type: z.literal('signals'),
  seq,
  alerts: z.array(AlertRecordSchema),
  anomalies: z.array(AnomalySchema),
  changes: z.array(ChangeRecordSchema),
  topology: TopologyBatchSchema.nullable(),
  watermark: finite.nullable(),
});

const Pairs = z.array(z.tuple([z.string(), z.string()]));

/** A FeedbackDecision. */
export const FeedbackDecisionSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('merge'),
    target: z.string().min(1),
    others: z.array(z.string().min(1)).min(1),
    pairs: Pairs,
    stored: z.array(z.object({ id: z.string().min(1), openedAt: finite, members: z.array(MemberSchema) })).optional(),
  }),
  z.object({ action: z.literal('split'), incident: z.string().min(1), memberIds: z.array(z.string()).min(1), newId: z.string().min(1), pairs: Pairs }),
  z.object({ action: z.literal('learn'), decision: z.enum(['merge', 'split']), pairs: Pairs }),
]);

const FeedbackRequest = z.object({ type: z.literal('feedback'), seq, decisions: z.array(FeedbackDecisionSchema) });

const ReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('anomalies'), seq, anomalies: z.array(AnomalySchema), maxTs: finite.nullable() }),
  z.object({
    type: z.literal('incidents'),
    seq,
    events: z.array(
      z.object({
        type: z.enum(['incident-opened', 'incident-updated', 'incident-resolved']),
        incident: IncidentDetailSchema,
        added: z.array(MemberSchema).optional(),
      }),
    ),
    counters: CountersSchema,
    watermark: finite.nullable(),
    applied: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('end'), seq, cancelled: z.boolean() }),
  z.object({ type: z.literal('error'), seq: seq.nullable(), error: z.object({ code: z.string(), message: z.string() }) }),
]);

const InitSchema = z.object({ config: z.record(z.string(), z.number()) });

function fail<T>(s: number | null, code: string, message: string): Parsed<T> {
  return { ok: false, seq: s, error: { code, message } };
}

function seqOf(msg: unknown): number | null {
  const s = (msg as { seq?: unknown } | null)?.seq;
  return typeof s === 'number' && Number.isInteger(s) && s >= 0 ? s : null;
}

/** Cheap structural check of a metric batch: column types and lengths, series keys' strings. */
function isMetricBatch(b: unknown): b is DetectorBatch {
  if (typeof b !== 'object' || b === null) return false;
  const m = b as Record<string, unknown>;
  if (!(m.series instanceof Int32Array) || !(m.ts instanceof Float64Array) || !(m.values instanceof Float64Array)) return false;
  if (m.series.length !== m.ts.length || m.ts.length !== m.values.length) return false;
  if (!Array.isArray(m.seriesKeys)) return false;
  for (const k of m.seriesKeys as unknown[]) {
    const s = k as Record<string, unknown> | null;
    if (typeof s !== 'object' || s === null || typeof s.key !== 'string' || typeof s.entity !== 'string' || typeof s.name !== 'string') {
      return false;
    }
  }
  return true;
}

/** Validate a message a worker received. */
export function parseRequest(msg: unknown): Parsed<WorkerRequest> {
  const s = seqOf(msg);
  const type = (msg as { type?: unknown } | null)?.type;
  if (s === null) return fail(null, 'invalid_message', 'seq: must be a non-negative integer');
  switch (type) {
    case 'metrics': {
      const batch = (msg as { batch?: unknown }).batch;
      if (!isMetricBatch(batch)) return fail(s, 'invalid_message', 'batch: must be {seriesKeys, series: Int32Array, ts, values: Float64Array} of equal length');
      return { ok: true, value: { type: 'metrics', seq: s, batch: batch as Extract<WorkerRequest, { type: 'metrics' }>['batch'] } };
    }
    case 'signals': {
      const r = SignalsRequest.safeParse(msg);
      if (!r.success) return fail(s, 'invalid_message', describe(r.error));
      return { ok: true, value: r.data as WorkerRequest };
    }
    case 'flush':
      return { ok: true, value: { type: 'flush', seq: s } };
    case 'feedback': {
      const r = FeedbackRequest.safeParse(msg);
      if (!r.success) return fail(s, 'invalid_message', describe(r.error));
      return { ok: true, value: r.data as WorkerRequest };
    }
    case 'cancel': {
      const target = (msg as { target?: unknown }).target;
      if (typeof target !== 'number' || !Number.isInteger(target)) return fail(s, 'invalid_message', 'target: must be an integer seq');
      return { ok: true, value: { type: 'cancel', seq: s, target } };
    }
    default:
      return fail(s, 'unknown_message', `type: unknown message type ${JSON.stringify(type)}`);
  }
}

/** Validate a message the host received from a worker. */
export function parseReply(msg: unknown): Parsed<WorkerReply> {
  const r = ReplySchema.safeParse(msg);
  if (!r.success) return fail(seqOf(msg), 'invalid_reply', describe(r.error));
  return { ok: true, value: r.data as WorkerReply };
}

/** Validate a worker's start data. */
export function parseInit(data: unknown): Parsed<WorkerInit> {
  const r = InitSchema.safeParse(data);
  if (!r.success) return fail(null, 'invalid_init', describe(r.error));
  return { ok: true, value: r.data as unknown as WorkerInit };
}

/** Render an error (any thrown value) for the wire. */
export function toWireError(err: unknown, code = 'internal'): WireError {
  const own = (err as { code?: unknown } | null)?.code;
  if (typeof own === 'string') code = own;
  if (err instanceof Error) return { code, message: err.message };
  return { code, message: String(err) };
}

function describe(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.map(String).join('.') || 'message'}: ${i.message}` : 'invalid';
}
