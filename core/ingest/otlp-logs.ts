/**
 * OTLP/HTTP JSON logs (ExportLogsServiceRequest) → LogRecords plus the topology the resources reveal.
 */
import type { LogRecord, TopologyBatch } from '../common/records.ts';
import { IngestError } from './errors.ts';
import {
  NANOS_REASON,
  TopologyCollector,
  anyValueToText,
  attributesToAttrs,
  isObject,
  nanosToMs,
  optionalArray,
  optionalString,
  requireBody,
  resourceInfo,
} from './otlp-common.ts';

/** The log records and topology of one OTLP logs request. */
export interface OtlpLogsResult {
  logs: LogRecord[];
  topology: TopologyBatch;
}

/** Severity text of OpenTelemetry severity numbers 1–24 (four steps per level). */
const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** Text for a severity number: TRACE, TRACE2... FATAL4; UNSPECIFIED for 0. */
export function severityTextOf(n: number): string {
  if (n <= 0) return 'UNSPECIFIED';
  const level = SEVERITY_LEVELS[Math.floor((n - 1) / 4)];
  const step = (n - 1) % 4;
  return step === 0 ? level : `${level}${step + 1}`;
}

const SEVERITY_NUMBER_NAMES: Record<string, number> = Object.fromEntries(
  Array.from({ length: 25 }, (_, n) => [`SEVERITY_NUMBER_${n === 0 ? 'UNSPECIFIED' : severityTextOf(n)}`, n]),
);

/**
 * Parses an OTLP/HTTP JSON ExportLogsServiceRequest. A record's time is timeUnixNano, else
 * observedTimeUnixNano, else `receivedAt`; its severity is severityText, else the name of severityNumber;
 * its body is the string body or the JSON of any other AnyValue; trace and span ids are lowercase hex.
 */
export function parseOtlpLogsJson(body: unknown, receivedAt: number): OtlpLogsResult {
  const root = requireBody(body);
  const resourceLogs = optionalArray(root.resourceLogs, 'resourceLogs');
  const logs: LogRecord[] = [];
  const topology = new TopologyCollector();
  for (let ri = 0; ri < resourceLogs.length; ri++) {
    const rpath = `resourceLogs[${ri}]`;
    const rl = resourceLogs[ri];
    if (!isObject(rl)) throw new IngestError(rpath, 'must be an object');
    const res = resourceInfo(rl.resource, `${rpath}.resource`);
    topology.addResource(res);
    const scopeLogs = optionalArray(rl.scopeLogs, `${rpath}.scopeLogs`);
    for (let si = 0; si < scopeLogs.length; si++) {
      const spath = `${rpath}.scopeLogs[${si}]`;
      const sl = scopeLogs[si];
      if (!isObject(sl)) throw new IngestError(spath, 'must be an object');
      const records = optionalArray(sl.logRecords, `${spath}.logRecords`);
      for (let li = 0; li < records.length; li++) {
        const path = `${spath}.logRecords[${li}]`;
        const lr = records[li];
        if (!isObject(lr)) throw new IngestError(path, 'must be an object');
        const time = nanosToMs(lr.timeUnixNano);
        if (Number.isNaN(time)) throw new IngestError(`${path}.timeUnixNano`, NANOS_REASON);
        const observed = nanosToMs(lr.observedTimeUnixNano);
        if (Number.isNaN(observed)) throw new IngestError(`${path}.observedTimeUnixNano`, NANOS_REASON);
        const severityNumber = parseSeverityNumber(lr.severityNumber, `${path}.severityNumber`);
        const severityText = optionalString(lr.severityText, `${path}.severityText`);
        logs.push({
          ts: time > 0 ? time : observed > 0 ? observed : receivedAt,
          entity: res.entity,
          service: res.service,
          host: res.host,
          severity: severityText || severityTextOf(severityNumber),
          body: anyValueToText(lr.body, `${path}.body`),
          traceId: hexId(lr.traceId, 32, `${path}.traceId`),
          spanId: hexId(lr.spanId, 16, `${path}.spanId`),
          attributes: attributesToAttrs(lr.attributes, `${path}.attributes`),
        });
      }
    }
  }
  return { logs, topology: topology.toBatch() };
}

function parseSeverityNumber(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && v in SEVERITY_NUMBER_NAMES) return SEVERITY_NUMBER_NAMES[v];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 24) return v;
  throw new IngestError(path, 'must be an integer from 0 to 24 or a SEVERITY_NUMBER_* name');
}

/**
 * A trace or span id as OTLP JSON sends it: hex of `hexLength` digits (lowercased). Empty or absent
 * (and the all-zero invalid id) mean "none".
 */
export function hexId(v: unknown, hexLength: number, path: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length !== hexLength || !/^[0-9a-fA-F]+$/.test(v)) {
    throw new IngestError(path, `must be ${hexLength} hex digits`);
  }
  const id = v.toLowerCase();
  return /^0+$/.test(id) ? null : id;
}
