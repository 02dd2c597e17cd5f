/**
 * Early warning on the demo estate's capacity faults (disk-fill, memory-leak, pool-exhaustion; ground
 * truth recorded by core/demo's simulator): the simulator's OTLP requests go through the real OTLP
 * parser into the engine's CapacityForecastBank, in event-time order, as the engine feeds it.
 *
 * The run: a warm-up hour, a long quiet stretch (false warnings on a healthy estate), then fast faults
 * one after another (the limit is hit 1–8 min after the start: a warning cannot come 30 min ahead) and
 * slow ones (a disk filling over 1–3 h, a leak over 1–4 h, connections creeping over 40–90 min),
 * overlapping on different entities.
 *
 * Prints per fault kind and pace: warned before the limit was hit, median lead time (first warning →
 * first point at the exhaustion threshold), median error of the predicted crossing time at that first
 * warning, and the false early warnings per day per 1,000 capacity series (warnings on entities and
 * times no fault touches) with a one-sided 95% Poisson upper bound.
 * Usage: npm run eval:forecast:demo [-- --faults 6 --slow 6 --seed 3 --quiet-hours 200]
 */
import { parseArgs } from 'node:util';
import type { DemoFault, FaultKind } from '../../../core/common/schemas.ts';
import type { AlertRecord, MetricBatch } from '../../../core/common/records.ts';
import { CapacityForecastBank } from '../../../core/analytics/forecast/capacity-bank.ts';
import { forecastConfigFor } from '../../../core/analytics/forecast/engine-config.ts';
import { formatDuration } from '../../../core/analytics/forecast/duration.ts';
import { quantile } from '../../../core/analytics/forecast/seasonal.ts';
import { learnLeadingIndicators, type LabelledFailure, type SignalTrace } from '../../../core/analytics/forecast/leading.ts';
import { DemoSimulator, type OtlpKeyValue, type OtlpMetricsRequest } from '../../../core/demo/simulator.ts';
import { parseOtlpMetricsJson } from '../../../core/ingest/otlp-metrics.ts';

const { values: args } = parseArgs({
  options: {
    faults: { type: 'string', default: '6' },
    slow: { type: 'string', default: '6' },
    seed: { type: 'string', default: '3' },
    every: { type: 'string', default: '40' },
    'slow-every': { type: 'string', default: '30' },
    'quiet-hours': { type: 'string', default: '200' },
    start: { type: 'string', default: '2026-11-16T06:00:00Z' },
    verbose: { type: 'boolean', default: false },
  },
});
const KINDS: FaultKind[] = ['disk-fill', 'memory-leak', 'pool-exhaustion'];
const N = Number(args.faults);
const NS = Number(args.slow);
const EVERY = Number(args.every) * 60_000;
const SLOW_EVERY = Number(args['slow-every']) * 60_000;
const QUIET = Number(args['quiet-hours']) * 3_600_000;
const START = Date.parse(args.start!);
const WARMUP = 60 * 60_000;
/** Signals of a fault may show up to this long after its end (recovery). */
const AFTERMATH = 30 * 60_000;
for (const [name, v] of Object.entries({ faults: N, slow: NS, every: EVERY, 'slow-every': SLOW_EVERY, 'quiet-hours': QUIET, start: START })) {
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name}: must be a non-negative number`);
    process.exit(2);
  }
}

const sim = new DemoSimulator({ seed: Number(args.seed) });
// A quiet stretch first (false warnings on a healthy estate), then the faults, one kind after another.
const faultStart = START + WARMUP + QUIET;
const fast: DemoFault[] = Array.from({ length: N * KINDS.length }, (_, i) => sim.injectFault(faultStart + i * EVERY, { kind: KINDS[i % KINDS.length] }));
const slowStart = faultStart + fast.length * EVERY;
const slow: DemoFault[] = Array.from({ length: NS * KINDS.length }, (_, i) =>
  sim.injectFault(slowStart + i * SLOW_EVERY, { kind: KINDS[i % KINDS.length], pace: 'slow' }),
);
const faults = [...fast, ...slow];
const slowIds = new Set(slow.map((f) => f.id));
const end = Math.max(slowStart, ...faults.map((f) => f.end + AFTERMATH));
const bank = new CapacityForecastBank(forecastConfigFor({ demo: true }));
const warnings: AlertRecord[] = [];
/** First time each fault's root entity had a capacity series at or above its exhaustion threshold. */
const hit = new Map<string, number>();
/** Every series of each fault's root entity, from 70 min before the fault to its end: for the leading-indicator learner. */
const traces = new Map<string, Map<string, SignalTrace>>();
const faultsByRoot = new Map<string, DemoFault[]>();
for (const f of faults) faultsByRoot.set(f.rootEntity, [...(faultsByRoot.get(f.rootEntity) ?? []), f]);
/** Exhaustion threshold of every forecast series, by series key. */
const thresholds = new Map<string, number>();
/** Marks the first point of a fault's root entity at or above its threshold while the fault runs. */
function recordHits(m: MetricBatch): void {
  if (thresholds.size < bank.tracked) for (const fc of bank.forecasts().forecasts) thresholds.set(fc.seriesKey, fc.limit);
  for (let i = 0; i < m.ts.length; i++) {
    const sk = m.seriesKeys[m.series[i]];
    for (const f of faultsByRoot.get(sk.entity) ?? []) {
      if (m.ts[i] < f.start - 70 * 60_000 || m.ts[i] > f.end) continue;
      let byKey = traces.get(f.id);
      if (!byKey) traces.set(f.id, (byKey = new Map()));
      let tr = byKey.get(sk.key);
      if (!tr) byKey.set(sk.key, (tr = { metric: sk.name, ts: [], values: [] }));
      tr.ts.push(m.ts[i]);
      tr.values.push(m.values[i]);
    }
    const lim = thresholds.get(sk.key);
    if (lim === undefined || m.values[i] < lim) continue;
    for (const f of faults) {
      if (f.rootEntity !== sk.entity || m.ts[i] < f.start || m.ts[i] > f.end) continue;
      const prev = hit.get(f.id);
      if (prev === undefined || m.ts[i] < prev) hit.set(f.id, m.ts[i]);
    }
  }
}
/** Names of the metrics that matter to the bank (capacity series and their capacities), known after warm-up. */
let capacityNames: Set<string> | null = null;
const roots = new Set(faults.map((f) => f.rootEntity));
/**
 * Drops, before parsing, the metrics the bank ignores (they are most of the estate and most of the
 * parse time), except on fault roots, whose every signal the leading-indicator learner reads. The
 * bank sees exactly the points it would see otherwise.
 */
function keepForBank(req: OtlpMetricsRequest): OtlpMetricsRequest {
  const names = capacityNames;
  if (!names) return req;
  return {
    resourceMetrics: req.resourceMetrics
      .map((rm) =>
        roots.has(entityOf(rm.resource.attributes))
          ? rm
          : { ...rm, scopeMetrics: rm.scopeMetrics.map((sm) => ({ ...sm, metrics: sm.metrics.filter((m) => names.has(m.name)) })).filter((sm) => sm.metrics.length) },
      )
      .filter((rm) => rm.scopeMetrics.length),
  };
}
/** The entity the engine maps a resource to: watchfloor.entity.id, else service.name, else host.name. */
function entityOf(attrs: OtlpKeyValue[]): string {
  const get = (k: string): string | undefined => {
    const a = attrs.find((x) => x.key === k);
    return a && 'stringValue' in a.value ? a.value.stringValue : undefined;
  };
  return get('watchfloor.entity.id') ?? (get('service.name') ? `service:${get('service.name')}` : `host:${get('host.name')}`);
}
/** The demo's metric interval: the bank is fed each scrape as the live engine is. */
const CHUNK = 15_000;
const t0 = performance.now();
let lastPct = -1;
const seenNames = new Set<string>();
for (let t = START; t < end; t += CHUNK) {
  const batch = sim.generate(t, Math.min(end, t + CHUNK));
  if (!capacityNames && t >= START + WARMUP) {
    capacityNames = new Set(bank.forecasts().forecasts.map((f) => f.metric));
    for (const m of seenNames) if (/\.(max|limit)$|_limit$|\.capacity$/.test(m)) capacityNames.add(m);
  }
  for (const raw of batch.otlpMetrics) {
    const req = keepForBank(raw);
    if (!req.resourceMetrics.length) continue;
    const { metrics } = parseOtlpMetricsJson(JSON.parse(JSON.stringify(req)), t);
    if (!capacityNames) for (const sk of metrics.seriesKeys) seenNames.add(sk.name);
    warnings.push(...bank.observe(metrics, t));
    recordHits(metrics);
  }
  const pct = Math.floor((100 * (t - START)) / (end - START));
  if (pct % 10 === 0 && pct !== lastPct) {
    lastPct = pct;
    process.stderr.write(`  simulated ${pct}%  ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}
const seconds = (performance.now() - t0) / 1000;

const firings = warnings.filter((w) => w.status === 'firing');
/** Warnings whose entity and time a fault explains (root or affected, from start to end + aftermath). */
const explained = (w: AlertRecord): boolean =>
  faults.some((f) => (f.rootEntity === w.entity || f.affected.includes(w.entity)) && w.time >= f.start && w.time <= f.end + AFTERMATH);
// A warning episode starts with its first firing event after a resolve (or ever).
const episodes: AlertRecord[] = [];
const open = new Set<string>();
for (const w of warnings) {
  if (w.status === 'resolved') open.delete(w.fingerprint);
  else if (!open.has(w.fingerprint)) {
    open.add(w.fingerprint);
    episodes.push(w);
  }
}
const falseEpisodes = episodes.filter((w) => !explained(w));
const days = (end - START) / 86_400_000;
const series = bank.tracked;

const seriesDays = days * series;
const upper = poissonUpper95(falseEpisodes.length);
console.log(
  `# Watchfloor early-warning evaluation — demo estate (core/demo simulator), seed ${args.seed}: ${fast.length} fast + ${slow.length} slow capacity faults, ${(QUIET / 3_600_000).toFixed(0)} h quiet + ${((end - faultStart) / 3_600_000).toFixed(1)} h with faults, ${series} capacity series, ${bank.points.toLocaleString('en')} points forecast in ${seconds.toFixed(1)} s`,
);
console.log('kind              pace  faults  hit limit  warned before  median lead   median |crossing error| at first warning, 30 min before  median ramp (start → limit)');
for (const pace of ['fast', 'slow'] as const) {
  for (const kind of KINDS) {
    const fs = faults.filter((f) => f.kind === kind && slowIds.has(f.id) === (pace === 'slow'));
    if (!fs.length) continue;
    const leads: number[] = [];
    const errs: number[] = [];
    /** Error of the estimate announced (latest firing event) 30 min before the limit was hit. */
    const errs30: number[] = [];
    const ramps: number[] = [];
    let hits = 0;
    for (const f of fs) {
      const h = hit.get(f.id);
      if (h === undefined) continue;
      hits++;
      ramps.push(h - f.start);
      const first = firings.find((w) => w.entity === f.rootEntity && w.time >= f.start - AFTERMATH && w.time < h);
      if (args.verbose) {
        process.stdout.write(`  ${f.id} ${pace} ${kind} ${f.rootEntity}: ramp ${formatDuration(h - f.start)}, first warning ${first ? `${formatDuration(h - first.time)} before: ${first.title}` : 'none'}\n`);
      }
      if (!first) continue;
      leads.push(h - first.time);
      const predicted = Number(first.attributes['forecast.crossing_time']);
      if (Number.isFinite(predicted)) errs.push(Math.abs(predicted - h));
      const standing = firings.filter((w) => w.entity === f.rootEntity && w.time >= f.start - AFTERMATH && w.time <= h - 30 * 60_000).at(-1);
      const p30 = standing ? Number(standing.attributes['forecast.crossing_time']) : NaN;
      if (Number.isFinite(p30)) errs30.push(Math.abs(p30 - h));
    }
    const med = (xs: number[]): string => (xs.length ? formatDuration(quantile(xs, 0.5)) : '—');
    console.log(
      `${kind.padEnd(17)} ${pace.padEnd(4)}  ${String(fs.length).padStart(6)}  ${String(hits).padStart(9)}  ${`${leads.length}/${hits}`.padStart(13)}  ${med(leads).padStart(11)}   ${med(errs).padStart(24)} ${med(errs30).padStart(17)}  ${med(ramps).padStart(28)}`,
    );
  }
}
console.log(
  `false early warnings: ${falseEpisodes.length} episodes over ${days.toFixed(2)} days × ${series} capacity series = ${seriesDays.toFixed(0)} series-days: ${((falseEpisodes.length / seriesDays) * 1000).toFixed(2)} per day per 1,000 series (95% upper bound ${((upper / seriesDays) * 1000).toFixed(2)})`,
);
if (args.verbose) for (const w of falseEpisodes) console.log(`  false: ${new Date(w.time).toISOString()} ${w.entity} ${w.title}`);

// Leading indicators: which signals of the root entity moved before the limit was hit, learned from
// the labelled faults above (the learner sees the ground truth; the engine's warnings above did not).
const labelled: LabelledFailure[] = faults
  .filter((f) => hit.has(f.id))
  .map((f) => ({ kind: f.kind, start: f.start, failedAt: hit.get(f.id)!, traces: [...(traces.get(f.id)?.values() ?? [])] }));
console.log('');
console.log('leading indicators (signals of the failing entity that moved ≥ 4 baseline σ, for ≥ 3 points, before the limit was hit):');
console.log('kind              signal                                        moved before   median lead   median shift');
for (const li of learnLeadingIndicators(labelled)) {
  console.log(`${li.kind.padEnd(17)} ${li.metric.padEnd(45)} ${`${Math.round(li.share * li.failures)}/${li.failures}`.padStart(12)}   ${(li.medianLeadMs === null ? '—' : formatDuration(li.medianLeadMs)).padStart(11)}   ${`${li.medianZ >= 0 ? '+' : ''}${li.medianZ.toFixed(1)} σ`.padStart(12)}`);
}

/** One-sided 95% upper confidence bound of a Poisson mean after observing k events (exact, by bisection). */
function poissonUpper95(k: number): number {
  const cdf = (lambda: number): number => {
    let term = Math.exp(-lambda);
    let sum = term;
    for (let i = 1; i <= k; i++) {
      term *= lambda / i;
      sum += term;
    }
    return sum;
  };
  let lo = 0;
  let hi = k + 10 * Math.sqrt(k + 1) + 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}
