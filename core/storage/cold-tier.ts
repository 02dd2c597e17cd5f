/**
 * Retention and the cold tier: metric points older than a configurable age move out of DuckDB into
 * Parquet files partitioned by day inside the data directory (`cold/metric_points/day=YYYY-MM-DD/`),
 * and the views `metric_points_all` and `metrics_all` read hot and cold points as one table, so
 * queries and replays see both.
 *
 * Each move is a batch: its files are written first, then one transaction deletes the moved hot rows,
 * records the batch and redefines the views over the committed batches' files. A crash before that
 * commit leaves stray files the views do not read (and the rows still hot); nothing is lost or counted
 * twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BIGINT, TIMESTAMP, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { timestampValue } from './duck-time.ts';
import { sqlString } from './forensics-store.ts';
import { plainRows, type Storage } from './storage.ts';

/** Outcome of one retention run. */
export interface RetentionResult {
  movedPoints: number;
  days: string[];
  batch: string | null;
}

function coldDir(storage: Storage): string {
  const dir = storage.dataDir;
  if (dir === null) throw new Error('the cold tier needs a data directory on disk');
  return path.join(dir, 'cold', 'metric_points');
}

async function committedBatches(c: DuckDBConnection): Promise<string[]> {
  await c.run('CREATE TABLE IF NOT EXISTS cold_batches (batch VARCHAR PRIMARY KEY, cutoff TIMESTAMP NOT NULL, points BIGINT NOT NULL, moved_at TIMESTAMP NOT NULL)');
  return plainRows((await c.runAndReadAll('SELECT batch FROM cold_batches ORDER BY batch')).getRowObjects()).map((r) => r.batch as string);
}

async function defineViews(c: DuckDBConnection, dir: string, batches: string[]): Promise<void> {
  const cold = batches.length
    ? ` UNION ALL SELECT ts, series_id, value FROM read_parquet([${batches.map((b) => sqlString(path.join(dir, '*', `b${b}_*.parquet`))).join(', ')}], hive_partitioning = false)`
    : '';
  await c.run(`CREATE OR REPLACE VIEW metric_points_all AS SELECT ts, series_id, value FROM metric_points${cold}`);
  await c.run(`CREATE OR REPLACE VIEW metrics_all AS
    SELECT p.ts, s.entity, s.service, s.host, s.name, s.unit, p.value, s.attributes, s.series_id
    FROM metric_points_all p JOIN series s ON s.series_id = p.series_id`);
}

/**
 * (Re)defines the hot+cold views for this data directory (their file paths are absolute, so a case
 * folder that moved gets them fixed at open). In memory there is no cold tier: the views read hot only.
 */
export function ensureColdViews(storage: Storage): Promise<void> {
  return storage.withWriter(async (c) => {
    const batches = storage.dataDir === null ? [] : await committedBatches(c);
    await defineViews(c, storage.dataDir === null ? '' : coldDir(storage), batches);
  });
}

/** The relation replays and reports read points from: hot + cold. */
export async function pointsRelation(storage: Storage): Promise<string> {
  await ensureColdViews(storage);
  return 'metric_points_all';
}

/** Moves metric points with ts < cutoff to the cold tier. */
export async function moveToCold(storage: Storage, cutoff: number): Promise<RetentionResult> {
  const dir = coldDir(storage);
  await mkdir(dir, { recursive: true });
  const batch = `${Date.now().toString(36)}${randomUUID().slice(0, 8)}`;
  const cut = timestampValue(cutoff);
  return storage.withWriter(
    async (c) => {
      const [{ n }] = plainRows((await c.runAndReadAll('SELECT count(*) AS n FROM metric_points WHERE ts < $1', [cut], [TIMESTAMP])).getRowObjects()) as { n: number }[];
      if (n === 0) return { movedPoints: 0, days: [], batch: null };
      // COPY takes no parameters: the cutoff is a number the engine computed, written as a literal.
      const lit = `make_timestamp(${Math.round(cutoff * 1000)})`;
      await c.run(`COPY (SELECT ts, series_id, value, strftime(ts, '%Y-%m-%d') AS day FROM metric_points WHERE ts < ${lit} ORDER BY ts)
        TO ${sqlString(dir)} (FORMAT parquet, PARTITION_BY (day), FILENAME_PATTERN ${sqlString(`b${batch}_{i}`)}, OVERWRITE_OR_IGNORE, COMPRESSION zstd)`);
      const days = (await readdir(dir)).filter((d) => d.startsWith('day=')).map((d) => d.slice(4)).sort();
      const batches = await committedBatches(c);
      await c.run('BEGIN TRANSACTION');
      try {
        await c.run('DELETE FROM metric_points WHERE ts < $1', [cut], [TIMESTAMP]);
        await c.run('INSERT INTO cold_batches VALUES ($1, $2, $3, now()::TIMESTAMP)', [batch, cut, BigInt(n)], [VARCHAR, TIMESTAMP, BIGINT]);
        await defineViews(c, dir, [...batches, batch]);
        await c.run('COMMIT');
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        // The batch's files were never made visible; remove them so they do not linger.
        for (const d of days) {
          for (const f of await readdir(path.join(dir, `day=${d}`))) if (f.startsWith(`b${batch}_`)) await rm(path.join(dir, `day=${d}`, f), { force: true });
        }
        throw err;
      }
      return { movedPoints: n, days, batch };
    },
    { transaction: false },
  );
}
