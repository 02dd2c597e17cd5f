/**
 * Storage for offline forensics, beside storage.ts: the imported-file ledger, Parquet imports (the bulk
 * path: DuckDB reads the file itself), evidence-bundle extracts and saved analyst queries.
 *
 * File paths reach SQL only as quoted literals of files the engine itself staged inside the data
 * directory (DuckDB's table functions take constants, not parameters); every value from the data goes
 * through bind parameters or stays inside DuckDB.
 */
import path from 'node:path';
import { BIGINT, TIMESTAMP, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { COLD_TABLES, ensureColdViews } from './cold-tier.ts';
import { optTimestampValue, timestampValue as tsValue } from './duck-time.ts';
import { sqlIdent, sqlString } from './sql-text.ts';

export { sqlIdent, sqlString } from './sql-text.ts';
import { plainRows, type Storage } from './storage.ts';

/** What the ledger remembers of one imported file content. */
export interface ImportLedgerRow {
  sha256: string;
  path: string;
  format: string;
  /** `done`, or `partial` when an import was interrupted after `linesDone` lines were committed. */
  status: 'done' | 'partial';
  rowsImported: number;
  badRows: number;
  linesDone: number;
  startedAt: number;
  finishedAt: number | null;
}

/** A column of a Parquet file as DuckDB describes it. */
export interface ParquetColumn {
  name: string;
  type: string;
}

/** Result of a bulk Parquet metric import. */
export interface ParquetMetricsResult {
  rows: number;
  badRows: number;
  /** First few bad rows: (0-based row number in the file, reason). */
  bad: { row: number; reason: string }[];
  entities: string[];
}

/** Tables of an evidence bundle, in import order (series before points, incidents before members). */
export const BUNDLE_TABLES = [
  'topology_nodes',
  'topology_edges',
  'metrics',
  'logs',
  'spans',
  'alerts',
  'changes',
  'anomalies',
  'incidents',
  'incident_members',
] as const;
/** One table of an evidence bundle. */
export type BundleTable = (typeof BUNDLE_TABLES)[number];


async function readWith<T>(storage: Storage, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const c = await storage.connectAnalyst();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
  }
}

/** The ledger row of a file content, or null. */
export async function getImport(storage: Storage, sha256: string): Promise<ImportLedgerRow | null> {
  const rows = await readWith(storage, async (c) =>
    plainRows((await c.runAndReadAll('SELECT * FROM forensic_imports WHERE sha256 = $1', [sha256], [VARCHAR])).getRowObjects()),
  );
  return rows.length ? ledgerRow(rows[0]) : null;
}

/** Every imported file, newest first. */
export async function listImports(storage: Storage): Promise<ImportLedgerRow[]> {
  const rows = await readWith(storage, async (c) =>
    plainRows((await c.runAndReadAll('SELECT * FROM forensic_imports ORDER BY started_at DESC, sha256')).getRowObjects()),
  );
  return rows.map(ledgerRow);
}

function ledgerRow(r: Record<string, unknown>): ImportLedgerRow {
  return {
    sha256: r.sha256 as string,
    path: r.path as string,
    format: r.format as string,
    status: r.status as ImportLedgerRow['status'],
    rowsImported: r.rows_imported as number,
    badRows: r.bad_rows as number,
    linesDone: r.lines_done as number,
    startedAt: r.started_at as number,
    finishedAt: (r.finished_at as number | null) ?? null,
  };
}

/** Writes (replaces) the ledger row of a file content. */
export function recordImport(storage: Storage, row: ImportLedgerRow): Promise<void> {
  return storage.withWriter(async (c) => {
    await c.run(
      'INSERT OR REPLACE INTO forensic_imports VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        row.sha256,
        row.path,
        row.format,
        row.status,
        BigInt(row.rowsImported),
        BigInt(row.badRows),
        BigInt(row.linesDone),
        tsValue(row.startedAt),
        optTimestampValue(row.finishedAt),
      ],
      [VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, BIGINT, BIGINT, TIMESTAMP, TIMESTAMP],
    );
  });
}

/** Columns of a Parquet file (which must lie in an allowed directory). */
export function describeParquet(storage: Storage, file: string): Promise<ParquetColumn[]> {
  return readWith(storage, async (c) => {
    const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
    return plainRows(r.getRowObjects()).map((x) => ({ name: x.column_name as string, type: x.column_type as string }));
  });
}

const TS_NAMES = ['ts', 'time', 'timestamp', 'time_unix_nano', 'datetime', 'date'];
const NAME_NAMES = ['name', 'metric', 'metric_name', '__name__'];
const SERVICE_NAMES = ['service', 'service.name', 'service_name'];
const HOST_NAMES = ['host', 'host.name', 'hostname', 'instance'];

function pick(cols: ParquetColumn[], names: string[]): ParquetColumn | undefined {
  for (const n of names) {
    const c = cols.find((x) => x.name.toLowerCase() === n);
    if (c) return c;
  }
  return undefined;
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/**
 * SQL of a time column as TIMESTAMP: timestamps as they are, numbers as epoch seconds, ms, µs or ns by
 * magnitude (the same rule as the CSV importer), text through DuckDB's cast.
 */
function tsExpr(col: ParquetColumn): string {
  const id = sqlIdent(col.name);
  if (/^TIMESTAMP|^DATE/.test(col.type)) return `CAST(${id} AS TIMESTAMP)`;
  if (NUMERIC.test(col.type)) {
    return `make_timestamp(CAST(CASE WHEN abs(${id}) >= 1e17 THEN ${id} / 1000 WHEN abs(${id}) >= 1e14 THEN ${id} WHEN abs(${id}) >= 1e11 THEN ${id} * 1000 ELSE ${id} * 1000000 END AS BIGINT))`;
  }
  return `TRY_CAST(${id} AS TIMESTAMP)`;
}

/**
 * Bulk-imports a Parquet file of metric points, long (a name and a value column) or wide (every other
 * numeric column is a metric), into `series` + `metric_points` in one transaction. Entity: an `entity`
 * column, else `service:<service>`, else `host:<host>`, else `service:<defaultService>`. Rows without a
 * usable time or metric name are counted as bad and skipped; the rest imports.
 */
export async function importMetricsParquet(storage: Storage, file: string, defaultService: string): Promise<ParquetMetricsResult> {
  const cols = await describeParquet(storage, file);
  const tsCol = pick(cols, TS_NAMES);
  if (!tsCol) throw new Error(`${path.basename(file)}: no time column (one of ${TS_NAMES.join(', ')})`);
  const nameCol = pick(cols, NAME_NAMES);
  const valueCol = cols.find((c) => c.name.toLowerCase() === 'value');
  const entityCol = cols.find((c) => c.name.toLowerCase() === 'entity');
  const serviceCol = pick(cols, SERVICE_NAMES);
  const hostCol = pick(cols, HOST_NAMES);
  const unitCol = cols.find((c) => c.name.toLowerCase() === 'unit');
  const keyCol = cols.find((c) => c.name.toLowerCase() === 'key');
  const src = `read_parquet(${sqlString(file)}, file_row_number = true)`;
  const svc = serviceCol ? `CAST(${sqlIdent(serviceCol.name)} AS VARCHAR)` : 'NULL::VARCHAR';
  const host = hostCol ? `CAST(${sqlIdent(hostCol.name)} AS VARCHAR)` : 'NULL::VARCHAR';
  const entity = entityCol
    ? `CAST(${sqlIdent(entityCol.name)} AS VARCHAR)`
    : `coalesce('service:' || ${svc}, 'host:' || ${host}, ${sqlString(`service:${defaultService}`)})`;
  const unit = unitCol ? `coalesce(CAST(${sqlIdent(unitCol.name)} AS VARCHAR), '')` : `''`;
  let long: string;
  if (nameCol && valueCol) {
    long = `SELECT file_row_number AS rn, ${tsExpr(tsCol)} AS ts, ${entity} AS entity, ${svc} AS service, ${host} AS host,
      CAST(${sqlIdent(nameCol.name)} AS VARCHAR) AS name, ${unit} AS unit, TRY_CAST(${sqlIdent(valueCol.name)} AS DOUBLE) AS value
      ${keyCol ? `, CAST(${sqlIdent(keyCol.name)} AS VARCHAR) AS given_key` : ', NULL::VARCHAR AS given_key'} FROM ${src}`;
  } else {
    const used = new Set([tsCol, entityCol, serviceCol, hostCol, unitCol].filter(Boolean).map((c) => c!.name));
    const metrics = cols.filter((c) => !used.has(c.name) && NUMERIC.test(c.type));
    if (!metrics.length) throw new Error(`${path.basename(file)}: neither a name + value column nor numeric metric columns`);
    long = metrics
      .map(
        (m) => `SELECT file_row_number AS rn, ${tsExpr(tsCol)} AS ts, ${entity} AS entity, ${svc} AS service, ${host} AS host,
        ${sqlString(m.name)} AS name, ${unit} AS unit, CAST(${sqlIdent(m.name)} AS DOUBLE) AS value, NULL::VARCHAR AS given_key FROM ${src}`,
      )
      .join(' UNION ALL ');
  }
  // The series key follows the OTLP receiver's rule (entity|name|attributes, plus the host when the
  // entity is not the host), so live data arriving later lands in the same series.
  const keyed = `SELECT *, coalesce(given_key, entity || '|' || name || '|' ||
      CASE WHEN host IS NOT NULL AND entity <> 'host:' || host THEN '|host.name=' || host ELSE '' END) AS key
    FROM (${long}) WHERE ts IS NOT NULL AND name IS NOT NULL`;
  return storage.withWriter(
    async (c) => {
      const bad = plainRows(
        (
          await c.runAndReadAll(`SELECT rn, CASE WHEN ts IS NULL THEN 'time: not a valid time' ELSE 'name: missing' END AS reason
            FROM (${long}) WHERE ts IS NULL OR name IS NULL ORDER BY rn LIMIT 20`)
        ).getRowObjects(),
      ).map((r) => ({ row: r.rn as number, reason: r.reason as string }));
      const [{ n: badRows }] = plainRows(
        (await c.runAndReadAll(`SELECT count(*) AS n FROM (${long}) WHERE ts IS NULL OR name IS NULL`)).getRowObjects(),
      ) as { n: number }[];
      await c.run(`INSERT INTO series
        SELECT (SELECT coalesce(max(series_id), 0) FROM series) + row_number() OVER (ORDER BY key), key, any_value(entity), any_value(service),
               any_value(host), any_value(name), any_value(unit), '{}'
        FROM (${keyed}) n WHERE NOT EXISTS (SELECT 1 FROM series s WHERE s.key = n.key) GROUP BY key`);
      const inserted = await c.run(`INSERT INTO metric_points SELECT k.ts, s.series_id, k.value FROM (${keyed}) k JOIN series s ON s.key = k.key`);
      const entities = plainRows((await c.runAndReadAll(`SELECT DISTINCT entity FROM (${keyed}) ORDER BY 1`)).getRowObjects()).map(
        (r) => r.entity as string,
      );
      return { rows: Number(inserted.rowsChanged), badRows, bad, entities };
    },
    { seriesChanged: true },
  );
}

/** Time column per bundle table (null: the table is exported whole). */
const BUNDLE_TIME: Record<Exclude<BundleTable, 'metrics'>, string | null> = {
  topology_nodes: null,
  topology_edges: null,
  logs: 'ts',
  spans: 'start_ts',
  alerts: 'ts',
  changes: 'ts',
  anomalies: 'ts',
  incidents: null,
  incident_members: null,
};

/**
 * Writes each bundle table's rows in [from, to] to `dir/<table>.parquet` (dir must be allowed) and
 * returns the row counts. Incidents are those overlapping the range (or exactly `incidentIds`).
 */
export async function exportBundleTables(
  storage: Storage,
  dir: string,
  range: { from: number; to: number; incidentIds?: string[] },
): Promise<Record<BundleTable, number>> {
  // Extracts read hot and cold rows alike (the `_all` views).
  await ensureColdViews(storage);
  return storage.withWriter(
    async (c) => {
      const counts = {} as Record<BundleTable, number>;
      const params = [tsValue(range.from), tsValue(range.to)];
      const types = [TIMESTAMP, TIMESTAMP];
      // The incident set is fixed first, so incidents and their members agree.
      await c.run('CREATE OR REPLACE TEMP TABLE bundle_incidents (id VARCHAR)');
      if (range.incidentIds) {
        for (const id of range.incidentIds) await c.run('INSERT INTO bundle_incidents VALUES ($1)', [id], [VARCHAR]);
      } else {
        await c.run(
          `INSERT INTO bundle_incidents SELECT id FROM incidents WHERE opened_at <= $2 AND coalesce(resolved_at, updated_at) >= $1`,
          params,
          types,
        );
      }
      for (const table of BUNDLE_TABLES) {
        let select: string;
        if (table === 'metrics') {
          select = `SELECT p.ts, s.key, s.entity, s.service, s.host, s.name, s.unit, p.value
            FROM metric_points_all p JOIN series s USING (series_id) WHERE p.ts BETWEEN $1 AND $2 ORDER BY p.ts, s.key`;
        } else if (table === 'incidents') {
          select = 'SELECT * FROM incidents WHERE id IN (SELECT id FROM bundle_incidents) ORDER BY id';
        } else if (table === 'incident_members') {
          select = 'SELECT * FROM incident_members WHERE incident_id IN (SELECT id FROM bundle_incidents) ORDER BY incident_id, ts, member_id';
        } else {
          const col = BUNDLE_TIME[table];
          const from = table in COLD_TABLES ? `${table}_all` : table;
          select = col ? `SELECT * FROM ${from} WHERE ${col} BETWEEN $1 AND $2 ORDER BY ${col}` : `SELECT * FROM ${from}`;
        }
        const usesRange = select.includes('$1');
        const file = path.join(dir, `${table}.parquet`);
        // COPY takes no parameters, so the selection is materialised first.
        await c.run(`CREATE OR REPLACE TEMP TABLE bundle_part AS ${select}`, usesRange ? params : undefined, usesRange ? types : undefined);
        await c.run(`COPY bundle_part TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
        const [{ n }] = plainRows((await c.runAndReadAll('SELECT count(*) AS n FROM bundle_part')).getRowObjects()) as { n: number }[];
        counts[table] = n;
      }
      await c.run('DROP TABLE IF EXISTS bundle_part');
      await c.run('DROP TABLE IF EXISTS bundle_incidents');
      return counts;
    },
    { transaction: false },
  );
}

/**
 * Imports one non-metric bundle table from a staged Parquet file, by column name. Tables with a key
 * replace rows with the same key (a bundle re-imported over overlapping data does not duplicate them);
 * incident members are replaced per incident.
 */
export function importBundleTable(storage: Storage, table: Exclude<BundleTable, 'metrics'>, file: string): Promise<number> {
  const src = `read_parquet(${sqlString(file)})`;
  return storage.withWriter(async (c) => {
    if (table === 'incident_members') {
      await c.run(`DELETE FROM incident_members WHERE incident_id IN (SELECT DISTINCT incident_id FROM ${src})`);
    }
    const keyed = table === 'topology_nodes' || table === 'topology_edges' || table === 'changes' || table === 'anomalies' || table === 'incidents';
    const r = await c.run(`INSERT ${keyed ? 'OR REPLACE ' : ''}INTO ${table} BY NAME SELECT * FROM ${src}`);
    return Number(r.rowsChanged);
  });
}

/** A saved analyst query. */
export interface SavedQuery {
  name: string;
  sql: string;
  savedAt: number;
}

/** Saved queries by name. */
export async function listSavedQueries(storage: Storage): Promise<SavedQuery[]> {
  const rows = await readWith(storage, async (c) => plainRows((await c.runAndReadAll('SELECT * FROM saved_queries ORDER BY name')).getRowObjects()));
  return rows.map((r) => ({ name: r.name as string, sql: r.sql as string, savedAt: r.saved_at as number }));
}

/** Saves (replaces) a query under its name. */
export function saveQuery(storage: Storage, q: { name: string; sql: string }, now: number): Promise<void> {
  return storage.withWriter(async (c) => {
    await c.run('INSERT OR REPLACE INTO saved_queries VALUES ($1, $2, $3)', [q.name, q.sql, tsValue(now)], [VARCHAR, VARCHAR, TIMESTAMP]);
  });
}

/** Deletes a saved query; true when it existed. */
export function deleteSavedQuery(storage: Storage, name: string): Promise<boolean> {
  return storage.withWriter(async (c) => Number((await c.run('DELETE FROM saved_queries WHERE name = $1', [name], [VARCHAR])).rowsChanged) > 0);
}
