import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, IncidentMember } from '../common/schemas.ts';
import type { ChangeRecord } from '../common/records.ts';
import { rankRootCauses } from './rca.ts';
import { TopologyGraph } from './topology.ts';
import { MIN, SEC, T0, anomaly, change, estate } from './estate.fixture.ts';

const g = TopologyGraph.from(estate());

function m(entity: string, dt: number, title: string, severity: IncidentMember['severity'] = 'major'): IncidentMember {
  return { kind: 'alert', id: `${entity}@${dt}`, fingerprint: `${entity}|${title}`, entity, time: T0 + dt, title, severity };
}
function am(a: Anomaly): IncidentMember {
  return { kind: 'anomaly', id: a.id, fingerprint: `anomaly:${a.entity}|${a.metric}`, entity: a.entity, time: a.time, title: a.metric, severity: 'warning' };
}
function rank(members: IncidentMember[], extra: { anomalies?: Anomaly[]; changes?: ChangeRecord[] } = {}) {
  return rankRootCauses({ members, anomalies: extra.anomalies, changes: extra.changes ?? [], topology: g });
}

describe('rankRootCauses', () => {
  test('pool exhaustion: the database ranks first, with onset and dependents as evidence', () => {
    const members = [
      m('database:orders-db-eu', 0, 'connection pool exhausted', 'critical'),
      m('service:orders-eu', 40 * SEC, 'error rate high'),
      m('service:checkout-eu', 45 * SEC, 'error rate high'),
      m('service:checkout-eu', 50 * SEC, 'latency p95 high'),
      m('service:frontend-eu', 70 * SEC, 'latency p95 high'),
      m('service:gateway-eu', 75 * SEC, 'error rate high'),
      m('loadbalancer:lb-eu', 90 * SEC, '5xx rate high'),
    ];
    const rc = rank(members);
    assert.equal(rc[0].entity, 'database:orders-db-eu');
    assert.ok(rc[0].score > rc[1].score && rc[0].score <= 1);
    assert.ok(rc.length <= 5);
    assert.ok(rc[0].evidence.some((e) => e.startsWith("first symptom: 'connection pool exhausted' at 12:00:00, 40 s before any other")), rc[0].evidence.join('\n'));
    assert.ok(rc[0].evidence.some((e) => /^5 affected entities depend on it \(.*→ database:orders-db-eu\)$/.test(e)), rc[0].evidence.join('\n'));
  });

  test('memory leak: the leaking service ranks first (its memory anomaly came first)', () => {
    const mem = anomaly({ time: T0, entity: 'service:payments-eu', metric: 'process.memory.usage', score: 0.95 });
    const members = [
      am(mem),
      m('service:payments-eu', 6 * MIN, 'OOM killed', 'critical'),
      m('service:payments-eu', 6 * MIN + 10 * SEC, 'restarts'),
      m('service:checkout-eu', 6 * MIN + 30 * SEC, 'latency p95 high'),
      m('service:frontend-eu', 7 * MIN, 'latency p95 high'),
    ];
    const rc = rank(members, { anomalies: [mem] });
    assert.equal(rc[0].entity, 'service:payments-eu');
    assert.ok(rc[0].evidence.some((e) => e.startsWith('anomaly on process.memory.usage')));
  });

  test('bad deploy: the deployed service ranks first, even when a caller alerts first', () => {
    const members = [
      m('service:frontend-eu', 0, 'error rate high'),
      m('service:checkout-eu', 5 * SEC, 'error rate high', 'critical'),
      m('service:gateway-eu', 20 * SEC, 'error rate high'),
    ];
    const changes = [
      change({ time: T0 - 4 * MIN, entity: 'service:checkout-eu', summary: 'v2.3.1' }),
      change({ time: T0 - 20 * MIN, entity: 'service:search-us', summary: 'v9' }),
    ];
    const rc = rank(members, { changes });
    assert.equal(rc[0].entity, 'service:checkout-eu');
    assert.ok(rc[0].evidence.includes("deploy 'v2.3.1' on checkout-eu 4 min before onset"), rc[0].evidence.join('\n'));
  });

  test('disk filling: the host ranks above the services that run on it', () => {
    const disk = anomaly({ time: T0, entity: 'host:eu-app-2', metric: 'system.filesystem.utilization', score: 0.9 });
    const members = [
      am(disk),
      m('host:eu-app-2', 3 * MIN, 'disk almost full', 'critical'),
      m('service:orders-eu', 4 * MIN, 'write errors'),
      m('service:payments-eu', 4 * MIN + 5 * SEC, 'write errors'),
      m('service:shipping-eu', 4 * MIN + 20 * SEC, 'latency p95 high'),
    ];
    const rc = rank(members, { anomalies: [disk] });
    assert.equal(rc[0].entity, 'host:eu-app-2');
  });

  test('network partition: the load balancer in front of services failing at once ranks first', () => {
    const svcs = ['frontend', 'gateway', 'checkout', 'cart', 'catalog', 'users', 'orders', 'payments'];
    const members = [
      m('loadbalancer:lb-eu', 0, 'Backend unreachable', 'critical'),
      ...svcs.map((s, i) => m(`service:${s}-eu`, (3 + 2 * i) * SEC, 'upstream timeout')),
    ];
    const rc = rank(members);
    assert.equal(rc[0].entity, 'loadbalancer:lb-eu', JSON.stringify(rc, null, 1));
    assert.ok(rc[0].evidence.some((e) => e.startsWith('in front of 8 affected entities')));
  });

  test('memory leak seen first on the hosts of the service: the service, not a host, ranks first', () => {
    const hosts = ['host:eu-app-2', 'host:eu-app-4'];
    // A second host for payments-eu, so the service runs on two hosts.
    const g2 = TopologyGraph.from(estate(), {
      nodes: [],
      edges: [{ source: 'service:payments-eu', target: 'host:eu-app-4', kind: 'runs_on', origin: 'declared' }],
    });
    const anomalies = hosts.map((h, i) => anomaly({ time: T0 + i * 15 * SEC, entity: h, metric: 'system.memory.utilization', score: 0.8 }));
    const members = [
      ...anomalies.map(am),
      m('service:payments-eu', 4 * MIN, 'High memory usage', 'critical'),
      m('service:payments-eu', 6 * MIN, 'OOMKilled', 'critical'),
      m('service:checkout-eu', 6 * MIN + 30 * SEC, 'latency p95 high'),
    ];
    const rc = rankRootCauses({ members, anomalies, changes: [], topology: g2 });
    assert.equal(rc[0].entity, 'service:payments-eu', JSON.stringify(rc.map((r) => [r.entity, r.score])));
    assert.ok(rc[0].evidence.some((e) => e.startsWith('2 of its hosts showed symptoms together')));
  });

  test('a lone signal minutes before the burst does not outrank the burst’s source', () => {
    const members = [
      m('host:eu-web-1', 0, 'NTP clock skew', 'warning'),
      m('database:orders-db-eu', 6 * MIN, 'connection pool exhausted', 'critical'),
      m('service:orders-eu', 6 * MIN + 30 * SEC, 'error rate high'),
      m('service:checkout-eu', 6 * MIN + 40 * SEC, 'error rate high'),
      m('service:frontend-eu', 6 * MIN + 50 * SEC, 'error rate high'),
    ];
    assert.equal(rank(members)[0].entity, 'database:orders-db-eu');
  });

  test('a silent shared dependency is a candidate, below an entity with its own signals', () => {
    const members = [m('service:orders-eu', 0, 'db timeouts'), m('service:checkout-eu', 10 * SEC, 'db timeouts')];
    const rc = rank(members);
    const db = rc.find((r) => r.entity === 'database:orders-db-eu');
    assert.ok(db, 'the shared database is a candidate');
    assert.ok(db.evidence[0].startsWith('no signal of its own'));
    assert.deepEqual(rank([]), []);
  });

  test('network partition: lost traffic behind the load balancer puts it above the frontend it feeds', () => {
    const t = T0 + 15 * SEC;
    const drop = (entity: string) => anomaly({ time: t, entity, metric: 'http.server.request.rate', value: 50, expected: 90, score: 1 });
    const errors = (entity: string) => anomaly({ time: t, entity, metric: 'http.server.request.error.ratio', value: 0.2, expected: 0.01, score: 1 });
    const anomalies = [
      drop('loadbalancer:lb-eu'),
      errors('loadbalancer:lb-eu'),
      drop('service:frontend-eu'),
      errors('service:frontend-eu'),
      drop('service:gateway-eu'),
      drop('service:checkout-eu'),
      errors('service:checkout-eu'),
      drop('service:catalog-eu'),
    ];
    // A routine deploy on the frontend a while before must not outweigh where the traffic was lost.
    const changes = [change({ time: T0 - 10 * MIN, entity: 'service:frontend-eu', kind: 'deploy', summary: 'frontend-eu v1.2.3' })];
    const rc = rank(anomalies.map(am), { anomalies, changes });
    assert.equal(rc[0].entity, 'loadbalancer:lb-eu', rc.map((c) => `${c.entity} ${c.score}`).join('\n'));
    assert.ok(rc[0].evidence.some((e) => /entities that lost incoming traffic sit behind it/.test(e)), rc[0].evidence.join('\n'));
  });

  test('network partition seen at the backends first: the load balancer carries their onset and outranks them', () => {
    // The backends' anomalies arrive first (sampled every 15 s); the balancer's own alert a minute later.
    const svcs = ['frontend', 'gateway', 'catalog', 'users', 'payments', 'cart'];
    const anomalies = svcs.map((s, i) => anomaly({ entity: `service:${s}-eu`, time: T0 + (i % 3) * 15 * SEC, metric: 'http.server.request.error.ratio', value: 0.2, expected: 0.005, score: 1 }));
    const members = [...anomalies.map(am), ...svcs.map((s) => m(`service:${s}-eu`, 50 * SEC, 'upstream timeout')), m('loadbalancer:lb-eu', 60 * SEC, 'Backend unreachable', 'critical')];
    const rc = rank(members, { anomalies });
    const lb = rc.find((c) => c.entity === 'loadbalancer:lb-eu');
    assert.ok(lb, rc.map((c) => `${c.entity} ${c.score}`).join(', '));
    // Above every backend whose failure nothing below explains: they are the cut-off ends, not causes.
    for (const leaf of ['catalog', 'users', 'payments', 'cart']) {
      const c = rc.find((x) => x.entity === `service:${leaf}-eu`);
      assert.ok(!c || c.score < lb.score, rc.map((x) => `${x.entity} ${x.score}`).join(', '));
    }
    assert.ok(lb.evidence.some((e) => /^4 entities behind it failed together from 12:00:00 with nothing failing below them/.test(e)), lb.evidence.join('\n'));
    assert.ok(lb.evidence.some((e) => /^largest change \(on service:/.test(e)), lb.evidence.join('\n'));
  });

  test('a service is not in front of its own host: a filling disk below it keeps the host on top', () => {
    const hostAn = anomaly({ entity: 'host:eu-app-3', time: T0, metric: 'system.filesystem.utilization', value: 0.97, expected: 0.6, score: 1 });
    const svcAn = anomaly({ entity: 'service:catalog-eu', time: T0 + 40 * SEC, metric: 'http.server.request.error.ratio', value: 0.1, expected: 0.005, score: 1 });
    const members = [am(hostAn), m('host:eu-app-3', 30 * SEC, 'Disk almost full'), am(svcAn), m('service:catalog-eu', 60 * SEC, 'High error rate'), m('service:frontend-eu', 80 * SEC, 'High latency')];
    const rc = rank(members, { anomalies: [hostAn, svcAn] });
    assert.equal(rc[0].entity, 'host:eu-app-3', rc.map((c) => `${c.entity} ${c.score}: ${c.evidence.join(' | ')}`).join('\n'));
    const svc = rc.find((c) => c.entity === 'service:catalog-eu')!;
    assert.ok(!svc.evidence.some((e) => e.startsWith('in front of')));
    assert.ok(svc.evidence.includes('host:eu-app-3, which it runs on, showed symptoms 40 s before it'), svc.evidence.join('\n'));
  });
});
