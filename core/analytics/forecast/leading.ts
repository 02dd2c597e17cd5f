/**
 * Leading indicators: which signals of an entity move before a failure of a given kind, by how much
 * and how early, learned from labelled failures (the demo estate's fault ground truth, or an
 * operator's incident history). Explainable by construction: a signal is reported with the share of
 * failures it moved before, its median lead, and its median shift in baseline standard deviations.
 */

/** One signal's points around one labelled failure. */
export interface SignalTrace {
  metric: string;
  ts: number[];
  values: number[];
}

/** A labelled failure with the traces of its entity. */
export interface LabelledFailure {
  kind: string;
  /** When the fault began (its baseline ends `guardMs` before this). */
  start: number;
  /** When the failure happened (the limit was hit, the service fell over). */
  failedAt: number;
  traces: SignalTrace[];
}

/** How one signal behaved before one failure. */
export interface SignalMove {
  /** Largest shift before the failure, in baseline standard deviations (signed). */
  z: number;
  /** Time from the first sustained shift beyond `k` deviations to the failure, or null if none. */
  leadMs: number | null;
}

/** What the learner reports per kind and signal. */
export interface LeadingIndicator {
  kind: string;
  metric: string;
  /** Failures of the kind with this signal traced. */
  failures: number;
  /** Share of them in which the signal moved (|z| ≥ k for `sustain` points) before the failure. */
  share: number;
  medianLeadMs: number | null;
  medianZ: number;
}

/** Settings of the learner (one generic set). */
export interface LeadingOptions {
  /** Baseline: the hour before the fault, ending this long before its start. */
  baselineMs: number;
  guardMs: number;
  /** Deviation threshold and how many consecutive points make it sustained. */
  k: number;
  sustain: number;
  /** Report signals that moved before at least this share of failures. */
  minShare: number;
}

export const DEFAULT_LEADING_OPTIONS: Readonly<LeadingOptions> = Object.freeze({ baselineMs: 3_600_000, guardMs: 60_000, k: 4, sustain: 3, minShare: 0.5 });

/** How one trace moved before `failedAt`, against its baseline before `start`. */
export function signalMove(trace: SignalTrace, start: number, failedAt: number, o: LeadingOptions = DEFAULT_LEADING_OPTIONS): SignalMove | null {
  const base: number[] = [];
  for (let i = 0; i < trace.ts.length; i++) {
    const t = trace.ts[i];
    if (t >= start - o.guardMs - o.baselineMs && t < start - o.guardMs) base.push(trace.values[i]);
  }
  if (base.length < 10) return null;
  const mean = base.reduce((a, b) => a + b, 0) / base.length;
  const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / (base.length - 1));
  // A perfectly flat baseline would make any wiggle infinite: floor the scale at 1% of the level.
  const scale = Math.max(sd, Math.abs(mean) * 0.01, 1e-12);
  let z = 0;
  let run = 0;
  let firstAt: number | null = null;
  for (let i = 0; i < trace.ts.length; i++) {
    const t = trace.ts[i];
    if (t < start - o.guardMs || t >= failedAt) continue;
    const zi = (trace.values[i] - mean) / scale;
    if (Math.abs(zi) > Math.abs(z)) z = zi;
    if (Math.abs(zi) >= o.k) {
      run++;
      if (run === o.sustain && firstAt === null) firstAt = trace.ts[i - o.sustain + 1];
    } else run = 0;
  }
  return { z, leadMs: firstAt === null ? null : failedAt - firstAt };
}

/** Learn, per failure kind, the signals that move before it; strongest (share, then lead) first. */
export function learnLeadingIndicators(failures: LabelledFailure[], o: LeadingOptions = DEFAULT_LEADING_OPTIONS): LeadingIndicator[] {
  const acc = new Map<string, { kind: string; metric: string; n: number; moved: number; leads: number[]; zs: number[] }>();
  for (const f of failures) {
    for (const tr of f.traces) {
      const m = signalMove(tr, f.start, f.failedAt, o);
      if (!m) continue;
      const key = `${f.kind}\u0000${tr.metric}`;
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { kind: f.kind, metric: tr.metric, n: 0, moved: 0, leads: [], zs: [] }));
      a.n++;
      a.zs.push(m.z);
      if (m.leadMs !== null) {
        a.moved++;
        a.leads.push(m.leadMs);
      }
    }
  }
  const med = (xs: number[]): number => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return [...acc.values()]
    .filter((a) => a.n > 0 && a.moved / a.n >= o.minShare)
    .map((a) => ({ kind: a.kind, metric: a.metric, failures: a.n, share: a.moved / a.n, medianLeadMs: a.leads.length ? med(a.leads) : null, medianZ: med(a.zs) }))
    .sort((x, y) => (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : y.share - x.share || (y.medianLeadMs ?? 0) - (x.medianLeadMs ?? 0)));
}
