/**
 * Automatic retention: every `everyMs`, telemetry older than `olderThanMs` moves to the Parquet cold
 * tier (cold-tier.ts), where queries and replays still read it. Age is measured from the newest stored
 * event time, not the wall clock, so a case of old exported data keeps its recent part hot whenever it
 * is opened, and a live estate keeps the last `olderThanMs` hot. One run at a time; a failed run is
 * logged and retried at the next tick, and nothing is deleted before its files are committed.
 */
import type { Logger } from '../log.ts';
import { moveToCold, newestEventTime, type RetentionResult } from '../storage/cold-tier.ts';
import type { Storage } from '../storage/storage.ts';

/** When data ages out. */
export interface RetentionPolicy {
  /** Age (from the newest stored event time) beyond which telemetry moves to the cold tier. */
  olderThanMs: number;
  /** How often to check (default 10 minutes). */
  everyMs?: number;
}

/** A running retention schedule. */
export interface RetentionSchedule {
  readonly policy: Required<RetentionPolicy>;
  /** The last run that moved something, if any. */
  lastMoved(): RetentionResult | null;
  /** Runs once now (queued behind a run in progress). */
  runNow(): Promise<RetentionResult | null>;
  close(): Promise<void>;
}

/** Default check interval. */
export const RETENTION_CHECK_MS = 10 * 60_000;

/** Moves what is older than `olderThanMs` before the newest stored event; null when nothing is stored. */
export async function applyRetention(storage: Storage, olderThanMs: number): Promise<RetentionResult | null> {
  const newest = await newestEventTime(storage);
  return newest === null ? null : moveToCold(storage, newest - olderThanMs);
}

/** Starts checking on a timer (first check after one interval, at most 5 s after start). */
export function startRetention(storage: Storage, policy: RetentionPolicy, log: Logger): RetentionSchedule {
  const p = { olderThanMs: policy.olderThanMs, everyMs: policy.everyMs ?? RETENTION_CHECK_MS };
  let chain: Promise<unknown> = Promise.resolve();
  let last: RetentionResult | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const runNow = (): Promise<RetentionResult | null> => {
    const run = chain.then(async () => {
      const r = await applyRetention(storage, p.olderThanMs);
      if (r?.batch) {
        last = r;
        log('info', 'retention moved telemetry to the cold tier', { cutoff: new Date(r.cutoff).toISOString(), moved: r.moved, days: r.days.length });
      }
      return r;
    });
    chain = run.catch(() => undefined);
    return run;
  };
  const tick = (delay: number) => {
    if (closed) return;
    timer = setTimeout(() => {
      runNow()
        .catch((err: unknown) => log('warn', 'retention run failed; retrying at the next check', { error: String(err) }))
        .finally(() => tick(p.everyMs));
    }, delay);
    timer.unref();
  };
  tick(Math.min(p.everyMs, 5000));
  return {
    policy: p,
    lastMoved: () => last,
    runNow,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
