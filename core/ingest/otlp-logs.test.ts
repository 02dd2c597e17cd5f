import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestError } from './errors.ts';
import { parseOtlpLogsJson, severityTextOf } from './otlp-logs.ts';

const T_NS = '1767322800000000000';
const T_MS = 1767322800000;
const RECEIVED = T_MS + 60_000;

function fixture() {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }, { key: 'host.name', value: { stringValue: 'eu-app-2' } }] },
        scopeLogs: [
          {
            scope: { name: 'logger' },
            logRecords: [
              {
                timeUnixNano: T_NS,
                observedTimeUnixNano: '1767322800500000000',
                severityNumber: 17,
                severityText: 'ERROR',
                body: { stringValue: 'connection pool exhausted' },
                attributes: [{ key: 'db.system', value: { stringValue: 'postgresql' } }, { key: 'retries', value: { intValue: '3' } }],
                traceId: '5B8EFFF798038103D269B633813FC60C',
                spanId: 'EEE19B7EC3C1B174',
              },
              {
                observedTimeUnixNano: '1767322801000000000',
                severityNumber: 'SEVERITY_NUMBER_WARN',
                body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'slow' } }, { key: 'ms', value: { doubleValue: 812.5 } }] } },
              },
              { severityNumber: 10, body: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } }, traceId: '', spanId: '' },
            ],
          },
        ],
      },
    ],
  };
}

function expectError(body: unknown, field: string) {
  assert.throws(
    () => parseOtlpLogsJson(body, RECEIVED),
    (err: unknown) => err instanceof IngestError && err.field === field && err.status === 400 && err.message.startsWith(`${field}: `),
  );
}

describe('parseOtlpLogsJson', () => {
  test('normalises records: time fallbacks, severity, body rendering, ids', () => {
    const { logs, topology } = parseOtlpLogsJson(fixture(), RECEIVED);
    assert.equal(logs.length, 3);
    assert.deepEqual(logs[0], {
      ts: T_MS,
      entity: 'service:payments',
      service: 'payments',
      host: 'eu-app-2',
      severity: 'ERROR',
      body: 'connection pool exhausted',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      attributes: { 'db.system': 'postgresql', retries: 3 },
    });
    assert.equal(logs[1].ts, T_MS + 1000);
    assert.equal(logs[1].severity, 'WARN');
    assert.deepEqual(JSON.parse(logs[1].body), { msg: 'slow', ms: 812.5 });
    assert.equal(logs[2].ts, RECEIVED);
    assert.equal(logs[2].severity, 'INFO2');
    assert.equal(logs[2].body, '["a",2]');
    assert.equal(logs[2].traceId, null);
    assert.deepEqual(topology.edges, [{ source: 'service:payments', target: 'host:eu-app-2', kind: 'runs_on', origin: 'declared' }]);
  });

  test('severity numbers map to OpenTelemetry names', () => {
    assert.deepEqual([0, 1, 5, 9, 12, 13, 17, 21, 24].map(severityTextOf), ['UNSPECIFIED', 'TRACE', 'DEBUG', 'INFO', 'INFO4', 'WARN', 'ERROR', 'FATAL', 'FATAL4']);
  });

  test('malformed input names the field', () => {
    const rec = 'resourceLogs[0].scopeLogs[0].logRecords';
    const bad = (mutate: (r: Record<string, unknown>) => void, i = 0) => {
      const f = fixture();
      mutate(f.resourceLogs[0].scopeLogs[0].logRecords[i] as Record<string, unknown>);
      return f;
    };
    expectError('nope', 'body');
    expectError({ resourceLogs: [{ scopeLogs: 'x' }] }, 'resourceLogs[0].scopeLogs');
    expectError(bad((r) => (r.timeUnixNano = -5)), `${rec}[0].timeUnixNano`);
    expectError(bad((r) => (r.observedTimeUnixNano = '12:00')), `${rec}[0].observedTimeUnixNano`);
    expectError(bad((r) => (r.severityNumber = 99)), `${rec}[0].severityNumber`);
    expectError(bad((r) => (r.severityNumber = 'LOUD')), `${rec}[0].severityNumber`);
    expectError(bad((r) => (r.severityText = 3)), `${rec}[0].severityText`);
    expectError(bad((r) => (r.traceId = 'xyz')), `${rec}[0].traceId`);
    expectError(bad((r) => (r.spanId = 'eee19b7ec3c1b17')), `${rec}[0].spanId`);
    expectError(bad((r) => (r.body = { boolValue: 'yes' })), `${rec}[0].body.boolValue`);
    expectError(bad((r) => (r.attributes = [{ key: 'a', value: { intValue: 'many' } }]), 1), `${rec}[1].attributes[0].value.intValue`);
  });
});
