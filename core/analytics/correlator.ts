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
import type { IncidentSignature } from './similarity.ts';
import { CooccurrenceModel, incidentSimilarity, memberTemplateOf, titleTemplate } from './similarity.ts';
import { TopologyGraph } from './topology.ts';

/** One incident lifecycle event with the incident's full snapshot. */
export interface IncidentEvent {
  type: 'incident-opened' | 'incident-updated' | 'incident-resolved';
  incident: IncidentDetail;
  /**
   * Set when the members changed only by these additions since this incident's previous event: a
   * store that wrote that event may append these instead of rewriting every member (a storm
   * incident grows by a few hundred members per batch while holding thousands). Absent: the member
   * list is to be written whole (first and last event of an incident, after a split).
   */
  added?: IncidentMember[];
}

/** An incident as stored, for incidents an operator's decision names that the correlator no longer holds. */
export interface StoredIncident {
  id: string;
  openedAt: number;
  members: IncidentMember[];
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

/**
 * An operator's decision about incidents, for the correlator: apply it to the incidents it holds open
 * and learn the template pairs (which kinds of signal belong together, or apart).
 */
export type FeedbackDecision =
  | {
      action: 'merge';
      target: string;
      others: string[];
      pairs: [string, string][];
      /**
       * The incidents of the decision as stored. Those the correlator no longer holds (resolved) join
       * the merged incident from here: their members are adopted, and a resolved target merged with
       * open incidents is reopened, so the open incident's later updates do not drop them.
       */
      stored?: StoredIncident[];
    }
  | { action: 'split'; incident: string; memberIds: string[]; newId: string; pairs: [string, string][] }
  | { action: 'learn'; decision: 'merge' | 'split'; pairs: [string, string][] };

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
  /** Signal templates of its members with their counts (see titleTemplate). */
  templates: Map<string, number>;
  /** Members already handed out in an event (its stored prefix), or −1 before its first event. */
  emitted: number;
  /** Members were removed or reordered since the last event: the next one carries them whole. */
  rewrite: boolean;
}

/** A recent signal of one template, for storm detection. */
interface TemplateSighting {
  time: number;
  entity: EntityId;
  incident: string;
}

/**
 * Correlation v2 settings. Product decisions, the same for every estate (no per-dataset tuning).
 * - Affinity of a signal to an incident through a related entity: 1 / (1 + hops / 2) × exp(−Δt / τ),
 *   Δt since that entity's last signal; the signal joins the incident with the highest affinity, if
 *   that is at least MIN_AFFINITY.
 * - A signal joins through an entity it depends on (it is that failure's symptom) whenever that entity
 *   is active; through an entity that depends on it, or a sibling, only within ONSET_SPREAD_MS of the
 *   incident's opening: later, it is more likely a new failure below, overlapping the first.
 * - Two incidents a signal relates to are merged only when they opened within MERGE_WINDOW_MS of
 *   each other (one failure seen from two sides at once); otherwise they are overlapping failures and
 *   stay apart.
 * - Storm: a signal whose template fired on at least STORM_MIN_ENTITIES − 1 other entities within
 *   STORM_WINDOW_MS joins their incident, topology or not (a core switch taking 2,000 hosts down is
 *   one incident, not 2,000).
 * - Co-occurrence: a signal with no topological match joins an incident active within COOC_WINDOW_MS
 *   whose templates go with its own (learned from finished incidents and operator merges) at
 *   affinity ≥ COOC_MIN. Counted co-occurrence speaks only where the topology cannot: when the signal's
 *   entity, or every entity of the incident, is unknown to it. Where both sides are known and
 *   unrelated, "error rate" and "timeouts" going together in general does not make a failure in one
 *   region part of one in another. An operator's merge of two templates applies everywhere.
 */
const AFFINITY_TAU_MS = 8 * 60_000;
const ONSET_SPREAD_MS = 3 * 60_000;
/**
 * A signal joins an incident only at this affinity or more. With the formula above that means: the
 * same entity within about 4 min of its last signal, or a direct dependency/dependent within about
 * 50 s; relations of two hops (siblings) no longer pull signals in on their own. Chosen on the demo
 * evaluation (`eval:rca`): grouping precision rose from 0.65 to 0.85 at about the same recall.
 */
const MIN_AFFINITY = 0.6;
const MERGE_WINDOW_MS = 2 * 60_000;
const STORM_WINDOW_MS = 2 * 60_000;
const STORM_MIN_ENTITIES = 5;
const COOC_WINDOW_MS = 2 * 60_000;
const COOC_MIN = 0.5;
/** Counted co-occurrence joins known entities only this many hops apart (either direction), at most. */
const COOC_MAX_HOPS = 3;
/** Finished incidents remembered for "similar past incidents" in RCA. */
const HISTORY_SIZE = 500;
/** Incidents with more entities than this (storms) are not compared with history: costly, and unlike. */
const HISTORY_MAX_ENTITIES = 200;
/** A past incident this similar or more lends its cause to the ranking. */
const HISTORY_MIN_SIMILARITY = 0.3;
/** A repeat of a firing alert re-emits its incident at most this often (event time). */
const DUPLICATE_REFRESH_MS = 60_000;
const EMPTY_FIRING: ReadonlySet<string> = new Set();

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
  /** Template co-occurrence from finished incidents and operator decisions. */
  readonly cooccurrence = new CooccurrenceModel();
  private readonly sightings = new Map<string, TemplateSighting[]>();
  /** Finished incidents with their top cause, newest last, at most HISTORY_SIZE. */
  private readonly history: { id: string; resolvedAt: number; signature: IncidentSignature; cause: EntityId }[] = [];
  /** Where a merged incident's signals went, so storm sightings follow merges. */
  private readonly mergedInto = new Map<string, string>();
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

  /**
   * Applies operator decisions: learns their template pairs (a merge says these kinds of signal belong
   * together, a split that they do not), then merges or splits the incidents it holds open. Returns
   * the resulting incident events and the ids of the incidents it changed; incidents it does not hold
   * (already resolved) are the caller's to change in storage.
   */
  applyFeedback(decisions: FeedbackDecision[]): { events: IncidentEvent[]; applied: string[] } {
    const applied = new Set<string>();
    for (const d of decisions) {
      const kind = d.action === 'learn' ? d.decision : d.action;
      for (const [a, b] of d.pairs) this.cooccurrence.decide(a, b, kind);
      if (d.action === 'merge') {
        const stored = new Map((d.stored ?? []).map((x) => [x.id, x]));
        let into = this.open.get(this.currentId(d.target));
        if (!into) {
          // A resolved target merged with incidents still open is reopened with its stored members.
          const past = stored.get(d.target);
          if (!past || !d.others.some((o) => this.open.has(this.currentId(o)))) continue;
          into = this.revive(past);
          applied.add(into.id);
        }
        for (const o of d.others) {
          const other = this.open.get(this.currentId(o));
          if (other) {
            if (other === into) continue;
            this.merge(into, other, Math.max(into.updatedAt, other.updatedAt));
            applied.add(into.id).add(other.id);
            continue;
          }
          // A resolved incident's members join; the caller closes it in storage.
          const past = stored.get(o);
          if (!past || this.mergedInto.has(o) || o === into.id) continue;
          this.adopt(into, past.members);
          this.mergedInto.set(o, into.id);
          applied.add(into.id);
        }
      } else if (d.action === 'split') {
        const inc = this.open.get(this.currentId(d.incident));
        if (!inc || this.open.has(d.newId) || this.everOpened.has(d.newId)) continue;
        const ids = new Set(d.memberIds);
        const moved = inc.members.filter((m) => ids.has(m.id));
        if (moved.length === 0 || moved.length === inc.members.length) continue;
        this.splitOff(inc, moved, d.newId);
        applied.add(inc.id).add(d.newId);
      }
    }
    return { events: this.emit(), applied: [...applied] };
  }

  /** Moves `moved` members of `inc` into a new open incident `newId`; both are rebuilt from their members. */
  private splitOff(inc: OpenIncident, moved: IncidentMember[], newId: string): void {
    const movedSet = new Set(moved);
    const firing = inc.firing;
    const anomalies = inc.anomalies;
    const part = this.newIncident(newId, Math.min(...moved.map((m) => m.time)));
    this.detectionDelays.set(newId, this.cfg.allowedLatenessMs);
    this.opened++;
    this.touch(part, true);
    this.rebuild(inc, inc.members.filter((m) => !movedSet.has(m)), firing, anomalies);
    this.rebuild(part, moved, firing, anomalies);
  }

  /** Recomputes an incident's derived state from its members (after a split). */
  private rebuild(inc: OpenIncident, members: IncidentMember[], firing: Set<string>, anomalies: Anomaly[]): void {
    for (const e of inc.entities) this.entityIndex.get(e)?.delete(inc.id);
    const fresh = this.newIncident(inc.id, inc.openedAt);
    const anomalyById = new Map(anomalies.map((a) => [a.id, a]));
    Object.assign(inc, { ...fresh, openedAt: inc.openedAt, updatedAt: inc.updatedAt, emitted: inc.emitted, rewrite: true });
    this.open.set(inc.id, inc);
    for (const m of members) this.addMemberState(inc, m, m.kind === 'anomaly' ? anomalyById.get(m.id) : undefined, firing);
    this.touch(inc, false);
  }

  /** Reopens a resolved incident from its stored members (an operator merged open incidents into it). */
  private revive(past: StoredIncident): OpenIncident {
    const inc = this.newIncident(past.id, past.openedAt);
    const h = this.history.findIndex((x) => x.id === past.id);
    if (h >= 0) this.history.splice(h, 1);
    this.adopt(inc, past.members);
    return inc;
  }

  /** Adds members of a resolved incident (none of them firing) to `inc`, skipping those it has. */
  private adopt(inc: OpenIncident, members: IncidentMember[]): void {
    const have = new Set(inc.members.map((m) => `${m.kind}|${m.id}`));
    for (const m of members) {
      if (have.has(`${m.kind}|${m.id}`)) continue;
      have.add(`${m.kind}|${m.id}`);
      this.addMemberState(inc, { ...m }, undefined, EMPTY_FIRING);
    }
    this.touch(inc, false);
  }

  /** Appends one member and updates what the incident derives from its members. */
  private addMemberState(inc: OpenIncident, m: IncidentMember, an: Anomaly | undefined, firing: ReadonlySet<string>): void {
    inc.members.push(m);
    const template = m.kind === 'anomaly' && !an ? memberTemplateOf(m) : memberTemplate(m, an);
    inc.templates.set(template, (inc.templates.get(template) ?? 0) + 1);
    if (!inc.entitySet.has(m.entity)) {
      inc.entitySet.add(m.entity);
      inc.entities.push(m.entity);
      let ids = this.entityIndex.get(m.entity);
      if (!ids) this.entityIndex.set(m.entity, (ids = new Set()));
      ids.add(inc.id);
    }
    if (entityKind(m.entity) === 'service') inc.services.add(entityName(m.entity));
    if (m.severity && severityRank(m.severity) < severityRank(inc.severity)) inc.severity = m.severity;
    inc.lastSignalAt = Math.max(inc.lastSignalAt, m.time);
    inc.updatedAt = Math.max(inc.updatedAt, m.time);
    inc.entityLast.set(m.entity, Math.max(inc.entityLast.get(m.entity) ?? -Infinity, m.time));
    if (m.kind === 'alert') {
      inc.alertMembers++;
      if (firing.has(m.fingerprint)) {
        inc.firing.add(m.fingerprint);
        this.fingerprintIncident.set(m.fingerprint, inc.id);
      }
    } else if (an) inc.anomalies.push(an);
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
        // Incidents with firing alerts end when those resolve. Any other (anomalies only, or alerts that
        // all resolved before an operator's merge or split put them here) ends after a quiet period.
        if (inc.firing.size > 0) continue;
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
        // In a storm thousands of repeats arrive per minute: re-emitting (and re-storing) every
        // incident for each would stall the engine, and a refresh a minute says the same. Decided
        // on event time alone, so the result does not depend on batching.
        if (alert.time - inc.updatedAt >= DUPLICATE_REFRESH_MS) {
          inc.updatedAt = alert.time;
          this.touch(inc, false);
        }
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
    const template = memberTemplate(member, anomaly);
    const near = this.graph.relatedDistances(member.entity, this.cfg.maxHops);
    // What this entity depends on: when one of those is already failing, this signal is its symptom.
    const below = this.graph.downstream(member.entity, this.cfg.maxHops);
    const matches: { inc: OpenIncident; affinity: number }[] = [];
    const seenMatch = new Set<string>();
    for (const e of near.keys()) {
      for (const id of this.entityIndex.get(e) ?? []) {
        const inc = this.open.get(id);
        if (!inc || seenMatch.has(id)) continue;
        if (inc.openedAt - member.time > this.cfg.windowMs) continue;
        // Through an incident entity near this one that was itself active within the window: a part of
        // an incident that went quiet long ago does not pull in new signals.
        let affinity = 0;
        for (const [ent, last] of inc.entityLast) {
          const hops = near.get(ent);
          const dt = member.time - last;
          if (hops === undefined || dt > this.cfg.windowMs) continue;
          // A signal below (or beside) what already fails is a symptom of the same failure only while
          // that failure is still unfolding; minutes later it is a new failure that overlaps it.
          if (ent !== member.entity && !below.has(ent) && member.time - inc.openedAt > ONSET_SPREAD_MS) continue;
          affinity = Math.max(affinity, (1 / (1 + hops / 2)) * Math.exp(-Math.max(0, dt) / AFFINITY_TAU_MS));
        }
        if (affinity < MIN_AFFINITY || this.splitApart(inc, template)) continue;
        seenMatch.add(id);
        matches.push({ inc, affinity });
      }
    }
    matches.sort((a, b) => b.affinity - a.affinity || a.inc.openedAt - b.inc.openedAt || (a.inc.id < b.inc.id ? -1 : 1));
    let inc: OpenIncident | undefined = matches[0]?.inc;
    if (inc) {
      // Incidents that opened together are one failure seen from two sides; ones that did not are
      // overlapping failures and stay apart.
      const target = inc;
      const together = matches.slice(1).filter((m) => Math.abs(m.inc.openedAt - target.openedAt) <= MERGE_WINDOW_MS);
      together.sort((a, b) => a.inc.openedAt - b.inc.openedAt || (a.inc.id < b.inc.id ? -1 : 1));
      if (together.length > 0 && (together[0].inc.openedAt < inc.openedAt || (together[0].inc.openedAt === inc.openedAt && together[0].inc.id < inc.id))) {
        const first = together.shift()!.inc;
        together.push({ inc, affinity: 0 });
        inc = first;
      }
      for (const m of together) this.merge(inc, m.inc, member.time);
    }
    inc ??= this.stormIncident(member, template) ?? this.cooccurringIncident(member, template) ?? this.openIncident(member);
    inc.members.push(member);
    inc.templates.set(template, (inc.templates.get(template) ?? 0) + 1);
    this.sight(template, member, inc.id);
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

  /** Whether an operator split this template away from every template of `inc`. */
  private splitApart(inc: OpenIncident, template: string): boolean {
    let split = false;
    for (const t of inc.templates.keys()) {
      const d = this.cooccurrence.decision(template, t);
      if (d === 'merge' || (d === undefined && t === template)) return false;
      if (d === 'split') split = true;
    }
    return split;
  }

  /** The open incident of a storm this signal's template is part of, merging the storm's pieces. */
  private stormIncident(member: IncidentMember, template: string): OpenIncident | undefined {
    const recent = this.sightings.get(template);
    if (!recent) return undefined;
    const entities = new Set<EntityId>();
    const counts = new Map<string, number>();
    for (const s of recent) {
      if (member.time - s.time > STORM_WINDOW_MS || s.entity === member.entity) continue;
      const id = this.currentId(s.incident);
      if (!this.open.has(id)) continue;
      entities.add(s.entity);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if (entities.size < STORM_MIN_ENTITIES - 1) return undefined;
    const ranked = [...counts.entries()]
      .map(([id, n]) => ({ inc: this.open.get(id)!, n }))
      .sort((a, b) => a.inc.openedAt - b.inc.openedAt || (a.inc.id < b.inc.id ? -1 : 1));
    const into = ranked[0].inc;
    // Pieces that are nothing but this storm (the first few alerts opened incidents of their own
    // before the storm was recognised) fold into it; incidents with other signals keep theirs.
    for (const { inc } of ranked.slice(1)) {
      if (inc.templates.size === 1 && inc.templates.has(template)) this.merge(into, inc, member.time);
    }
    return into;
  }

  /** An incident active within COOC_WINDOW_MS whose templates go with this one's, best first. */
  private cooccurringIncident(member: IncidentMember, template: string): OpenIncident | undefined {
    if (this.cooccurrence.size === 0) return undefined;
    let best: OpenIncident | undefined;
    let bestScore = COOC_MIN;
    const placed = this.graph.isKnown(member.entity);
    const around = placed ? this.graph.neighbourhood(member.entity, COOC_MAX_HOPS) : null;
    for (const inc of this.open.values()) {
      if (member.time - inc.lastSignalAt > COOC_WINDOW_MS) continue;
      const counted = !around || inc.entities.some((e) => around.has(e)) || !inc.entities.some((e) => this.graph.isKnown(e));
      for (const t of inc.templates.keys()) {
        const a = counted ? this.cooccurrence.affinity(template, t) : this.cooccurrence.decision(template, t) === 'merge' ? 1 : 0;
        if (a > bestScore || (a === bestScore && best && inc.openedAt < best.openedAt)) {
          best = inc;
          bestScore = a;
        }
      }
    }
    return best;
  }

  private sight(template: string, member: IncidentMember, incident: string): void {
    let list = this.sightings.get(template);
    if (!list) this.sightings.set(template, (list = []));
    list.push({ time: member.time, entity: member.entity, incident });
    // Bounded: only the storm window matters, and signals arrive in time order.
    let drop = 0;
    while (drop < list.length && member.time - list[drop].time > STORM_WINDOW_MS) drop++;
    if (drop > 0) list.splice(0, drop);
  }

  private currentId(id: string): string {
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return id;
  }

  private openIncident(first: IncidentMember): OpenIncident {
    const base = `inc-${hashId(`${first.fingerprint}@${first.time}`)}`;
    let id = base;
    for (let i = 2; this.everOpened.has(id); i++) id = `${base}-${i}`;
    const inc = this.newIncident(id, first.time);
    this.opened++;
    this.detectionDelays.set(id, this.cfg.allowedLatenessMs);
    this.touch(inc, true);
    return inc;
  }

  /** An empty open incident, registered as open. */
  private newIncident(id: string, openedAt: number): OpenIncident {
    this.everOpened.add(id);
    const inc: OpenIncident = {
      id,
      openedAt,
      updatedAt: openedAt,
      lastSignalAt: openedAt,
      resolvedAt: null,
      status: 'open',
      title: null,
      members: [],
      emitted: -1,
      rewrite: false,
      entities: [],
      entitySet: new Set(),
      entityLast: new Map(),
      services: new Set(),
      severity: 'info',
      firing: new Set(),
      alertMembers: 0,
      anomalies: [],
      templates: new Map(),
    };
    this.open.set(id, inc);
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
    for (const [t, n] of other.templates) into.templates.set(t, (into.templates.get(t) ?? 0) + n);
    this.mergedInto.set(other.id, into.id);
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
    // What finished together is history the next incidents are compared with; a single-entity
    // incident says nothing about what goes with what.
    if (inc.entities.length >= 2) this.cooccurrence.learnIncident(inc.templates.keys());
    const cause = this.rank(inc)[0]?.entity;
    if (cause && inc.entities.length <= HISTORY_MAX_ENTITIES) {
      this.history.push({ id: inc.id, resolvedAt: inc.resolvedAt ?? time, signature: signatureOf(inc), cause });
      if (this.history.length > HISTORY_SIZE) this.history.shift();
    }
    this.touch(inc, false);
  }

  /** Root causes of an open incident, with the causes of similar finished ones as a clue. */
  private rank(inc: OpenIncident) {
    let pastCauses: Map<EntityId, { similarity: number; incidentId: string }> | undefined;
    if (this.history.length > 0 && inc.entities.length <= HISTORY_MAX_ENTITIES) {
      const sig = signatureOf(inc);
      pastCauses = new Map();
      for (const h of this.history) {
        // Only what had finished before this incident began: its ranking must not depend on when
        // (in which batch) it is looked at.
        if (h.resolvedAt > inc.openedAt || !inc.entitySet.has(h.cause)) continue;
        const sim = incidentSimilarity(sig, h.signature);
        const prev = pastCauses.get(h.cause);
        if (sim >= HISTORY_MIN_SIMILARITY && (!prev || sim > prev.similarity)) pastCauses.set(h.cause, { similarity: Math.round(sim * 100) / 100, incidentId: h.id });
      }
    }
    return rankRootCauses({
      members: inc.members,
      anomalies: inc.anomalies,
      topology: this.graph,
      changes: this.changes,
      changeLookbackMs: this.cfg.changeLookbackMs,
      pastCauses,
    });
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
      else if (!openedNow) {
        // Only an update in between carries its additions; the first and last events carry everything.
        const appendOnly = incident.emitted >= 0 && !incident.rewrite;
        out.push({ type: 'incident-updated', incident: detail, ...(appendOnly ? { added: incident.members.slice(incident.emitted).map((m) => ({ ...m })) } : {}) });
      }
      incident.emitted = incident.members.length;
      incident.rewrite = false;
    }
    this.dirty = new Map();
    return out;
  }

  private snapshot(inc: OpenIncident): IncidentDetail {
    const merged = inc.title !== null;
    const rootCauses = merged ? [] : this.rank(inc);
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

/** What similarity compares: entities, templates and anomalous metrics. */
function signatureOf(inc: OpenIncident): IncidentSignature {
  return {
    entities: new Set(inc.entities),
    templates: new Set([...inc.templates.keys()].filter((t) => !t.startsWith('anomaly '))),
    metrics: new Set(inc.anomalies.map((a) => a.metric)),
  };
}

/** The template a member is compared by: its title's, or `anomaly <metric>` for an anomaly. */
function memberTemplate(member: IncidentMember, anomaly?: Anomaly): string {
  return anomaly ? `anomaly ${anomaly.metric}` : titleTemplate(member.title, member.entity);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
