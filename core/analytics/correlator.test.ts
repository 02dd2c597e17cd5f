import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncidentDetail } from '../common/schemas.ts';
import type { AlertRecord } from '../common/records.ts';
import { DEFAULT_ANALYTICS_CONFIG, resolveConfig } from './config.ts';
import { Correlator, type CorrelatorInput, type IncidentEvent } from './correlator.ts';
import { seededRandom } from './hash.ts';
import { MIN, SEC, T0, alert, anomaly, change, estate } from './estate.fixture.ts';

const cfg = { ...DEFAULT_ANALYTICS_CONFIG };

/** Feed inputs, flush, and return the latest snapshot of every incident, by id. */
function run(inputs: CorrelatorInput[], c = new Correlator(cfg)): { incidents: Map<string, IncidentDetail>; events: IncidentEvent[]; c: Correlator } {
  const events: IncidentEvent[] = [];
  for (const i of inputs) events.push(...c.ingest(i));
  events.push(...c.flush());
  const incidents = new Map<string, IncidentDetail>();
  for (const e of events) incidents.set(e.incident.id, e.incident);
  return { incidents, events, c };
}

function live(incidents: Map<string, IncidentDetail>): IncidentDetail[] {
  return [...incidents.values()].filter((i) => !i.title.startsWith('Merged into'));
}

/** orders-db pool exhaustion: 10 symptoms on 5 services after the DB's own alert. */
function dbFailure(base: number, region = 'eu'): AlertRecord[] {
  const out = [alert({ time: base, entity: `database:orders-db-${region}`, title: 'connection pool exhausted', severity: 'critical' })];
  const svcs = ['orders', 'checkout', 'frontend', 'gateway', 'payments'];
  svcs.forEach((s, i) => {
    out.push(alert({ time: base + (30 + i * 10) * SEC, entity: `service:${s}-${region}`, title: 'error rate high' }));
    out.push(alert({ time: base + (35 + i * 10) * SEC, entity: `service:${s}-${region}`, title: 'latency p95 high', severity: 'minor' }));
  });
  return out;
}

function resolveAll(alerts: AlertRecord[], at: number): AlertRecord[] {
  return alerts.map((a, i) => ({ ...a, id: `${a.id}-r`, status: 'resolved' as const, time: at + i * SEC }));
}

describe('Correlator', () => {
  test('one database failure with 10 symptoms on 5 services is one incident, database on top', () => {
    const alerts = dbFailure(T0);
    const { incidents, c } = run([{ topology: estate() }, { alerts }]);
    const all = live(incidents);
    assert.equal(all.length, 1);
    const inc = all[0];
    assert.equal(inc.status, 'open');
    assert.equal(inc.alertCount, 11);
    assert.equal(inc.severity, 'critical');
    assert.deepEqual(inc.services, ['checkout-eu', 'frontend-eu', 'gateway-eu', 'orders-eu', 'payments-eu']);
    assert.equal(inc.rootCauses[0].entity, 'database:orders-db-eu');
    assert.equal(inc.title, 'database:orders-db-eu — 11 alerts on 5 services');
    assert.equal(inc.openedAt, T0);
    assert.equal(c.counters().incidentsOpened, 1);
    assert.equal(c.counters().mttdMs, cfg.allowedLatenessMs);
  });

  test('the incident resolves when all its alerts are resolved, and stays resolved', () => {
    const alerts = dbFailure(T0);
    const { incidents, c } = run([{ topology: estate() }, { alerts }, { alerts: resolveAll(alerts, T0 + 20 * MIN) }]);
    const inc = live(incidents)[0];
    assert.equal(inc.status, 'resolved');
    assert.equal(inc.resolvedAt, T0 + 20 * MIN + 10 * SEC);
    assert.equal(c.counters().incidentsOpen, 0);
    const later = run([{ alerts: [alert({ time: T0 + 22 * MIN, entity: 'service:orders-eu', title: 'error rate high' })] }], c);
    const reopened = live(later.incidents);
    assert.equal(reopened.length, 1);
    assert.notEqual(reopened[0].id, inc.id);
  });

  test('two simultaneous unrelated failures in different regions stay two incidents', () => {
    const { incidents } = run([{ topology: estate() }, { alerts: [...dbFailure(T0, 'eu'), ...dbFailure(T0 + 5 * SEC, 'us')] }]);
    const all = live(incidents).sort((a, b) => a.openedAt - b.openedAt);
    assert.equal(all.length, 2);
    assert.equal(all[0].rootCauses[0].entity, 'database:orders-db-eu');
    assert.equal(all[1].rootCauses[0].entity, 'database:orders-db-us');
    assert.ok(all[0].entities.every((e) => e.endsWith('-eu')));
  });

  test('services two hops apart through their host are one incident, the host on top', () => {
    const alerts = [
      alert({ time: T0, entity: 'host:eu-app-2', title: 'disk almost full', severity: 'critical' }),
      alert({ time: T0 + 40 * SEC, entity: 'service:orders-eu', title: 'write errors' }),
      alert({ time: T0 + 45 * SEC, entity: 'service:shipping-eu', title: 'write errors' }),
      alert({ time: T0 + 50 * SEC, entity: 'service:payments-eu', title: 'write errors' }),
    ];
    const { incidents } = run([{ topology: estate() }, { anomalies: [anomaly({ time: T0 - MIN, entity: 'host:eu-app-2', metric: 'disk.used' })], alerts }]);
    const all = live(incidents);
    assert.equal(all.length, 1);
    assert.equal(all[0].alertCount, 5);
    assert.equal(all[0].rootCauses[0].entity, 'host:eu-app-2');
  });

  test('a signal outside the window, or on an unknown far entity, opens a new incident', () => {
    const { incidents } = run([
      { topology: estate() },
      {
        alerts: [
          alert({ time: T0, entity: 'service:orders-eu', title: 'a' }),
          alert({ time: T0 + 30 * SEC, entity: 'service:mystery', title: 'b' }),
          alert({ time: T0 + cfg.windowMs + MIN, entity: 'service:checkout-eu', title: 'c' }),
        ],
      },
    ]);
    assert.equal(live(incidents).length, 3);
  });

  test('duplicates are counted and extend the incident but are not members; flapping is suppressed', () => {
    const e = 'service:cart-eu';
    const alerts = [
      alert({ time: T0, entity: e, title: 'errors' }),
      alert({ time: T0 + MIN, entity: e, title: 'errors' }),
      alert({ time: T0 + 2 * MIN, entity: e, title: 'errors' }),
    ];
    for (let i = 0; i < 8; i++) alerts.push(alert({ time: T0 + i * 30 * SEC, entity: 'host:us-web-1', title: 'ping', status: i % 2 ? 'resolved' : 'firing', severity: 'warning' }));
    const { incidents, c } = run([{ topology: estate() }, { alerts }]);
    const cart = live(incidents).find((i) => i.entities.includes(e));
    assert.ok(cart);
    assert.equal(cart.alertCount, 1);
    assert.equal(cart.updatedAt, T0 + 2 * MIN);
    const k = c.counters();
    assert.equal(k.alertsReceived, 11);
    assert.equal(k.alertsDeduplicated, 2);
    assert.equal(k.flappingSuppressed, 4);
  });

  test('an anomaly-only incident resolves after quietMs of silence', () => {
    const an = anomaly({ time: T0, entity: 'service:search-us', metric: 'rps', score: 0.95 });
    const { incidents } = run([{ anomalies: [an] }, { watermark: T0 + cfg.quietMs + cfg.allowedLatenessMs + SEC }]);
    const inc = [...incidents.values()][0];
    assert.equal(inc.status, 'resolved');
    assert.equal(inc.resolvedAt, T0 + cfg.quietMs);
    assert.equal(inc.severity, 'major');
  });

  test('a signal bridging two incidents that opened together merges them into the oldest', () => {
    const { incidents, c } = run([
      { topology: estate() },
      {
        alerts: [
          alert({ time: T0, entity: 'database:orders-db-eu', title: 'slow queries' }),
          alert({ time: T0 + 10 * SEC, entity: 'service:payments-eu', title: 'errors' }),
          // checkout-eu depends on both directly: one failure seen from two sides.
          alert({ time: T0 + 20 * SEC, entity: 'service:checkout-eu', title: 'errors' }),
        ],
      },
    ]);
    const merged = [...incidents.values()].filter((i) => i.title.startsWith('Merged into'));
    const all = live(incidents);
    assert.equal(all.length, 1);
    assert.equal(merged.length, 1);
    assert.equal(merged[0].status, 'resolved');
    assert.equal(all[0].openedAt, T0);
    assert.equal(all[0].alertCount, 3);
    assert.equal(c.counters().incidentsOpened, 1);
  });

  test('a deploy before the errors puts that service on top', () => {
    const { incidents } = run([
      { topology: estate() },
      { changes: [change({ time: T0 - 3 * MIN, entity: 'service:cart-eu', summary: 'v1.4.0' })] },
      {
        alerts: [
          alert({ time: T0, entity: 'service:frontend-eu', title: 'errors' }),
          alert({ time: T0 + 10 * SEC, entity: 'service:cart-eu', title: 'errors' }),
          alert({ time: T0 + 20 * SEC, entity: 'service:checkout-eu', title: 'errors' }),
        ],
      },
    ]);
    const inc = live(incidents)[0];
    assert.equal(inc.rootCauses[0].entity, 'service:cart-eu');
    assert.ok(inc.rootCauses[0].evidence.includes("deploy 'v1.4.0' on cart-eu 3 min before onset"));
  });

  test('at most one event per incident per batch; incidents wait for the watermark', () => {
    const c = new Correlator(cfg);
    c.ingest({ topology: estate() });
    const first = c.ingest({ alerts: dbFailure(T0) });
    assert.deepEqual(first.map((e) => e.type), ['incident-opened'], 'only signals older than watermark − lateness are decided');
    const second = c.ingest({ watermark: T0 + 5 * MIN });
    assert.deepEqual(second.map((e) => e.type), ['incident-updated']);
    assert.equal(second[0].incident.alertCount, 11);
  });

  test('the same signals in one batch or in many small batches give identical incidents', () => {
    const rand = seededRandom(42);
    const alerts = [...dbFailure(T0, 'eu'), ...dbFailure(T0 + 3 * MIN, 'us')];
    alerts.push(...resolveAll(alerts.slice(0, 11), T0 + 25 * MIN));
    for (let i = 0; i < 40; i++) {
      alerts.push(alert({ time: T0 + Math.floor(rand() * 60) * MIN, entity: `service:noise-${i % 7}`, title: 'random', severity: 'warning' }));
      alerts.push(alert({ time: T0 + (10 + i) * 20 * SEC, entity: 'host:eu-web-1', title: 'flap', status: i % 2 ? 'resolved' : 'firing' }));
    }
    const anomalies = [0, 1, 2, 3].map((i) => anomaly({ time: T0 + (i * 7 + 1) * MIN, entity: 'service:catalog-us', metric: `m${i}`, score: 0.7 + i * 0.05 }));
    const changes = [change({ time: T0 - 5 * MIN, entity: 'service:orders-us', summary: 'v7' })];
    const sorted = alerts.map((a) => a).sort((a, b) => a.time - b.time);

    const one = run([{ topology: estate() }, { alerts: sorted, anomalies, changes, watermark: T0 + 70 * MIN }]);
    // Many small batches in time order, each with a little (≤ lateness) reordering inside.
    const many: CorrelatorInput[] = [{ topology: estate() }, { changes }];
    let i = 0;
    while (i < sorted.length) {
      const n = 1 + Math.floor(rand() * 5);
      const part = sorted.slice(i, i + n).reverse();
      const to = part[0].time;
      many.push({ alerts: part, anomalies: anomalies.filter((a) => a.time <= to && a.time > (i === 0 ? -Infinity : sorted[i - 1].time)) });
      i += n;
    }
    many.push({ anomalies: anomalies.filter((a) => a.time > sorted[sorted.length - 1].time), watermark: T0 + 70 * MIN });
    const split = run(many);
    const norm = (m: Map<string, IncidentDetail>) => [...m.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.ok(one.incidents.size >= 3);
    assert.deepEqual(norm(split.incidents), norm(one.incidents));
    assert.deepEqual(split.c.counters(), one.c.counters());
  });

  test('resolveConfig keeps defaults for missing fields', () => {
    const c = resolveConfig({ windowMs: 5 * MIN });
    assert.equal(c.windowMs, 5 * MIN);
    assert.equal(c.maxHops, 2);
  });

  test('overlapping failures that start minutes apart stay two incidents', () => {
    // orders-db fails, and 4 minutes later (its incident still open) checkout's host-level failure
    // starts on a service related to it: v1 merged them into one.
    const first = dbFailure(T0);
    const second = [
      alert({ time: T0 + 4 * MIN, entity: 'database:payments-db-eu', title: 'replication broken', severity: 'critical' }),
      alert({ time: T0 + 4 * MIN + 20 * SEC, entity: 'service:payments-eu', title: 'error rate high' }),
    ];
    const { incidents } = run([{ topology: estate() }, { alerts: [...first, ...second] }]);
    const all = live(incidents).sort((a, b) => a.openedAt - b.openedAt);
    assert.equal(all.length, 2, all.map((i) => i.title).join('; '));
    assert.equal(all[0].rootCauses[0].entity, 'database:orders-db-eu');
    assert.ok(all[1].entities.includes('database:payments-db-eu'));
  });

  test('an alert storm of one rule across 300 unknown hosts is one incident, and repeats do not re-emit it each batch', () => {
    const alerts: AlertRecord[] = [];
    for (let round = 0; round < 5; round++) {
      for (let h = 0; h < 300; h++) {
        alerts.push(alert({ time: T0 + round * 12 * SEC + h * 10, entity: `host:rack-${h}`, title: `NodeDown on rack-${h}`, fingerprint: `NodeDown|rack-${h}`, severity: 'critical' }));
      }
    }
    const c = new Correlator(cfg);
    const events: IncidentEvent[] = [];
    for (let i = 0; i < alerts.length; i += 100) events.push(...c.ingest({ alerts: alerts.slice(i, i + 100) }));
    events.push(...c.flush());
    const incidents = new Map<string, IncidentDetail>();
    for (const e of events) incidents.set(e.incident.id, e.incident);
    const all = live(incidents);
    assert.equal(all.length, 1, `${all.length} incidents`);
    assert.equal(all[0].members.length, 300);
    assert.equal(c.counters().alertsReceived, 1500);
    // 15 batches, about 5 minutes of event time: far fewer updates than batches × repeats.
    assert.ok(events.filter((e) => e.incident.id === all[0].id).length <= 20);
  });

  test('the same rule on a few unrelated hosts is not a storm', () => {
    const alerts = [0, 1, 2].map((h) => alert({ time: T0 + h * SEC, entity: `host:solo-${h}`, title: `High CPU usage on solo-${h}`, severity: 'warning' }));
    const { incidents } = run([{ alerts }]);
    assert.equal(live(incidents).length, 3);
  });

  test('templates that finished together before are joined by co-occurrence; an operator split stops it', () => {
    const pair = (t: number, i: number) => [
      alert({ time: t, entity: `host:batch-${i}`, title: `Backup job failed on batch-${i}`, severity: 'major' }),
      alert({ time: t + 20 * SEC, entity: `host:store-${i}`, title: `Object store 5xx on store-${i}`, severity: 'major' }),
    ];
    const history = (c: Correlator) => {
      for (let i = 0; i < 3; i++) {
        // Learned from operator merges: unrelated hosts, no topology between them.
        c.cooccurrence.decide('backup job failed on <*>', 'object store <*>xx on <*>', 'merge');
      }
    };
    const c1 = new Correlator(cfg);
    history(c1);
    assert.equal(live(run([{ alerts: pair(T0, 9) }], c1).incidents).length, 1);
    const c2 = new Correlator(cfg);
    assert.equal(live(run([{ alerts: pair(T0, 9) }], c2).incidents).length, 2);
    // Learned from history without any decision: three finished incidents holding both templates.
    const c3 = new Correlator(cfg);
    c3.cooccurrence.learnIncident(['backup job failed on <*>', 'object store <*>xx on <*>']);
    c3.cooccurrence.learnIncident(['backup job failed on <*>', 'object store <*>xx on <*>']);
    c3.cooccurrence.learnIncident(['backup job failed on <*>', 'object store <*>xx on <*>']);
    assert.equal(live(run([{ alerts: pair(T0, 9) }], c3).incidents).length, 1);
    c3.cooccurrence.decide('backup job failed on <*>', 'object store <*>xx on <*>', 'split');
    assert.equal(live(run([{ alerts: pair(T0 + 60 * MIN, 8) }], c3).incidents).length, 2);
  });

  test('operator merge and split change open incidents and are learned', () => {
    const c = new Correlator(cfg);
    const a = alert({ time: T0, entity: 'host:alpha-1', title: 'Backup job failed on alpha-1', severity: 'major' });
    const b = alert({ time: T0 + 10 * SEC, entity: 'host:beta-1', title: 'Object store 5xx on beta-1', severity: 'major' });
    const first = run([{ alerts: [a, b] }], c);
    const [i1, i2] = live(first.incidents).sort((x, y) => x.openedAt - y.openedAt);
    assert.ok(i1 && i2);
    const merged = c.applyFeedback([{ action: 'merge', target: i1.id, others: [i2.id], pairs: [['backup job failed on <*>', 'object store <*>xx on <*>']] }]);
    assert.deepEqual(merged.applied.sort(), [i1.id, i2.id].sort());
    const after = new Map(merged.events.map((e) => [e.incident.id, e.incident]));
    assert.equal(after.get(i1.id)!.members.length, 2);
    assert.equal(after.get(i2.id)!.title, `Merged into ${i1.id}`);
    // Learned: the same two kinds of alert on other hosts now land in one incident.
    const later = run([{ alerts: [
      alert({ time: T0 + 30 * MIN, entity: 'host:alpha-2', title: 'Backup job failed on alpha-2', severity: 'major' }),
      alert({ time: T0 + 30 * MIN + 5 * SEC, entity: 'host:beta-2', title: 'Object store 5xx on beta-2', severity: 'major' }),
    ] }], c);
    const latest = live(later.incidents).filter((i) => i.openedAt >= T0 + 30 * MIN);
    assert.equal(latest.length, 1);
    const split = c.applyFeedback([{ action: 'split', incident: latest[0].id, memberIds: [latest[0].members[1].id], newId: `${latest[0].id}-split-1`, pairs: [['backup job failed on <*>', 'object store <*>xx on <*>']] }]);
    const parts = new Map(split.events.map((e) => [e.incident.id, e.incident]));
    assert.equal(parts.get(latest[0].id)!.members.length, 1);
    assert.equal(parts.get(`${latest[0].id}-split-1`)!.members.length, 1);
    assert.equal(parts.get(`${latest[0].id}-split-1`)!.status, 'open');
    // A split incident resolves on its own alerts.
    const resolved = run([{ alerts: [alert({ time: T0 + 35 * MIN, entity: 'host:beta-2', title: 'Object store 5xx on beta-2', status: 'resolved' })] }], c);
    assert.equal(resolved.incidents.get(`${latest[0].id}-split-1`)?.status, 'resolved');
  });

  test('an update carries only the members added since the previous event; first, last and split events carry all', () => {
    const alerts: AlertRecord[] = [];
    for (let h = 0; h < 40; h++) alerts.push(alert({ time: T0 + h * SEC, entity: `host:rack-${h}`, title: `NodeDown on rack-${h}`, fingerprint: `NodeDown|rack-${h}`, severity: 'critical' }));
    const c = new Correlator(cfg);
    const events: IncidentEvent[] = [];
    for (let i = 0; i < alerts.length; i += 10) events.push(...c.ingest({ alerts: alerts.slice(i, i + 10), watermark: T0 + (i + 10) * SEC + 30 * SEC }));
    const storm = live(new Map(events.map((e) => [e.incident.id, e.incident])))[0];
    const mine = events.filter((e) => e.incident.id === storm.id);
    assert.equal(mine[0].type, 'incident-opened');
    assert.equal(mine[0].added, undefined);
    const updates = mine.filter((e) => e.type === 'incident-updated');
    assert.ok(updates.length >= 2 && updates.every((e) => e.added !== undefined));
    // Replaying the events as a store would: what it holds is always the full member list.
    const held = new Set<string>();
    for (const e of mine) {
      if (!e.added) held.clear();
      for (const m of e.added ?? e.incident.members) held.add(m.id);
      assert.deepEqual([...held].sort(), e.incident.members.map((m) => m.id).sort());
    }
    assert.ok(updates.reduce((n, e) => n + e.added!.length, 0) < updates.reduce((n, e) => n + e.incident.members.length, 0));
    const split = c.applyFeedback([{ action: 'split', incident: storm.id, memberIds: [storm.members[0].id], newId: `${storm.id}-split-1`, pairs: [] }]);
    assert.ok(split.events.every((e) => e.added === undefined));
    const resolved = c.ingest({ alerts: alerts.map((a, i) => ({ ...a, id: `${a.id}-r`, status: 'resolved' as const, time: T0 + 10 * MIN + i })), watermark: T0 + 20 * MIN });
    assert.ok(resolved.filter((e) => e.type === 'incident-resolved').every((e) => e.added === undefined));
  });

  test("merging an open incident with a resolved one keeps the resolved one's members through later updates", () => {
    const c = new Correlator(cfg);
    const old = alert({ time: T0, entity: 'host:alpha-1', title: 'Backup job failed on alpha-1', severity: 'major' });
    const first = run([{ alerts: [old] }, { alerts: [{ ...old, id: 'old-r', status: 'resolved', time: T0 + MIN }] }], c);
    const done = live(first.incidents)[0];
    assert.equal(done.status, 'resolved');
    const now = alert({ time: T0 + 5 * MIN, entity: 'host:beta-1', title: 'Object store 5xx on beta-1', severity: 'major' });
    const open = live(run([{ alerts: [now] }], c).incidents)[0];
    assert.equal(open.status, 'open');
    const stored = [done, open].map((i) => ({ id: i.id, openedAt: i.openedAt, members: i.members }));
    const merged = c.applyFeedback([{ action: 'merge', target: open.id, others: [done.id], pairs: [], stored }]);
    assert.deepEqual(merged.applied, [open.id]);
    const into = merged.events.find((e) => e.incident.id === open.id)!;
    assert.deepEqual(into.incident.members.map((m) => m.id).sort(), [done.members[0].id, open.members[0].id].sort());
    assert.deepEqual(into.added?.map((m) => m.id), [done.members[0].id]);
    // A later signal on the open incident: its snapshot still holds the adopted member.
    const later = run([{ alerts: [alert({ time: T0 + 6 * MIN, entity: 'host:beta-1', title: 'Object store latency high on beta-1', severity: 'major' })] }], c);
    const snap = later.incidents.get(open.id)!;
    assert.equal(snap.members.length, 3);
    assert.ok(snap.members.some((m) => m.id === done.members[0].id));
    // Resolving its one firing alert resolves the whole incident; the adopted, resolved alert does not hold it open.
    const end = run([{ alerts: [
      { ...now, id: 'now-r', status: 'resolved', time: T0 + 8 * MIN },
      alert({ id: 'lat-r', time: T0 + 8 * MIN, entity: 'host:beta-1', title: 'Object store latency high on beta-1', status: 'resolved' }),
    ] }], c);
    assert.equal(end.incidents.get(open.id)?.status, 'resolved');
  });

  test('a resolved target merged with an open incident is reopened with both incidents members', () => {
    const c = new Correlator(cfg);
    const old = alert({ time: T0, entity: 'host:alpha-1', title: 'Backup job failed on alpha-1', severity: 'major' });
    const done = live(run([{ alerts: [old] }, { alerts: [{ ...old, id: 'old-r', status: 'resolved', time: T0 + MIN }] }], c).incidents)[0];
    const open = live(run([{ alerts: [alert({ time: T0 + 5 * MIN, entity: 'host:beta-1', title: 'Object store 5xx on beta-1', severity: 'major' })] }], c).incidents).find((i) => i.status === 'open')!;
    const stored = [done, open].map((i) => ({ id: i.id, openedAt: i.openedAt, members: i.members }));
    const merged = c.applyFeedback([{ action: 'merge', target: done.id, others: [open.id], pairs: [], stored }]);
    assert.deepEqual(merged.applied.sort(), [done.id, open.id].sort());
    const snap = new Map(merged.events.map((e) => [e.incident.id, e.incident]));
    assert.equal(snap.get(done.id)!.status, 'open');
    assert.equal(snap.get(done.id)!.openedAt, done.openedAt);
    assert.equal(snap.get(done.id)!.members.length, 2);
    assert.equal(snap.get(open.id)!.title, `Merged into ${done.id}`);
    // Nothing open on either side: the correlator leaves it to storage.
    const none = c.applyFeedback([{ action: 'merge', target: 'inc-gone', others: ['inc-gone-too'], pairs: [], stored: [] }]);
    assert.deepEqual(none.applied, []);
  });

  test('counted co-occurrence does not join failures the topology knows to be far apart; an operator merge still does', () => {
    const learn = (c: Correlator) => {
      for (let i = 0; i < 3; i++) c.cooccurrence.learnIncident(['error rate high', 'upstream timeouts']);
    };
    const signals = [
      alert({ time: T0, entity: 'service:orders-eu', title: 'error rate high', severity: 'major' }),
      alert({ time: T0 + 30 * SEC, entity: 'service:users-us', title: 'upstream timeouts', severity: 'major' }),
    ];
    const c1 = new Correlator(cfg);
    learn(c1);
    assert.equal(live(run([{ topology: estate() }, { alerts: signals }], c1).incidents).length, 2);
    // Where the topology cannot speak (hosts it does not know), what was counted still joins them.
    const c2 = new Correlator(cfg);
    learn(c2);
    const unknown = signals.map((a, i) => ({ ...a, entity: `host:stray-${i}` as const }));
    assert.equal(live(run([{ topology: estate() }, { alerts: unknown }], c2).incidents).length, 1);
    const c3 = new Correlator(cfg);
    c3.cooccurrence.decide('error rate high', 'upstream timeouts', 'merge');
    assert.equal(live(run([{ topology: estate() }, { alerts: signals }], c3).incidents).length, 1);
  });
});
