import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError } from './errors.ts';
import { fingerprintOf, parseChanges, parseEvents, parseTopology } from './events.ts';

const RECEIVED = Date.UTC(2026, 0, 2, 3, 5);

function ids() {
  let n = 0;
  return () => `id-${++n}`;
}

function expectError(fn: () => unknown, field: string, reason?: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof IngestError, String(err));
    assert.equal(err.field, field);
    assert.equal(err.status, 400);
    assert.ok(err.message.startsWith(`${field}: `), err.message);
    if (reason) assert.match(err.message, reason);
    return true;
  });
}

describe('fingerprintOf', () => {
  test('is stable, 16 hex digits, and sensitive to each field', () => {
    const fp = fingerprintOf('nagios', 'api', 'h1', 'Disk full');
    assert.match(fp, /^[0-9a-f]{16}$/);
    assert.equal(fp, fingerprintOf('nagios', 'api', 'h1', 'Disk full'));
    // FNV-1a 64 reference values computed independently (Python) over the NUL-joined UTF-8 fields.
    assert.equal(fingerprintOf('', null, undefined, ''), 'd94d12186c0f2fb7');
    assert.equal(fp, '75a417b8e354744b');
    const others = [fingerprintOf('zabbix', 'api', 'h1', 'Disk full'), fingerprintOf('nagios', 'web', 'h1', 'Disk full'), fingerprintOf('nagios', 'api', 'h2', 'Disk full'), fingerprintOf('nagios', 'api', 'h1', 'Disk ful'), fingerprintOf('nagios', 'apih1', null, 'Disk full')];
    assert.equal(new Set([fp, ...others]).size, 6);
  });
});

describe('parseEvents', () => {
  test('normalises events', () => {
    const [a, b, c] = parseEvents(
      [
        { id: 'ev-9', time: '2026-01-02T03:00:00Z', source: 'nagios', service: 'api', host: 'h1', severity: 'critical', title: 'API down', fingerprint: 'given', attributes: { check: 'http' } },
        { time: 1767322800000, source: 'zabbix', host: 'db-1', severity: 'info', status: 'resolved', title: 'Disk ok', description: 'back under 80%' },
        { time: 1767322800000, source: 'cron', severity: 'minor', title: 'Backup late' },
      ],
      RECEIVED,
      ids(),
    );
    assert.deepEqual(a, {
      id: 'id-1',
      externalId: 'ev-9',
      time: Date.UTC(2026, 0, 2, 3),
      receivedAt: RECEIVED,
      source: 'nagios',
      service: 'api',
      host: 'h1',
      entity: 'service:api',
      severity: 'critical',
      status: 'firing',
      title: 'API down',
      description: null,
      fingerprint: 'given',
      attributes: { check: 'http' },
    });
    assert.equal(b.entity, 'host:db-1');
    assert.equal(b.status, 'resolved');
    assert.equal(b.externalId, null);
    assert.equal(b.fingerprint, fingerprintOf('zabbix', null, 'db-1', 'Disk ok'));
    assert.deepEqual(b.attributes, {});
    assert.equal(c.entity, 'source:cron');
  });

  test('malformed events name the field', () => {
    const ok = { time: 1767322800000, source: 's', severity: 'info', title: 't' };
    expectError(() => parseEvents({ events: [] }, RECEIVED, ids()), 'body');
    expectError(() => parseEvents([ok, { ...ok, severity: 'severe' }], RECEIVED, ids()), '[1].severity');
    expectError(() => parseEvents([{ ...ok, time: 'yesterday' }], RECEIVED, ids()), '[0].time', /RFC 3339/);
    expectError(() => parseEvents([{ ...ok, title: undefined }], RECEIVED, ids()), '[0].title');
    expectError(() => parseEvents([{ ...ok, source: 7 }], RECEIVED, ids()), '[0].source');
    expectError(() => parseEvents([{ ...ok, attributes: { a: { nested: 1 } } }], RECEIVED, ids()), '[0].attributes.a');
  });
});

describe('parseChanges', () => {
  test('normalises changes and assigns ids', () => {
    const out = parseChanges(
      [
        { id: 'deploy-42', time: '2026-01-02T02:55:00Z', service: 'checkout', kind: 'deploy', summary: 'v1.4.2' },
        { time: 1767322800000, service: 'orders-db', kind: 'config', summary: 'max_connections 200→50' },
      ],
      ids(),
    );
    assert.deepEqual(out, [
      { id: 'deploy-42', time: Date.UTC(2026, 0, 2, 2, 55), service: 'checkout', kind: 'deploy', summary: 'v1.4.2', entity: 'service:checkout' },
      { id: 'id-1', time: 1767322800000, service: 'orders-db', kind: 'config', summary: 'max_connections 200→50', entity: 'service:orders-db' },
    ]);
  });

  test('malformed changes name the field', () => {
    expectError(() => parseChanges([{ time: 1, service: 'a', kind: 'rollout', summary: 's' }], ids()), '[0].kind');
    expectError(() => parseChanges([{ time: -1, service: 'a', kind: 'deploy', summary: 's' }], ids()), '[0].time');
    expectError(() => parseChanges([{ time: 1, kind: 'deploy', summary: 's' }], ids()), '[0].service');
  });
});

describe('parseTopology', () => {
  test('canonical ids; edges map payload ids and accept canonical ones', () => {
    const t = parseTopology({
      nodes: [
        { id: 'checkout', kind: 'service' },
        { id: 'orders-db', kind: 'database', name: 'Orders DB', attributes: { engine: 'postgres' } },
        { id: 'host:eu-web-1', kind: 'host' },
      ],
      edges: [
        { source: 'checkout', target: 'orders-db', kind: 'depends_on' },
        { source: 'checkout', target: 'host:eu-web-1', kind: 'runs_on' },
        { source: 'orders-db', target: 'region:eu-west', kind: 'runs_on' },
      ],
    });
    assert.deepEqual(t.nodes, [
      { id: 'service:checkout', kind: 'service', name: 'checkout', attributes: {} },
      { id: 'database:orders-db', kind: 'database', name: 'Orders DB', attributes: { engine: 'postgres' } },
      { id: 'host:eu-web-1', kind: 'host', name: 'eu-web-1', attributes: {} },
    ]);
    assert.deepEqual(t.edges, [
      { source: 'service:checkout', target: 'database:orders-db', kind: 'depends_on', origin: 'declared' },
      { source: 'service:checkout', target: 'host:eu-web-1', kind: 'runs_on', origin: 'declared' },
      { source: 'database:orders-db', target: 'region:eu-west', kind: 'runs_on', origin: 'declared' },
    ]);
    assert.deepEqual(parseTopology({}), { nodes: [], edges: [] });
  });

  test('unknown endpoints and bad kinds are rejected naming the field', () => {
    const nodes = [{ id: 'checkout', kind: 'service' }];
    expectError(() => parseTopology({ nodes, edges: [{ source: 'checkout', target: 'payments', kind: 'calls' }] }), 'edges[0].target', /unknown node "payments"/);
    expectError(() => parseTopology({ nodes, edges: [{ source: ':x', target: 'checkout', kind: 'calls' }] }), 'edges[0].source');
    expectError(() => parseTopology({ nodes, edges: [{ source: 'checkout', target: 'service:x', kind: 'knows' }] }), 'edges[0].kind');
    expectError(() => parseTopology({ nodes: [{ id: 'a' }] }), 'nodes[0].kind');
    expectError(() => parseTopology({ nodes: [{ id: 'a', kind: 'service' }, { id: 'a', kind: 'host' }] }), 'nodes[1].id', /twice/);
    expectError(() => parseTopology([]), 'body');
  });
});

test('watchfloor.entity.id names the entity of an event, ignored unless it is a canonical id', () => {
  const [a, b] = parseEvents(
    [
      { time: 1, source: 'db-monitor', service: 'orders', severity: 'critical', title: 'pool exhausted', attributes: { 'watchfloor.entity.id': 'database:orders-db' } },
      { time: 1, source: 'db-monitor', service: 'orders', severity: 'critical', title: 'x', attributes: { 'watchfloor.entity.id': 'not canonical' } },
    ],
    0,
    () => 'id',
  );
  assert.equal(a.entity, 'database:orders-db');
  assert.equal(b.entity, 'service:orders');
});
