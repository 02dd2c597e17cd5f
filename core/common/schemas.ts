/**
 * The wire contract of the engine: zod schemas for everything that is posted to it, and the types of
 * everything it answers. Plain TypeScript, no node: and no DOM, so the renderer can import the types.
 *
 * Every payload that crosses a process, thread or network boundary is validated against a schema here
 * on the receiving side (STYLE.md, boundary 4).
 */
import { z } from 'zod';
import type { AutomationAction, AutomationStatus, NotificationDelivery } from './automation-schemas.ts';

/** Milliseconds since the Unix epoch, or an RFC 3339 string; normalised to epoch milliseconds. */
export const EventTime = z
  .union([
    z.number().finite().nonnegative(),
    z
      .string()
      .regex(
        /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/,
        'must be RFC 3339 (e.g. 2026-01-02T03:04:05Z) or epoch milliseconds',
      ),
  ])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid time' });
      return z.NEVER;
    }
    return Math.round(ms);
  });

export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
/** Alert severity, most severe first. */
export type Severity = (typeof SEVERITIES)[number];
export const SeveritySchema = z.enum(SEVERITIES);
/** Rank of a severity: 0 for critical, 4 for info. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

const Attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** One event of `POST /ingest/events`. */
export const EventInput = z.object({
  id: z.string().min(1).max(200).optional(),
  time: EventTime,
  source: z.string().min(1).max(200),
  service: z.string().min(1).max(200).optional(),
  host: z.string().min(1).max(200).optional(),
  severity: SeveritySchema,
  status: z.enum(['firing', 'resolved']).default('firing'),
  title: z.string().min(1).max(1000),
  description: z.string().max(10000).optional(),
  fingerprint: z.string().min(1).max(200).optional(),
  attributes: Attributes.optional(),
});
export type EventInput = z.output<typeof EventInput>;
export const EventsPayload = z.array(EventInput).max(100_000);

export const CHANGE_KINDS = ['deploy', 'config', 'infra', 'flag'] as const;
/** One change of `POST /ingest/changes`. */
export const ChangeInput = z.object({
  id: z.string().min(1).max(200).optional(),
  time: EventTime,
  service: z.string().min(1).max(200),
  kind: z.enum(CHANGE_KINDS),
  summary: z.string().min(1).max(2000),
});
export type ChangeInput = z.output<typeof ChangeInput>;
export const ChangesPayload = z.array(ChangeInput).max(100_000);

export const EDGE_KINDS = ['calls', 'runs_on', 'depends_on'] as const;
/** Kind of a topology edge; an edge always means "source depends on target". */
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** `POST /ingest/topology`. */
export const TopologyPayload = z.object({
  nodes: z
    .array(
      z.object({
        id: z.string().min(1).max(300),
        kind: z.string().min(1).max(60),
        name: z.string().min(1).max(300).optional(),
        attributes: Attributes.optional(),
      }),
    )
    .max(100_000)
    .default([]),
  edges: z
    .array(
      z.object({
        source: z.string().min(1).max(300),
        target: z.string().min(1).max(300),
        kind: z.enum(EDGE_KINDS),
      }),
    )
    .max(500_000)
    .default([]),
});
export type TopologyPayload = z.output<typeof TopologyPayload>;

/** The Alertmanager webhook payload, version 4 (only the fields the engine reads are required). */
export const AlertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: z.record(z.string(), z.string()).optional(),
  commonLabels: z.record(z.string(), z.string()).optional(),
  commonAnnotations: z.record(z.string(), z.string()).optional(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.string().min(1),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().optional(),
      }),
    )
    .max(100_000),
});
export type AlertmanagerPayload = z.output<typeof AlertmanagerPayload>;

/** Body of `POST /api/demo/faults`: inject a fault into the demo estate now. */
export const DemoFaultRequest = z.object({
  kind: z.enum(['pool-exhaustion', 'memory-leak', 'bad-deploy', 'disk-fill', 'network-partition']).optional(),
  target: z.string().min(1).optional(),
  /** `slow`: a capacity fault (disk-fill, memory-leak, pool-exhaustion) runs its resource out over an hour or more. */
  pace: z.enum(['fast', 'slow']).optional(),
});
export type DemoFaultRequest = z.output<typeof DemoFaultRequest>;
export type FaultKind = NonNullable<DemoFaultRequest['kind']>;
export const FAULT_KINDS: readonly FaultKind[] = [
  'pool-exhaustion',
  'memory-leak',
  'bad-deploy',
  'disk-fill',
  'network-partition',
];

// ---------------------------------------------------------------------------------------------------
// What the API answers. Times are epoch milliseconds (event time) unless named otherwise.

/** A ranked probable cause of an incident. */
export interface RootCause {
  /** Canonical entity id, e.g. `database:orders-db`. */
  entity: string;
  /** In [0, 1]; candidates of one incident are sorted by score, highest first. */
  score: number;
  /** Sentences an operator can check on the graph and the timeline. */
  evidence: string[];
}

export type IncidentStatus = 'open' | 'resolved';

/** An incident as listed by `GET /api/incidents`. */
export interface Incident {
  id: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  openedAt: number;
  updatedAt: number;
  resolvedAt?: number | null;
  services: string[];
  entities: string[];
  /** Alerts (after deduplication) plus anomalies that joined this incident. */
  alertCount: number;
  rootCauses: RootCause[];
}

/** A signal that joined an incident. */
export interface IncidentMember {
  kind: 'alert' | 'anomaly';
  /** The sender's event id when one was given, otherwise an engine id. */
  id: string;
  fingerprint: string;
  entity: string;
  time: number;
  title: string;
  severity?: Severity;
}

/** `GET /api/incidents/:id`. */
export interface IncidentDetail extends Incident {
  members: IncidentMember[];
}

/** A point a detector found anomalous. */
export interface Anomaly {
  id: string;
  time: number;
  entity: string;
  /** Metric name (OpenTelemetry name where there is one). */
  metric: string;
  value: number;
  expected: number;
  /** In [0, 1]. */
  score: number;
  /** Key of the series that moved (entity|name|attributes). */
  series?: string;
  /** Lower end of the range the detector expected for this point. */
  lower?: number;
  /** Upper end of the range the detector expected for this point. */
  upper?: number;
  /** The entity's combined score at this time step (all its series), in [0, 1]. */
  entityScore?: number;
  /** The entity's metrics that moved around this time, strongest first (this one included). */
  movers?: AnomalyMover[];
}

/** One metric of an entity that moved around an anomaly. */
export interface AnomalyMover {
  series: string;
  metric: string;
  /** Its highest score around the anomaly, in [0, 1]. */
  score: number;
}

/** A node of the estate's topology. */
export interface TopologyNode {
  id: string;
  kind: string;
  name: string;
  attributes?: Record<string, string | number | boolean | null>;
}
/** `source` depends on `target`. `origin` says whether it was declared or learned from traces. */
export interface TopologyEdge {
  source: string;
  target: string;
  kind: EdgeKind;
  origin: 'declared' | 'traces';
}
/** `GET /api/topology`. */
export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

/** A change (deploy, config...) as stored. */
export interface Change {
  id: string;
  time: number;
  service: string;
  entity: string;
  kind: (typeof CHANGE_KINDS)[number];
  summary: string;
}

/** `GET /api/stats`. */
export interface Stats {
  ingested: { metricPoints: number; logs: number; spans: number; events: number; changes: number; topology: number };
  alertsReceived: number;
  alertsDeduplicated: number;
  flappingSuppressed: number;
  incidentsOpened: number;
  incidentsOpen: number;
  /** 1 − incidents/alerts, over everything received; 0 when no alert was received. */
  noiseReduction: number;
  /** Mean time to detect in ms (first member signal → incident opened), event time; null when unknown. */
  mttdMs: number | null;
  anomalies: number;
  pendingApprovals: number;
  /** The global automation pause switch is on (nothing runs until resumed). */
  automationPaused?: boolean;
  /** Latest event time the analytics have processed. */
  watermark: number | null;
  demo: boolean;
  /** Present while a replay drives the views: the event time they show the estate as of (time travel). */
  asOf?: number;
}

/** Ground truth of an injected demo fault. */
export interface DemoFault {
  id: string;
  kind: FaultKind;
  /** The entity that is the real root cause. */
  rootEntity: string;
  start: number;
  end: number;
  /** Entities expected to show symptoms. */
  affected: string[];
  description: string;
}

/** Messages on the WebSocket `/api/stream`. */
export type StreamEvent =
  | { type: 'hello'; demo: boolean; serverTime: number }
  | { type: 'incident-opened' | 'incident-updated' | 'incident-resolved'; incident: Incident }
  | { type: 'anomaly-detected'; anomaly: Anomaly }
  | { type: 'topology-changed'; nodes: number; edges: number }
  | { type: 'change-recorded'; change: Change }
  | { type: 'stats'; stats: Stats }
  | { type: 'action-updated'; action: AutomationAction }
  | { type: 'automation-status'; status: AutomationStatus }
  | { type: 'notification-updated'; delivery: NotificationDelivery };

/** Every error the API returns: a code and a message that names the field. */
export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

/** Render the first zod issue as `field: reason`, the field path written like `alerts[0].labels`. */
export function describeZodError(err: z.ZodError, root = ''): ApiError {
  const issue = err.issues[0];
  const path = issue ? formatPath(root, issue.path) : root;
  return {
    code: 'invalid_input',
    field: path || undefined,
    message: `${path || 'body'}: ${issue?.message ?? 'invalid'}`,
  };
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
