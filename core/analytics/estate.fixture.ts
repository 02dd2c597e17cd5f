/**
 * A small two-region estate and signal builders for the analytics unit tests. Test support only.
 */
import type { Anomaly, Severity } from '../common/schemas.ts';
import type { AlertRecord, ChangeRecord, EdgeRecord, MetricBatch, NodeRecord, SeriesKey, TopologyBatch } from '../common/records.ts';
import { entityKind, entityName } from '../common/records.ts';

/** Base event time of the fixtures: 2026-03-02T12:00:00Z. */
export const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
export const SEC = 1000;
export const MIN = 60_000;

/**
 * Per region r (eu, us): lb-r → frontend-r, gateway-r → checkout/cart/catalog/users → orders, payments
 * → databases and a queue; services and databases run on shared hosts; hosts run in region:r.
 */
export function estate(): TopologyBatch {
  const nodes: NodeRecord[] = [];
  const edges: EdgeRecord[] = [];
  const node = (id: string) => {
    if (!nodes.some((n) => n.id === id)) nodes.push({ id, kind: entityKind(id), name: entityName(id), attributes: {} });
  };
  const edge = (source: string, target: string, kind: EdgeRecord['kind']) => {
    node(source);
    node(target);
    edges.push({ source, target, kind, origin: 'declared' });
  };
  for (const r of ['eu', 'us']) {
    const s = (n: string) => `service:${n}-${r}`;
    const db = (n: string) => `database:${n}-db-${r}`;
    edge(`loadbalancer:lb-${r}`, s('frontend'), 'calls');
    edge(`loadbalancer:lb-${r}`, s('gateway'), 'calls');
    for (const t of ['checkout', 'catalog', 'cart']) edge(s('frontend'), s(t), 'calls');
    for (const t of ['checkout', 'users']) edge(s('gateway'), s(t), 'calls');
    for (const t of ['payments', 'orders', 'cart']) edge(s('checkout'), s(t), 'calls');
    edge(s('orders'), db('orders'), 'depends_on');
    edge(s('checkout'), db('orders'), 'depends_on');
    edge(s('payments'), db('payments'), 'depends_on');
    edge(s('cart'), db('cart'), 'depends_on');
    edge(s('catalog'), db('catalog'), 'depends_on');
    edge(s('users'), db('users'), 'depends_on');
    edge(s('orders'), `queue:orders-q-${r}`, 'calls');
    edge(s('shipping'), `queue:orders-q-${r}`, 'depends_on');
    const hosts: Record<string, string[]> = {
      [`host:${r}-web-1`]: [s('frontend'), s('gateway')],
      [`host:${r}-app-1`]: [s('checkout'), s('cart')],
      [`host:${r}-app-2`]: [s('orders'), s('payments'), s('shipping')],
      [`host:${r}-app-3`]: [s('catalog'), s('users')],
      [`host:${r}-db-1`]: [db('orders'), db('payments')],
      [`host:${r}-db-2`]: [db('cart'), db('catalog'), db('users')],
    };
    for (const [h, on] of Object.entries(hosts)) {
      for (const e of on) edge(e, h, 'runs_on');
      edge(h, `region:${r}`, 'runs_on');
    }
  }
  return { nodes, edges };
}

let seq = 0;

/** An alert on `entity` (fingerprint defaults to entity + title). */
export function alert(p: {
  time: number;
  entity: string;
  title: string;
  severity?: Severity;
  status?: 'firing' | 'resolved';
  fingerprint?: string;
  id?: string;
}): AlertRecord {
  const kind = entityKind(p.entity);
  return {
    id: p.id ?? `a${++seq}`,
    externalId: null,
    time: p.time,
    receivedAt: p.time,
    source: 'test',
    service: kind === 'service' ? entityName(p.entity) : null,
    host: kind === 'host' ? entityName(p.entity) : null,
    entity: p.entity,
    severity: p.severity ?? 'major',
    status: p.status ?? 'firing',
    title: p.title,
    description: null,
    fingerprint: p.fingerprint ?? `${p.entity}|${p.title}`,
    attributes: {},
  };
}

/** An anomaly on `entity`. */
export function anomaly(p: { time: number; entity: string; metric: string; score?: number; value?: number; expected?: number }): Anomaly {
  return {
    id: `anom-${p.entity}-${p.metric}-${p.time}`,
    time: p.time,
    entity: p.entity,
    metric: p.metric,
    value: p.value ?? 100,
    expected: p.expected ?? 10,
    score: p.score ?? 0.8,
  };
}

/** A change on a service entity. */
export function change(p: { time: number; entity: string; kind?: ChangeRecord['kind']; summary: string }): ChangeRecord {
  return { id: `c-${p.entity}-${p.time}`, time: p.time, service: entityName(p.entity), entity: p.entity, kind: p.kind ?? 'deploy', summary: p.summary };
}

/** Build a columnar MetricBatch from per-series point lists. */
export function metricBatch(series: { entity: string; name: string; points: [number, number][] }[]): MetricBatch {
  const seriesKeys: SeriesKey[] = series.map((s) => ({
    key: `${s.entity}|${s.name}|`,
    entity: s.entity,
    service: entityKind(s.entity) === 'service' ? entityName(s.entity) : null,
    host: null,
    name: s.name,
    unit: '1',
    attributes: {},
  }));
  const n = series.reduce((k, s) => k + s.points.length, 0);
  const b: MetricBatch = { seriesKeys, series: new Int32Array(n), ts: new Float64Array(n), values: new Float64Array(n) };
  let i = 0;
  series.forEach((s, si) => {
    for (const [t, v] of s.points) {
      b.series[i] = si;
      b.ts[i] = t;
      b.values[i] = v;
      i++;
    }
  });
  return b;
}
