/**
 * Per-template, per-entity, per-minute counts of log lines, and the template events read from them:
 * a new template, a surge (a minute far above the template's recent rate) and a disappearance (a
 * template that was steadily present goes silent). Pure and streaming: lines are observed in
 * arrival order; a minute is closed once event time has moved `graceMs` past its end, and closed
 * minutes come out of `advance()` as counts (zeros included while a template is active, so the
 * counts form continuous series) and events.
 */
import type { LogTemplateEvent } from '../../common/log-schemas.ts';

/** One closed minute of one template on one entity. */
export interface TemplateCount {
  templateId: string;
  entity: string;
  /** Start of the minute, epoch ms. */
  minute: number;
  count: number;
}

/** What a template event says happened. */
export type TemplateEventKind = LogTemplateEvent['kind'];

/** A template-level event, as the API serves it but before it is stored (no id) or joined to its text. */
export type TemplateEvent = Omit<LogTemplateEvent, 'id' | 'template'>;

/** Settings; the defaults are the one configuration. */
export interface ActivityOptions {
  /** How long after a minute ends lines for it may still arrive. */
  graceMs?: number;
  /** Minutes a template keeps producing (zero) counts after its last line. */
  activeMinutes?: number;
  /** No `new` events before event time reaches this (a fresh database sees every template as new). */
  newEventsFrom?: number;
}

const MINUTE = 60_000;
const HISTORY = 30;
const SURGE_MIN_HISTORY = 10;
const SURGE_MIN_COUNT = 10;
const SURGE_FACTOR = 4;
const GONE_MIN_PRESENT = 20;
const GONE_AFTER = 5;
/** Keys silent this long are forgotten. */
const FORGET_MINUTES = 60;

interface KeyState {
  templateId: string;
  entity: string;
  history: number[];
  /** The key's first minute: no counts before it. */
  firstMinute: number;
  lastSeenMinute: number;
  zeros: number;
  surging: boolean;
  goneFired: boolean;
}

/** Streaming counter and event detector. */
export class TemplateActivity {
  private readonly graceMs: number;
  private readonly activeMinutes: number;
  private readonly newEventsFrom: number;
  private readonly open = new Map<number, Map<string, number>>();
  private readonly keys = new Map<string, KeyState>();
  private readonly pendingEvents: TemplateEvent[] = [];
  private maxTs = -Infinity;
  /** Start of the last closed minute. */
  private closedThrough = -Infinity;

  constructor(options: ActivityOptions = {}) {
    this.graceMs = options.graceMs ?? MINUTE;
    this.activeMinutes = options.activeMinutes ?? 10;
    this.newEventsFrom = options.newEventsFrom ?? -Infinity;
  }

  /** Counts one line. `created` says the line created its template (a `new` event candidate). */
  observe(templateId: string, entity: string, ts: number, created: boolean): void {
    const minute = Math.floor(ts / MINUTE) * MINUTE;
    if (ts > this.maxTs) this.maxTs = ts;
    if (created && ts >= this.newEventsFrom) {
      this.pendingEvents.push({ kind: 'new', templateId, entity, time: ts, value: 1, expected: 0, score: 0.5 });
    }
    // A line for a minute already closed is counted in the oldest open minute rather than lost.
    const m = minute <= this.closedThrough ? this.closedThrough + MINUTE : minute;
    const bucket = this.open.get(m) ?? this.open.set(m, new Map()).get(m)!;
    const key = `${templateId}\u0000${entity}`;
    bucket.set(key, (bucket.get(key) ?? 0) + 1);
    if (!this.keys.has(key)) {
      this.keys.set(key, { templateId, entity, history: [], firstMinute: m, lastSeenMinute: m, zeros: 0, surging: false, goneFired: false });
    }
  }

  /** Template `from` was merged into `into`: its per-entity state continues under `into`. */
  merge(from: string, into: string): void {
    for (const [key, st] of this.keys) {
      if (st.templateId !== from) continue;
      this.keys.delete(key);
      const target = `${into}\u0000${st.entity}`;
      const existing = this.keys.get(target);
      if (!existing) this.keys.set(target, { ...st, templateId: into });
      else existing.firstMinute = Math.min(existing.firstMinute, st.firstMinute);
    }
    for (const bucket of this.open.values()) {
      for (const [key, n] of [...bucket]) {
        const [tid, entity] = key.split('\u0000');
        if (tid !== from) continue;
        bucket.delete(key);
        const target = `${into}\u0000${entity}`;
        bucket.set(target, (bucket.get(target) ?? 0) + n);
      }
    }
  }

  /**
   * Closes the minutes that event time (the latest line, or `now` when given and later) has moved
   * `graceMs` past; returns their counts and the events found, oldest first.
   */
  advance(now?: number): { counts: TemplateCount[]; events: TemplateEvent[] } {
    const horizon = Math.max(this.maxTs, now ?? -Infinity) - this.graceMs;
    const counts: TemplateCount[] = [];
    const events = this.pendingEvents.splice(0);
    const lastClosable = Math.floor(horizon / MINUTE) * MINUTE - MINUTE;
    if (!Number.isFinite(lastClosable)) return { counts, events };
    let start = Number.isFinite(this.closedThrough) ? this.closedThrough + MINUTE : Math.min(...this.open.keys(), lastClosable + MINUTE);
    // After a long silence only the last stretch matters: every key has gone quiet by then.
    if (lastClosable - start > (FORGET_MINUTES + 1) * MINUTE) {
      for (const m of [...this.open.keys()]) if (m < lastClosable - FORGET_MINUTES * MINUTE) this.open.delete(m);
      start = lastClosable - FORGET_MINUTES * MINUTE;
    }
    for (let m = start; m <= lastClosable; m += MINUTE) this.closeMinute(m, counts, events);
    if (lastClosable >= start) this.closedThrough = lastClosable;
    return { counts, events };
  }

  private closeMinute(m: number, counts: TemplateCount[], events: TemplateEvent[]): void {
    const bucket = this.open.get(m);
    this.open.delete(m);
    for (const [key, st] of this.keys) {
      if (m < st.firstMinute) continue;
      const n = bucket?.get(key) ?? 0;
      if (n > 0) st.lastSeenMinute = m;
      const silentFor = (m - st.lastSeenMinute) / MINUTE;
      if (silentFor > FORGET_MINUTES) {
        this.keys.delete(key);
        continue;
      }
      if (silentFor <= this.activeMinutes || n > 0) counts.push({ templateId: st.templateId, entity: st.entity, minute: m, count: n });
      this.judge(st, m, n, events);
      st.history.push(n);
      if (st.history.length > HISTORY) st.history.shift();
    }
  }

  private judge(st: KeyState, m: number, n: number, events: TemplateEvent[]): void {
    const h = st.history;
    const mean = h.length ? h.reduce((a, b) => a + b, 0) / h.length : 0;
    if (h.length >= SURGE_MIN_HISTORY && n >= SURGE_MIN_COUNT && n >= SURGE_FACTOR * mean + 5) {
      if (!st.surging) {
        st.surging = true;
        events.push({ kind: 'surge', templateId: st.templateId, entity: st.entity, time: m, value: n, expected: mean, score: Math.min(1, 1 - (mean + 1) / (n + 1)) });
      }
    } else st.surging = false;
    if (n > 0) {
      st.zeros = 0;
      st.goneFired = false;
      return;
    }
    st.zeros++;
    if (st.zeros === GONE_AFTER && !st.goneFired) {
      // Present in most of the minutes before the silence began.
      const before = h.slice(0, h.length - (GONE_AFTER - 1));
      const present = before.filter((x) => x > 0).length;
      if (present >= GONE_MIN_PRESENT) {
        st.goneFired = true;
        const prior = before.reduce((a, b) => a + b, 0) / before.length;
        events.push({ kind: 'disappeared', templateId: st.templateId, entity: st.entity, time: m - (GONE_AFTER - 1) * MINUTE, value: 0, expected: prior, score: 0.8 });
      }
    }
  }
}
