/**
 * Retention and the cold tier: telemetry older than a configurable age (metric points, logs, spans,
 * alert events and changes) moves out of DuckDB into Parquet files partitioned by day inside the data
 * directory (`cold/<table>/day=YYYY-MM-DD/`). Reads stay transparent:
 * - the views `<table>_all` (and `metrics_all`) read hot and cold rows as one table;
 * - an analyst connection ({@link connectWithCold}: the SQL console, replays) gets temporary views
 *   under the tables' own names, so `SELECT ... FROM logs` (and the `metrics` view) read both tiers.
 *   The hot table alone stays reachable as `<database>.main.<table>`.
 *
 * Each move is a batch: its files are written first, then one transaction deletes the moved hot rows,
 * records the batch and its parts and redefines the views over the committed batches' files. A crash
 * before that commit leaves stray files the views do not read (and the rows still hot); nothing is lost
 * or counted twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BIGINT, TIMESTAMP, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { timestampValue } from './duck-time.ts';
import { sqlIdent, sqlString } from './sql-text.ts';
import type { Change } from '../common/schemas.ts';
import { changeFromRow, plainRows, type Storage } from './storage.ts';

/** Tables that age out, with their event-time column. */
export const COLD_TABLES = { metric_points: 'ts', logs: 'ts', spans: 'start_ts', alerts: 'ts', changes: 'ts' } as const;
/** One table that ages out. */
export type ColdTable = keyof typeof COLD_TABLES;
const TABLES = Object.keys(COLD_TABLES) as ColdTable[];

/** Outcome of one retention run. */
export interface RetentionResult {
  /** Rows moved per table. */
  moved: Record<ColdTable, number>;
  /** Metric points moved (kept for callers of the metric-only first version). */
  movedPoints: number;
  /** Days (UTC) that received files, over all tables. */
  days: string[];
  batch: string | null;
  cutoff: number;
}

function coldRoot(storage: Storage): string {
  const dir = storage.dataDir;
  if (dir === null) throw new Error('the cold tier needs a data directory on disk');
  return path.join(dir, 'cold');
}

/** Committed parts (batch, table) with rows, by table. */
async function committedParts(c: DuckDBConnection): Promise<Map<ColdTable, string[]>> {
  const rows = plainRows((await c.runAndReadAll('SELECT batch, tbl FROM cold_parts WHERE rows > 0 ORDER BY batch')).getRowObjects());
  const out = new Map<ColdTable, string[]>();
  for (const r of rows) {
    const t = r.tbl as ColdTable;
    if (!TABLES.includes(t)) continue;
    out.set(t, [...(out.get(t) ?? []), r.batch as string]);
  }
  return out;
}

async function databaseName(c: DuckDBConnection): Promise<string> {
  return plainRows((await c.runAndReadAll('SELECT current_database() AS d')).getRowObjects())[0].d as string;
}

/** SQL reading one table's cold rows, or null when it has none. */
function coldSelect(root: string, table: ColdTable, batches: string[]): string | null {
  if (!batches.length) return null;
  const globs = batches.map((b) => sqlString(path.join(root, table, '*', `b${b}_*.parquet`))).join(', ');
  return `SELECT * FROM read_parquet([${globs}], hive_partitioning = false, union_by_name = true)`;
}

async function defineViews(c: DuckDBConnection, root: string, parts: Map<ColdTable, string[]>): Promise<void> {
  // The hot tables are named with their catalog, so an analyst connection's temporary views of the
  // same names (connectWithCold) never make these views read themselves.
  const db = sqlIdent(await databaseName(c));
  for (const table of TABLES) {
    const cold = coldSelect(root, table, parts.get(table) ?? []);
    await c.run(`CREATE OR REPLACE VIEW ${table}_all AS SELECT * FROM ${db}.main.${table}${cold ? ` UNION ALL BY NAME ${cold}` : ''}`);
  }
  await c.run(`CREATE OR REPLACE VIEW metrics_all AS
    SELECT p.ts, s.entity, s.service, s.host, s.name, s.unit, p.value, s.attributes, s.series_id
    FROM ${db}.main.metric_points_all p JOIN ${db}.main.series s ON s.series_id = p.series_id`);
}

/**
 * (Re)defines the hot+cold views for this data directory (their file paths are absolute, so a case
 * folder that moved gets them fixed at open). In memory there is no cold tier: the views read hot only.
 */
export function ensureColdViews(storage: Storage): Promise<void> {
  return storage.withWriter(async (c) => {
    const parts = storage.dataDir === null ? new Map<ColdTable, string[]>() : await committedParts(c);
    await defineViews(c, storage.dataDir === null ? '' : coldRoot(storage), parts);
    storage.coldTables = new Set(parts.keys());
  });
}

/**
 * An analyst connection (see Storage.connectAnalyst) on which every table with cold rows reads hot and
 * cold alike under its own name. Close it after use.
 */
export async function connectWithCold(storage: Storage): Promise<DuckDBConnection> {
  const c = await storage.connectAnalyst();
  try {
    const cold = plainRows((await c.runAndReadAll('SELECT DISTINCT tbl FROM cold_parts WHERE rows > 0')).getRowObjects()).map((r) => r.tbl as string);
    if (cold.length) {
      const db = sqlIdent(await databaseName(c));
      for (const t of TABLES) if (cold.includes(t)) await c.run(`CREATE TEMP VIEW ${t} AS SELECT * FROM ${db}.main.${t}_all`);
    }
    return c;
  } catch (err) {
    c.closeSync();
    throw err;
  }
}

/**
 * The alert events with from <= ts < to in arrival order, hot and cold: cold rows (older batches
 * first, then by day and position in their file) before hot rows (by rowid). Placeholders $1 and $2.
 */
export async function alertWindowSql(c: DuckDBConnection, storage: Storage): Promise<string> {
  const parts = storage.dataDir === null ? new Map<ColdTable, string[]>() : await committedParts(c);
  const batches = parts.get('alerts') ?? [];
  const db = sqlIdent(await databaseName(c));
  const hot = `SELECT * FROM ${db}.main.alerts WHERE ts >= $1 AND ts < $2`;
  if (!batches.length) return `${hot} ORDER BY rowid`;
  const root = coldRoot(storage);
  const tagged = batches
    .map(
      (b, i) => `SELECT * EXCLUDE (filename, file_row_number), ${i} AS o_batch, filename AS o_file, file_row_number AS o_row
        FROM read_parquet(${sqlString(path.join(root, 'alerts', '*', `b${b}_*.parquet`))}, hive_partitioning = false, union_by_name = true, filename = true, file_row_number = true)
        WHERE ts >= $1 AND ts < $2`,
    )
    .join(' UNION ALL BY NAME ');
  return `SELECT * EXCLUDE (o_batch, o_file, o_row) FROM (
      ${tagged}
      UNION ALL BY NAME SELECT *, ${batches.length} AS o_batch, '' AS o_file, rowid AS o_row FROM ${db}.main.alerts WHERE ts >= $1 AND ts < $2
    ) ORDER BY o_batch, o_file, o_row`;
}

/** Changes with from <= ts <= to, hot and cold (ensureColdViews first), newest first, at most 1000. */
export async function changesInRange(storage: Storage, from: number, to: number): Promise<Change[]> {
  const rows = await storage.select('SELECT * FROM changes_all WHERE ts BETWEEN $1 AND $2 ORDER BY ts DESC, id LIMIT 1000', [timestampValue(from), timestampValue(to)], [
    TIMESTAMP,
    TIMESTAMP,
  ]);
  return rows.map(changeFromRow);
}

/** The newest event time of the hot telemetry (what retention ages are measured from), or null. */
export async function newestEventTime(storage: Storage): Promise<number | null> {
  const [r] = await storage.select(
    `SELECT epoch_ms(greatest(${TABLES.map((t) => `(SELECT max(${COLD_TABLES[t]}) FROM ${t})`).join(', ')})) AS hi`,
  );
  return (r?.hi as number | null) ?? null;
}

/** Moves telemetry with event time < cutoff, of every table in COLD_TABLES, to the cold tier. */
export async function moveToCold(storage: Storage, cutoff: number): Promise<RetentionResult> {
  const root = coldRoot(storage);
  const batch = `${Date.now().toString(36)}${randomUUID().slice(0, 8)}`;
  const cut = timestampValue(cutoff);
  const empty = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<ColdTable, number>;
  return storage.withWriter(
    async (c) => {
      const moved = { ...empty };
      for (const t of TABLES) {
        const [{ n }] = plainRows((await c.runAndReadAll(`SELECT count(*) AS n FROM ${t} WHERE ${COLD_TABLES[t]} < $1`, [cut], [TIMESTAMP])).getRowObjects()) as { n: number }[];
        moved[t] = n;
      }
      if (TABLES.every((t) => moved[t] === 0)) return { moved, movedPoints: 0, days: [], batch: null, cutoff };
      // COPY takes no parameters: the cutoff is a number the engine computed, written as a literal.
      const lit = `make_timestamp(${Math.round(cutoff * 1000)})`;
      const days = new Set<string>();
      const written: string[] = [];
      try {
        for (const t of TABLES) {
          if (!moved[t]) continue;
          const dir = path.join(root, t);
          await mkdir(dir, { recursive: true });
          const col = COLD_TABLES[t];
          // Alert events keep their arrival order (a replay hands them over in it); the rest go by time.
          const order = t === 'alerts' ? 'rowid' : col;
          await c.run(`COPY (SELECT *, strftime(${col}, '%Y-%m-%d') AS day FROM ${t} WHERE ${col} < ${lit} ORDER BY ${order})
            TO ${sqlString(dir)} (FORMAT parquet, PARTITION_BY (day), FILENAME_PATTERN ${sqlString(`b${batch}_{i}`)}, OVERWRITE_OR_IGNORE, COMPRESSION zstd)`);
          for (const d of await readdir(dir)) {
            if (!d.startsWith('day=')) continue;
            for (const f of await readdir(path.join(dir, d))) {
              if (!f.startsWith(`b${batch}_`)) continue;
              written.push(path.join(dir, d, f));
              days.add(d.slice(4));
            }
          }
        }
        const parts = await committedParts(c);
        await c.run('BEGIN TRANSACTION');
        try {
          for (const t of TABLES) {
            if (!moved[t]) continue;
            await c.run(`DELETE FROM ${t} WHERE ${COLD_TABLES[t]} < $1`, [cut], [TIMESTAMP]);
            await c.run('INSERT INTO cold_parts VALUES ($1, $2, $3)', [batch, t, BigInt(moved[t])], [VARCHAR, VARCHAR, BIGINT]);
            parts.set(t, [...(parts.get(t) ?? []), batch]);
          }
          const total = TABLES.reduce((n, t) => n + moved[t], 0);
          await c.run('INSERT INTO cold_batches VALUES ($1, $2, $3, now()::TIMESTAMP)', [batch, cut, BigInt(total)], [VARCHAR, TIMESTAMP, BIGINT]);
          await defineViews(c, root, parts);
          await c.run('COMMIT');
          storage.coldTables = new Set(parts.keys());
        } catch (err) {
          await c.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      } catch (err) {
        // The batch's files were never made visible; remove them so they do not linger.
        for (const f of written) await rm(f, { force: true });
        throw err;
      }
      return { moved, movedPoints: moved.metric_points, days: [...days].sort(), batch, cutoff };
    },
    { transaction: false },
  );
}
