/**
 * Noise reduction v1, per alert fingerprint: deduplication (a firing alert whose fingerprint is
 * already firing is a repeat), resolution on `status: 'resolved'`, and flap suppression (more than
 * `flapMaxTransitions` state changes inside `flapWindowMs` marks the fingerprint flapping; its
 * transitions are then suppressed until it has been stable for `flapStableMs`, when its settled state
 * is reported once).
 *
 * Everything is driven by event time: alerts must be fed in (time, id) order and `advance(t)` must be
 * called before an alert at time t, so the outcome does not depend on how input was batched.
 */
import type { AlertRecord } from '../common/records.ts';
import type { AnalyticsConfig } from './config.ts';

/** What the correlator should do with an alert after noise reduction. */
export type NoiseVerdict =
  /** A fingerprint started firing: a new signal. */
  | { action: 'new'; alert: AlertRecord }
  /** A repeat of a firing fingerprint: count it, attach it to its incident, not a new member. */
  | { action: 'duplicate'; alert: AlertRecord }
  /** A firing fingerprint resolved. */
  | { action: 'resolved'; alert: AlertRecord }
  /** A transition of a flapping fingerprint, swallowed. */
  | { action: 'suppressed'; alert: AlertRecord }
  /** A resolve for a fingerprint that was not firing: nothing to do. */
  | { action: 'ignored'; alert: AlertRecord };

/** A settled flapping fingerprint whose reported state must change (emitted by `advance`). */
export interface SettledTransition {
  action: 'new' | 'resolved';
  time: number;
  alert: AlertRecord;
}

interface FingerprintState {
  /** The real state, as the sender last said. */
  firing: boolean;
  /** The state the correlator was last told. Differs from `firing` only while flapping. */
  reportedFiring: boolean;
  /** Times of recent state changes inside the flap window (bounded by flapMaxTransitions + 1). */
  transitions: number[];
  flapping: boolean;
  lastTransition: number;
  /** The last alert record seen, used as the signal when a flapping fingerprint settles. */
  last: AlertRecord;
}

type NoiseConfig = Pick<AnalyticsConfig, 'flapWindowMs' | 'flapMaxTransitions' | 'flapStableMs'>;

/** Per-fingerprint dedup, resolve and flap state. */
export class NoiseFilter {
  private readonly states = new Map<string, FingerprintState>();
  /** The flapping subset of `states`, so timers do not scan every fingerprint. */
  private readonly flapping = new Map<string, FingerprintState>();
  /** Counts since creation. */
  readonly counts = { received: 0, deduplicated: 0, flappingSuppressed: 0 };

  constructor(private readonly cfg: NoiseConfig) {}

  /** Fingerprints currently marked flapping. */
  flappingFingerprints(): string[] {
    return [...this.flapping.keys()];
  }

  /** The earliest time a flapping fingerprint settles, or null when none is flapping. */
  nextDue(): number | null {
    let due: number | null = null;
    for (const s of this.flapping.values()) {
      const t = s.lastTransition + this.cfg.flapStableMs;
      if (due === null || t < due) due = t;
    }
    return due;
  }

  /**
   * Move event time to `t`: flapping fingerprints stable since `t − flapStableMs` settle, in due
   * order (ties by fingerprint). Returns the reported-state changes that settling causes.
   */
  advance(t: number): SettledTransition[] {
    const due: [number, string, FingerprintState][] = [];
    for (const [fp, s] of this.flapping) {
      if (s.lastTransition + this.cfg.flapStableMs <= t) {
        due.push([s.lastTransition + this.cfg.flapStableMs, fp, s]);
      }
    }
    due.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const out: SettledTransition[] = [];
    for (const [time, fp, s] of due) {
      s.flapping = false;
      this.flapping.delete(fp);
      s.transitions = [];
      if (s.firing !== s.reportedFiring) {
        s.reportedFiring = s.firing;
        out.push({ action: s.firing ? 'new' : 'resolved', time, alert: { ...s.last, time } });
      }
    }
    return out;
  }

  /**
   * Forget fingerprints that are resolved, not flapping and quiet for a whole flap window before `t`:
   * their state is then indistinguishable from a fresh one, so dropping it changes no outcome.
   */
  prune(t: number): void {
    for (const [fp, s] of this.states) {
      if (!s.firing && !s.reportedFiring && !s.flapping && s.lastTransition + this.cfg.flapWindowMs < t) {
        this.states.delete(fp);
      }
    }
  }

  /** Number of fingerprints with state. */
  get size(): number {
    return this.states.size;
  }

  /** Classify one alert. Call `advance(alert.time)` first. */
  accept(alert: AlertRecord): NoiseVerdict {
    this.counts.received++;
    const firing = alert.status === 'firing';
    let s = this.states.get(alert.fingerprint);
    if (!s) {
      if (!firing) return { action: 'ignored', alert };
      s = { firing: false, reportedFiring: false, transitions: [], flapping: false, lastTransition: -Infinity, last: alert };
      this.states.set(alert.fingerprint, s);
    }
    if (firing) s.last = alert;
    if (firing === s.firing) {
      if (!firing) return { action: 'ignored', alert };
      if (s.flapping) {
        this.counts.flappingSuppressed++;
        return { action: 'suppressed', alert };
      }
      this.counts.deduplicated++;
      return { action: 'duplicate', alert };
    }
    // A state change.
    s.firing = firing;
    s.lastTransition = alert.time;
    s.transitions.push(alert.time);
    const from = alert.time - this.cfg.flapWindowMs;
    while (s.transitions.length > 0 && s.transitions[0] < from) s.transitions.shift();
    if (s.transitions.length > this.cfg.flapMaxTransitions + 1) s.transitions.shift();
    if (!s.flapping && s.transitions.length > this.cfg.flapMaxTransitions) {
      s.flapping = true;
      this.flapping.set(alert.fingerprint, s);
    }
    if (s.flapping) {
      this.counts.flappingSuppressed++;
      return { action: 'suppressed', alert };
    }
    s.reportedFiring = firing;
    return firing ? { action: 'new', alert } : { action: 'resolved', alert };
  }
}
