/**
 * `npm run eval:rca` — correlation and root-cause analysis measured on labelled faults.
 *
 * 1. PetShop (../shared/datasets/petshop, or $WATCHFLOOR_SHARED/datasets/petshop): AC@1, AC@3, Avg@5
 *    per scenario for the random and "rank by anomaly size" baselines, BARO and Watchfloor's RCA v2.
 * 2. The demo estate's own scenarios (ground truth from the simulator): ≥ 200 faults across all kinds
 *    with background noise alerts, duplicates (a firing alert is re-sent every evaluation) and
 *    flapping, replayed through a real engine's ingest endpoints at full speed. Prints noise reduction
 *    (1 − incidents/alerts), pairwise grouping precision/recall/F1, AC@1/AC@3 and detection delay
 *    (incident opened − fault start, event time; median and p90).
 *
 * Usage: npm run eval:rca [-- --faults 200 --seed 3 --every 12 --only petshop|demo --verbose]
 * Developer loop: `--dump FILE` saves the anomalies the engine found; `--replay FILE` then feeds the same
 * alerts, changes, topology and those anomalies straight into the correlator in-process (seconds
 * instead of a full replay; the figures to quote are the engine's).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Anomaly, DemoFault, IncidentDetail, Stats } from '../../../core/common/schemas.ts';
import { FAULT_KINDS } from '../../../core/common/schemas.ts';
import { resolveConfig } from '../../../core/analytics/config.ts';
import { Correlator } from '../../../core/analytics/correlator.ts';
import { estateTopology } from '../../../core/demo/estate.ts';
import { DemoSimulator } from '../../../core/demo/simulator.ts';
import { parseChanges, parseEvents, parseTopology } from '../../../core/ingest/events.ts';
import { runDemoRange } from '../../fixtures/demo-feed.ts';
import { matchFaults, summarise } from '../../fixtures/demo-scoring.ts';
import { type EngineProcess, startEngineProcess } from '../../fixtures/engine-process.ts';
import { FORECAST_SOURCE } from '../../../core/analytics/forecast/capacity-bank.ts';
import type { AlertRecord } from '../../../core/common/records.ts';
import { scoreGrouping } from './grouping.ts';
import { printPetshop } from './petshop.ts';

const { values } = parseArgs({
  options: {
    faults: { type: 'string', default: '200' },
    seed: { type: 'string', default: '3' },
    every: { type: 'string', default: '12' },
    only: { type: 'string' },
    dump: { type: 'string' },
    replay: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    start: { type: 'string', default: '2026-11-16T06:00:00Z' },
  },
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const shared = process.env.WATCHFLOOR_SHARED ?? path.resolve(repoRoot, '..', 'shared');

if (values.only !== 'demo') {
  const root = path.join(shared, 'datasets', 'petshop');
  if (!existsSync(root)) {
    console.error(`eval:rca: the PetShop dataset is not at ${root}; set WATCHFLOOR_SHARED to the folder holding datasets/`);
    process.exit(1);
  }
  process.stderr.write(`  petshop: reading ${root}\n`);
  printPetshop(root);
  console.log('');
}

if (values.only !== 'petshop') await runDemo();

function seconds(ms: number | null): string {
  return ms === null ? '-' : `${(ms / 1000).toFixed(0)} s`;
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Run {
  sim: DemoSimulator;
  faults: DemoFault[];
  start: number;
  end: number;
}

function setUp(): Run {
  const N = Number(values.faults);
  const EVERY = Number(values.every) * 60_000;
  const START = Date.parse(values.start!);
  const WARMUP = 60 * 60_000;
  const sim = new DemoSimulator({ seed: Number(values.seed) });
  const faults = Array.from({ length: N }, (_, i) => sim.injectFault(START + WARMUP + i * EVERY, { kind: FAULT_KINDS[i % FAULT_KINDS.length] }));
  const end = START + WARMUP + N * EVERY + 10 * 60_000;
  console.log(
    `## Demo estate scenarios — seed ${values.seed}, ${N} faults every ${EVERY / 60_000} min, ${((end - START) / 3_600_000).toFixed(1)} h of event time, metrics every ${sim.stepMs / 1000} s`,
  );
  return { sim, faults, start: START, end };
}

async function runDemo(): Promise<void> {
  if (values.replay) return replayDemo(values.replay);
  const { sim, faults, start: START, end } = setUp();
  const engine = await startEngineProcess();
  try {
    const { sent, seconds: replaySeconds, stats, details } = await runDemoRange(engine, sim, START, end, 5);
    if (values.dump) {
      const anomalies = await engine.json<Anomaly[]>('/api/anomalies?limit=100000000');
      const engineAlerts = await ownAlerts(engine);
      writeFileSync(values.dump, JSON.stringify({ anomalies, engineAlerts }));
      process.stderr.write(`  wrote ${anomalies.length} anomalies and ${engineAlerts.length} of the engine's own alerts to ${values.dump}\n`);
    }
    console.log(`replayed ${stats.ingested.metricPoints.toLocaleString('en')} metric points, ${sent.events} alert events, ${sent.changes} changes in ${replaySeconds.toFixed(0)} s`);
    report({ sim, faults, start: START, end }, details, stats);
  } finally {
    await engine.stop({ removeData: true });
  }
}

/** The alerts the engine raised itself (forecast early warnings), as the correlator received them. */
async function ownAlerts(engine: EngineProcess): Promise<AlertRecord[]> {
  const res = await engine.json<{ columns: { name: string }[]; rows: unknown[][] }>('/api/sql', {
    method: 'POST',
    body: {
      sql: `SELECT id, external_id, epoch_ms(ts) AS time, epoch_ms(received_at) AS received_at, source, service, host, entity, severity, status, title, description, fingerprint, attributes::VARCHAR AS attributes
            FROM alerts WHERE source = '${FORECAST_SOURCE}' ORDER BY ts, id`,
      maxRows: 200_000,
    },
  });
  return res.rows.map((r) => ({
    id: String(r[0]),
    externalId: r[1] === null ? null : String(r[1]),
    time: Number(r[2]),
    receivedAt: Number(r[3]),
    source: String(r[4]),
    service: r[5] === null ? null : String(r[5]),
    host: r[6] === null ? null : String(r[6]),
    entity: String(r[7]) as AlertRecord['entity'],
    severity: r[8] as AlertRecord['severity'],
    status: r[9] as AlertRecord['status'],
    title: String(r[10]),
    description: r[11] === null ? null : String(r[11]),
    fingerprint: String(r[12]),
    attributes: r[13] === null ? {} : (JSON.parse(String(r[13])) as AlertRecord['attributes']),
  }));
}

/** Feeds the run's alerts, changes and topology plus dumped anomalies straight into a Correlator. */
async function replayDemo(file: string): Promise<void> {
  const run = setUp();
  const { sim } = run;
  const dump = JSON.parse(readFileSync(file, 'utf8')) as { anomalies: Anomaly[]; engineAlerts?: AlertRecord[] };
  const anomalies = dump.anomalies.sort((a, b) => a.time - b.time);
  const own = (dump.engineAlerts ?? []).sort((a, b) => a.time - b.time);
  let oi = 0;
  const c = new Correlator(resolveConfig());
  let n = 0;
  const newId = () => `r-${++n}`;
  const latest = new Map<string, IncidentDetail>();
  const take = (events: { incident: IncidentDetail }[]) => {
    for (const e of events) latest.set(e.incident.id, e.incident);
  };
  take(c.ingest({ topology: parseTopology(estateTopology(sim.estate)) }));
  let ai = 0;
  const CHUNK = 30_000;
  for (let t = run.start; t < run.end; t += CHUNK) {
    const to = Math.min(run.end, t + CHUNK);
    const batch = sim.generate(t, to);
    const chunk: Anomaly[] = [];
    while (ai < anomalies.length && anomalies[ai].time <= to) chunk.push(anomalies[ai++]);
    const alerts = parseEvents(batch.events, to, newId);
    while (oi < own.length && own[oi].time <= to) alerts.push(own[oi++]);
    take(c.ingest({ changes: parseChanges(batch.changes, newId), alerts, anomalies: chunk, watermark: to }));
  }
  take(c.flush());
  const k = c.counters();
  const stats = {
    alertsReceived: k.alertsReceived,
    alertsDeduplicated: k.alertsDeduplicated,
    flappingSuppressed: k.flappingSuppressed,
    incidentsOpened: k.incidentsOpened,
    noiseReduction: k.alertsReceived > 0 ? 1 - k.incidentsOpened / k.alertsReceived : 0,
  };
  console.log(`in-process replay of ${anomalies.length} dumped anomalies and ${own.length} engine alerts (developer loop; quote the engine run)`);
  report(run, [...latest.values()].filter((d) => !d.title.startsWith('Merged into')), stats);
}

function report(
  run: Run,
  details: IncidentDetail[],
  stats: Pick<Stats, 'alertsReceived' | 'alertsDeduplicated' | 'flappingSuppressed' | 'incidentsOpened' | 'noiseReduction'>,
): void {
  const { sim, faults, start: START, end } = run;
  const outcomes = matchFaults(faults, details);
  const s = summarise(outcomes);
  const grouping = scoreGrouping(details, sim.alertTruth(START, end));
  const delays = outcomes.map((o) => o.delayMs).filter((d): d is number => d !== null).sort((a, b) => a - b);
  const p90 = quantile(delays, 0.9);
  console.log('');
  console.log('kind                 faults  detected  AC@1   AC@3   median delay');
  for (const kind of FAULT_KINDS) {
    const k = summarise(outcomes.filter((o) => o.fault.kind === kind));
    console.log(
      `${kind.padEnd(20)} ${String(k.faults).padStart(6)}  ${String(k.detected).padStart(8)}  ${k.ac1.toFixed(2)}   ${k.ac3.toFixed(2)}   ${seconds(k.medianDelayMs)}`,
    );
  }
  console.log('');
  console.log(`alerts received ${stats.alertsReceived}, deduplicated ${stats.alertsDeduplicated}, flapping suppressed ${stats.flappingSuppressed}, incidents ${stats.incidentsOpened}`);
  console.log(`noise reduction (1 − incidents/alerts): ${(100 * stats.noiseReduction).toFixed(1)} %`);
  console.log(
    `grouping (pairwise over ${grouping.members} alert members, ${grouping.unexplained} unexplained): precision ${grouping.precision.toFixed(3)}, recall ${grouping.recall.toFixed(3)}, F1 ${grouping.f1.toFixed(3)}`,
  );
  if (values.verbose) console.log(`  wrong pairs: fault–fault ${grouping.wrongPairs.faultFault}, fault–noise ${grouping.wrongPairs.faultNoise}, noise–noise ${grouping.wrongPairs.noiseNoise}`);
  console.log(`root cause: AC@1 ${(100 * s.ac1).toFixed(1)} %, AC@3 ${(100 * s.ac3).toFixed(1)} % over ${s.faults} faults (${s.detected} detected)`);
  console.log(
    `detection delay (incident opened − fault start, event time): median ${seconds(s.medianDelayMs)} (${s.medianDelayMs === null ? '-' : (s.medianDelayMs / sim.stepMs).toFixed(1)} sampling intervals), p90 ${seconds(p90)}`,
  );
  const misses = outcomes.filter((o) => o.rank !== 1);
  if (values.verbose && misses.length) {
    console.log('\nmisses:');
    for (const o of misses) {
      console.log(`  ${o.fault.kind} root=${o.fault.rootEntity} incident=${o.incidentId ?? '-'} top=${o.topCause ?? '-'} rank=${o.rank ?? '-'} delay=${seconds(o.delayMs)}`);
      const inc = details.find((d) => d.id === o.incidentId);
      if (!inc) continue;
      for (const c of inc.rootCauses.slice(0, 3)) console.log(`    cause ${c.entity} ${c.score.toFixed(2)}: ${c.evidence.join(' | ')}`);
      for (const m of inc.members.slice(0, 12)) console.log(`    ${((m.time - o.fault.start) / 1000).toFixed(0).padStart(6)} s  ${m.kind.padEnd(7)} ${m.entity.padEnd(28)} ${m.title}`);
    }
  }
}
