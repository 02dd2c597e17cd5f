/**
 * Failure probability per entity from leading indicators, on the demo estate (core/demo simulator,
 * fault ground truth): learn on one seed's run, evaluate on another seed's.
 *
 * A run: a warm-up hour, a quiet stretch, then every fault kind of the demo (fast), then the slow
 * capacity faults (disk filling over 1–3 h, leaks over 1–4 h, connections creeping over 40–90 min).
 * A fault's failure time is when its root entity's capacity series reached its exhaustion threshold
 * (capacity kinds), else its root's first alert. Every series goes through the real OTLP parser into
 * the FailureRiskTracker the engine runs.
 *
 * Evaluating uses the engine's CapacityForecastBank configured with the learned model: an entity's
 * probability combines its capacity signals' time-to-limit and its indicators, as /api/forecasts returns.
 *
 * Learning: per fault kind and signal, the share of failures the signal moved before (within the
 * horizon, on the root entity) against the share of quiet entity-hours it moved in; kept when it moved
 * before most failures and raises the odds at least 3×. Evaluating: every 5 min, each entity's highest
 * failure probability; positives are root entities in the horizon before their failure, negatives
 * entities no fault touches around then. Prints AUC, precision and recall at p ≥ 0.5, per-kind share
 * of failures flagged before they happened with median lead, and flags per day per 1,000 quiet entities.
 * Usage: npm run eval:forecast:risk [-- --train-seed 3 --test-seed 4 --write]
 *   --write regenerates core/analytics/forecast/failure-model.ts (the model the demo engine ships).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DemoFault, FaultKind } from '../../../core/common/schemas.ts';
import { FAULT_KINDS } from '../../../core/common/schemas.ts';
import { CapacityForecastBank } from '../../../core/analytics/forecast/capacity-bank.ts';
import { forecastConfigFor } from '../../../core/analytics/forecast/engine-config.ts';
import { formatDuration } from '../../../core/analytics/forecast/duration.ts';
import { buildFailureModel, FailureRiskTracker, type FailureModel, type IndicatorCounts } from '../../../core/analytics/forecast/failure-risk.ts';
import { quantile } from '../../../core/analytics/forecast/seasonal.ts';
import { DemoSimulator, SLOW_FAULT_KINDS } from '../../../core/demo/simulator.ts';
import { parseOtlpMetricsJson } from '../../../core/ingest/otlp-metrics.ts';

const { values: args } = parseArgs({
  options: {
    'train-seed': { type: 'string', default: '3' },
    'test-seed': { type: 'string', default: '4' },
    faults: { type: 'string', default: '4' },
    slow: { type: 'string', default: '4' },
    'quiet-hours': { type: 'string', default: '12' },
    start: { type: 'string', default: '2026-11-16T06:00:00Z' },
    write: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const HOUR = 3_600_000;
const MIN = 60_000;
const HORIZON = HOUR;
const K = 4;
const SUSTAIN = 3;
const AFTERMATH = 30 * MIN;
const SAMPLE = 5 * MIN;
const START = Date.parse(args.start!);
const WARMUP = HOUR;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface RunFault extends DemoFault {
  slow: boolean;
  failedAt: number | null;
}

/**
 * One simulated run through a CapacityForecastBank (with `model`, the engine's configuration); every
 * point also goes to `tracker` when given; `onSample` is called every 5 min of event time.
 */
function run(
  seed: number,
  model: FailureModel | null,
  tracker: FailureRiskTracker | null,
  onSample: (t: number, faults: RunFault[], entities: Map<string, Set<string>>, bank: CapacityForecastBank) => void,
): { faults: RunFault[]; end: number; entities: Map<string, Set<string>> } {
  const sim = new DemoSimulator({ seed });
  const nFast = Number(args.faults);
  const nSlow = Number(args.slow);
  const quiet = Number(args['quiet-hours']) * HOUR;
  const t0 = START + WARMUP + quiet;
  const faults: RunFault[] = [];
  for (let i = 0; i < nFast * FAULT_KINDS.length; i++) faults.push({ ...sim.injectFault(t0 + i * 40 * MIN, { kind: FAULT_KINDS[i % FAULT_KINDS.length] }), slow: false, failedAt: null });
  const slowStart = t0 + nFast * FAULT_KINDS.length * 40 * MIN;
  for (let i = 0; i < nSlow * SLOW_FAULT_KINDS.length; i++) {
    faults.push({ ...sim.injectFault(slowStart + i * 30 * MIN, { kind: SLOW_FAULT_KINDS[i % SLOW_FAULT_KINDS.length], pace: 'slow' }), slow: true, failedAt: null });
  }
  const end = Math.max(...faults.map((f) => f.end + AFTERMATH));
  const bank = new CapacityForecastBank({ ...forecastConfigFor({ demo: true }), failureModel: model });
  const thresholds = new Map<string, number>();
  /** Metric names seen per entity. */
  const entities = new Map<string, Set<string>>();
  const wall = performance.now();
  let nextSample = START + WARMUP;
  let lastPct = -1;
  for (let t = START; t < end; t += 15_000) {
    const batch = sim.generate(t, t + 15_000);
    for (const ev of batch.events) {
      if (ev.status !== 'firing' || ev.fingerprint.startsWith('noise|')) continue;
      const entity = ev.attributes['watchfloor.entity.id'];
      for (const f of faults) {
        if (SLOW_FAULT_KINDS.includes(f.kind) || f.rootEntity !== entity || ev.time < f.start || ev.time > f.end) continue;
        if (f.failedAt === null || ev.time < f.failedAt) f.failedAt = ev.time;
      }
    }
    for (const req of batch.otlpMetrics) {
      const { metrics } = parseOtlpMetricsJson(JSON.parse(JSON.stringify(req)), t);
      bank.observe(metrics, t);
      if (thresholds.size < bank.tracked) for (const fc of bank.forecasts().forecasts) thresholds.set(fc.seriesKey, fc.limit);
      for (let i = 0; i < metrics.ts.length; i++) {
        const sk = metrics.seriesKeys[metrics.series[i]];
        let names = entities.get(sk.entity);
        if (!names) entities.set(sk.entity, (names = new Set()));
        names.add(sk.name);
        tracker?.update(sk.key, sk.entity, sk.name, metrics.ts[i], metrics.values[i]);
        const lim = thresholds.get(sk.key);
        if (lim === undefined || metrics.values[i] < lim) continue;
        for (const f of faults) {
          if (!SLOW_FAULT_KINDS.includes(f.kind) || f.rootEntity !== sk.entity || metrics.ts[i] < f.start || metrics.ts[i] > f.end) continue;
          if (f.failedAt === null || metrics.ts[i] < f.failedAt) f.failedAt = metrics.ts[i];
        }
      }
    }
    if (t + 15_000 >= nextSample) {
      onSample(nextSample, faults, entities, bank);
      nextSample += SAMPLE;
    }
    const pct = Math.floor((100 * (t - START)) / (end - START));
    if (pct % 10 === 0 && pct !== lastPct) {
      lastPct = pct;
      process.stderr.write(`  seed ${seed}: simulated ${pct}%  ${((performance.now() - wall) / 1000).toFixed(1)} s\n`);
    }
  }
  return { faults, end, entities };
}

/** An entity no fault touches within [t - AFTERMATH, t + HORIZON + AFTERMATH]. */
function quiet(entity: string, t: number, faults: RunFault[]): boolean {
  return !faults.some((f) => (f.rootEntity === entity || f.affected.includes(entity)) && f.start <= t + HORIZON + AFTERMATH && f.end + AFTERMATH >= t - AFTERMATH);
}

// ---- Learn on the training seed.
const trainSeed = Number(args['train-seed']);
const learner = new FailureRiskTracker(null, undefined, K, SUSTAIN);
/** Per fault id: metric|direction → earliest `since` seen while in the horizon before the failure. */
const movedBefore = new Map<string, Map<string, number>>();
/** metric|direction → quiet entity-hours it moved in; metric → quiet entity-hours. */
const quietMoved = new Map<string, number>();
const quietHours = new Map<string, number>();
/** Per entity: the current quiet hour bucket and the moved signals in it. */
const bucket = new Map<string, { start: number; moved: Set<string>; quiet: boolean }>();
const train = run(trainSeed, null, learner, (t, faults, entities) => {
  const moved = learner.moved();
  const byEntity = new Map<string, typeof moved>();
  for (const m of moved) byEntity.set(m.entity, [...(byEntity.get(m.entity) ?? []), m]);
  for (const f of faults) {
    // The failure time is known only once it happened; collect while inside a plausible horizon.
    if (t < f.start - AFTERMATH || t > f.end) continue;
    let acc = movedBefore.get(f.id);
    if (!acc) movedBefore.set(f.id, (acc = new Map()));
    for (const m of byEntity.get(f.rootEntity) ?? []) {
      const key = `${m.metric}|${m.direction}|${t}`;
      acc.set(key, m.since);
    }
  }
  for (const [entity, names] of entities) {
    let b = bucket.get(entity);
    if (!b || t >= b.start + HORIZON) {
      if (b?.quiet) {
        for (const name of names) quietHours.set(name, (quietHours.get(name) ?? 0) + 1);
        for (const k of b.moved) quietMoved.set(k, (quietMoved.get(k) ?? 0) + 1);
      }
      b = { start: t, moved: new Set(), quiet: true };
      bucket.set(entity, b);
    }
    if (!quiet(entity, t, faults)) b.quiet = false;
    for (const m of byEntity.get(entity) ?? []) b.moved.add(`${m.metric}|${m.direction}`);
  }
});
const counts = new Map<string, IndicatorCounts>();
const failuresOf = new Map<string, number>();
for (const f of train.faults) {
  if (args.verbose) process.stdout.write(`  fault ${f.id} ${f.kind}${f.slow ? ' (slow)' : ''} ${f.rootEntity}: failed ${f.failedAt === null ? 'never' : `${formatDuration(f.failedAt - f.start)} after the start`}, ${movedBefore.get(f.id)?.size ?? 0} moved samples ${[...(movedBefore.get(f.id)?.entries() ?? [])].slice(0, 4).map(([k, v]) => `${k.split("|")[0]}@${formatDuration(Number(k.split("|")[2]) - f.start)} since ${formatDuration(v - f.start)}`).join(", ")}\n`);
  if (f.failedAt === null) continue;
  failuresOf.set(f.kind, (failuresOf.get(f.kind) ?? 0) + 1);
  const names = train.entities.get(f.rootEntity) ?? new Set<string>();
  // What moved on the root within the horizon before the failure (samples strictly before it).
  const movedHere = new Map<string, number>();
  for (const [key, since] of movedBefore.get(f.id) ?? []) {
    const [metric, dir, at] = key.split('|');
    const t = Number(at);
    if (t >= f.failedAt || t < f.failedAt - HORIZON) continue;
    const k = `${metric}|${dir}`;
    movedHere.set(k, Math.min(movedHere.get(k) ?? Infinity, since));
  }
  for (const name of names) {
    for (const dir of [1, -1] as const) {
      const k = `${f.kind}|${name}|${dir}`;
      let c = counts.get(k);
      if (!c) counts.set(k, (c = { kind: f.kind, metric: name, direction: dir, failures: 0, movedBefore: 0, leads: [], quietWindows: quietHours.get(name) ?? 0, quietMoved: quietMoved.get(`${name}|${dir}`) ?? 0 }));
      c.failures++;
      const since = movedHere.get(`${name}|${dir}`);
      if (since !== undefined) {
        c.movedBefore++;
        c.leads.push(f.failedAt - since);
      }
    }
  }
}
// Prior: failures of a kind per entity-hour of the kinds' root entity type (host, service, database...).
const priors: Record<string, number> = {};
const hours = (train.end - START - WARMUP) / HOUR;
for (const kind of FAULT_KINDS) {
  const types = new Set(train.faults.filter((f) => f.kind === kind).map((f) => f.rootEntity.split(':')[0]));
  const eligible = [...train.entities.keys()].filter((e) => types.has(e.split(':')[0])).length;
  const n = failuresOf.get(kind) ?? 0;
  if (n && eligible) priors[kind] = Math.min(0.5, (n / (eligible * hours)) * (HORIZON / HOUR));
}
const model: FailureModel = buildFailureModel([...counts.values()], priors, {
  horizonMs: HORIZON,
  k: K,
  sustain: SUSTAIN,
  learnedFrom: `demo estate seed ${trainSeed}: ${train.faults.filter((f) => f.failedAt !== null).length} failures over ${hours.toFixed(0)} h`,
});

console.log(`# Watchfloor failure-probability evaluation — demo estate (core/demo simulator); learned on seed ${trainSeed}, evaluated on seed ${args['test-seed']}; horizon ${formatDuration(HORIZON)}`);
console.log(`learned: ${model.learnedFrom}`);
console.log('kind              signal                                   dir  moved before  quiet hours moved  odds ×  median lead   prior/h');
for (const ind of model.indicators) {
  const c = counts.get(`${ind.kind}|${ind.metric}|${ind.direction}`)!;
  console.log(
    `${ind.kind.padEnd(17)} ${ind.metric.padEnd(40)} ${ind.direction > 0 ? ' +' : ' −'}   ${`${c.movedBefore}/${c.failures}`.padStart(11)}  ${`${c.quietMoved}/${c.quietWindows}`.padStart(17)}  ${(ind.hitShare / ind.falseShare).toFixed(0).padStart(6)}  ${formatDuration(ind.medianLeadMs).padStart(11)}   ${(model.prior[ind.kind] ?? 0).toExponential(1)}`,
  );
}

if (args.verbose) {
  for (const c of counts.values()) {
    if (c.movedBefore) console.log(`  candidate ${c.kind} ${c.metric} ${c.direction > 0 ? '+' : '−'}: moved before ${c.movedBefore}/${c.failures}, quiet ${c.quietMoved}/${c.quietWindows}`);
  }
}

if (args.write) {
  const file = path.join(repoRoot, 'core', 'analytics', 'forecast', 'failure-model.ts');
  writeFileSync(
    file,
    `/**\n * The failure model the demo engine ships: leading indicators learned by \`npm run eval:forecast:risk -- --write\`\n * (test/eval/forecast/failure-risk.eval.ts) from ${model.learnedFrom}. Generated; do not edit by hand.\n */\nimport type { FailureModel } from './failure-risk.ts';\n\n/** Learned on the demo estate's labelled faults. */\nexport const DEMO_FAILURE_MODEL: FailureModel = ${JSON.stringify(model, null, 2)};\n`,
  );
  process.stderr.write(`  wrote ${path.relative(repoRoot, file)}\n`);
}

// ---- Evaluate on the test seed.
const testSeed = Number(args['test-seed']);
const pos: number[] = [];
const neg: number[] = [];
/** Per entity: flagged (p ≥ 0.5) at the previous sample, to count flag episodes on quiet entities. */
const flaggedBefore = new Set<string>();
let quietFlags = 0;
let quietEntitySamples = 0;
const firstFlag = new Map<string, number>();
/** Samples of root entities around their fault, labelled once the failure time is known. */
const pending: { fault: RunFault; t: number; p: number }[] = [];
const test = run(testSeed, model, null, (t, faults, entities, bank) => {
  // The engine's answer: each entity's failure probability (capacity signals and indicators).
  const best = new Map<string, number>();
  for (const r of bank.forecasts().entities) best.set(r.entity, r.probability);
  for (const entity of entities.keys()) {
    const p = best.get(entity) ?? 0;
    const flagged = p >= 0.5;
    for (const f of faults) {
      if (f.rootEntity === entity && flagged && t >= f.start - AFTERMATH && t <= f.end && !firstFlag.has(f.id)) firstFlag.set(f.id, t);
    }
    // Positives: a root entity within the horizon before its failure (known only once it happened,
    // so collected now and labelled at the end).
    const f = faults.find((x) => x.rootEntity === entity && t >= x.start - AFTERMATH && t <= x.end);
    if (f) pending.push({ fault: f, t, p });
    else if (quiet(entity, t, faults)) {
      neg.push(p);
      quietEntitySamples++;
      if (flagged && !flaggedBefore.has(entity)) quietFlags++;
    }
    if (flagged) flaggedBefore.add(entity);
    else flaggedBefore.delete(entity);
  }
});
/** Positive samples by fault kind and pace: the AUC of the faults a leading signal can foretell, beside the overall one. */
const posBy = new Map<string, number[]>();
for (const s of pending) {
  if (s.fault.failedAt === null || s.t >= s.fault.failedAt || s.t < s.fault.failedAt - HORIZON) continue;
  pos.push(s.p);
  const k = `${s.fault.kind}|${s.fault.slow ? 'slow' : 'fast'}`;
  posBy.set(k, [...(posBy.get(k) ?? []), s.p]);
}

/** Area under the ROC curve (Mann–Whitney, ties counted half). */
function auc(p: number[], n: number[]): number {
  const all = [...p.map((v) => [v, 1] as const), ...n.map((v) => [v, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += rank;
    i = j;
  }
  return (rankSum - (p.length * (p.length + 1)) / 2) / (p.length * n.length);
}
const tp = pos.filter((p) => p >= 0.5).length;
const fp = neg.filter((p) => p >= 0.5).length;
console.log('');
console.log(`evaluated: ${test.faults.filter((f) => f.failedAt !== null).length} failures; ${pos.length} positive samples (root entity, within ${formatDuration(HORIZON)} before its failure), ${neg.length.toLocaleString('en')} quiet entity samples, every ${formatDuration(SAMPLE)}`);
console.log(`AUC ${auc(pos, neg).toFixed(3)} (all faults); at p ≥ 0.5: precision ${(tp / Math.max(1, tp + fp)).toFixed(3)}, recall ${(tp / Math.max(1, pos.length)).toFixed(3)}`);
// Fast faults, bad deploys and partitions give no warning in their signals (the limit is hit within
// minutes of the start, or nothing creeps): the slow capacity faults are the ones a leading signal can
// foretell, so their AUC against the same quiet samples is stated beside the overall one.
const slowPos = SLOW_FAULT_KINDS.flatMap((k) => posBy.get(`${k}|slow`) ?? []);
const slowTp = slowPos.filter((p) => p >= 0.5).length;
console.log(
  `AUC ${auc(slowPos, neg).toFixed(3)} (slow capacity faults, which have a leading signal: ${slowPos.length} samples; recall at p ≥ 0.5 ${(slowTp / Math.max(1, slowPos.length)).toFixed(3)}); per kind: ${SLOW_FAULT_KINDS.map((k) => `${k} ${(posBy.get(`${k}|slow`)?.length ? auc(posBy.get(`${k}|slow`)!, neg).toFixed(3) : '—')}`).join(', ')}`,
);
const otherPos = [...posBy].filter(([k]) => !k.endsWith('|slow')).flatMap(([, v]) => v);
console.log(`AUC ${auc(otherPos, neg).toFixed(3)} (fast faults, bad deploys and partitions: ${otherPos.length} samples)`);
const quietDays = (quietEntitySamples * SAMPLE) / 86_400_000;
console.log(`flags (p ≥ 0.5) on quiet entities: ${quietFlags} episodes over ${quietDays.toFixed(0)} entity-days = ${((quietFlags / quietDays) * 1000).toFixed(1)} per day per 1,000 entities`);
console.log('kind              pace  failures  flagged before  median lead');
for (const slow of [false, true]) {
  for (const kind of FAULT_KINDS) {
    const fs = test.faults.filter((f) => f.kind === kind && f.slow === slow && f.failedAt !== null);
    if (!fs.length) continue;
    const leads = fs.flatMap((f) => {
      const at = firstFlag.get(f.id);
      return at !== undefined && at < f.failedAt! ? [f.failedAt! - at] : [];
    });
    console.log(`${kind.padEnd(17)} ${slow ? 'slow' : 'fast'}  ${String(fs.length).padStart(8)}  ${`${leads.length}/${fs.length}`.padStart(14)}  ${(leads.length ? formatDuration(quantile(leads, 0.5)) : '—').padStart(11)}`);
  }
}
