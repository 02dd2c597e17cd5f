/**
 * A plain DuckDB run of SQL on a database file, outside the engine: the baseline the forensics
 * benchmark compares the engine's SQL console against. Opens the file read-only, so it must not be
 * open in this process (see Storage's one-instance rule).
 */
import { DuckDBInstance } from '@duckdb/node-api';

/** Runs each statement once on a read-only instance; returns each one's wall time in ms and row count. */
export async function timePlainDuckDb(file: string, sqls: string[], opts: { memoryLimit?: string } = {}): Promise<{ ms: number; rows: number }[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', memory_limit: opts.memoryLimit ?? '2GB' });
  try {
    const c = await instance.connect();
    try {
      const out: { ms: number; rows: number }[] = [];
      for (const sql of sqls) {
        const t0 = performance.now();
        const r = await c.runAndReadAll(sql);
        const rows = r.getRows().length;
        out.push({ ms: performance.now() - t0, rows });
      }
      return out;
    } finally {
      c.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
