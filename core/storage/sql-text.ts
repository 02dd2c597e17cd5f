/**
 * SQL text for what DuckDB takes only as text: file paths in table functions and COPY (constants, not
 * parameters) and column names of imported files. Values from data never go through these: they are
 * bind parameters.
 */

/** SQL string literal. Used only for paths the engine chose. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL identifier (column names of imported files, database names). */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
