/**
 * The analyst's SQL console: one read-only statement per query on its own connection (off the ingest
 * path and off the engine's reader), with progress and cancellation through DuckDB's interrupt. File
 * access is confined to the data directory by the instance (see StorageOptions.allowedDirectories);
 * here, anything but a query is refused before it runs.
 */
import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { connectWithCold } from './cold-tier.ts';
import { plainValue, type Storage } from './storage.ts';

/** A query result as the API returns it. */
export interface SqlResult {
  columns: { name: string; type: string }[];
  /** Rows as arrays in column order (bigints as numbers, times as epoch ms). */
  rows: unknown[][];
  /** More rows existed than `maxRows`. */
  truncated: boolean;
  elapsedMs: number;
}

/** A statement that may not run in the console, or a DuckDB error; `field` is always `sql`. */
export class SqlRejected extends Error {
  readonly field = 'sql';
  readonly status = 400;
}

/** One analyst query: run it once; cancel() or progress() from elsewhere while it runs. */
export class AnalystQuery {
  private conn: DuckDBConnection | null = null;
  private cancelled = false;

  constructor(private readonly storage: Storage) {}

  /** Runs `sql` (one SELECT/WITH/EXPLAIN/DESCRIBE/SUMMARIZE/SHOW) and returns at most maxRows rows. */
  async run(sql: string, maxRows: number): Promise<SqlResult> {
    const started = Date.now();
    // Tables read hot and cold alike under their own names (see cold-tier.ts).
    const c = await connectWithCold(this.storage);
    this.conn = c;
    try {
      if (this.cancelled) throw new SqlRejected('query cancelled');
      let extracted;
      try {
        extracted = await c.extractStatements(sql);
      } catch (err) {
        throw new SqlRejected(`sql: ${(err as Error).message}`);
      }
      if (extracted.count !== 1) throw new SqlRejected(`sql: exactly one statement is allowed, got ${extracted.count}`);
      let stmt;
      try {
        stmt = await extracted.prepare(0);
      } catch (err) {
        throw new SqlRejected(`sql: ${(err as Error).message}`);
      }
      try {
        if (stmt.statementType !== StatementType.SELECT && stmt.statementType !== StatementType.EXPLAIN) {
          throw new SqlRejected('sql: only read-only queries (SELECT, WITH, DESCRIBE, SUMMARIZE, SHOW, EXPLAIN) are allowed');
        }
        let reader;
        try {
          reader = await stmt.runAndReadUntil(maxRows + 1);
        } catch (err) {
          const msg = (err as Error).message;
          throw new SqlRejected(this.cancelled || /interrupt/i.test(msg) ? 'query cancelled' : `sql: ${msg}`);
        }
        const names = reader.columnNames();
        const types = reader.columnTypes();
        const all = reader.getRows();
        const truncated = all.length > maxRows;
        return {
          columns: names.map((name, i) => ({ name, type: types[i].toString() })),
          rows: all.slice(0, maxRows).map((r) => r.map(plainValue)),
          truncated,
          elapsedMs: Date.now() - started,
        };
      } finally {
        stmt.destroySync();
      }
    } finally {
      this.conn = null;
      c.closeSync();
    }
  }

  /** Interrupts the running query (it then fails with 'query cancelled'). */
  cancel(): void {
    this.cancelled = true;
    this.conn?.interrupt();
  }

  /** Percent done as DuckDB estimates it, or null when it cannot tell. */
  progress(): number | null {
    const p = this.conn?.progress.percentage;
    return p === undefined || p < 0 ? null : p;
  }
}

/** Tables and views with their columns, for completion in the console. */
export async function describeSchema(storage: Storage): Promise<{ name: string; kind: 'table' | 'view'; columns: { name: string; type: string }[] }[]> {
  const c = await storage.connectAnalyst();
  try {
    const r = await c.runAndReadAll(`SELECT t.table_name, t.table_type, c.column_name, c.data_type
      FROM information_schema.tables t JOIN information_schema.columns c USING (table_catalog, table_schema, table_name)
      WHERE t.table_schema = 'main' ORDER BY t.table_name, c.ordinal_position`);
    const out = new Map<string, { name: string; kind: 'table' | 'view'; columns: { name: string; type: string }[] }>();
    for (const [name, type, col, colType] of r.getRows()) {
      const key = String(name);
      let t = out.get(key);
      if (!t) {
        t = { name: key, kind: String(type) === 'VIEW' ? 'view' : 'table', columns: [] };
        out.set(key, t);
      }
      t.columns.push({ name: String(col), type: String(colType) });
    }
    return [...out.values()];
  } finally {
    c.closeSync();
  }
}
