/**
 * Which runbooks apply to an incident, and to which of its entities. Pure: the incident as the
 * engine's incident events carry it (no correlator internals).
 */
import type { IncidentDetail } from '../common/schemas.ts';
import { globToRegExp, templateToRegExp, type Runbook } from './runbook.ts';

/**
 * The entity a runbook would act on for this incident, or null when it does not apply. Every criterion
 * the runbook sets must hold. The target is the best-ranked root cause that matches the entity globs,
 * else the first matching entity of the incident.
 */
export function matchRunbook(rb: Runbook, incident: IncidentDetail): string | null {
  const m = rb.match;
  if (m.severities.length && !m.severities.includes(incident.severity)) return null;
  const titles = [incident.title, ...incident.members.map((x) => x.title)];
  if (m.titles.length && !m.titles.some((re) => titles.some((t) => new RegExp(re, 'i').test(t)))) return null;
  if (m.templates.length) {
    const alertTitles = incident.members.filter((x) => x.kind === 'alert').map((x) => x.title);
    if (!m.templates.some((t) => alertTitles.some((a) => templateToRegExp(t).test(a)))) return null;
  }
  if (m.anomalies.length) {
    const anomalyTitles = incident.members.filter((x) => x.kind === 'anomaly').map((x) => x.title.split(' ')[0]);
    if (!m.anomalies.some((g) => anomalyTitles.some((metric) => globToRegExp(g).test(metric)))) return null;
  }
  const ranked = [...incident.rootCauses.map((r) => r.entity), ...incident.entities, ...incident.members.map((x) => x.entity)];
  const candidates = m.entities.length ? ranked.filter((e) => m.entities.some((g) => globToRegExp(g).test(e))) : ranked;
  return candidates[0] ?? null;
}
