/**
 * Benchmarks of the running engine (built CLI, loopback, no demo):
 *  1. OTLP/HTTP JSON metric ingest end to end: requests of 10,000 points posted by 4 concurrent
 *     senders, timed until `/api/flush` returns (stored in DuckDB and analysed). Points/s, median of runs.
 *  2. Event-to-wall latency: an alert posted to /ingest/events until its `incident-opened` arrives on
 *     the WebSocket stream the wall listens to. Median and p95 of repeated samples.
 * Usage: npm run bench [-- --runs 5 --requests 40]
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startEngineProcess } from '../fixtures/engine-process.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, requests: { type: 'string', default: '40' }, samples: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const REQUESTS = Number(values.requests);
const SAMPLES = Number(values.samples);
const POINTS_PER_REQUEST = 10_000;
const SERIES_PER_REQUEST = 200;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** One ExportMetricsServiceRequest with 10k gauge points: 200 series × 50 timestamps, 10 services. */
function otlpRequest(run: number, req: number): string {
  const base = Date.UTC(2026, 0, 1) + (run * REQUESTS + req) * 50 * 15_000;
  const perTs = POINTS_PER_REQUEST / SERIES_PER_REQUEST;
  const resourceMetrics = [];
  for (let svc = 0; svc < 10; svc++) {
    const metrics = [];
    for (let m = 0; m < SERIES_PER_REQUEST / 10; m++) {
      const dataPoints = [];
      for (let i = 0; i < perTs; i++) {
        dataPoints.push({
          timeUnixNano: String((base + i * 15_000) * 1_000_000),
          asDouble: 50 + 10 * Math.sin((i + m) / 7) + ((i * 7919 + m * 104729) % 100) / 50,
          attributes: [{ key: 'instance', value: { stringValue: `i-${m % 4}` } }],
        });
      }
      metrics.push({ name: `bench.metric.${m}`, unit: '1', gauge: { dataPoints } });
    }
    resourceMetrics.push({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `bench-svc-${svc}` } }, { key: 'host.name', value: { stringValue: `bench-host-${svc}` } }] },
      scopeMetrics: [{ scope: { name: 'bench' }, metrics }],
    });
  }
  return JSON.stringify({ resourceMetrics });
}

async function postAll(url: string, bodies: string[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (!res.ok) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const engine = await startEngineProcess();
try {
  console.log(`# Watchfloor ingest benchmark — ${new Date().toISOString()}, node ${process.version}`);
  console.log(`engine ${engine.apiUrl}, OTLP ${engine.otlpUrl}; ${RUNS} runs × ${REQUESTS} requests × ${POINTS_PER_REQUEST} points`);
  // Warm-up: first series registration and JIT (event times before the runs, never ahead of now).
  await postAll(`${engine.otlpUrl}/v1/metrics`, [otlpRequest(-1, 0), otlpRequest(-1, 1)], 2);
  await engine.json('/api/flush', { method: 'POST' });
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const bodies = Array.from({ length: REQUESTS }, (_, i) => otlpRequest(run, i));
    const mb = bodies.reduce((a, b) => a + b.length, 0) / 1e6;
    const t0 = performance.now();
    await postAll(`${engine.otlpUrl}/v1/metrics`, bodies, 4);
    const tAck = performance.now();
    await engine.json('/api/flush', { method: 'POST' });
    const t1 = performance.now();
    const rate = (REQUESTS * POINTS_PER_REQUEST) / ((t1 - t0) / 1000);
    rates.push(rate);
    console.log(
      `run ${run + 1}: ${(REQUESTS * POINTS_PER_REQUEST).toLocaleString('en')} points (${mb.toFixed(1)} MB JSON) acked in ${(tAck - t0).toFixed(0)} ms, analysed in ${(t1 - t0).toFixed(0)} ms → ${Math.round(rate).toLocaleString('en')} points/s`,
    );
  }
  console.log(`OTLP JSON ingest end to end (stored + analysed): median ${Math.round(median(rates)).toLocaleString('en')} points/s over ${RUNS} runs`);

  // Event-to-wall latency over the stream the wall uses.
  const ws = new WebSocket(`${engine.apiUrl.replace('http', 'ws')}/api/stream?token=${encodeURIComponent(engine.token)}`);
  await new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  const waiting = new Map<string, (t: number) => void>();
  ws.on('message', (data) => {
    const ev = JSON.parse(String(data)) as { type: string; incident?: { entities: string[] } };
    if (ev.type !== 'incident-opened') return;
    for (const e of ev.incident!.entities) waiting.get(e)?.(performance.now());
  });
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const service = `latency-probe-${i}`;
    const got = new Promise<number>((resolve) => waiting.set(`service:${service}`, resolve));
    const t0 = performance.now();
    const res = await engine.api('/ingest/events', {
      body: [{ time: Date.now(), source: 'bench', service, severity: 'critical', title: `probe ${i} down` }],
    });
    if (!res.ok) throw new Error(`event post failed: ${res.status}`);
    const t1 = await Promise.race([got, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no incident-opened for ${service} within 30 s`)), 30_000))]);
    latencies.push(t1 - t0);
  }
  ws.close();
  console.log(`event-to-wall (POST /ingest/events → incident-opened on /api/stream): median ${median(latencies).toFixed(1)} ms, p95 ${pct(latencies, 0.95).toFixed(1)} ms over ${SAMPLES} samples`);
} finally {
  await engine.stop({ removeData: true });
}
