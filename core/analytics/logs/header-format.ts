/**
 * Header parsing: split a raw log line into its header fields and the `Content` that the template
 * miner sees. A source either declares its format in the Loghub notation
 * (`<Date> <Time> <Level> <Component>: <Content>`) or names a built-in one: `syslog` (RFC 3164 or
 * 5424, told apart per line), `rfc3164`, `rfc5424`, `iso-level` (ISO timestamp + level), `json`
 * (JSON lines), `raw` (the whole line is content).
 */

/** The fields of one parsed line. `content` is what gets mined. */
export interface ParsedLine {
  content: string;
  /** Header fields by name, as the format names them (built-ins use Timestamp, Level, Host, App, Pid). */
  fields: Record<string, string>;
}

/** A compiled line format. */
export interface LineFormat {
  /** The format as given (notation or built-in name). */
  readonly spec: string;
  /** Parses one line; null when it does not match the format. */
  parse(line: string): ParsedLine | null;
}

/** Names of the built-in formats. */
export const BUILTIN_FORMATS = ['syslog', 'rfc3164', 'rfc5424', 'iso-level', 'json', 'raw'] as const;

/** An error in a format specification; `message` says what and where. */
export class FormatError extends Error {}

/**
 * Compiles a format in Loghub notation. `<Name>` is a field; everything else is literal text, where
 * runs of spaces match any run of whitespace and a backslash makes the next character literal (the
 * Loghub settings write `\[` for a bracket; a bare `[` means the same here). The format must contain
 * `<Content>`, which takes the rest of the line when it is last.
 */
export function compileLogFormat(spec: string): LineFormat {
  const names: string[] = [];
  let re = '^';
  const parts = spec.split(/(<[^<>\s]+>)/);
  for (const part of parts) {
    if (part === '') continue;
    const field = /^<([^<>\s]+)>$/.exec(part);
    if (field) {
      const name = field[1]!;
      if (names.includes(name)) throw new FormatError(`format: field <${name}> appears twice`);
      names.push(name);
      re += '(.*?)';
      continue;
    }
    let lit = '';
    for (let i = 0; i < part.length; i++) {
      let ch = part[i]!;
      if (ch === '\\' && i + 1 < part.length) ch = part[++i]!;
      else if (ch === ' ') {
        while (part[i + 1] === ' ') i++;
        lit += '\\s+';
        continue;
      }
      lit += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
    re += lit;
  }
  re += '$';
  if (!names.includes('Content')) throw new FormatError(`format: '${spec}' has no <Content> field`);
  const regex = new RegExp(re, 's');
  return {
    spec,
    parse(line: string): ParsedLine | null {
      const m = regex.exec(line);
      if (!m) return null;
      const fields: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) fields[names[i]!] = m[i + 1]!;
      return { content: fields.Content!, fields };
    },
  };
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
/** `<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`; PRI optional (files written by syslogd have none). */
const RFC3164_RE = new RegExp(
  `^(?:<(\\d{1,3})>)?((?:${MONTHS}) [ \\d]\\d \\d\\d:\\d\\d:\\d\\d)\\s+(\\S+)\\s+([^\\s:\\[]+)(?:\\[([^\\]]*)\\])?:?\\s?(.*)$`,
  's',
);
/** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD...] MSG` */
const RFC5424_RE = /^(?:<(\d{1,3})>)?1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/s;
/** ISO timestamp, then a level word (optionally bracketed), then the message. */
const ISO_LEVEL_RE =
  /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|ALERT|EMERG|SEVERE)\]?:?\s+(.*)$/is;

/** Syslog severities by number (RFC 5424 table 2). */
export const SYSLOG_SEVERITIES = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'] as const;

function priFields(pri: string | undefined, fields: Record<string, string>): void {
  if (pri === undefined) return;
  const n = Number(pri);
  fields.Facility = String(n >> 3);
  fields.Level = SYSLOG_SEVERITIES[n & 7]!;
}

function parse3164(line: string): ParsedLine | null {
  const m = RFC3164_RE.exec(line);
  if (!m) return null;
  const fields: Record<string, string> = { Timestamp: m[2]!, Host: m[3]!, App: m[4]! };
  if (m[5] !== undefined) fields.Pid = m[5];
  priFields(m[1], fields);
  return { content: m[6]!, fields };
}

function parse5424(line: string): ParsedLine | null {
  const m = RFC5424_RE.exec(line);
  if (!m) return null;
  const fields: Record<string, string> = { Timestamp: m[2]!, Host: m[3]!, App: m[4]!, Pid: m[5]!, MsgId: m[6]! };
  if (m[7] !== '-') fields.StructuredData = m[7]!;
  priFields(m[1], fields);
  // A UTF-8 byte-order mark may precede the message (RFC 5424 §6.4); it is not content.
  return { content: (m[8] ?? '').replace(/^\uFEFF/, ''), fields };
}

const JSON_CONTENT_KEYS = ['message', 'msg', 'body', 'log', 'text'];
const JSON_LEVEL_KEYS = ['level', 'severity', 'lvl', 'severity_text', 'levelname'];
const JSON_TIME_KEYS = ['ts', 'time', 'timestamp', '@timestamp', 'date'];

function parseJsonLine(line: string): ParsedLine | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return null;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const rec = obj as Record<string, unknown>;
  const pick = (keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = rec[k];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    return undefined;
  };
  const content = pick(JSON_CONTENT_KEYS);
  if (content === undefined) return null;
  const fields: Record<string, string> = {};
  const level = pick(JSON_LEVEL_KEYS);
  if (level !== undefined) fields.Level = level;
  const time = pick(JSON_TIME_KEYS);
  if (time !== undefined) fields.Timestamp = time;
  return { content, fields };
}

function builtin(spec: string, parse: (line: string) => ParsedLine | null): LineFormat {
  return { spec, parse };
}

/**
 * Resolves a format: a built-in name (see `BUILTIN_FORMATS`) or Loghub notation. Throws
 * `FormatError` for a notation without `<Content>`.
 */
export function resolveLineFormat(spec: string): LineFormat {
  switch (spec) {
    case 'syslog':
      return builtin(spec, (l) => (/^(?:<\d{1,3}>)?1 /.test(l) ? parse5424(l) : parse3164(l)));
    case 'rfc3164':
      return builtin(spec, parse3164);
    case 'rfc5424':
      return builtin(spec, parse5424);
    case 'iso-level':
      return builtin(spec, (l) => {
        const m = ISO_LEVEL_RE.exec(l);
        return m ? { content: m[3]!, fields: { Timestamp: m[1]!, Level: m[2]! } } : null;
      });
    case 'json':
      return builtin(spec, parseJsonLine);
    case 'raw':
      return builtin(spec, (l) => ({ content: l, fields: {} }));
    default:
      return compileLogFormat(spec);
  }
}
