/**
 * Pure helpers of the SQL console: completion of table and column names at the cursor, the rows a
 * virtualised grid shows for a scroll position, and the chart option of a result.
 */
import type { SchemaTable } from '../../../../core/common/forensics-schemas.ts';

/** One completion candidate. */
export interface Completion {
  text: string;
  detail: string;
}

const KEYWORDS = ['SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'LIMIT', 'WITH', 'JOIN', 'HAVING', 'DESCRIBE', 'SUMMARIZE', 'count(*)', 'avg', 'max', 'min', 'quantile_cont', 'time_bucket', 'epoch_ms'];

/** The identifier being typed at `cursor`: its start and text (`tbl.col` counts as one, for qualified completion). */
export function wordAt(sql: string, cursor: number): { start: number; word: string } {
  let i = cursor;
  while (i > 0 && /[A-Za-z0-9_.]/.test(sql[i - 1])) i--;
  return { start: i, word: sql.slice(i, cursor) };
}

/**
 * Candidates for the word at the cursor: after `table.`, that table's columns; otherwise tables, the
 * columns of tables named in the query, then keywords. Case-insensitive prefix match, at most 30.
 */
export function completions(sql: string, cursor: number, schema: SchemaTable[]): Completion[] {
  const { word } = wordAt(sql, cursor);
  const dot = word.lastIndexOf('.');
  if (dot >= 0) {
    const table = schema.find((t) => t.name.toLowerCase() === word.slice(0, dot).toLowerCase());
    const prefix = word.slice(dot + 1).toLowerCase();
    return (table?.columns ?? [])
      .filter((c) => c.name.toLowerCase().startsWith(prefix))
      .slice(0, 30)
      .map((c) => ({ text: `${word.slice(0, dot + 1)}${c.name}`, detail: c.type }));
  }
  if (word.length === 0) return [];
  const p = word.toLowerCase();
  const mentioned = new Set(schema.filter((t) => new RegExp(`\\b${t.name}\\b`, 'i').test(sql)).map((t) => t.name));
  const out: Completion[] = [];
  for (const t of schema) if (t.name.toLowerCase().startsWith(p)) out.push({ text: t.name, detail: t.kind });
  for (const t of schema) {
    if (!mentioned.has(t.name)) continue;
    for (const c of t.columns) if (c.name.toLowerCase().startsWith(p) && !out.some((o) => o.text === c.name)) out.push({ text: c.name, detail: `${t.name} ${c.type}` });
  }
  for (const k of KEYWORDS) if (k.toLowerCase().startsWith(p) && k.toLowerCase() !== p) out.push({ text: k, detail: 'keyword' });
  return out.slice(0, 30);
}

/** Replaces the word at the cursor with `text`; returns the new SQL and cursor. */
export function applyCompletion(sql: string, cursor: number, text: string): { sql: string; cursor: number } {
  const { start } = wordAt(sql, cursor);
  return { sql: sql.slice(0, start) + text + sql.slice(cursor), cursor: start + text.length };
}

/** Rows [first, last) to render for a viewport: the visible ones plus `overscan` on each side. */
export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 10): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return [first, Math.max(first, last)];
}

/** Chart kinds a result can be drawn as. */
export type ChartKind = 'line' | 'bar' | 'heatmap';

/**
 * Default chart columns for a result: x = the first time-like or text column, y = the first numeric
 * column other than x, and (heatmap) a second category column.
 */
export function defaultChartColumns(columns: { name: string; type: string }[]): { x: number; y: number; z: number } {
  const numeric = (t: string) => /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(t);
  const x = Math.max(0, columns.findIndex((c) => /TIMESTAMP|DATE|TIME/i.test(c.type)));
  const y = columns.findIndex((c, i) => i !== x && numeric(c.type));
  const z = columns.findIndex((c, i) => i !== x && i !== y && !numeric(c.type));
  return { x, y: y < 0 ? Math.min(1, columns.length - 1) : y, z: z < 0 ? -1 : z };
}
