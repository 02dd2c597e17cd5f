/**
 * Text templates of signal titles, template co-occurrence learned from past incidents and operator
 * decisions, and similarity between incidents.
 *
 * A template is a title with what varies between instances of one rule masked: the entity's name,
 * numbers, hex ids, IPs, quoted values. "High CPU usage on eu-web-3" and "High CPU usage on us-web-1"
 * share the template "high cpu usage on <*>", so a storm of one rule across many hosts is recognised
 * as one thing even where the topology does not know those hosts.
 */
import type { EntityId } from '../common/records.ts';
import { entityName } from '../common/records.ts';

/** The template of a signal title: lower case, variable parts replaced by `<*>`. */
export function titleTemplate(title: string, entity?: EntityId): string {
  let t = title.toLowerCase();
  if (entity) {
    const name = entityName(entity).toLowerCase();
    if (name.length >= 2) t = t.split(name).join('<*>');
  }
  return t
    .replace(/'[^']*'|"[^"]*"/g, '<*>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<*>')
    .replace(/\b(0x)?[0-9a-f]{8,}\b/g, '<*>')
    .replace(/\b[a-z][a-z0-9]*([-_.][a-z0-9]+)*[-_.]\d+[a-z0-9]*\b/g, '<*>')
    .replace(/[-+]?\d+(\.\d+)?(e[-+]?\d+)?/g, '<*>')
    .replace(/(<\*>[\s,;:/.-]*)+<\*>/g, '<*>')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The template a stored incident member is compared by: `anomaly <metric>` for an anomaly (its
 * fingerprint is `anomaly:<entity>|<metric>`), else its title's template. Matches the correlator's.
 */
export function memberTemplateOf(m: { kind: 'alert' | 'anomaly'; fingerprint: string; entity: string; title: string }): string {
  if (m.kind === 'anomaly') return `anomaly ${m.fingerprint.slice(m.fingerprint.indexOf('|') + 1)}`;
  return titleTemplate(m.title, m.entity);
}

/**
 * Template pairs across two groups of members: what an operator's merge joins or split separates.
 * Templates on both sides are left out (they say nothing either way); at most `max` pairs.
 */
export function crossPairs(a: Iterable<string>, b: Iterable<string>, max = 200): [string, string][] {
  const left = new Set(a);
  const right = new Set(b);
  const out: [string, string][] = [];
  for (const x of [...left].sort()) {
    if (right.has(x)) continue;
    for (const y of [...right].sort()) {
      if (left.has(y)) continue;
      out.push([x, y]);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** Word tokens of a template (masks left out), for Jaccard similarity. */
export function templateTokens(template: string): Set<string> {
  return new Set(template.split(/[^a-z0-9]+/).filter((w) => w.length > 1));
}

/** Jaccard similarity of two sets, 0 when both are empty. */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** What an operator decided about two templates: they belong together (merge) or apart (split). */
export type PairDecision = 'merge' | 'split';

/**
 * Template co-occurrence learned from history: how often two templates ended up in one incident,
 * relative to how often each occurred in incidents at all, plus operator decisions, which override
 * what was counted (an operator who split two kinds of alert apart is not overruled by statistics).
 */
export class CooccurrenceModel {
  private readonly single = new Map<string, number>();
  private readonly pair = new Map<string, number>();
  private readonly decisions = new Map<string, PairDecision>();

  /** Learns from one finished incident's distinct templates (at most `maxTemplates` of them). */
  learnIncident(templates: Iterable<string>, maxTemplates = 20): void {
    const list = [...new Set(templates)].sort().slice(0, maxTemplates);
    for (const t of list) this.single.set(t, (this.single.get(t) ?? 0) + 1);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const k = pairKey(list[i], list[j]);
        this.pair.set(k, (this.pair.get(k) ?? 0) + 1);
      }
    }
  }

  /** Records an operator's decision about two templates; the latest decision wins. */
  decide(a: string, b: string, decision: PairDecision): void {
    if (a === b && decision === 'split') return;
    this.decisions.set(pairKey(a, b), decision);
  }

  /** The operator's decision about two templates, if any. */
  decision(a: string, b: string): PairDecision | undefined {
    return this.decisions.get(pairKey(a, b));
  }

  /**
   * How strongly two templates go together, in [0, 1]: 1 after an operator merged them, 0 after a
   * split, otherwise co-occurrences / occurrences of the rarer one once there are `minSupport`
   * co-occurrences (0 before: a coincidence or two proves nothing).
   */
  affinity(a: string, b: string, minSupport = 3): number {
    const d = this.decisions.get(pairKey(a, b));
    if (d === 'merge') return 1;
    if (d === 'split') return 0;
    const both = this.pair.get(pairKey(a, b)) ?? 0;
    if (both < minSupport) return 0;
    const rarer = Math.min(this.single.get(a) ?? 0, this.single.get(b) ?? 0);
    return rarer > 0 ? Math.min(1, both / rarer) : 0;
  }

  /** Number of template pairs known (counted or decided). */
  get size(): number {
    return this.pair.size + this.decisions.size;
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** What incident similarity looks at: an incident's entities, templates and metric names. */
export interface IncidentSignature {
  entities: ReadonlySet<string>;
  templates: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
}

/**
 * Similarity of two incidents in [0, 1]: a weighted Jaccard of their entities (0.4), signal templates
 * (0.4) and anomalous metric names (0.2). Weights of absent parts are dropped (two incidents without
 * anomalies are compared on entities and templates alone).
 */
export function incidentSimilarity(a: IncidentSignature, b: IncidentSignature): number {
  let total = 0;
  let sum = 0;
  const parts: [ReadonlySet<string>, ReadonlySet<string>, number][] = [
    [a.entities, b.entities, 0.4],
    [a.templates, b.templates, 0.4],
    [a.metrics, b.metrics, 0.2],
  ];
  for (const [x, y, w] of parts) {
    if (x.size === 0 && y.size === 0) continue;
    total += w;
    sum += w * jaccard(x, y);
  }
  return total === 0 ? 0 : sum / total;
}
