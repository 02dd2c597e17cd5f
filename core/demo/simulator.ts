/**
 * A deterministic simulator of the demo estate's telemetry over event time.
 *
 * Two invariants make it usable both for live mode and for tests:
 * - Baseline telemetry (metrics, background alerts, routine changes) is a pure function of the seed
 *   and the time, so `generate(a, c)` gives the same points and events as `generate(a, b)` followed
 *   by `generate(b, c)`.
 * - Faults are compiled once, when injected, into metric effects and alert windows with fixed times,
 *   drawn from the seeded sequence; their ground truth is returned as a `DemoFault`. The same seed
 *   and the same calls therefore give the same output.
 * Nothing here reads the clock: every time comes from the caller.
 */
import type { DemoFault, FaultKind, Severity } from '../common/schemas.ts';
import { FAULT_KINDS } from '../common/schemas.ts';
import type { Estate, EstateIndex, EstateNode, EstateRegion } from './estate.ts';
import { buildEstate, callersOf, hostsOf, indexEstate, runnersOn, servicePeakRps } from './estate.ts';
import { Rng, gaussianAt, hashString, smoothNoise, unitAt } from './random.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How often the simulated alerting rules evaluate; a firing alert is re-sent at every evaluation. */
export const ALERT_EVAL_MS = MINUTE;
/** Upper bound on the points of one OTLP request. */
export const MAX_POINTS_PER_REQUEST = 5000;
const GIB = 1024 ** 3;
const PROCESS_MEMORY_LIMIT = 2 * GIB;
const NOISE_SLOT_MS = 5 * MINUTE;
const NOISE_MAX_MS = 25 * MINUTE;
const CHANGE_SLOT_MS = HOUR;
/** How long after a fault's end its last symptoms may still be visible (recovery, trailing alerts). */
const FAULT_TAIL_MS = 5 * MINUTE;
/** How long a slow fault takes to run its resource out, in minutes (lowest, highest). */
const SLOW_CREEP_MINUTES: Partial<Record<FaultKind, [number, number]>> = {
  'disk-fill': [60, 180],
  'memory-leak': [60, 240],
  'pool-exhaustion': [40, 90],
};

// ---------------------------------------------------------------------------------------------------
// Output types.

/** An OTLP key/value attribute in the JSON encoding. */
export interface OtlpKeyValue {
  key: string;
  value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
}

/** A number data point in the OTLP JSON encoding (`timeUnixNano` is a decimal string). */
export interface OtlpNumberDataPoint {
  attributes: OtlpKeyValue[];
  timeUnixNano: string;
  asDouble: number;
}

/** An ExportMetricsServiceRequest in the OTLP JSON encoding (gauges only). */
export interface OtlpMetricsRequest {
  resourceMetrics: {
    resource: { attributes: OtlpKeyValue[] };
    scopeMetrics: {
      scope: { name: string; version: string };
      metrics: { name: string; unit: string; gauge: { dataPoints: OtlpNumberDataPoint[] } }[];
    }[];
  }[];
}

/** An alert event as posted to `POST /ingest/events` (time in epoch ms). */
export interface DemoEvent {
  id: string;
  time: number;
  source: string;
  service?: string;
  host?: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  title: string;
  description: string;
  fingerprint: string;
  attributes: Record<string, string>;
}

/** A change as posted to `POST /ingest/changes`. */
export interface DemoChange {
  id: string;
  time: number;
  service: string;
  kind: 'deploy' | 'config' | 'infra' | 'flag';
  summary: string;
}

/** Telemetry of one event-time interval, each list in time order. */
export interface DemoBatch {
  /** OTLP/HTTP JSON ExportMetricsServiceRequests, each at most MAX_POINTS_PER_REQUEST points. */
  otlpMetrics: OtlpMetricsRequest[];
  events: DemoEvent[];
  changes: DemoChange[];
}

/** The fault request: kind and target are chosen from the seeded sequence when absent. */
export interface FaultRequest {
  kind?: FaultKind;
  /** Canonical id (`database:orders-db-eu`) or a bare entity name (`orders-db-eu`). */
  target?: string;
  /**
   * `slow`: the resource runs out over an hour or more (a disk filling over 1–3 h, a leak over 1–4 h,
   * connections creeping over 40–90 min) before the fault's usual symptoms; only for the capacity
   * faults (SLOW_FAULT_KINDS). Default `fast`: the limit is hit minutes after the start.
   */
  pace?: FaultPace;
}

/** How fast a capacity fault reaches its limit. */
export type FaultPace = 'fast' | 'slow';

/** The fault kinds with a slow variant: those that exhaust a capacity. */
export const SLOW_FAULT_KINDS: readonly FaultKind[] = Object.freeze(['disk-fill', 'memory-leak', 'pool-exhaustion']);

/** A fault request that names an unknown target, one that does not fit the fault kind, or a pace the kind lacks. */
export class DemoTargetError extends Error {
  readonly code: string;
  constructor(
    message: string,
    readonly field: 'target' | 'pace' = 'target',
  ) {
    super(message);
    this.code = `invalid_${field}`;
  }
}

/** Options of the simulator. */
export interface DemoSimulatorOptions {
  seed?: number;
  estate?: Estate;
  /** Metric interval in ms (default 15 000). */
  stepMs?: number;
}

// ---------------------------------------------------------------------------------------------------
// Internal model.

type Channel =
  | 'rate'
  | 'latency'
  | 'errors'
  | 'pmem'
  | 'pcpu'
  | 'cpu'
  | 'mem'
  | 'disk'
  | 'load'
  | 'conn'
  | 'connmax'
  | 'dblat'
  | 'pending'
  | 'depth'
  | 'consumed'
  | 'lbrate'
  | 'lberrors'
  | 'healthy';

/** One metric series and the parameters of its baseline. */
interface SeriesDef {
  key: number;
  entity: string;
  channel: Channel;
  /** Host of an instance-level series (process metrics), else null. */
  host: string | null;
  name: string;
  unit: string;
  attributes: OtlpKeyValue[];
  /** Mean level (unit depends on the channel). */
  base: number;
  /** Second parameter: capacity, core count or amplitude. */
  extra: number;
  /** Regions whose traffic drives this series (both for global entities). */
  regions: EstateRegion[];
  /** For `load`: the host's cpu series. */
  ref: SeriesDef | null;
  /** `entity|channel`, the key of the fault effects that apply to it. */
  effectKey: string;
}

interface ResourceDef {
  attributes: OtlpKeyValue[];
  metrics: { name: string; unit: string; series: SeriesDef[] }[];
}

/**
 * A change of one series during a fault, ramping in over [onset, full), holding until `end` and
 * fading out over `recover`. `to` moves towards `value`, `scale` multiplies by up to `value`, `add`
 * and `saw` add up to `value` (`saw` repeats its ramp every `period` after `full`, like a leak
 * that restarts after each crash).
 */
interface Effect {
  entity: string;
  channel: Channel;
  host: string | null;
  shape: 'to' | 'scale' | 'add' | 'saw';
  value: number;
  onset: number;
  full: number;
  end: number;
  recover: number;
  period: number;
}

interface AlertWindow {
  fingerprint: string;
  entity: string;
  rule: string;
  title: string;
  severity: Severity;
  source: string;
  description: string;
  from: number;
  to: number;
  /** Ground truth: the fault this alert belongs to, or the background episode (`noise|slot|j`). */
  owner?: string;
}

/** Ground truth of one alert window: which fault (or background episode) made it fire. */
export interface AlertTruth {
  fingerprint: string;
  entity: string;
  /** Firing in [from, to), event time. */
  from: number;
  to: number;
  /** The fault's id, or null for background noise. */
  faultId: string | null;
  /** Fault id, or the background episode (a flapping alert's on-periods are one episode). */
  group: string;
}

interface FaultPlan {
  fault: DemoFault;
  effects: Effect[];
  alerts: AlertWindow[];
  changes: DemoChange[];
  /** Event-time span in which the plan changes anything. */
  spanFrom: number;
  spanTo: number;
}

interface NoiseRule {
  rule: string;
  title: string;
  severity: Severity;
  description: string;
}

const NOISE_RULES: Record<string, readonly NoiseRule[]> = {
  host: [
    { rule: 'HostHighCpu', title: 'High CPU usage', severity: 'warning', description: 'CPU above 85% for 5 minutes' },
    { rule: 'HostClockSkew', title: 'NTP clock skew detected', severity: 'minor', description: 'Clock offset above 50 ms' },
    { rule: 'HostDiskIoSlow', title: 'Disk I/O latency elevated', severity: 'warning', description: 'Average I/O wait above 20 ms' },
  ],
  service: [
    { rule: 'Elevated4xx', title: 'Elevated 4xx rate', severity: 'warning', description: 'Client errors above 5% of requests' },
    { rule: 'SlowEndpoint', title: 'Slow endpoint GET /api/v1/items', severity: 'minor', description: 'One endpoint above its latency objective' },
    { rule: 'HealthcheckFlap', title: 'Health check intermittently failing', severity: 'warning', description: 'Readiness probe failed on one instance' },
    { rule: 'CertExpiry', title: 'TLS certificate expires in 14 days', severity: 'info', description: 'Renew the service certificate' },
  ],
  database: [
    { rule: 'ReplicationLag', title: 'Replication lag above 5s', severity: 'warning', description: 'Replica is behind the primary' },
    { rule: 'SlowQuery', title: 'Slow query detected', severity: 'minor', description: 'A query ran longer than 2 s' },
    { rule: 'LongVacuum', title: 'Long-running maintenance job', severity: 'info', description: 'Vacuum/compaction running for over 30 minutes' },
  ],
  queue: [
    { rule: 'ConsumerLag', title: 'Consumer lag growing', severity: 'warning', description: 'A consumer group is falling behind' },
    { rule: 'UnderReplicated', title: 'Under-replicated partitions', severity: 'minor', description: 'Some partitions have fewer in-sync replicas' },
  ],
  loadbalancer: [
    { rule: 'CertExpiry', title: 'TLS certificate expires in 14 days', severity: 'info', description: 'Renew the listener certificate' },
    { rule: 'Lb5xxBlip', title: 'Brief 5xx spike', severity: 'warning', description: '5xx responses above 1% for one minute' },
  ],
};

const CONFIG_CHANGES = ['raise worker pool size', 'update rate limits', 'rotate credentials', 'tune cache TTL', 'adjust timeouts'];
const FLAGS = ['new-checkout-ui', 'fast-search', 'recs-v2', 'one-click-pay', 'async-inventory'];

/** Simulates the demo estate: metrics, alert events and changes over event time, plus injected faults. */
export class DemoSimulator {
  readonly estate: Estate;
  readonly seed: number;
  readonly stepMs: number;
  private readonly index: EstateIndex;
  private readonly rng: Rng;
  private readonly resources: ResourceDef[] = [];
  private readonly series: SeriesDef[] = [];
  private readonly seriesByEntity = new Map<string, SeriesDef[]>();
  private readonly regionByName = new Map<string, EstateRegion>();
  private readonly plans: FaultPlan[] = [];
  private readonly noiseEntities: EstateNode[];
  private readonly changeServices: EstateNode[];
  private faultCounter = 0;
  private cycle = 0;

  constructor(opts: DemoSimulatorOptions = {}) {
    this.seed = opts.seed ?? opts.estate?.seed ?? 1;
    this.estate = opts.estate ?? buildEstate(this.seed);
    this.stepMs = opts.stepMs ?? 15_000;
    if (!(this.stepMs >= 1000 && Number.isInteger(this.stepMs))) throw new Error('stepMs must be an integer ≥ 1000');
    this.index = indexEstate(this.estate);
    this.rng = new Rng(this.seed ^ 0x5eed);
    for (const r of this.estate.regions) this.regionByName.set(r.name, r);
    this.buildSeries();
    this.noiseEntities = this.estate.nodes.filter((n) => n.kind !== 'region');
    this.changeServices = this.estate.nodes.filter((n) => n.kind === 'service');
  }

  /** Number of metric series sent every step. */
  get seriesCount(): number {
    return this.series.length;
  }

  /** Ground truth of every fault injected so far, by start time. */
  faults(): DemoFault[] {
    return this.plans.map((p) => cloneFault(p.fault)).sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  }

  /**
   * Telemetry for the event-time interval (fromMs, toMs]: metric points on the step grid, alert
   * evaluations (firing alerts re-sent at each evaluation, resolved once), and changes, with the
   * effects of every fault active in the interval.
   */
  generate(fromMs: number, toMs: number): DemoBatch {
    if (!(Number.isFinite(fromMs) && Number.isFinite(toMs))) throw new Error('generate: times must be finite');
    if (toMs <= fromMs) return { otlpMetrics: [], events: [], changes: [] };
    const plans = this.plans.filter((p) => p.spanTo > fromMs - ALERT_EVAL_MS && p.spanFrom <= toMs);
    return {
      otlpMetrics: this.metrics(fromMs, toMs, plans),
      events: this.events(fromMs, toMs, plans),
      changes: this.changes(fromMs, toMs, plans),
    };
  }

  /**
   * Schedules a fault starting at `at`; kind and target come from the seeded sequence when not given.
   * Throws DemoTargetError when the target is unknown or does not fit the kind.
   */
  injectFault(at: number, req: FaultRequest = {}): DemoFault {
    if (!Number.isFinite(at)) throw new Error('injectFault: `at` must be finite');
    return this.inject(at, req, false);
  }

  private inject(at: number, req: FaultRequest, scheduled: boolean): DemoFault {
    const { kind, target } = this.resolveRequest(at, req);
    const slow = req.pace === 'slow';
    if (slow && !SLOW_FAULT_KINDS.includes(kind)) {
      throw new DemoTargetError(`pace: a ${kind} fault has no slow variant (only ${SLOW_FAULT_KINDS.join(', ')})`, 'pace');
    }
    const plan = this.compile(kind, target, Math.round(at), scheduled, slow);
    this.plans.push(plan);
    return cloneFault(plan.fault);
  }

  /**
   * Schedules one fault in each `everyMs` window of [fromMs, toMs) (at a jittered point of the
   * window), cycling through the five kinds; the cycle continues across calls.
   */
  scheduleFaults(fromMs: number, toMs: number, everyMs: number): DemoFault[] {
    if (!(everyMs > 0)) throw new Error('scheduleFaults: everyMs must be positive');
    const out: DemoFault[] = [];
    for (let w = fromMs; w < toMs; w += everyMs) {
      const at = Math.round(w + everyMs * this.rng.range(0.3, 0.7));
      if (at >= toMs) break;
      const kind = FAULT_KINDS[this.cycle++ % FAULT_KINDS.length];
      out.push(this.inject(at, { kind }, true));
    }
    return out;
  }

  /**
   * Ground truth of the alert windows overlapping [fromMs, toMs): every injected fault's alerts and
   * the background noise, each with the fault (or noise episode) it belongs to. For evaluations.
   */
  alertTruth(fromMs: number, toMs: number): AlertTruth[] {
    const out: AlertTruth[] = [];
    for (const p of this.plans) {
      for (const w of p.alerts) {
        if (w.to <= fromMs || w.from >= toMs) continue;
        out.push({ fingerprint: w.fingerprint, entity: w.entity, from: w.from, to: w.to, faultId: p.fault.id, group: p.fault.id });
      }
    }
    for (const w of this.noiseWindows(fromMs - NOISE_MAX_MS, toMs)) {
      if (w.to <= fromMs || w.from >= toMs) continue;
      out.push({ fingerprint: w.fingerprint, entity: w.entity, from: w.from, to: w.to, faultId: null, group: w.owner ?? w.fingerprint });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------
  // Series and baselines.

  private buildSeries(): void {
    const env = kv('deployment.environment', 'production');
    const p = (entity: string, n: number): number => unitAt(this.seed, hashString(entity), n);
    const regionsOf = (n: EstateNode): EstateRegion[] => {
      const r = n.region ? this.regionByName.get(n.region) : undefined;
      return r ? [r] : this.estate.regions;
    };
    const mk = (
      n: EstateNode,
      channel: Channel,
      name: string,
      unit: string,
      base: number,
      extra = 0,
      host: string | null = null,
      attributes: OtlpKeyValue[] = [],
    ): SeriesDef => {
      const s: SeriesDef = {
        key: hashString(`${n.id}|${name}|${host ?? ''}`),
        entity: n.id,
        channel,
        host,
        name,
        unit,
        attributes,
        base,
        extra,
        regions: regionsOf(n),
        ref: null,
        effectKey: `${n.id}|${channel}`,
      };
      this.series.push(s);
      const list = this.seriesByEntity.get(n.id);
      if (list) list.push(s);
      else this.seriesByEntity.set(n.id, [s]);
      return s;
    };
    const resource = (attributes: OtlpKeyValue[], series: SeriesDef[]): void => {
      const metrics: ResourceDef['metrics'] = [];
      for (const s of series) {
        const m = metrics.find((x) => x.name === s.name);
        if (m) m.series.push(s);
        else metrics.push({ name: s.name, unit: s.unit, series: [s] });
      }
      this.resources.push({ attributes, metrics });
    };

    // Databases, queues and load balancers name their entity with `watchfloor.entity.id` alone: a
    // `service.name` would make the engine see them as services (and add service nodes for them).
    for (const n of this.estate.nodes) {
      const region = n.region ? [kv('cloud.region', n.region)] : [];
      switch (n.kind) {
        case 'service': {
          const edgeTier = n.attributes.tier === 'edge';
          const lat = (edgeTier ? 0.12 : 0.03) + 0.12 * p(n.id, 2);
          resource(
            [kv('service.name', n.name), kv('service.namespace', 'shop'), ...region, env],
            [
              mk(n, 'rate', 'http.server.request.rate', '{request}/s', servicePeakRps(n.name) * (0.8 + 0.4 * p(n.id, 1))),
              mk(n, 'latency', 'http.server.request.duration.p95', 's', lat),
              mk(n, 'errors', 'http.server.request.error.ratio', '1', 0.002 + 0.006 * p(n.id, 3)),
            ],
          );
          hostsOf(this.index, n.id).forEach((hostId, i) => {
            const hostName = this.index.byId.get(hostId)?.name ?? hostId;
            const inst = [kv('service.instance.id', `${n.name}-${i + 1}`)];
            resource(
              [kv('service.name', n.name), kv('service.namespace', 'shop'), kv('host.name', hostName), ...region, env],
              [
                mk(n, 'pmem', 'process.memory.usage', 'By', (0.4 + 0.5 * p(hostId, 4)) * GIB, PROCESS_MEMORY_LIMIT, hostName, inst),
                mk(n, 'pcpu', 'process.cpu.utilization', '1', 0.15 + 0.25 * p(hostId, 5), 0, hostName, inst),
              ],
            );
          });
          break;
        }
        case 'host': {
          const cores = typeof n.attributes.cores === 'number' ? n.attributes.cores : 4;
          const cpu = mk(n, 'cpu', 'system.cpu.utilization', '1', 0.08 + 0.15 * p(n.id, 1), 0.2 + 0.3 * p(n.id, 6));
          const load = mk(n, 'load', 'system.cpu.load_average.1m', '{thread}', 0, cores);
          load.ref = cpu;
          resource(
            [kv('host.name', n.name), ...region, env],
            [
              cpu,
              mk(n, 'mem', 'system.memory.utilization', '1', 0.35 + 0.3 * p(n.id, 2)),
              mk(n, 'disk', 'system.filesystem.utilization', '1', 0.25 + 0.4 * p(n.id, 3), 0, null, [
                kv('system.filesystem.mountpoint', '/'),
              ]),
              load,
            ],
          );
          break;
        }
        case 'database': {
          const max = typeof n.attributes['db.client.connection.max'] === 'number' ? n.attributes['db.client.connection.max'] : 100;
          const system = String(n.attributes['db.system.name'] ?? 'postgresql');
          const fast = system === 'redis';
          const pool = [kv('db.client.connection.pool.name', `${n.name}-pool`)];
          resource(
            [kv('watchfloor.entity.id', n.id), kv('db.system.name', system), kv('db.namespace', n.name), ...region, env],
            [
              mk(n, 'conn', 'db.client.connection.count', '{connection}', 0.15 + 0.15 * p(n.id, 1), max, null, [
                ...pool,
                kv('db.client.connection.state', 'used'),
              ]),
              mk(n, 'connmax', 'db.client.connection.max', '{connection}', max, max, null, pool),
              mk(n, 'pending', 'db.client.connection.pending_requests', '{request}', 0, max, null, pool),
              mk(n, 'dblat', 'db.client.operation.duration.p95', 's', fast ? 0.0005 + 0.001 * p(n.id, 2) : 0.003 + 0.012 * p(n.id, 2)),
            ],
          );
          break;
        }
        case 'queue': {
          resource(
            [kv('watchfloor.entity.id', n.id), kv('messaging.system', 'kafka'), kv('messaging.destination.name', n.name), ...region, env],
            [
              mk(n, 'depth', 'messaging.queue.depth', '{message}', 20 + 200 * p(n.id, 1)),
              mk(n, 'consumed', 'messaging.client.consumed.rate', '{message}/s', 40 + 300 * p(n.id, 2)),
            ],
          );
          break;
        }
        case 'loadbalancer': {
          const backends = callersBackends(this.index, n.id);
          const regional = n.region !== null;
          resource(
            [kv('watchfloor.entity.id', n.id), ...region, env],
            [
              mk(n, 'lbrate', 'http.server.request.rate', '{request}/s', (regional ? 2300 : 4600) * (0.8 + 0.4 * p(n.id, 1))),
              mk(n, 'lberrors', 'http.server.request.error.ratio', '1', 0.001 + 0.002 * p(n.id, 2)),
              mk(n, 'healthy', 'loadbalancer.backend.healthy', '{backend}', backends, backends),
            ],
          );
          break;
        }
        default:
          break;
      }
    }
  }

  /** Traffic level in about [0.25, 1]: a daily curve in the users' local time, lowest at 04:00. */
  private traffic(regions: EstateRegion[], t: number): number {
    let sum = 0;
    for (const r of regions) {
      const hour = (((t / HOUR + r.utcOffsetHours) % 24) + 24) % 24;
      const diurnal = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
      // A small evening bump on top of the daytime curve, as shops see after work.
      const evening = Math.exp(-(((hour - 20) / 1.5) ** 2)) * 0.12;
      sum += 0.25 + 0.7 * diurnal + evening;
    }
    return sum / regions.length;
  }

  private baseline(s: SeriesDef, t: number): number {
    const tr = this.traffic(s.regions, t);
    const slow = smoothNoise(s.key, t, 20 * MINUTE);
    const g = clamp(gaussianAt(s.key, Math.floor(t / 1000)), -3, 3);
    switch (s.channel) {
      case 'rate':
      case 'lbrate':
        return s.base * tr * (1 + 0.06 * slow + 0.03 * g);
      case 'latency':
        return s.base * (0.85 + 0.3 * tr) * (1 + 0.07 * slow + 0.05 * g);
      case 'errors':
      case 'lberrors':
        return s.base * (0.8 + 0.4 * tr) * (1 + 0.2 * g);
      case 'pmem':
        return s.base * (1 + 0.04 * slow + 0.01 * g);
      case 'pcpu':
        return s.base * (0.4 + 0.8 * tr) * (1 + 0.08 * g);
      case 'cpu':
        return s.base + s.extra * tr + 0.03 * slow + 0.015 * g;
      case 'mem':
        return s.base + 0.03 * smoothNoise(s.key, t, 3 * HOUR) + 0.004 * g;
      case 'disk':
        return s.base + 0.02 * smoothNoise(s.key, t, 6 * HOUR) + 0.0005 * g;
      case 'load':
        // Derived from the host's cpu in valueAt, so that cpu effects show in the load too.
        return 0;
      case 'conn':
        return s.extra * (s.base + 0.25 * tr) * (1 + 0.05 * slow + 0.03 * g);
      case 'connmax':
        return s.extra;
      case 'pending':
        return Math.max(0, 1.5 * g * tr);
      case 'dblat':
        return s.base * (0.8 + 0.5 * tr) * (1 + 0.08 * slow + 0.06 * g);
      case 'depth':
        return s.base * (0.3 + tr) * (1 + 0.2 * slow + 0.08 * g);
      case 'consumed':
        return s.base * tr * (1 + 0.05 * slow + 0.03 * g);
      case 'healthy':
        return s.extra;
    }
  }

  /** The value of a series at t, with the effects of faults applied and clamped to its range. */
  private valueAt(s: SeriesDef, t: number, effects: Map<string, Effect[]> | null): number {
    if (s.channel === 'load') {
      const g = clamp(gaussianAt(s.key, Math.floor(t / 1000)), -3, 3);
      return s.ref ? Math.max(0, s.extra * this.valueAt(s.ref, t, effects) * (1 + 0.05 * g)) : 0;
    }
    let v = this.baseline(s, t);
    const list = effects?.get(s.effectKey);
    if (list) {
      for (const e of list) {
        if (e.host !== null && e.host !== s.host) continue;
        const k = progress(e, t);
        if (k <= 0) continue;
        if (e.shape === 'to') v += (e.value - v) * k;
        else if (e.shape === 'scale') v *= 1 + (e.value - 1) * k;
        else v += e.value * k;
      }
    }
    switch (s.channel) {
      case 'errors':
      case 'lberrors':
      case 'cpu':
      case 'mem':
      case 'disk':
      case 'pcpu':
        return clamp(v, 0, 1);
      case 'conn':
      case 'pending':
        return Math.round(clamp(v, 0, s.extra));
      case 'depth':
      case 'healthy':
        return Math.max(0, Math.round(v));
      case 'pmem':
        return Math.round(clamp(v, 0, PROCESS_MEMORY_LIMIT));
      default:
        return Math.max(0, v);
    }
  }

  private metrics(fromMs: number, toMs: number, plans: FaultPlan[]): OtlpMetricsRequest[] {
    const effects = new Map<string, Effect[]>();
    for (const p of plans) {
      for (const e of p.effects) {
        const k = `${e.entity}|${e.channel}`;
        const list = effects.get(k);
        if (list) list.push(e);
        else effects.set(k, [e]);
      }
    }
    const ticks: number[] = [];
    for (let t = (Math.floor(fromMs / this.stepMs) + 1) * this.stepMs; t <= toMs; t += this.stepMs) ticks.push(t);
    const perRequest = Math.max(1, Math.floor(MAX_POINTS_PER_REQUEST / Math.max(1, this.series.length)));
    const out: OtlpMetricsRequest[] = [];
    for (let i = 0; i < ticks.length; i += perRequest) {
      const chunk = ticks.slice(i, i + perRequest);
      const times = chunk.map((t) => `${t}000000`);
      out.push({
        resourceMetrics: this.resources.map((r) => ({
          resource: { attributes: r.attributes },
          scopeMetrics: [
            {
              scope: { name: 'watchfloor-demo', version: '1' },
              metrics: r.metrics.map((m) => ({
                name: m.name,
                unit: m.unit,
                gauge: {
                  dataPoints: m.series.flatMap((s) =>
                    chunk.map((t, j) => ({ attributes: s.attributes, timeUnixNano: times[j], asDouble: round6(this.valueAt(s, t, effects)) })),
                  ),
                },
              })),
            },
          ],
        })),
      });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------
  // Alerts and changes.

  private events(fromMs: number, toMs: number, plans: FaultPlan[]): DemoEvent[] {
    const byFingerprint = new Map<string, AlertWindow[]>();
    const addWindow = (w: AlertWindow): void => {
      if (w.to <= fromMs - ALERT_EVAL_MS || w.from > toMs) return;
      const list = byFingerprint.get(w.fingerprint);
      if (list) list.push(w);
      else byFingerprint.set(w.fingerprint, [w]);
    };
    for (const p of plans) for (const w of p.alerts) addWindow(w);
    for (const w of this.noiseWindows(fromMs - ALERT_EVAL_MS - NOISE_MAX_MS, toMs)) addWindow(w);

    const out: DemoEvent[] = [];
    for (const [fp, windows] of byFingerprint) {
      // Each rule group evaluates on its own phase of the grid, as separate Prometheus groups do.
      const phase = (hashString(fp) % (ALERT_EVAL_MS / 1000)) * 1000;
      const first = Math.floor((fromMs - phase) / ALERT_EVAL_MS) + 1;
      const active = (t: number): AlertWindow | undefined => windows.find((w) => w.from <= t && t < w.to);
      for (let k = first; k * ALERT_EVAL_MS + phase <= toMs; k++) {
        const t = k * ALERT_EVAL_MS + phase;
        const now = active(t);
        if (now) {
          out.push(this.alertEvent(now, t, 'firing'));
          continue;
        }
        const before = active(t - ALERT_EVAL_MS);
        if (before) out.push(this.alertEvent(before, t, 'resolved'));
      }
    }
    return out.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  private alertEvent(w: AlertWindow, t: number, status: 'firing' | 'resolved'): DemoEvent {
    const node = this.index.byId.get(w.entity);
    const ev: DemoEvent = {
      id: `demo-${hashString(w.fingerprint).toString(16)}-${t}-${status === 'firing' ? 'f' : 'r'}`,
      time: t,
      source: w.source,
      severity: w.severity,
      status,
      title: w.title,
      description: w.description,
      fingerprint: w.fingerprint,
      attributes: { 'watchfloor.entity.id': w.entity, alertname: w.rule },
    };
    if (node?.region) ev.attributes['cloud.region'] = node.region;
    if (node?.kind === 'service') ev.service = node.name;
    else if (node?.kind === 'host') ev.host = node.name;
    else if (node?.kind === 'database') {
      const primary = hostsOf(this.index, node.id)[0];
      if (primary) ev.host = this.index.byId.get(primary)?.name ?? primary;
    }
    return ev;
  }

  /** Background alerts unrelated to faults: a few per slot, some of them flapping. Stateless. */
  private noiseWindows(fromMs: number, toMs: number): AlertWindow[] {
    const out: AlertWindow[] = [];
    for (let k = Math.floor(fromMs / NOISE_SLOT_MS); k * NOISE_SLOT_MS <= toMs; k++) {
      const u = unitAt(this.seed, 0x401, k);
      const count = u < 0.45 ? 0 : u < 0.8 ? 1 : 2;
      for (let j = 0; j < count; j++) {
        const node = this.noiseEntities[Math.floor(unitAt(this.seed, 0x402, k, j) * this.noiseEntities.length)];
        const rules = NOISE_RULES[node.kind] ?? NOISE_RULES.host;
        const rule = rules[Math.floor(unitAt(this.seed, 0x403, k, j) * rules.length)];
        const start = k * NOISE_SLOT_MS + Math.floor(unitAt(this.seed, 0x404, k, j) * (NOISE_SLOT_MS / 1000)) * 1000;
        const duration = (2 + Math.floor(unitAt(this.seed, 0x405, k, j) * 19)) * MINUTE;
        const flapping = unitAt(this.seed, 0x406, k, j) < 0.3;
        const base = {
          owner: `noise|${k}|${j}`,
          fingerprint: `noise|${rule.rule}|${node.id}`,
          entity: node.id,
          rule: rule.rule,
          title: `${rule.title} on ${node.name}`,
          severity: rule.severity,
          source: 'demo-prometheus',
          description: rule.description,
        };
        if (!flapping) {
          out.push({ ...base, from: start, to: start + duration });
          continue;
        }
        // Flapping: on and off for one or two evaluations at a time, across the alert's lifetime.
        let t = start;
        for (let i = 0; t < start + duration; i++) {
          const on = (1 + Math.floor(unitAt(this.seed, 0x407, k, j, i) * 2)) * ALERT_EVAL_MS;
          const off = (1 + Math.floor(unitAt(this.seed, 0x408, k, j, i) * 2)) * ALERT_EVAL_MS;
          out.push({ ...base, from: t, to: t + on });
          t += on + off;
        }
      }
    }
    return out;
  }

  private changes(fromMs: number, toMs: number, plans: FaultPlan[]): DemoChange[] {
    const out: DemoChange[] = [];
    for (const p of plans) for (const c of p.changes) if (c.time > fromMs && c.time <= toMs) out.push({ ...c });
    this.changeServices.forEach((svc, i) => {
      for (let k = Math.floor(fromMs / CHANGE_SLOT_MS); k * CHANGE_SLOT_MS <= toMs; k++) {
        const time = k * CHANGE_SLOT_MS + Math.floor(unitAt(this.seed, 0x501, i, k) * (CHANGE_SLOT_MS / 1000)) * 1000;
        if (time <= fromMs || time > toMs) continue;
        const u = unitAt(this.seed, 0x502, i, k);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(unitAt(this.seed, 0x503, i, k) * xs.length)];
        let change: Omit<DemoChange, 'id' | 'time' | 'service'> | null = null;
        if (u < 0.1) change = { kind: 'deploy', summary: `${svc.name} ${versionOf(svc, (k + 7 * i) % 40)}` };
        else if (u < 0.13) change = { kind: 'config', summary: `${svc.name}: ${pick(CONFIG_CHANGES)}` };
        else if (u < 0.15) change = { kind: 'flag', summary: `flag ${pick(FLAGS)} ramped to ${pick([5, 10, 25, 50, 100])}% on ${svc.name}` };
        else if (u < 0.155) {
          const host = hostsOf(this.index, svc.id)[0];
          change = { kind: 'infra', summary: `kernel security patch rolled to ${entityNameOf(host)}` };
        }
        if (change) out.push({ id: `demo-change-${svc.name}-${time}`, time, service: svc.name, ...change });
      }
    });
    return out.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
  }

  // -------------------------------------------------------------------------------------------------
  // Faults.

  private resolveRequest(at: number, req: FaultRequest): { kind: FaultKind; target: EstateNode } {
    let node: EstateNode | undefined;
    if (req.target !== undefined) {
      node = this.index.byId.get(req.target) ?? this.estate.nodes.find((n) => n.name === req.target);
      if (!node) throw new DemoTargetError(`target: no entity ${JSON.stringify(req.target)} in the demo estate`);
      if (node.kind === 'region' && (req.kind === undefined || req.kind === 'network-partition')) {
        const r = this.regionByName.get(node.name);
        node = r ? this.index.byId.get(r.loadBalancer) : undefined;
        if (!node) throw new DemoTargetError(`target: region ${req.target} has no load balancer`);
      }
    }
    let kind = req.kind;
    if (!kind && node) {
      const byKind: Record<string, FaultKind[]> = {
        database: ['pool-exhaustion'],
        host: ['disk-fill'],
        service: ['memory-leak', 'bad-deploy'],
        loadbalancer: ['network-partition'],
      };
      const options = byKind[node.kind];
      if (!options) throw new DemoTargetError(`target: no fault kind applies to a ${node.kind}`);
      kind = this.rng.pick(options);
    }
    kind ??= this.rng.pick(FAULT_KINDS);
    const candidates = this.candidates(kind);
    if (node) {
      if (!candidates.some((c) => c.id === node.id)) {
        throw new DemoTargetError(`target: ${node.id} cannot be the root of a ${kind} fault (${describeTargets(kind)})`);
      }
      return { kind, target: node };
    }
    // Prefer a target no other fault is touching around `at`, so overlapping faults stay separable.
    const busy = new Set<string>();
    const partitioned = new Set<string | null>();
    const touched = new Set<string | null>();
    for (const p of this.plans) {
      if (p.spanTo < at || p.spanFrom > at + 15 * MINUTE) continue;
      for (const a of p.fault.affected) {
        busy.add(a);
        touched.add(this.index.byId.get(a)?.region ?? null);
      }
      if (p.fault.kind === 'network-partition') partitioned.add(this.index.byId.get(p.fault.rootEntity)?.region ?? null);
    }
    const free = candidates.filter((c) =>
      kind === 'network-partition' ? !touched.has(c.region) : !busy.has(c.id) && !partitioned.has(c.region),
    );
    const pool = free.length > 0 ? free : candidates;
    // A service nobody calls would show no caller symptoms; pick one with callers when there is one.
    const withCallers = kind === 'memory-leak' || kind === 'bad-deploy' ? pool.filter((c) => this.serviceCallers([c.id]).length > 0) : pool;
    return { kind, target: this.rng.pick(withCallers.length > 0 ? withCallers : pool) };
  }

  private candidates(kind: FaultKind): EstateNode[] {
    const nodes = this.estate.nodes;
    switch (kind) {
      case 'pool-exhaustion':
        return nodes.filter((n) => n.kind === 'database' && callersOf(this.index, n.id).length > 0);
      case 'memory-leak':
      case 'bad-deploy':
        return nodes.filter((n) => n.kind === 'service');
      case 'disk-fill':
        return nodes.filter((n) => n.kind === 'host' && runnersOn(this.index, n.id).length > 0);
      case 'network-partition':
        return nodes.filter((n) => n.kind === 'loadbalancer' && n.region !== null);
    }
  }

  private compile(kind: FaultKind, target: EstateNode, start: number, scheduled: boolean, slow: boolean): FaultPlan {
    const rng = this.rng;
    const duration = Math.round(rng.range(5, scheduled ? 12 : 15) * MINUTE / 1000) * 1000;
    // A slow fault spends `creep` running its resource out, then plays out like a fast one. Fast faults
    // draw nothing more from the generator, so the default fault sequence of a seed is unchanged.
    const creep = slow ? Math.round(rng.range(...SLOW_CREEP_MINUTES[kind]!) * MINUTE / 1000) * 1000 : 0;
    const end = start + creep + duration;
    const id = `demo-fault-${this.seed}-${++this.faultCounter}`;
    const b = new PlanBuilder(this, id, start, end);
    const sec = (lo: number, hi: number): number => Math.round(rng.range(lo, hi)) * 1000;
    let description = '';

    switch (kind) {
      case 'pool-exhaustion': {
        const max = Number(target.attributes['db.client.connection.max'] ?? 100);
        const full = start + (slow ? creep : sec(60, 100));
        // The symptoms start as the pool runs dry: at the start of a fast fault, the last 80 s of a slow one.
        const acute = slow ? full - 80_000 : start;
        b.effect(target.id, 'conn', 'to', max, start, full, end, 60_000);
        b.effect(target.id, 'pending', 'to', Math.round(max * rng.range(0.3, 0.5)), acute + 30_000, full, end, 60_000);
        b.effect(target.id, 'dblat', 'scale', rng.range(6, 10), acute + 20_000, full, end, 60_000);
        b.alert(target.id, 'DbConnectionPoolExhausted', 'DB connection pool exhausted', 'critical', full + sec(0, 30), end + sec(20, 40),
          `${target.name}: ${max}/${max} connections in use, requests waiting for a connection`);
        const callers = this.serviceCallers([target.id]);
        const onsets = new Map<string, number>();
        for (const c of callers) {
          const onset = acute + sec(50, 130);
          onsets.set(c, onset);
          b.effect(c, 'errors', 'add', rng.range(0.12, 0.35), onset, onset + 45_000, end + 20_000, 60_000);
          b.effect(c, 'latency', 'scale', rng.range(2.5, 4), onset, onset + 45_000, end + 20_000, 60_000);
          b.alert(c, 'HighErrorRate', 'High error rate', 'major', onset + 45_000 + sec(15, 45), end + sec(30, 60),
            `Error ratio above 5%: calls to ${target.name} time out waiting for a connection`);
          b.alert(c, 'HighLatency', 'High latency', 'warning', onset + 45_000 + sec(30, 75), end + sec(30, 60),
            'p95 latency above objective');
        }
        for (const c of this.serviceCallers(callers, [...callers, target.id])) {
          const onset = Math.min(...callees(this.index, c).map((x) => onsets.get(x) ?? Infinity)) + sec(20, 60);
          if (!Number.isFinite(onset)) continue;
          b.effect(c, 'latency', 'scale', rng.range(1.5, 2), onset, onset + 60_000, end + 30_000, 60_000);
          b.effect(c, 'errors', 'add', rng.range(0.03, 0.07), onset, onset + 60_000, end + 30_000, 60_000);
          b.alert(c, 'HighLatency', 'High latency', 'warning', onset + sec(60, 120), end + sec(60, 90), 'p95 latency above objective');
        }
        description = `Connection pool of ${target.name} exhausted; its callers (${callers.map(entityNameOf).join(', ')}) fail and slow down`;
        break;
      }
      case 'memory-leak': {
        const oom = slow ? start + creep : start + Math.round(duration * rng.range(0.45, 0.6));
        const period = Math.round(duration * rng.range(0.12, 0.2));
        for (const hostId of hostsOf(this.index, target.id)) {
          const host = entityNameOf(hostId);
          const mem = this.seriesOf(target.id, 'pmem', host);
          const jitter = sec(-20, 20);
          const leak = PROCESS_MEMORY_LIMIT * 0.97 - (mem?.base ?? GIB);
          b.effect(target.id, 'pmem', 'saw', leak, start, oom + jitter, end, 0, host, period);
          b.effect(hostId, 'mem', 'saw', rng.range(0.2, 0.3), start, oom + jitter, end, 0, null, period);
          b.affect(hostId);
        }
        b.effect(target.id, 'latency', 'scale', rng.range(2, 3), start + Math.round((oom - start) * 0.3), oom, end, 30_000);
        b.effect(target.id, 'errors', 'add', rng.range(0.05, 0.12), oom, oom + 30_000, end, 30_000);
        b.alert(target.id, 'HighMemoryUsage', 'High memory usage', 'warning', start + Math.round((oom - start) * 0.8), end + 30_000,
          'Process memory above 85% of its limit and rising');
        b.alert(target.id, 'ContainerOOMKilled', 'Container restarting (OOMKilled)', 'critical', oom + 20_000, end + 60_000,
          'Containers were killed for exceeding their memory limit and are restarting', 'demo-kubernetes');
        for (const c of this.serviceCallers([target.id])) {
          const onset = oom + sec(0, 40);
          b.effect(c, 'latency', 'scale', rng.range(1.4, 1.8), onset, onset + 40_000, end + 30_000, 60_000);
          b.effect(c, 'errors', 'add', rng.range(0.02, 0.05), onset, onset + 40_000, end + 30_000, 60_000);
          b.alert(c, 'HighLatency', 'High latency', 'warning', onset + sec(60, 90), end + 60_000,
            `p95 latency above objective; upstream ${target.name} restarting`);
        }
        description = `Memory leak in ${target.name}: memory climbs until the containers are OOM-killed and restart`;
        break;
      }
      case 'bad-deploy': {
        const [major, minor] = versionParts(target);
        const bad = `v${major}.${minor + 1}.0`;
        b.change(target.name, start, 'deploy', `${target.name} ${bad}`);
        b.change(target.name, end, 'deploy', `${target.name} rollback to ${versionOf(target, Math.floor(start / HOUR) % 40)}`);
        const onset = start + sec(60, 180);
        const full = onset + 20_000;
        b.effect(target.id, 'errors', 'add', rng.range(0.2, 0.45), onset, full, end, 30_000);
        b.effect(target.id, 'latency', 'scale', rng.range(1.3, 1.8), onset, full, end, 30_000);
        b.alert(target.id, 'HighErrorRate', 'High error rate', 'critical', full + sec(30, 60), end + sec(30, 60),
          `Error ratio above 5% since ${bad} rolled out`);
        for (const c of this.serviceCallers([target.id])) {
          const o = full + sec(15, 60);
          b.effect(c, 'errors', 'add', rng.range(0.08, 0.2), o, o + 30_000, end + 20_000, 30_000);
          b.alert(c, 'HighErrorRate', 'High error rate', 'major', o + 30_000 + sec(30, 60), end + sec(60, 90),
            `Error ratio above 5%: failing calls to ${target.name}`);
        }
        description = `Bad deploy of ${target.name} ${bad}: its error ratio jumps, then its callers fail`;
        break;
      }
      case 'disk-fill': {
        const disk = this.seriesOf(target.id, 'disk', null);
        const base = disk?.base ?? 0.5;
        const full = slow ? start + creep : start + Math.round(duration * rng.range(0.5, 0.6));
        const crossAt = (level: number): number => start + Math.round((full - start) * clamp((level - base) / (0.985 - base), 0, 1));
        b.effect(target.id, 'disk', 'to', 0.985, start, full, end, 90_000);
        b.effect(target.id, 'cpu', 'add', 0.15, crossAt(0.9), full, end, 60_000);
        b.alert(target.id, 'DiskAlmostFull', 'Disk almost full', 'major', crossAt(0.9) + 60_000, end + 60_000,
          'Filesystem / above 90% and filling');
        const degrade = crossAt(0.97);
        const runners = runnersOn(this.index, target.id);
        for (const r of runners) {
          const onset = degrade + sec(0, 30);
          const node = this.index.byId.get(r);
          if (node?.kind === 'service') {
            const n = Math.max(1, hostsOf(this.index, r).length);
            b.effect(r, 'errors', 'add', rng.range(0.25, 0.4) / n, onset, onset + 30_000, end, 60_000);
            b.effect(r, 'latency', 'scale', 1 + rng.range(2, 3) / n, onset, onset + 30_000, end, 60_000);
            b.alert(r, 'HighErrorRate', 'High error rate', 'major', onset + 30_000 + sec(30, 60), end + 60_000,
              `Error ratio above 5%: writes failing on ${target.name}`);
          } else if (node?.kind === 'database') {
            const primary = hostsOf(this.index, r)[0] === target.id;
            b.effect(r, 'dblat', 'scale', primary ? rng.range(4, 8) : rng.range(1.5, 2), onset, onset + 30_000, end, 60_000);
            b.alert(r, 'SlowQueries', 'Database queries slow', primary ? 'major' : 'warning', onset + sec(60, 90), end + 60_000,
              `Query latency up: ${target.name} is out of disk space`);
          } else if (node?.kind === 'queue') {
            b.effect(r, 'depth', 'scale', rng.range(4, 8), onset, onset + 60_000, end, 90_000);
            b.effect(r, 'consumed', 'scale', rng.range(0.4, 0.6), onset, onset + 30_000, end, 60_000);
            b.alert(r, 'QueueBacklog', 'Queue backlog growing', 'major', onset + sec(60, 90), end + 60_000,
              `Brokers cannot write: ${target.name} is out of disk space`);
          } else continue;
          for (const c of this.serviceCallers([r], [r])) {
            const o = onset + sec(20, 60);
            b.effect(c, 'latency', 'scale', rng.range(1.3, 1.8), o, o + 40_000, end + 30_000, 60_000);
            b.alert(c, 'HighLatency', 'High latency', 'warning', o + sec(60, 90), end + 60_000, `p95 latency above objective; ${entityNameOf(r)} degraded`);
          }
        }
        description = `Disk of ${target.name} fills up; ${runners.map(entityNameOf).join(', ')} running on it degrade`;
        break;
      }
      case 'network-partition': {
        const region = this.regionByName.get(target.region ?? '');
        const services = this.estate.nodes.filter((n) => n.kind === 'service' && n.region === target.region);
        const front = services.filter((n) => n.attributes.tier === 'edge');
        const rest = rng.shuffle(services.filter((n) => n.attributes.tier !== 'edge'));
        const hit = [...front, ...rest.slice(0, Math.round(rest.length * rng.range(0.55, 0.75)))];
        const lbOnset = start + sec(0, 10);
        const healthy = this.seriesOf(target.id, 'healthy', null);
        b.effect(target.id, 'healthy', 'to', 1, lbOnset, lbOnset + 20_000, end, 30_000);
        b.effect(target.id, 'lberrors', 'add', rng.range(0.3, 0.5), lbOnset, lbOnset + 20_000, end, 30_000);
        b.effect(target.id, 'lbrate', 'scale', 0.6, lbOnset, lbOnset + 20_000, end, 30_000);
        b.alert(target.id, 'BackendUnreachable', 'Backend unreachable', 'critical', start + sec(30, 50), end + 30_000,
          `${healthy ? `${healthy.extra - 1} of ${healthy.extra}` : 'Most'} backends unreachable from ${target.name}`, 'demo-lb');
        for (const s of hit) {
          const onset = start + sec(0, 40);
          b.effect(s.id, 'latency', 'scale', rng.range(5, 10), onset, onset + 30_000, end, 30_000);
          b.effect(s.id, 'errors', 'add', rng.range(0.15, 0.35), onset, onset + 30_000, end, 30_000);
          b.effect(s.id, 'rate', 'scale', 0.7, onset, onset + 30_000, end, 30_000);
          b.alert(s.id, 'UpstreamTimeout', 'Upstream timeouts', 'major', onset + 30_000 + sec(20, 70), end + sec(30, 60),
            'Calls to dependencies time out');
          if (rng.chance(0.5)) {
            b.alert(s.id, 'HighErrorRate', 'High error rate', 'major', onset + 30_000 + sec(40, 90), end + sec(30, 60), 'Error ratio above 5%');
          }
        }
        for (const c of callersOf(this.index, target.id)) {
          b.effect(c, 'lberrors', 'add', rng.range(0.1, 0.2), lbOnset, lbOnset + 20_000, end, 30_000);
        }
        description = `Network partition in ${region?.name ?? target.region}: ${target.name} loses its backends and ${hit.length} services time out`;
        break;
      }
    }
    return b.build(kind, target.id, description);
  }

  /** Services calling any of `ids` (directly), excluding `exclude`, in estate order. */
  private serviceCallers(ids: string[], exclude: string[] = []): string[] {
    const skip = new Set([...exclude, ...ids]);
    const out = new Set<string>();
    for (const id of ids) {
      for (const c of callersOf(this.index, id)) {
        if (!skip.has(c) && this.index.byId.get(c)?.kind === 'service') out.add(c);
      }
    }
    return [...out];
  }

  /** The series of an entity and channel (and instance host), to calibrate a fault against its baseline. */
  private seriesOf(entity: string, channel: Channel, host: string | null): SeriesDef | undefined {
    return this.seriesByEntity.get(entity)?.find((s) => s.channel === channel && (host === null || s.host === host));
  }
}

/** Accumulates a fault's effects, alert windows and changes. */
class PlanBuilder {
  private readonly effects: Effect[] = [];
  private readonly alerts: AlertWindow[] = [];
  private readonly changes: DemoChange[] = [];
  private readonly affected: string[] = [];

  constructor(
    private readonly sim: DemoSimulator,
    private readonly id: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  affect(entity: string): void {
    if (!this.affected.includes(entity)) this.affected.push(entity);
  }

  effect(
    entity: string,
    channel: Channel,
    shape: Effect['shape'],
    value: number,
    onset: number,
    full: number,
    end: number,
    recover: number,
    host: string | null = null,
    period = 0,
  ): void {
    this.effects.push({ entity, channel, host, shape, value, onset, full: Math.max(full, onset + 1000), end, recover, period });
    this.affect(entity);
  }

  alert(entity: string, rule: string, title: string, severity: Severity, from: number, to: number, description: string, source = 'demo-prometheus'): void {
    const name = this.sim.estate.nodes.find((n) => n.id === entity)?.name ?? entity;
    this.alerts.push({ fingerprint: `${rule}|${entity}`, entity, rule, title: `${title} on ${name}`, severity, source, description, from, to });
    this.affect(entity);
  }

  change(service: string, time: number, kind: DemoChange['kind'], summary: string): void {
    this.changes.push({ id: `${this.id}-change-${this.changes.length + 1}`, time, service, kind, summary });
  }

  build(kind: FaultKind, rootEntity: string, description: string): FaultPlan {
    // Root first, then the others in the order their symptoms were planned.
    const affected = [rootEntity, ...this.affected.filter((a) => a !== rootEntity)];
    const lastAlert = Math.max(this.end, ...this.alerts.map((a) => a.to));
    return {
      fault: { id: this.id, kind, rootEntity, start: this.start, end: this.end, affected, description },
      effects: this.effects,
      alerts: this.alerts,
      changes: this.changes,
      spanFrom: this.start,
      spanTo: Math.max(lastAlert, this.end + FAULT_TAIL_MS),
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// Helpers.

/** How far an effect has taken hold at t, in [0, 1]. */
function progress(e: Effect, t: number): number {
  if (t < e.onset) return 0;
  if (e.shape === 'saw') {
    if (t >= e.end) return 0;
    if (t < e.full) return (t - e.onset) / (e.full - e.onset);
    return e.period > 0 ? ((t - e.full) % e.period) / e.period : 1;
  }
  if (t < e.full) return (t - e.onset) / (e.full - e.onset);
  if (t < e.end) return 1;
  if (e.recover > 0 && t < e.end + e.recover) return 1 - (t - e.end) / e.recover;
  return 0;
}

function callersBackends(index: EstateIndex, lb: string): number {
  let n = 0;
  for (const e of index.dependencies.get(lb) ?? []) {
    if (e.kind !== 'calls') continue;
    const target = index.byId.get(e.target);
    n += target?.kind === 'service' ? Math.max(1, hostsOf(index, e.target).length) : 1;
  }
  return Math.max(1, n);
}

/** Services (and others) that `id` calls. */
function callees(index: EstateIndex, id: string): string[] {
  return (index.dependencies.get(id) ?? []).filter((e) => e.kind !== 'runs_on').map((e) => e.target);
}

function versionParts(svc: EstateNode): [number, number] {
  const m = /^v(\d+)\.(\d+)/.exec(String(svc.attributes['service.version'] ?? 'v1.0.0'));
  return m ? [Number(m[1]), Number(m[2])] : [1, 0];
}

function versionOf(svc: EstateNode, patch: number): string {
  const [major, minor] = versionParts(svc);
  return `v${major}.${minor}.${patch}`;
}

function entityNameOf(id: string | undefined): string {
  if (!id) return 'unknown';
  const i = id.indexOf(':');
  return i < 0 ? id : id.slice(i + 1);
}

function describeTargets(kind: FaultKind): string {
  switch (kind) {
    case 'pool-exhaustion':
      return 'needs a database';
    case 'memory-leak':
    case 'bad-deploy':
      return 'needs a service';
    case 'disk-fill':
      return 'needs a host';
    case 'network-partition':
      return 'needs a regional load balancer or a region';
  }
}

function kv(key: string, value: string): OtlpKeyValue {
  return { key, value: { stringValue: value } };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function round6(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(6));
}

function cloneFault(f: DemoFault): DemoFault {
  return { ...f, affected: [...f.affected] };
}
