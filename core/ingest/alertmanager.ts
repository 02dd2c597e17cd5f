/**
 * Prometheus Alertmanager webhook (payload version 4) → AlertRecords, one per alert of the group.
 */
import type { AlertRecord } from '../common/records.ts';
import { AlertmanagerPayload, type Severity } from '../common/schemas.ts';
import { IngestError } from './errors.ts';
import { alertEntity } from './events.ts';
import { fingerprintOf } from './fingerprint.ts';

export { fingerprintOf } from './fingerprint.ts';

const SERVICE_LABELS = ['service', 'service_name', 'job', 'app'] as const;
const HOST_LABELS = ['host', 'hostname', 'instance', 'node'] as const;

const SEVERITY_MAP: Record<string, Severity> = {
  critical: 'critical',
  page: 'critical',
  error: 'major',
  high: 'major',
  major: 'major',
  minor: 'minor',
  medium: 'minor',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  low: 'info',
  none: 'info',
};

/**
 * The engine severity of an Alertmanager `severity` label (case-insensitive). Missing or unknown values
 * are `warning`: labels are free-form, and dropping an alert over a label spelling would lose it.
 */
export function severityFromLabel(label: string | undefined): Severity {
  return (label && SEVERITY_MAP[label.trim().toLowerCase()]) || 'warning';
}

/** `instance` is usually `host:port` (or `[v6]:port`); the host is what joins the topology. */
export function stripPort(instance: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (v6) return v6[1];
  const m = /^([^:]+):\d+$/.exec(instance);
  return m ? m[1] : instance;
}

function firstLabel(labels: Record<string, string>, names: readonly string[]): string | null {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== '') return v;
  }
  return null;
}

/** Alertmanager writes `0001-01-01T00:00:00Z` for "no end"; only times after the epoch count. */
function validTime(s: string | undefined): number | null {
  if (!s) return null;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/**
 * Parses an Alertmanager webhook body. Service comes from the first of the labels service, service_name,
 * job, app; host from host, hostname, instance (port stripped), node; title from annotations.summary or
 * labels.alertname; time is endsAt for a resolved alert when valid, else startsAt. externalId is
 * `<fingerprint>@<startsAt>`, so the firing and resolved events of one alert share it.
 */
export function parseAlertmanager(body: unknown, receivedAt: number, newId: () => string): AlertRecord[] {
  const parsed = AlertmanagerPayload.safeParse(body);
  if (!parsed.success) throw IngestError.fromZod(parsed.error);
  const out: AlertRecord[] = [];
  parsed.data.alerts.forEach((a, i) => {
    const path = `alerts[${i}]`;
    const startsAt = validTime(a.startsAt);
    if (startsAt === null) throw new IngestError(`${path}.startsAt`, 'must be an RFC 3339 time after 1970');
    const endsAt = validTime(a.endsAt);
    const title = a.annotations.summary || a.labels.alertname;
    if (!title) throw new IngestError(`${path}.labels.alertname`, 'is required when annotations.summary is absent');
    const service = firstLabel(a.labels, SERVICE_LABELS);
    const hostLabel = firstLabel(a.labels, HOST_LABELS);
    const host = hostLabel === null ? null : stripPort(hostLabel);
    const source = 'alertmanager';
    const fingerprint = a.fingerprint || fingerprintOf(source, service, host, title);
    out.push({
      id: newId(),
      externalId: `${fingerprint}@${a.startsAt}`,
      time: a.status === 'resolved' && endsAt !== null ? endsAt : startsAt,
      receivedAt,
      source,
      service,
      host,
      entity: alertEntity(source, service, host, a.labels),
      severity: severityFromLabel(a.labels.severity),
      status: a.status,
      title,
      description: a.annotations.description ?? null,
      fingerprint,
      attributes: { ...a.labels },
    });
  });
  return out;
}
