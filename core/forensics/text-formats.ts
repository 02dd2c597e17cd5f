/**
 * Pure parsers for the line-oriented import formats that have no receiver in core/ingest: CSV metrics
 * (wide or long) and plain log files with a declared line format (`<Date> <Time> <Level> <Content>`;
 * the header parser is core/analytics/logs', times and levels are read here).
 * Each throws a {@link RowError} naming the field for one bad row; the importer reports it and goes on.
 */
import type { Attrs } from '../common/records.ts';
import { resolveLineFormat, type LineFormat } from '../analytics/logs/header-format.ts';

/** A bad row: the field and why. */
export class RowError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'RowError';
  }
}

/** Splits one CSV record (RFC 4180 quoting; no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i <= n) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new RowError('line', 'unterminated quoted field');
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i < n && line[i] !== ',') throw new RowError('line', `unexpected character after a quoted field at column ${i + 1}`);
      i++;
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? n : c;
      out.push(line.slice(i, end).trim());
      i = end + 1;
    }
  }
  return out;
}

/**
 * A time as epoch ms: RFC 3339 / ISO 8601 text (a missing zone is UTC), `YYYY-MM-DD HH:MM:SS`, or an
 * epoch number in seconds, ms, µs or ns (told apart by magnitude). NaN when it is none of these.
 */
export function parseTime(raw: string): number {
  const s = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const v = Number(s);
    const a = Math.abs(v);
    if (a >= 1e17) return v / 1e6;
    if (a >= 1e14) return v / 1e3;
    if (a >= 1e11) return v;
    return v * 1000;
  }
  const m = /^(\d{4})[-/.](\d{2})[-/.](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +se, frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    ms -= (zm[1] === '-' ? -1 : 1) * (+zm[2] * 60 + +zm[3]) * 60_000;
  }
  return +mo >= 1 && +mo <= 12 && +d >= 1 && +d <= 31 ? ms : NaN;
}

/** How a CSV file's columns map to metric points. */
export interface CsvLayout {
  kind: 'long' | 'wide';
  time: number;
  /** Long: the metric name and value columns. */
  name?: number;
  value?: number;
  entity?: number;
  service?: number;
  host?: number;
  unit?: number;
  /** Wide: (column index, metric name) of every metric column. */
  metrics: [number, string][];
}

const TIME_HEADERS = ['ts', 'time', 'timestamp', 'datetime', 'date'];

/**
 * Reads a CSV header: long when it has a `name`/`metric` and a `value` column, else wide (every
 * column but time/entity/service/host/unit is a metric). Throws naming what is missing.
 */
export function csvLayout(header: string[]): CsvLayout {
  const lower = header.map((h) => h.trim().toLowerCase());
  const find = (names: string[]) => {
    for (const n of names) {
      const i = lower.indexOf(n);
      if (i >= 0) return i;
    }
    return undefined;
  };
  const time = find(TIME_HEADERS);
  if (time === undefined) throw new RowError('header', `no time column (one of ${TIME_HEADERS.join(', ')})`);
  const base = {
    time,
    entity: find(['entity']),
    service: find(['service', 'service.name', 'service_name']),
    host: find(['host', 'host.name', 'hostname']),
    unit: find(['unit']),
  };
  const name = find(['name', 'metric', 'metric_name']);
  const value = find(['value']);
  if (name !== undefined && value !== undefined) return { kind: 'long', ...base, name, value, metrics: [] };
  const used = new Set([base.time, base.entity, base.service, base.host, base.unit].filter((x) => x !== undefined));
  const metrics: [number, string][] = header.map((h, i) => [i, h.trim()] as [number, string]).filter(([i]) => !used.has(i));
  if (!metrics.length) throw new RowError('header', 'no metric columns (long CSV needs name and value; wide CSV one column per metric)');
  return { kind: 'wide', ...base, metrics };
}

/** One metric point of a CSV row. */
export interface CsvPoint {
  ts: number;
  entity: string;
  service: string | null;
  host: string | null;
  name: string;
  unit: string;
  value: number;
}

/** The points of one CSV data row; empty cells of a wide row are skipped (no point), bad ones throw. */
export function csvRowPoints(cells: string[], header: string[], layout: CsvLayout, defaultService: string): CsvPoint[] {
  if (cells.length !== header.length) throw new RowError('line', `has ${cells.length} fields, the header has ${header.length}`);
  const ts = parseTime(cells[layout.time]);
  if (!Number.isFinite(ts)) throw new RowError(header[layout.time], `'${cells[layout.time].slice(0, 40)}' is not a time`);
  const cell = (i: number | undefined) => (i === undefined || cells[i] === '' ? null : cells[i]);
  const service = cell(layout.service);
  const host = cell(layout.host);
  const entity = cell(layout.entity) ?? (service ? `service:${service}` : host ? `host:${host}` : `service:${defaultService}`);
  const unit = cell(layout.unit) ?? '';
  const point = (name: string, raw: string, field: string): CsvPoint => {
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw new RowError(field, `'${raw.slice(0, 40)}' is not a number`);
    return { ts, entity, service, host, name, unit, value };
  };
  if (layout.kind === 'long') {
    const name = cell(layout.name);
    if (!name) throw new RowError(header[layout.name!], 'is empty');
    return [point(name, cells[layout.value!], header[layout.value!])];
  }
  const out: CsvPoint[] = [];
  for (const [i, name] of layout.metrics) if (cells[i] !== '') out.push(point(name, cells[i], name));
  return out;
}

/** A compiled log line format: the header parser of core/analytics/logs (Loghub notation or a built-in). */
export interface LogFormat {
  spec: string;
  line: LineFormat;
}

/**
 * Compiles a line format: Loghub notation such as `<Date> <Time> <Level> <Component>: <Content>`
 * (`<Content>` required), or a built-in name (syslog, rfc3164, rfc5424, iso-level, json, raw).
 * Throws a RowError naming `--log-format` when it is not valid.
 */
export function compileLogFormat(format: string): LogFormat {
  try {
    return { spec: format, line: resolveLineFormat(format) };
  } catch (err) {
    throw new RowError('--log-format', (err as Error).message.replace(/^format: /, ''));
  }
}

/** One parsed log line. */
export interface ParsedLogLine {
  ts: number;
  severity: string;
  body: string;
  host: string | null;
  attributes: Attrs;
}

const LEVELS: Record<string, string> = {
  TRACE: 'TRACE', DEBUG: 'DEBUG', INFO: 'INFO', NOTICE: 'INFO', WARN: 'WARN', WARNING: 'WARN',
  ERROR: 'ERROR', ERR: 'ERROR', SEVERE: 'ERROR', FATAL: 'FATAL', CRITICAL: 'FATAL', CRIT: 'FATAL', EMERG: 'FATAL', ALERT: 'FATAL',
  I: 'INFO', W: 'WARN', E: 'ERROR', D: 'DEBUG', V: 'TRACE', F: 'FATAL',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Time of a log line from its Date/Time/Timestamp fields: ISO forms, `yymmdd` + `hhmmss`, and the
 * year-less syslog `Mmm dd hh:mm:ss` (read in `year`). NaN if none.
 */
function logTime(g: Record<string, string>, year: number): number {
  const stamp = g.Timestamp ?? g.Datetime ?? g.DateTime;
  if (stamp !== undefined) {
    const bsd = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})$/.exec(stamp.trim());
    if (bsd) {
      const mo = MONTHS.indexOf(bsd[1].toLowerCase());
      return mo < 0 ? NaN : Date.UTC(year, mo, +bsd[2], +bsd[3], +bsd[4], +bsd[5]);
    }
    return parseTime(stamp.replace(/,(\d+)$/, '.$1'));
  }
  const date = g.Date;
  const time = g.Time ?? '00:00:00';
  if (date === undefined) return NaN;
  if (/^\d{6}$/.test(date) && /^\d{6}$/.test(time)) {
    return Date.UTC(2000 + +date.slice(0, 2), +date.slice(2, 4) - 1, +date.slice(4, 6), +time.slice(0, 2), +time.slice(2, 4), +time.slice(4, 6));
  }
  return parseTime(`${date.replace(/\./g, '-')} ${time.replace(',', '.')}`);
}

/**
 * Parses one log line with a compiled format. `Level` (or `Severity`) becomes the severity, `Content`
 * the body, `Host`/`Node` the host, the other header fields attributes. Throws when the line does not
 * match or has no usable time. `year` dates syslog stamps that carry none.
 */
export function parseLogLine(line: string, fmt: LogFormat, year = new Date().getUTCFullYear()): ParsedLogLine {
  const parsed = fmt.line.parse(line);
  if (!parsed) throw new RowError('line', 'does not match the declared log format');
  const g = parsed.fields;
  const ts = logTime(g, year);
  if (!Number.isFinite(ts)) throw new RowError(g.Timestamp !== undefined ? 'Timestamp' : 'Date', 'no valid time in the line');
  const level = (g.Level ?? g.Severity ?? '').trim();
  const attributes: Attrs = {};
  for (const [f, v] of Object.entries(g)) {
    if (['Date', 'Time', 'Timestamp', 'Datetime', 'DateTime', 'Level', 'Severity', 'Content', 'Host', 'Node'].includes(f)) continue;
    attributes[`log.${f.toLowerCase()}`] = v;
  }
  return {
    ts,
    severity: LEVELS[level.toUpperCase()] ?? (level ? level.toUpperCase() : 'UNSPECIFIED'),
    body: parsed.content,
    host: (g.Host ?? g.Node ?? '').trim() || null,
    attributes,
  };
}
