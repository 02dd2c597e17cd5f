/**
 * Throughput of Storage.appendMetrics: 1M points over 1,000 series, appended in batches of 10k (the size
 * of a large OTLP request), into a temp-file database. Prints rows/s.
 * Run: TZ=UTC node --import tsx core/storage/storage.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MetricBatch, SeriesKey } from '../common/records.ts';
import { Storage } from './storage.ts';

const TOTAL = 1_000_000;
const BATCH = 10_000;
const SERIES = 1_000;

function makeBatch(offset: number): MetricBatch {
  const seriesKeys: SeriesKey[] = [];
  for (let s = 0; s < SERIES; s++) {
    const entity = `service:svc-${s % 50}`;
    seriesKeys.push({
      key: `${entity}|metric.${s}|`,
      entity,
      service: `svc-${s % 50}`,
      host: null,
      name: `metric.${s}`,
      unit: '1',
      attributes: {},
    });
  }
  const series = new Int32Array(BATCH);
  const ts = new Float64Array(BATCH);
  const values = new Float64Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    series[i] = i % SERIES;
    ts[i] = 1_750_000_000_000 + (offset + i) * 10;
    values[i] = (i * 7919) % 1000;
  }
  return { seriesKeys, series, ts, values };
}

const dir = mkdtempSync(path.join(tmpdir(), 'wf-bench-'));
const storage = await Storage.open({ path: path.join(dir, 'bench.duckdb') });
try {
  const batches = [];
  for (let off = 0; off < TOTAL; off += BATCH) batches.push(makeBatch(off));
  const started = performance.now();
  for (const b of batches) await storage.appendMetrics(b);
  const ms = performance.now() - started;
  const [{ n }] = await storage.query('SELECT count(*) AS n FROM metric_points');
  console.log(
    JSON.stringify({ points: n, batches: batches.length, ms: Math.round(ms), rowsPerSecond: Math.round((TOTAL / ms) * 1000) }),
  );
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
