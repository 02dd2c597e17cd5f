/**
 * The demo estate: a plausible online shop run in two regions, described as entities and
 * dependency edges. Built from a seed so that the same seed always gives the same estate.
 *
 * Shape per region: a load balancer → frontend / api-gateway → domain services → databases and
 * queues; every service runs on 2–3 hosts, every database on a primary and a replica host, every
 * queue on a broker cluster. A global edge load balancer fronts both regions, which keeps the whole
 * graph connected. Edges always mean "source depends on target".
 */
import type { EdgeKind, TopologyPayload } from '../common/schemas.ts';
import { Rng } from './random.ts';

/** Kinds of entity the demo estate contains. */
export type EstateKind = 'service' | 'host' | 'database' | 'queue' | 'loadbalancer' | 'region';

/** One entity of the estate. `id` is canonical (`kind:name`). */
export interface EstateNode {
  id: string;
  kind: EstateKind;
  name: string;
  /** Region name (e.g. `eu-west`); null for global entities. */
  region: string | null;
  attributes: Record<string, string | number | boolean | null>;
}

/** A dependency: `source` depends on `target`. */
export interface EstateEdge {
  source: string;
  target: string;
  kind: EdgeKind;
}

/** A region of the estate. */
export interface EstateRegion {
  /** `cloud.region`, e.g. `eu-west`. */
  name: string;
  /** Short suffix used in entity names, e.g. `eu` in `checkout-eu`. */
  suffix: string;
  /** Offset of the region's users from UTC, which shifts its daily traffic curve. */
  utcOffsetHours: number;
  /** Canonical id of the region's load balancer. */
  loadBalancer: string;
}

/** The whole estate: plain data, safe to serialise. */
export interface Estate {
  seed: number;
  regions: EstateRegion[];
  nodes: EstateNode[];
  edges: EstateEdge[];
}

/** What a service of the catalogue calls, stores in and exchanges messages with (names without region). */
interface ServiceSpec {
  name: string;
  tier: 'edge' | 'domain' | 'backend';
  team: string;
  /** Services it calls. */
  calls: string[];
  /** Databases it queries. */
  stores: string[];
  /** Queues it publishes to or consumes from. */
  queues: string[];
  /** Fixed instance count, or undefined for a seeded 2–3. */
  instances?: number;
  /** Mean requests per second at peak, per region. */
  peakRps: number;
}

const SERVICES: readonly ServiceSpec[] = [
  { name: 'frontend', tier: 'edge', team: 'web', calls: ['api-gateway', 'auth'], stores: [], queues: [], instances: 3, peakRps: 900 },
  {
    name: 'api-gateway',
    tier: 'edge',
    team: 'platform',
    calls: ['auth', 'catalog', 'search', 'cart', 'checkout', 'users', 'recommendations', 'orders'],
    stores: [],
    queues: [],
    instances: 3,
    peakRps: 1400,
  },
  { name: 'auth', tier: 'backend', team: 'identity', calls: ['users'], stores: ['users-db'], queues: [], peakRps: 1100 },
  { name: 'users', tier: 'backend', team: 'identity', calls: [], stores: ['users-db'], queues: [], peakRps: 500 },
  { name: 'catalog', tier: 'domain', team: 'catalog', calls: [], stores: ['catalog-db'], queues: [], peakRps: 800 },
  { name: 'search', tier: 'domain', team: 'catalog', calls: ['catalog'], stores: ['search-index'], queues: [], peakRps: 350 },
  { name: 'recommendations', tier: 'domain', team: 'growth', calls: ['catalog', 'users'], stores: [], queues: [], peakRps: 300 },
  { name: 'pricing', tier: 'backend', team: 'catalog', calls: [], stores: ['catalog-db'], queues: [], peakRps: 450 },
  { name: 'cart', tier: 'domain', team: 'checkout', calls: ['pricing', 'catalog', 'inventory'], stores: ['cart-cache'], queues: [], peakRps: 260 },
  {
    name: 'checkout',
    tier: 'domain',
    team: 'checkout',
    calls: ['cart', 'payments', 'orders', 'inventory', 'pricing', 'shipping'],
    stores: [],
    queues: [],
    peakRps: 90,
  },
  { name: 'payments', tier: 'backend', team: 'payments', calls: [], stores: ['payments-db'], queues: ['notifications-queue'], peakRps: 70 },
  { name: 'orders', tier: 'backend', team: 'checkout', calls: ['inventory'], stores: ['orders-db'], queues: ['orders-events'], peakRps: 120 },
  { name: 'inventory', tier: 'backend', team: 'fulfilment', calls: [], stores: ['inventory-db'], queues: [], peakRps: 400 },
  {
    name: 'shipping',
    tier: 'backend',
    team: 'fulfilment',
    calls: [],
    stores: ['shipping-db'],
    queues: ['orders-events', 'shipping-events'],
    peakRps: 60,
  },
  {
    name: 'notifications',
    tier: 'backend',
    team: 'growth',
    calls: ['users'],
    stores: [],
    queues: ['orders-events', 'shipping-events', 'notifications-queue'],
    peakRps: 40,
  },
];

/** Databases per region: name, engine and connection-pool size. */
const DATABASES: readonly { name: string; system: string; maxConnections: number }[] = [
  { name: 'orders-db', system: 'postgresql', maxConnections: 200 },
  { name: 'payments-db', system: 'postgresql', maxConnections: 100 },
  { name: 'users-db', system: 'postgresql', maxConnections: 300 },
  { name: 'catalog-db', system: 'postgresql', maxConnections: 250 },
  { name: 'inventory-db', system: 'mysql', maxConnections: 150 },
  { name: 'shipping-db', system: 'postgresql', maxConnections: 80 },
  { name: 'cart-cache', system: 'redis', maxConnections: 500 },
  { name: 'search-index', system: 'elasticsearch', maxConnections: 120 },
];

const QUEUES: readonly string[] = ['orders-events', 'shipping-events', 'notifications-queue'];

const REGIONS: readonly Omit<EstateRegion, 'loadBalancer'>[] = [
  { name: 'eu-west', suffix: 'eu', utcOffsetHours: 1 },
  { name: 'us-east', suffix: 'us', utcOffsetHours: -5 },
];

const BROKERS_PER_REGION = 3;

/**
 * Builds the demo estate. Deterministic: the seed only decides instance counts and sizes, so every
 * seed gives the same services, databases and queues (tests and docs can name them) but a slightly
 * different fleet.
 */
export function buildEstate(seed = 1): Estate {
  const rng = new Rng(seed);
  const nodes: EstateNode[] = [];
  const edges: EstateEdge[] = [];
  const regions: EstateRegion[] = [];
  const add = (kind: EstateKind, name: string, region: string | null, attributes: EstateNode['attributes'] = {}): string => {
    const id = `${kind}:${name}`;
    nodes.push({ id, kind, name, region, attributes: region ? { 'cloud.region': region, ...attributes } : attributes });
    return id;
  };
  const link = (source: string, target: string, kind: EdgeKind): void => {
    edges.push({ source, target, kind });
  };

  const edge = add('loadbalancer', 'edge-global', null, { role: 'global traffic manager' });

  for (const r of REGIONS) {
    const sfx = r.suffix;
    const regionId = add('region', r.name, r.name, { provider: 'demo-cloud' });
    const lb = add('loadbalancer', `lb-${sfx}`, r.name, { role: 'regional load balancer' });
    regions.push({ ...r, loadBalancer: lb });
    link(edge, lb, 'calls');
    link(lb, regionId, 'runs_on');

    const brokers: string[] = [];
    for (let i = 1; i <= BROKERS_PER_REGION; i++) {
      brokers.push(add('host', `${sfx}-broker-${i}`, r.name, { role: 'broker', cores: 8, 'host.type': 'm-8x32' }));
    }
    for (const q of QUEUES) {
      const qid = add('queue', `${q}-${sfx}`, r.name, { 'messaging.system': 'kafka', partitions: 12 });
      for (const b of brokers) link(qid, b, 'runs_on');
    }

    for (const db of DATABASES) {
      const dbName = `${db.name}-${sfx}`;
      const id = add('database', dbName, r.name, { 'db.system.name': db.system, 'db.client.connection.max': db.maxConnections });
      for (const role of ['primary', 'replica'] as const) {
        const n = role === 'primary' ? 1 : 2;
        const host = add('host', `${sfx}-${db.name}-${n}`, r.name, { role: `${db.system} ${role}`, cores: 16, 'host.type': 'r-16x128' });
        link(id, host, 'runs_on');
      }
    }

    for (const s of SERVICES) {
      const name = `${s.name}-${sfx}`;
      const instances = s.instances ?? rng.int(2, 3);
      const version = `v${1 + (s.name.length % 3)}.${rng.int(3, 29)}.${rng.int(0, 9)}`;
      const id = add('service', name, r.name, { tier: s.tier, team: s.team, 'service.version': version, instances });
      for (let i = 1; i <= instances; i++) {
        const host = add('host', `${sfx}-${s.name}-${i}`, r.name, { role: `${s.name} node`, cores: 4, 'host.type': 'c-4x16' });
        link(id, host, 'runs_on');
      }
    }
    for (const s of SERVICES) {
      const id = `service:${s.name}-${sfx}`;
      for (const c of s.calls) link(id, `service:${c}-${sfx}`, 'calls');
      for (const d of s.stores) link(id, `database:${d}-${sfx}`, 'calls');
      for (const q of s.queues) link(id, `queue:${q}-${sfx}`, 'depends_on');
    }
    link(lb, `service:frontend-${sfx}`, 'calls');
    link(lb, `service:api-gateway-${sfx}`, 'calls');
  }
  return { seed, regions, nodes, edges };
}

/** The estate as a `POST /ingest/topology` payload. */
export function estateTopology(estate: Estate): TopologyPayload {
  return {
    nodes: estate.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, attributes: { ...n.attributes } })),
    edges: estate.edges.map((e) => ({ source: e.source, target: e.target, kind: e.kind })),
  };
}

/** Lookups over an estate: nodes by id, and edges in both directions. */
export interface EstateIndex {
  byId: Map<string, EstateNode>;
  /** What an entity depends on (outgoing edges). */
  dependencies: Map<string, EstateEdge[]>;
  /** What depends on an entity (incoming edges). */
  dependents: Map<string, EstateEdge[]>;
}

/** Indexes an estate for lookups. */
export function indexEstate(estate: Estate): EstateIndex {
  const byId = new Map(estate.nodes.map((n) => [n.id, n] as const));
  const dependencies = new Map<string, EstateEdge[]>();
  const dependents = new Map<string, EstateEdge[]>();
  for (const n of estate.nodes) {
    dependencies.set(n.id, []);
    dependents.set(n.id, []);
  }
  for (const e of estate.edges) {
    dependencies.get(e.source)?.push(e);
    dependents.get(e.target)?.push(e);
  }
  return { byId, dependencies, dependents };
}

/** Entities that call or depend on `id` (not what runs on it). */
export function callersOf(index: EstateIndex, id: string): string[] {
  return (index.dependents.get(id) ?? []).filter((e) => e.kind !== 'runs_on').map((e) => e.source);
}

/** Entities that run on host `id`. */
export function runnersOn(index: EstateIndex, id: string): string[] {
  return (index.dependents.get(id) ?? []).filter((e) => e.kind === 'runs_on').map((e) => e.source);
}

/** Hosts that entity `id` runs on. */
export function hostsOf(index: EstateIndex, id: string): string[] {
  return (index.dependencies.get(id) ?? []).filter((e) => e.kind === 'runs_on').map((e) => e.target);
}

/** Mean peak requests per second of a service, from the catalogue (by name without region suffix). */
export function servicePeakRps(serviceName: string): number {
  const base = serviceName.replace(/-[a-z]+$/, '');
  return SERVICES.find((s) => s.name === base)?.peakRps ?? 100;
}
