/**
 * Which series have a capacity meaning, and what their limit is: from operator-set limits first, then
 * OpenTelemetry semantic-convention names and units (utilizations are fractions of a whole; usage
 * series have a `.max`/`.limit` sibling), then common names (disk, memory, pool, queue, quota).
 */

/** What runs out. Used in titles: "disk full", "memory exhausted", ... */
export type CapacityResource = 'disk' | 'memory' | 'connection pool' | 'queue' | 'quota' | 'capacity';

/** An operator-set limit: a metric name (with `*` wildcards), optionally one entity. */
export interface OperatorLimit {
  metric: string;
  entity?: string;
  /** The capacity in the series' own unit (e.g. bytes); exhaustion is `fullAt` of it. */
  limit: number;
}

/** How a series is recognised as capacity. */
export interface CapacitySpec {
  resource: CapacityResource;
  /** A fixed capacity (1 for a utilization, 100 for a percentage, an operator limit), or null. */
  capacity: number | null;
  /** Names of sibling series on the same entity whose latest value is the capacity. */
  capacityFrom: string[];
  /** Where the limit came from, for explanations. */
  source: 'operator' | 'semantic-convention' | 'unit' | 'name';
}

const RESOURCE_WORDS: [RegExp, CapacityResource][] = [
  [/filesystem|disk|volume|storage|inode|fs\b/, 'disk'],
  [/memory|heap|\bmem\b|swap/, 'memory'],
  [/connection|pool/, 'connection pool'],
  [/queue|backlog|lag/, 'queue'],
  [/quota/, 'quota'],
];

function resourceOf(name: string): CapacityResource | null {
  const n = name.toLowerCase();
  for (const [re, r] of RESOURCE_WORDS) if (re.test(n)) return r;
  return null;
}

/** Usage → capacity sibling names from the OpenTelemetry semantic conventions (and their older forms). */
const SEMCONV_SIBLINGS: Record<string, string[]> = {
  'db.client.connection.count': ['db.client.connection.max'],
  'db.client.connections.usage': ['db.client.connections.max'],
  'system.filesystem.usage': ['system.filesystem.limit'],
  'process.memory.usage': ['process.memory.limit'],
  'container.memory.usage': ['container.memory.limit', 'k8s.container.memory_limit'],
  'jvm.memory.used': ['jvm.memory.limit'],
  'k8s.pod.memory.usage': ['k8s.pod.memory.limit'],
};

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/** Recognises capacity series; build once per configuration. */
export class CapacityCatalog {
  private readonly operator: { re: RegExp; entity?: string; limit: number }[];

  constructor(limits: OperatorLimit[] = []) {
    this.operator = limits.map((l) => ({ re: globToRegExp(l.metric), entity: l.entity, limit: l.limit }));
  }

  /** The capacity spec of a series, or null when it has no capacity meaning. */
  recognise(name: string, unit: string, entity: string): CapacitySpec | null {
    for (const o of this.operator) {
      if (o.re.test(name) && (!o.entity || o.entity === entity)) {
        return { resource: resourceOf(name) ?? 'capacity', capacity: o.limit, capacityFrom: [], source: 'operator' };
      }
    }
    const resource = resourceOf(name);
    // Limits are series in their own right, never forecast against themselves.
    if (/\.(max|limit)$|_limit$|\.capacity$/.test(name)) return null;
    const sib = SEMCONV_SIBLINGS[name];
    if (sib && resource) return { resource, capacity: null, capacityFrom: sib, source: 'semantic-convention' };
    if (!resource) return null;
    if (/utili[sz]ation|\.ratio$|_ratio$/.test(name) && (unit === '1' || unit === '')) {
      return { resource, capacity: 1, capacityFrom: [], source: 'unit' };
    }
    if (unit === '%' || /percent|_pct$/.test(name)) return { resource, capacity: 100, capacityFrom: [], source: 'unit' };
    const m = /^(.*)\.(usage|used|count|depth|size)$/.exec(name);
    if (m) return { resource, capacity: null, capacityFrom: [`${m[1]}.max`, `${m[1]}.limit`], source: 'name' };
    return null;
  }
}
