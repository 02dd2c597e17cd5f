import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError } from './errors.ts';
import { parseAlertmanager, severityFromLabel, stripPort } from './alertmanager.ts';
import { fingerprintOf } from './fingerprint.ts';

const RECEIVED = Date.UTC(2026, 0, 2, 3, 5);

function ids() {
  let n = 0;
  return () => `id-${++n}`;
}

/** As Alertmanager 0.25 posts it: nanosecond fractions, `0001-01-01` for an unset end. */
function fixture() {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: 'firing',
    receiver: 'watchfloor',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', job: 'checkout', instance: '10.0.0.7:9100', severity: 'page' },
        annotations: { summary: 'Checkout 5xx above 5%', description: '7.2% of requests failed' },
        startsAt: '2026-01-02T03:00:00.123456789Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: 'c3d6f2a1b0e9d8c7',
      },
      {
        status: 'resolved',
        labels: { alertname: 'DiskFull', instance: '[2001:db8::1]:9100', severity: 'High' },
        annotations: {},
        startsAt: '2026-01-02T02:00:00Z',
        endsAt: '2026-01-02T02:30:00Z',
      },
      {
        status: 'firing',
        labels: { alertname: 'Watchdog' },
        startsAt: '2026-01-02T01:00:00Z',
      },
    ],
  };
}

describe('parseAlertmanager', () => {
  test('maps every alert of the group', () => {
    const [a, b, c] = parseAlertmanager(fixture(), RECEIVED, ids());
    assert.deepEqual(a, {
      id: 'id-1',
      externalId: 'c3d6f2a1b0e9d8c7@2026-01-02T03:00:00.123456789Z',
      time: Date.UTC(2026, 0, 2, 3, 0, 0, 123),
      receivedAt: RECEIVED,
      source: 'alertmanager',
      service: 'checkout',
      host: '10.0.0.7',
      entity: 'service:checkout',
      severity: 'critical',
      status: 'firing',
      title: 'Checkout 5xx above 5%',
      description: '7.2% of requests failed',
      fingerprint: 'c3d6f2a1b0e9d8c7',
      attributes: { alertname: 'HighErrorRate', job: 'checkout', instance: '10.0.0.7:9100', severity: 'page' },
    });
    // Resolved: time is endsAt; no service label → host entity; no fingerprint → computed.
    assert.equal(b.time, Date.UTC(2026, 0, 2, 2, 30));
    assert.equal(b.status, 'resolved');
    assert.equal(b.host, '2001:db8::1');
    assert.equal(b.entity, 'host:2001:db8::1');
    assert.equal(b.severity, 'major');
    assert.equal(b.title, 'DiskFull');
    assert.equal(b.description, null);
    assert.equal(b.fingerprint, fingerprintOf('alertmanager', null, '2001:db8::1', 'DiskFull'));
    assert.equal(b.externalId, `${b.fingerprint}@2026-01-02T02:00:00Z`);
    // Nothing to place it: the source is the entity; a missing severity is a warning.
    assert.equal(c.entity, 'source:alertmanager');
    assert.equal(c.severity, 'warning');
  });

  test('severity labels and instance ports', () => {
    assert.deepEqual(
      ['critical', 'page', 'error', 'HIGH', 'major', 'minor', 'medium', 'warning', 'warn', 'info', 'low', 'none', undefined, 'weird'].map(severityFromLabel),
      ['critical', 'critical', 'major', 'major', 'major', 'minor', 'minor', 'warning', 'warning', 'info', 'info', 'info', 'warning', 'warning'],
    );
    assert.equal(stripPort('web-1:9100'), 'web-1');
    assert.equal(stripPort('web-1'), 'web-1');
    assert.equal(stripPort('[::1]:80'), '::1');
  });

  test('label precedence for service and host', () => {
    const f = fixture();
    f.alerts[0].labels = { alertname: 'X', app: 'a', service_name: 'svc', hostname: 'h', node: 'n' } as never;
    const [a] = parseAlertmanager(f, RECEIVED, ids());
    assert.equal(a.service, 'svc');
    assert.equal(a.host, 'h');
  });

  test('malformed payloads name the field', () => {
    const cases: [unknown, string][] = [
      [{ ...fixture(), version: '3' }, 'version'],
      [{ ...fixture(), status: 'burning' }, 'status'],
      [{ ...fixture(), alerts: 'none' }, 'alerts'],
      [(() => { const f = fixture(); (f.alerts[1] as Record<string, unknown>).labels = { alertname: 5 }; return f; })(), 'alerts[1].labels.alertname'],
      [(() => { const f = fixture(); delete (f.alerts[2] as Record<string, unknown>).startsAt; return f; })(), 'alerts[2].startsAt'],
      [(() => { const f = fixture(); f.alerts[2].startsAt = 'last tuesday'; return f; })(), 'alerts[2].startsAt'],
      [(() => { const f = fixture(); f.alerts[2].labels = {} as never; return f; })(), 'alerts[2].labels.alertname'],
    ];
    for (const [body, field] of cases) {
      assert.throws(
        () => parseAlertmanager(body, RECEIVED, ids()),
        (err: unknown) => err instanceof IngestError && err.field === field && err.status === 400 && err.message.startsWith(`${field}: `),
        field,
      );
    }
  });
});

test('a watchfloor.entity.id label names the entity of an Alertmanager alert', () => {
  const [a] = parseAlertmanager(
    {
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'PoolExhausted', service: 'orders', 'watchfloor.entity.id': 'database:orders-db' }, startsAt: '2026-01-01T00:00:00Z' }],
    },
    0,
    () => 'id',
  );
  assert.equal(a.entity, 'database:orders-db');
});
