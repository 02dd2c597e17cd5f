/**
 * Alert storm, end to end: 50,000 alert events whose event times span one minute, posted over HTTP to
 * a real engine's `/ingest/events` (requests of 1,000 events, 4 concurrent senders), then `/api/flush`.
 *
 * The storm is what a failing core switch looks like: 2,500 hosts behind it each fire the same four
 * rules (10,000 distinct fingerprints), every alert re-sent at each 12-second evaluation; plus 50
 * unrelated alerts on other hosts. Prints the end-to-end rate (events/s, median of runs), the incident
 * count, and checks nothing was dropped (events stored = events accepted = alerts the correlator saw).
 * Usage: node --import tsx test/bench/alert-storm.bench.ts [--runs 3 --alerts 50000]
 */
import { parseArgs } from 'node:util';
import type { Stats } from '../../core/common/schemas.ts';
import { startEngineProcess } from '../fixtures/engine-process.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, alerts: { type: 'string', default: '50000' } } });
const RUNS = Number(values.runs);
const TOTAL = Number(values.alerts);
const PER_REQUEST = 1000;
const RULES = ['NodeDown', 'HighPacketLoss', 'ScrapeTargetMissing', 'InterfaceDown'];
const HOSTS = Math.max(1, Math.round(TOTAL / (RULES.length * 5)));

/** The storm's events in event-time order; `base` is the minute's start. */
export function stormEvents(base: number, total: number): object[] {
  const out: object[] = [];
  for (let i = 0; out.length < total - 50 && i < total; i++) {
    const round = Math.floor(i / (HOSTS * RULES.length));
    const k = i % (HOSTS * RULES.length);
    const host = `rack-${Math.floor(k / RULES.length) % 50}-node-${Math.floor(k / RULES.length)}`;
    const rule = RULES[k % RULES.length];
    out.push({
      id: `storm-${round}-${k}`,
      time: base + round * 12_000 + (k % 12_000),
      source: 'bench-prometheus',
      host,
      severity: 'critical',
      status: 'firing',
      title: `${rule} on ${host}`,
      attributes: { alertname: rule, switch: 'core-sw-1' },
    });
  }
  for (let j = 0; out.length < total; j++) {
    out.push({ id: `other-${j}`, time: base + j * 1000, source: 'bench-prometheus', host: `app-${j}`, severity: 'warning', status: 'firing', title: `Disk I/O latency elevated on app-${j}` });
  }
  return out.sort((a, b) => (a as { time: number }).time - (b as { time: number }).time);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const rates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const engine = await startEngineProcess();
  try {
    const base = Date.UTC(2026, 0, 1, 12) + run * 3_600_000;
    const events = stormEvents(base, TOTAL);
    const bodies: string[] = [];
    for (let i = 0; i < events.length; i += PER_REQUEST) bodies.push(JSON.stringify(events.slice(i, i + PER_REQUEST)));
    const t0 = performance.now();
    let next = 0;
    let done = 0;
    const sender = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await fetch(`${engine.apiUrl}/ingest/events`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${engine.token}` }, body });
        if (!res.ok) throw new Error(`ingest → ${res.status}: ${(await res.text()).slice(0, 300)}`);
        await res.arrayBuffer();
        if (++done % 10 === 0) process.stderr.write(`  run ${run + 1}: ${done * PER_REQUEST} events posted, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    const accepted = performance.now();
    await engine.json('/api/flush', { method: 'POST' });
    const seconds = (performance.now() - t0) / 1000;
    const stats = await engine.json<Stats>('/api/stats');
    const rate = events.length / seconds;
    rates.push(rate);
    const lost = events.length - stats.ingested.events;
    console.log(
      `run ${run + 1}: ${events.length} events accepted in ${((accepted - t0) / 1000).toFixed(1)} s, analysed by ${seconds.toFixed(1)} s → ${Math.round(rate).toLocaleString('en')} events/s end to end; ` +
        `stored ${stats.ingested.events}, correlator saw ${stats.alertsReceived} (${stats.alertsDeduplicated} repeats), incidents opened ${stats.incidentsOpened}, lost ${lost}`,
    );
    if (lost !== 0 || stats.alertsReceived !== events.length) throw new Error(`data lost: stored ${stats.ingested.events}, correlated ${stats.alertsReceived} of ${events.length}`);
  } finally {
    await engine.stop({ removeData: true });
  }
}
console.log(`alert storm: ${TOTAL.toLocaleString('en')} alerts in one minute of event time, median ${Math.round(median(rates)).toLocaleString('en')} events/s end to end over ${RUNS} runs`);
