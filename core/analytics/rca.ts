/**
 * Root-cause ranking v2. Given an incident's members, the topology, recent changes and the causes of
 * similar past incidents, score the entities that could have caused it. The score is a fixed weighted
 * sum of clues, each in [0, 1], so scores of different incidents are comparable and never exceed 1:
 *
 * - magnitude (0.15): BARO-style robust change. For every anomaly, |value − expected| in units of the
 *   expected spread (half the detector's band when the anomaly carries lower/upper, else 5% of the
 *   expectation); per entity the largest, then discounted when a changed dependency explains it and
 *   credited for the changed dependents it explains (change-score.ts rankByChange, normalised so the
 *   strongest own change in the incident is 1). A workload whose hosts changed together carries their
 *   change;
 * - history (0.10): similarity of the most similar past incident this entity caused;
 *
 * - onset (0.25): the earliest symptom is most likely the cause (exp decay over 2 min of lag after
 *   the start of the burst: the first time 3 entities began failing within 2 min). A signal up to
 *   2 min before the burst counts as on time; earlier ones fade (5 min time constant). The credit is
 *   scaled by how strong the entity's own evidence is (its worst severity or anomaly score): being
 *   first with a lone warning, such as a certificate nearing expiry, says little about a failure;
 * - position (0.30): the share of the other affected entities it explains. A cause sits downstream:
 *   entities that depend on it (within 3 hops) count fully. Entities it depends on that failed within
 *   a minute of it count 0.8 each (a load balancer cutting off its backends). Several hosts (or
 *   nodes, pods) of one workload failing together point at the workload, e.g. a leaking service
 *   whose hosts' memory climbs with it: it gets their credit and their onset;
 * - change (0.15): a deploy/config/infra/flag change on it within `changeLookbackMs` before onset,
 *   weighted 1 right before and fading towards 0.25 (5 min time constant); a change on an entity it
 *   depends on directly (its host, a dependency) at half that;
 * - anomaly (0.10): the largest anomaly score on it;
 * - severity (0.10): its most severe member;
 * - breadth (0.10): how many distinct signals it shows (3 or more: full credit); a lone noise alert
 *   is weaker evidence than an entity failing in several ways;
 * - traffic (0.10): the share of the entities whose incoming traffic fell (a request-rate anomaly
 *   below its expectation) that sit behind it, itself included. Errors and latency climb the call
 *   graph from a failing dependency, but lost traffic points the other way: at whatever is in front
 *   of the entities that stopped receiving requests (a partitioned load balancer). An entity with
 *   such an entity in front of it gets 0.3 of that credit: its own loss is explained from above.
 * The sum is divided by the total weight (1.35).
 *
 * Entities without signals of their own (a shared dependency of ≥ 2 affected entities) are candidates
 * too, at 0.7 of their score, since a silent cause is possible but less certain.
 */
import type { Anomaly, IncidentMember, RootCause, Severity } from '../common/schemas.ts';
import type { ChangeRecord, EntityId } from '../common/records.ts';
import type { EntityChange } from './change-score.ts';
import { rankByChange } from './change-score.ts';
import { DEFAULT_ANALYTICS_CONFIG } from './config.ts';
import type { TopologyGraph } from './topology.ts';

/** What `rankRootCauses` needs. */
export interface RcaInput {
  members: IncidentMember[];
  /** Details of anomaly members (matched by id), for their scores. */
  anomalies?: Anomaly[];
  topology: TopologyGraph;
  /** Changes near the incident; others are ignored. */
  changes: ChangeRecord[];
  /** How long before the first signal a change still counts (default 30 min). */
  changeLookbackMs?: number;
  /**
   * Causes of similar past incidents: entity → similarity in [0, 1] of the most similar past incident
   * whose cause it was (see core/analytics/similarity.ts). Optional.
   */
  pastCauses?: ReadonlyMap<EntityId, { similarity: number; incidentId: string }>;
}

const W_ONSET = 0.25;
const W_POSITION = 0.3;
const W_CHANGE = 0.15;
const W_ANOMALY = 0.1;
const W_SEVERITY = 0.1;
const W_BREADTH = 0.1;
const W_TRAFFIC = 0.1;
const W_MAGNITUDE = 0.15;
const W_HISTORY = 0.1;
/** The weights add up to this; scores are divided by it so they stay in [0, 1]. */
const W_TOTAL = W_ONSET + W_POSITION + W_CHANGE + W_ANOMALY + W_SEVERITY + W_BREADTH + W_TRAFFIC + W_MAGNITUDE + W_HISTORY;
/** A change on an entity this one runs on or depends on directly counts at this share. */
const UNDER_CHANGE_SHARE = 0.5;
/** Robust change of an anomaly: |value − expected| over this share of |expected| (or its band). */
const RELATIVE_SPREAD = 0.05;
/** Metric names that measure traffic arriving at an entity. */
const TRAFFIC_METRIC = /(^|\.)(request\.rate|requests|throughput|rps)($|\.)/;
/** Distinct signals (fingerprints) on an entity for full breadth credit. */
const BREADTH_FULL = 3;
/** A burst: this many entities with a first signal within BURST_MS of each other. */
const BURST_ENTITIES = 3;
const BURST_MS = 120_000;
const ONSET_TAU_MS = 120_000;
const PRE_BURST_TAU_MS = 5 * 60_000;
const SIMULTANEOUS_MS = 60_000;
const REACH_HOPS = 3;
const SILENT_FACTOR = 0.7;
const FRONT_CREDIT = 0.8;
/** A candidate whose host failed at least HOST_FIRST_MS before it keeps this share of its score. */
const HOST_BELOW_FACTOR = 0.85;
const HOST_FIRST_MS = 15_000;
/** Independent failures behind an entity that make it a fan-out point (see `fanOut`). */
const FAN_OUT_MIN = 3;
const CHANGE_TAU_MS = 5 * 60_000;
const INFRA_KINDS = new Set(['host', 'node', 'pod']);
const TOP_N = 5;

const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 1, major: 0.75, minor: 0.5, warning: 0.25, info: 0 };

interface Affected {
  entity: EntityId;
  onset: number;
  first: IncidentMember;
  severity: Severity | undefined;
  worstAnomaly: Anomaly | undefined;
  signals: number;
  fingerprints: Set<string>;
}

/** Rank probable root causes of one incident, best first, at most 5. Deterministic. */
export function rankRootCauses(input: RcaInput): RootCause[] {
  const { members, topology: g } = input;
  if (members.length === 0) return [];
  const lookback = input.changeLookbackMs ?? DEFAULT_ANALYTICS_CONFIG.changeLookbackMs;
  const anomalyById = new Map((input.anomalies ?? []).map((a) => [a.id, a]));

  const affected = new Map<EntityId, Affected>();
  for (const m of [...members].sort(byTimeThenId)) {
    let a = affected.get(m.entity);
    if (!a) {
      a = { entity: m.entity, onset: m.time, first: m, severity: undefined, worstAnomaly: undefined, signals: 0, fingerprints: new Set() };
      affected.set(m.entity, a);
    }
    a.signals++;
    a.fingerprints.add(m.fingerprint);
    if (m.severity && (!a.severity || SEVERITY_WEIGHT[m.severity] > SEVERITY_WEIGHT[a.severity])) a.severity = m.severity;
    const an = m.kind === 'anomaly' ? anomalyById.get(m.id) : undefined;
    if (an && (!a.worstAnomaly || an.score > a.worstAnomaly.score)) a.worstAnomaly = an;
  }
  const t0 = Math.min(...[...affected.values()].map((a) => a.onset));
  const trafficLost = new Set<EntityId>();
  for (const m of members) {
    const an = m.kind === 'anomaly' ? anomalyById.get(m.id) : undefined;
    if (an && an.value < an.expected && TRAFFIC_METRIC.test(an.metric)) trafficLost.add(an.entity);
  }
  const onsets = [...affected.values()].map((a) => a.onset).sort((x, y) => x - y);
  // Onset is measured from the start of the burst (the first time several entities start failing
  // within two minutes), so a lone unrelated signal minutes earlier does not outrank the burst.
  let burst = t0;
  for (let i = 0; i + BURST_ENTITIES - 1 < onsets.length; i++) {
    if (onsets[i + BURST_ENTITIES - 1] - onsets[i] <= BURST_MS) {
      burst = onsets[i];
      break;
    }
  }

  // BARO-style robust change per entity, from its anomalies: how far the value left its expectation, in
  // units of the expected spread (the detector's band when it gives one); then the share of it no
  // changed dependency explains (change-score.ts).
  const magnitudes = new Map<EntityId, EntityChange>();
  for (const m of members) {
    const an = m.kind === 'anomaly' ? anomalyById.get(m.id) : undefined;
    if (!an) continue;
    const band = bandOf(an);
    const spread = Math.max(band ?? 0, RELATIVE_SPREAD * Math.abs(an.expected), 1e-9);
    const score = Math.abs(an.value - an.expected) / spread;
    const prev = magnitudes.get(an.entity);
    if (!prev || score > prev.score) magnitudes.set(an.entity, { entity: an.entity, score, metric: an.metric, value: an.value, median: an.expected, iqr: spread });
  }
  const magnitudeRank = new Map(rankByChange(magnitudes, g).map((c) => [c.entity, c]));

  // Candidates: affected entities, plus silent shared dependencies of at least two of them.
  const candidates = new Set<EntityId>(affected.keys());
  const checked = new Set<EntityId>();
  for (const a of affected.keys()) {
    for (const d of g.downstream(a, 2).keys()) {
      if (checked.has(d) || candidates.has(d)) continue;
      checked.add(d);
      let dependents = 0;
      for (const u of g.upstream(d, REACH_HOPS).keys()) if (affected.has(u)) dependents++;
      if (dependents >= 2) candidates.add(d);
    }
  }

  const ranked: RootCause[] = [];
  for (const c of [...candidates].sort()) {
    const own = affected.get(c);
    const others = Math.max(1, affected.size - (own ? 1 : 0));
    const evidence: string[] = [];

    // Infrastructure this entity runs on that failed together (within a minute of each other).
    const infra = own ? infraGroup(c, g, affected) : [];
    const infraOnset = infra.length > 0 ? Math.min(...infra.map((e) => affected.get(e)!.onset)) : Infinity;

    let onsetScore = 0;
    if (own && infraOnset < own.onset) {
      onsetScore = onsetCredit(infraOnset, burst);
      evidence.push(
        `${infra.length} of its hosts showed symptoms together from ${clock(infraOnset)}, ${duration(own.onset - infraOnset)} before its own first signal`,
      );
    } else if (own) {
      const lag = own.onset - t0;
      onsetScore = onsetCredit(own.onset, burst);
      if (lag === 0) {
        const nextOther = onsets.find((t) => t > own.onset);
        const tied = [...affected.values()].filter((a) => a.onset === t0).length > 1;
        evidence.push(
          `first symptom: '${own.first.title}' at ${clock(own.onset)}` +
            (tied ? ', together with others' : nextOther !== undefined ? `, ${duration(nextOther - own.onset)} before any other` : ''),
        );
      } else {
        evidence.push(`first signal '${own.first.title}' at ${clock(own.onset)}, ${duration(lag)} after the first symptom`);
      }
    } else {
      evidence.push('no signal of its own; a dependency shared by affected entities');
    }

    const dependents = [...g.upstream(c, REACH_HOPS).keys()].filter((u) => u !== c && affected.has(u)).sort();
    if (dependents.length > 0) {
      const direct = dependents.find((u) => g.dependenciesOf(u).has(c)) ?? dependents[0];
      const path = g.dependencyPath(direct, c, REACH_HOPS) ?? [direct, c];
      evidence.push(
        `${dependents.length} affected ${plural(dependents.length, 'entity', 'entities')} depend on it (${path.join(' → ')})`,
      );
    }
    let front: EntityId[] = [];
    if (own) {
      const dep = new Set(dependents);
      const inInfra = new Set(infra);
      front = [...g.downstream(c, REACH_HOPS).keys()].filter((d) => {
        const a = d !== c && !dep.has(d) ? affected.get(d) : undefined;
        // What it runs on is below it, never behind it: a failing host is its cause, not something it
        // cut off (its hosts count only together, as the infrastructure group above).
        return a !== undefined && (inInfra.has(d) || (!INFRA_KINDS.has(g.kindOf(d)) && Math.abs(a.onset - own.onset) <= SIMULTANEOUS_MS));
      });
      if (front.length > 0) {
        evidence.push(
          `in front of ${front.length} affected ${plural(front.length, 'entity', 'entities')} that failed within ${duration(SIMULTANEOUS_MS)} of it`,
        );
      }
    }
    // Fan-out: entities behind it that failed together with nothing failing below them are not each
    // other's cause; the break is between them and what stands in front of them (a partitioned load
    // balancer cutting off its backends: both ends of the broken link show it, the backends first).
    // It carries their onset, as a workload carries its hosts', and explains them fully.
    const independent = front.filter((f) => ![...g.downstream(f, REACH_HOPS).keys()].some((d) => d !== f && affected.has(d)));
    const fanOut = own && independent.length >= FAN_OUT_MIN ? independent : [];
    if (fanOut.length > 0) {
      const fanOnset = Math.min(...fanOut.map((f) => affected.get(f)!.onset));
      if (fanOnset < own!.onset) onsetScore = Math.max(onsetScore, onsetCredit(fanOnset, burst));
      evidence.push(
        `${fanOut.length} entities behind it failed together from ${clock(fanOnset)} with nothing failing below them: the link from it to them broke`,
      );
    }
    const position = Math.min(1, (dependents.length + FRONT_CREDIT * (front.length - fanOut.length) + fanOut.length) / others);

    let changeScore = 0;
    const horizon = own ? Math.max(t0, own.onset) : t0;
    const under = g.dependenciesOf(c);
    for (const ch of input.changes) {
      if ((ch.entity !== c && !under.has(ch.entity)) || ch.time > horizon || ch.time < t0 - lookback) continue;
      // Full weight right before onset, fading with age: a deploy 2 min before errors is telling, a
      // routine one 25 min before much less so. A change under it (its host, a dependency) counts less.
      const age = Math.max(0, t0 - ch.time);
      const s = (0.25 + 0.75 * Math.exp(-age / CHANGE_TAU_MS)) * (ch.entity === c ? 1 : UNDER_CHANGE_SHARE);
      if (s > changeScore) {
        changeScore = s;
        const before = ch.time <= t0 ? `${duration(t0 - ch.time)} before onset` : `${duration(ch.time - t0)} after the first symptom, before its own`;
        const line = `${ch.kind} '${ch.summary}' on ${ch.entity === c ? ch.service : `${ch.entity}, which it depends on,`} ${before}`;
        const i = evidence.findIndex((e) => e.startsWith(`${ch.kind} '`));
        if (i >= 0) evidence[i] = line;
        else evidence.push(line);
      }
    }

    const anomalyScore = own?.worstAnomaly?.score ?? 0;
    const strength = own ? Math.max(anomalyScore, own.severity ? SEVERITY_WEIGHT[own.severity] : 0) : 0;
    onsetScore *= strength;
    if (own?.worstAnomaly) {
      const a = own.worstAnomaly;
      evidence.push(`anomaly on ${a.metric}: ${fmt(a.value)} where ${fmt(a.expected)} was expected (score ${a.score.toFixed(2)})`);
    }
    const severityScore = own?.severity ? SEVERITY_WEIGHT[own.severity] : 0;
    if (own?.severity && severityScore >= SEVERITY_WEIGHT.major) {
      evidence.push(`${own.severity} severity across ${own.signals} ${plural(own.signals, 'signal', 'signals')}`);
    }

    const breadth = own ? Math.min(1, own.fingerprints.size / BREADTH_FULL) : 0;
    let traffic = 0;
    if (trafficLost.size >= 2) {
      const behind = g.downstream(c, REACH_HOPS);
      const covered = [...trafficLost].filter((e) => behind.has(e)).length;
      // Lost traffic in front of it explains its own: the cause is further up.
      const upstream = g.upstream(c, REACH_HOPS);
      const shadowed = [...trafficLost].some((e) => e !== c && upstream.has(e));
      traffic = (covered / trafficLost.size) * (shadowed ? 0.3 : 1);
      if (traffic >= 0.5) {
        evidence.push(`${covered} of ${trafficLost.size} entities that lost incoming traffic sit behind it`);
      }
    }
    // A workload whose hosts changed together carries their change, as it carries their onset; so does
    // the entity in front of a fan-out of failures.
    let mag = magnitudeRank.get(c);
    for (const h of [...infra, ...fanOut]) {
      const hm = magnitudeRank.get(h);
      if (hm && hm.score > (mag?.score ?? 0)) mag = hm;
    }
    const magnitude = mag?.score ?? 0;
    if (mag?.change && magnitude >= 0.5) {
      const ch = mag.change;
      evidence.push(
        `largest change${ch.entity !== c ? ` (on ${ch.entity})` : ''}: ${ch.metric} at ${fmt(ch.value)} against ${fmt(ch.median)} expected, ${fmt(ch.score)}× its usual spread` +
          (mag.explains.length > 0 ? `; explains the changes of ${mag.explains.length} ${plural(mag.explains.length, 'entity', 'entities')} depending on it` : ''),
      );
    }
    const past = input.pastCauses?.get(c);
    const history = past ? past.similarity : 0;
    if (past && history >= 0.3) evidence.push(`cause of the similar past incident ${past.incidentId} (similarity ${past.similarity.toFixed(2)})`);
    let score =
      W_MAGNITUDE * magnitude +
      W_HISTORY * history +
      W_TRAFFIC * traffic +
      W_ONSET * onsetScore +
      W_POSITION * position +
      W_CHANGE * changeScore +
      W_ANOMALY * anomalyScore +
      W_SEVERITY * severityScore +
      W_BREADTH * breadth;
    score /= W_TOTAL;
    if (!own) score *= SILENT_FACTOR;
    // A host under it that was failing before it is its cause, not its symptom: what runs on a filling
    // disk fails because of it. (Several of its hosts failing together are the infrastructure group
    // above, which points at it instead.)
    const hostBelow = own && infra.length === 0
      ? [...g.dependenciesOf(c)].find((d) => INFRA_KINDS.has(g.kindOf(d)) && (affected.get(d)?.onset ?? Infinity) <= own.onset - HOST_FIRST_MS)
      : undefined;
    if (hostBelow) {
      score *= HOST_BELOW_FACTOR;
      evidence.push(`${hostBelow}, which it runs on, showed symptoms ${duration(own!.onset - affected.get(hostBelow)!.onset)} before it`);
    }
    ranked.push({ entity: c, score: Math.round(Math.min(1, score) * 1000) / 1000, evidence });
  }
  ranked.sort((a, b) => b.score - a.score || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0));
  return ranked.slice(0, TOP_N);
}

/** Onset credit in [0, 1]: 1 from BURST_MS before the burst to its start, fading on either side. */
function onsetCredit(onset: number, burst: number): number {
  if (onset >= burst) return Math.exp(-(onset - burst) / ONSET_TAU_MS);
  return Math.exp(-Math.max(0, burst - BURST_MS - onset) / PRE_BURST_TAU_MS);
}

/**
 * The affected hosts/nodes/pods `c` depends on directly, when at least two of them failed within
 * SIMULTANEOUS_MS of the earliest: shared fate of one workload's infrastructure. Otherwise empty.
 */
function infraGroup(c: EntityId, g: TopologyGraph, affected: Map<EntityId, Affected>): EntityId[] {
  const deps = [...g.dependenciesOf(c)].filter((d) => affected.has(d) && INFRA_KINDS.has(g.kindOf(d)));
  if (deps.length < 2) return [];
  const first = Math.min(...deps.map((d) => affected.get(d)!.onset));
  const group = deps.filter((d) => affected.get(d)!.onset - first <= SIMULTANEOUS_MS).sort();
  return group.length >= 2 ? group : [];
}

/** Half the width of the detector's expected band, when the anomaly carries one (optional fields). */
function bandOf(an: Anomaly): number | null {
  const { lower, upper } = an as Anomaly & { lower?: number; upper?: number };
  return typeof lower === 'number' && typeof upper === 'number' && upper > lower ? (upper - lower) / 2 : null;
}

function byTimeThenId(a: IncidentMember, b: IncidentMember): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

/** "40 s", "4 min", "2 h 5 min". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
