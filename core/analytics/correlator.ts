/**
 * Correlation v1: noise-reduced alerts and anomalies become incidents.
 *
 * A signal joins an open incident when its entity is related to one of the incident's entities —
 * within `maxHops` along dependency edges in either direction, or a sibling on a shared dependency
 * (see TopologyGraph.related; an unknown entity only matches itself) — AND that entity had a signal
 * within `windowMs` before it. Matching several incidents merges them into the oldest;
 * matching none opens a new one. An incident resolves when all its alert members are resolved, or,
 * with anomaly members only, after `quietMs` without a new signal; it stays resolved.
 *
 * Time is event time only. Signals (and changes) are buffered and decided in (time, kind, fingerprint,
 * id) order once the watermark (max event time seen) is `allowedLatenessMs` past them; timers (flap
 * settling, quiet resolution) fire in time order between signals. So the incidents do not depend on
 * how the input was split into batches, nor on wall-clock time.
 */
import type { Anomaly, IncidentDetail, IncidentMember, Severity } from '../common/schemas.ts';
import { severityRank } from '../common/schemas.ts';
import type { AlertRecord, ChangeRecord, EntityId, TopologyBatch } from '../common/records.ts';
import { entityKind, entityName } from '../common/records.ts';
import type { AnalyticsConfig } from './config.ts';
import { hashId } from './hash.ts';
import { NoiseFilter } from './noise.ts';
import { rankRootCauses } from './rca.ts';
import { TopologyGraph } from './topology.ts';

/** One incident lifecycle event with the incident's full snapshot. */
export interface IncidentEvent {
  type: 'incident-opened' | 'incident-updated' | 'incident-resolved';
  incident: IncidentDetail;
}

/** What the correlator is fed; every part optional. */
export interface CorrelatorInput {
  alerts?: AlertRecord[];
  anomalies?: Anomaly[];
  changes?: ChangeRecord[];
  topology?: TopologyBatch;
  /** Latest event time of the batch these came with (e.g. of its metric points). */
  watermark?: number | null;
}

/** Counters of the correlator since it started. */
export interface CorrelatorCounters {
  alertsReceived: number;
  alertsDeduplicated: number;
  flappingSuppressed: number;
  /** Incidents opened, not counting those later merged into another. */
  incidentsOpened: number;
  incidentsOpen: number;
  /**
   * Mean time to detect, event time: for each incident, from its earliest member signal to the time
   * it could be decided (the opening signal's time plus `allowedLatenessMs`). Null before any incident.
   */
  mttdMs: number | null;
}

type Signal =
  | { kind: 'change'; time: number; order: string; change: ChangeRecord }
  | { kind: 'alert'; time: number; order: string; alert: AlertRecord }
  | { kind: 'anomaly'; time: number; order: string; anomaly: Anomaly };

interface OpenIncident {
  id: string;
  openedAt: number;
  updatedAt: number;
  lastSignalAt: number;
  resolvedAt: number | null;
  status: 'open' | 'resolved';
  title: string | null;
  members: IncidentMember[];
  entities: EntityId[];
  entitySet: Set<EntityId>;
  /** Latest signal time per member entity: a signal joins through an entity active within windowMs. */
  entityLast: Map<EntityId, number>;
  services: Set<string>;
  severity: Severity;
  /** Fingerprints of alert members that are still firing. */
  firing: Set<string>;
  alertMembers: number;
  anomalies: Anomaly[];
}

/** Noise reduction + correlation + RCA over event time. Not thread-safe; one per correlator worker. */
export class Correlator {
  private readonly graph = new TopologyGraph();
  private readonly noise: NoiseFilter;
  private readonly buffer: Signal[] = [];
  private readonly open = new Map<string, OpenIncident>();
  private readonly entityIndex = new Map<EntityId, Set<string>>();
  private readonly fingerprintIncident = new Map<string, string>();
  private readonly everOpened = new Set<string>();
  private changes: ChangeRecord[] = [];
  private wm: number | null = null;
  private clock = -Infinity;
  private opened = 0;
  private readonly detectionDelays = new Map<string, number>();
  /** Incidents touched in the current step, in first-touch order, with whether they opened in it. */
  private dirty = new Map<string, { incident: OpenIncident; openedNow: boolean }>();

  constructor(private readonly cfg: AnalyticsConfig) {
    this.noise = new NoiseFilter(cfg);
  }

  /** Latest event time seen, or null. */
  get watermark(): number | null {
    return this.wm;
  }

  /** The topology as known so far. */
  get topology(): TopologyGraph {
    return this.graph;
  }

  /** Counters since creation. */
  counters(): CorrelatorCounters {
    let sum = 0;
    for (const d of this.detectionDelays.values()) sum += d;
    return {
      alertsReceived: this.noise.counts.received,
      alertsDeduplicated: this.noise.counts.deduplicated,
      flappingSuppressed: this.noise.counts.flappingSuppressed,
      incidentsOpened: this.opened,
      incidentsOpen: this.open.size,
      mttdMs: this.detectionDelays.size > 0 ? Math.round(sum / this.detectionDelays.size) : null,
    };
  }

  /** Take one batch: apply topology, buffer signals, advance the watermark, decide what is old enough. */
  ingest(input: CorrelatorInput): IncidentEvent[] {
    if (input.topology) this.graph.add(input.topology);
    let wm = this.wm ?? -Infinity;
    if (typeof input.watermark === 'number' && Number.isFinite(input.watermark)) wm = Math.max(wm, input.watermark);
    for (const c of input.changes ?? []) {
      this.buffer.push({ kind: 'change', time: c.time, order: `0|${c.entity}|${c.id}`, change: c });
      wm = Math.max(wm, c.time);
    }
    for (const a of input.alerts ?? []) {
      // Engine ids may differ between runs; order by what the sender said first.
      const order = `1|${a.fingerprint}|${a.status === 'firing' ? 0 : 1}|${a.externalId ?? ''}|${a.id}`;
      this.buffer.push({ kind: 'alert', time: a.time, order, alert: a });
      wm = Math.max(wm, a.time);
    }
    for (const an of input.anomalies ?? []) {
      this.buffer.push({ kind: 'anomaly', time: an.time, order: `2|${an.entity}|${an.metric}|${an.id}`, anomaly: an });
      wm = Math.max(wm, an.time);
    }
    if (wm !== -Infinity) this.wm = wm;
    if (this.wm === null) return [];
    const frontier = this.wm - this.cfg.allowedLatenessMs;
    return this.step(frontier, frontier);
  }

  /** Decide everything buffered and advance timers to the watermark. */
  flush(): IncidentEvent[] {
    if (this.wm === null) return this.step(Infinity, -Infinity);
    return this.step(Infinity, this.wm);
  }

  private step(signalFrontier: number, timerFrontier: number): IncidentEvent[] {
    this.buffer.sort((a, b) => a.time - b.time || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    let n = 0;
    while (n < this.buffer.length && this.buffer[n].time <= signalFrontier) n++;
    const ready = this.buffer.splice(0, n);
    for (const s of ready) {
      this.advance(s.time);
      if (s.kind === 'change') this.changes.push(s.change);
      else if (s.kind === 'alert') this.onAlert(s.alert);
      else this.onAnomaly(s.anomaly);
    }
    this.advance(timerFrontier);
    this.noise.prune(this.clock);
    this.pruneChanges();
    return this.emit();
  }

  /** Fire timers due at or before `t`, earliest first. */
  private advance(t: number): void {
    if (t > this.clock) this.clock = t;
    for (;;) {
      const noiseDue = this.noise.nextDue();
      let quiet: OpenIncident | null = null;
      for (const inc of this.open.values()) {
        if (inc.alertMembers > 0) continue;
        const due = inc.lastSignalAt + this.cfg.quietMs;
        if (!quiet || due < quiet.lastSignalAt + this.cfg.quietMs || (due === quiet.lastSignalAt + this.cfg.quietMs && inc.id < quiet.id)) {
          quiet = inc;
        }
      }
      const quietDue = quiet ? quiet.lastSignalAt + this.cfg.quietMs : null;
      if (noiseDue !== null && noiseDue <= t && (quietDue === null || noiseDue <= quietDue)) {
        for (const tr of this.noise.advance(noiseDue)) {
          if (tr.action === 'new') this.addSignal(alertMember(tr.alert), tr.alert);
          else this.resolveFingerprint(tr.alert.fingerprint, tr.time);
        }
      } else if (quiet && quietDue !== null && quietDue <= t) {
        this.resolve(quiet, quietDue);
      } else {
        return;
      }
    }
  }

  private onAlert(alert: AlertRecord): void {
    const v = this.noise.accept(alert);
    if (v.action === 'new') {
      this.addSignal(alertMember(alert), alert);
    } else if (v.action === 'duplicate') {
      const inc = this.incidentOfFingerprint(alert.fingerprint);
      if (inc) {
        // A repeat says the alert is still firing, not that something new happened: it refreshes the
        // incident but does not keep its entity "active", or a long-standing warning would pull every
        // later nearby failure into its incident.
        inc.updatedAt = Math.max(inc.updatedAt, alert.time);
        this.touch(inc, false);
      }
    } else if (v.action === 'resolved') {
      this.resolveFingerprint(alert.fingerprint, alert.time);
    }
  }

  private onAnomaly(anomaly: Anomaly): void {
    const member: IncidentMember = {
      kind: 'anomaly',
      id: anomaly.id,
      fingerprint: `anomaly:${anomaly.entity}|${anomaly.metric}`,
      entity: anomaly.entity,
      time: anomaly.time,
      title: `${anomaly.metric} at ${round(anomaly.value)}, expected ${round(anomaly.expected)}`,
      severity: anomaly.score >= 0.9 ? 'major' : 'warning',
    };
    this.addSignal(member, null, anomaly);
  }

  private incidentOfFingerprint(fp: string): OpenIncident | undefined {
    const id = this.fingerprintIncident.get(fp);
    return id === undefined ? undefined : this.open.get(id);
  }

  private resolveFingerprint(fp: string, time: number): void {
    const inc = this.incidentOfFingerprint(fp);
    this.fingerprintIncident.delete(fp);
    if (!inc) return;
    inc.firing.delete(fp);
    inc.updatedAt = Math.max(inc.updatedAt, time);
    this.touch(inc, false);
    if (inc.firing.size === 0 && inc.alertMembers > 0) this.resolve(inc, time);
  }

  private addSignal(member: IncidentMember, alert: AlertRecord | null, anomaly?: Anomaly): void {
    const near = this.graph.related(member.entity, this.cfg.maxHops);
    const matches: OpenIncident[] = [];
    const seenMatch = new Set<string>();
    for (const e of near) {
      for (const id of this.entityIndex.get(e) ?? []) {
        const inc = this.open.get(id);
        if (!inc || seenMatch.has(id)) continue;
        if (inc.openedAt - member.time > this.cfg.windowMs) continue;
        // Through an incident entity near this one that was itself active within the window: a part of
        // an incident that went quiet long ago does not pull in new signals.
        let active = false;
        for (const [ent, last] of inc.entityLast) {
          if (near.has(ent) && member.time - last <= this.cfg.windowMs) {
            active = true;
            break;
          }
        }
        if (!active) continue;
        seenMatch.add(id);
        matches.push(inc);
      }
    }
    matches.sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1));
    let inc = matches[0];
    if (!inc) {
      inc = this.openIncident(member);
    } else {
      for (const other of matches.slice(1)) this.merge(inc, other, member.time);
    }
    inc.members.push(member);
    if (!inc.entitySet.has(member.entity)) {
      inc.entitySet.add(member.entity);
      inc.entities.push(member.entity);
      let ids = this.entityIndex.get(member.entity);
      if (!ids) this.entityIndex.set(member.entity, (ids = new Set()));
      ids.add(inc.id);
    }
    // Only service entities count as services: alerts about a database often carry its name as `service`.
    if (entityKind(member.entity) === 'service') inc.services.add(entityName(member.entity));
    if (member.severity && severityRank(member.severity) < severityRank(inc.severity)) inc.severity = member.severity;
    inc.lastSignalAt = Math.max(inc.lastSignalAt, member.time);
    inc.entityLast.set(member.entity, Math.max(inc.entityLast.get(member.entity) ?? -Infinity, member.time));
    inc.updatedAt = Math.max(inc.updatedAt, member.time);
    if (alert) {
      inc.alertMembers++;
      inc.firing.add(alert.fingerprint);
      this.fingerprintIncident.set(alert.fingerprint, inc.id);
    }
    if (anomaly) inc.anomalies.push(anomaly);
    this.touch(inc, false);
  }

  private openIncident(first: IncidentMember): OpenIncident {
    const base = `inc-${hashId(`${first.fingerprint}@${first.time}`)}`;
    let id = base;
    for (let i = 2; this.everOpened.has(id); i++) id = `${base}-${i}`;
    this.everOpened.add(id);
    const inc: OpenIncident = {
      id,
      openedAt: first.time,
      updatedAt: first.time,
      lastSignalAt: first.time,
      resolvedAt: null,
      status: 'open',
      title: null,
      members: [],
      entities: [],
      entitySet: new Set(),
      entityLast: new Map(),
      services: new Set(),
      severity: 'info',
      firing: new Set(),
      alertMembers: 0,
      anomalies: [],
    };
    this.open.set(id, inc);
    this.opened++;
    this.detectionDelays.set(id, this.cfg.allowedLatenessMs);
    this.touch(inc, true);
    return inc;
  }

  /** Move everything of `other` into `into`; `other` ends, resolved, titled as merged. */
  private merge(into: OpenIncident, other: OpenIncident, time: number): void {
    for (const m of other.members) into.members.push(m);
    for (const e of other.entities) {
      const ids = this.entityIndex.get(e);
      ids?.delete(other.id);
      if (!into.entitySet.has(e)) {
        into.entitySet.add(e);
        into.entities.push(e);
        let s = ids;
        if (!s) this.entityIndex.set(e, (s = new Set()));
        s.add(into.id);
      }
    }
    for (const [e, t] of other.entityLast) into.entityLast.set(e, Math.max(into.entityLast.get(e) ?? -Infinity, t));
    for (const s of other.services) into.services.add(s);
    for (const fp of other.firing) {
      into.firing.add(fp);
      this.fingerprintIncident.set(fp, into.id);
    }
    into.alertMembers += other.alertMembers;
    for (const a of other.anomalies) into.anomalies.push(a);
    if (severityRank(other.severity) < severityRank(into.severity)) into.severity = other.severity;
    into.lastSignalAt = Math.max(into.lastSignalAt, other.lastSignalAt);
    into.updatedAt = Math.max(into.updatedAt, other.updatedAt, time);
    const earliest = Math.min(...into.members.map((m) => m.time));
    this.detectionDelays.set(into.id, into.openedAt + this.cfg.allowedLatenessMs - Math.min(earliest, into.openedAt));
    this.detectionDelays.delete(other.id);
    this.opened--;
    other.title = `Merged into ${into.id}`;
    other.firing.clear();
    this.open.delete(other.id);
    other.status = 'resolved';
    other.resolvedAt = Math.max(time, other.updatedAt);
    other.updatedAt = other.resolvedAt;
    this.touch(other, false);
    this.touch(into, false);
  }

  private resolve(inc: OpenIncident, time: number): void {
    if (inc.status === 'resolved') return;
    inc.status = 'resolved';
    inc.resolvedAt = Math.max(time, inc.updatedAt);
    inc.updatedAt = inc.resolvedAt;
    this.open.delete(inc.id);
    for (const e of inc.entities) {
      const ids = this.entityIndex.get(e);
      ids?.delete(inc.id);
      if (ids && ids.size === 0) this.entityIndex.delete(e);
    }
    for (const fp of inc.firing) this.fingerprintIncident.delete(fp);
    this.touch(inc, false);
  }

  private touch(inc: OpenIncident, openedNow: boolean): void {
    const d = this.dirty.get(inc.id);
    if (d) d.openedNow ||= openedNow;
    else this.dirty.set(inc.id, { incident: inc, openedNow });
  }

  /** Changes older than every open incident's start minus the lookback can no longer be evidence. */
  private pruneChanges(): void {
    let oldest = this.clock;
    for (const inc of this.open.values()) oldest = Math.min(oldest, inc.openedAt);
    const cutoff = oldest - this.cfg.changeLookbackMs;
    if (this.changes.length > 0 && this.changes[0].time < cutoff) this.changes = this.changes.filter((c) => c.time >= cutoff);
  }

  private emit(): IncidentEvent[] {
    const out: IncidentEvent[] = [];
    for (const { incident, openedNow } of this.dirty.values()) {
      const detail = this.snapshot(incident);
      if (openedNow) out.push({ type: 'incident-opened', incident: detail });
      if (incident.status === 'resolved') out.push({ type: 'incident-resolved', incident: detail });
      else if (!openedNow) out.push({ type: 'incident-updated', incident: detail });
    }
    this.dirty = new Map();
    return out;
  }

  private snapshot(inc: OpenIncident): IncidentDetail {
    const merged = inc.title !== null;
    const rootCauses = merged
      ? []
      : rankRootCauses({
          members: inc.members,
          anomalies: inc.anomalies,
          topology: this.graph,
          changes: this.changes,
          changeLookbackMs: this.cfg.changeLookbackMs,
        });
    const alerts = inc.alertMembers;
    const anomalies = inc.members.length - alerts;
    const symptom = alerts > 0 ? count(alerts, 'alert', 'alerts') : count(anomalies, 'anomaly', 'anomalies');
    const scope = inc.services.size > 0 ? count(inc.services.size, 'service', 'services') : count(inc.entities.length, 'entity', 'entities');
    const head = rootCauses[0]?.entity ?? inc.members[0]?.entity ?? 'unknown';
    return {
      id: inc.id,
      title: inc.title ?? `${head} — ${symptom} on ${scope}`,
      status: inc.status,
      severity: inc.severity,
      openedAt: inc.openedAt,
      updatedAt: inc.updatedAt,
      resolvedAt: inc.resolvedAt,
      services: [...inc.services].sort(),
      entities: [...inc.entities],
      alertCount: inc.members.length,
      rootCauses,
      members: inc.members.map((m) => ({ ...m })).sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    };
  }
}

function alertMember(a: AlertRecord): IncidentMember {
  return {
    kind: 'alert',
    id: a.externalId ?? a.id,
    fingerprint: a.fingerprint,
    entity: a.entity,
    time: a.time,
    title: a.title,
    severity: a.severity,
  };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
