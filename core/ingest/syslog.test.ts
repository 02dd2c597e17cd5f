import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSyslogMessage, splitTcpFrames, syslogTime } from './syslog.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('parseSyslogMessage', () => {
  test('RFC 3164: host entity, app as service, severity from PRI, time in the current year', () => {
    const r = parseSyslogMessage('<11>Nov 21 11:59:58 web-1 nginx[812]: upstream timed out after 30s', '10.0.0.9', NOW);
    assert.deepEqual(r, {
      ts: Date.UTC(2026, 10, 21, 11, 59, 58),
      entity: 'host:web-1',
      service: 'nginx',
      host: 'web-1',
      severity: 'ERROR',
      body: 'upstream timed out after 30s',
      traceId: null,
      spanId: null,
      attributes: { 'syslog.facility': 1, 'syslog.procid': '812' },
    });
  });

  test('RFC 5424 with structured data', () => {
    const r = parseSyslogMessage('<165>1 2026-11-21T11:00:00.5Z db-1 postgres 77 CONN [meta x="1"] connection received\n', '10.0.0.9', NOW);
    assert.equal(r.ts, Date.UTC(2026, 10, 21, 11, 0, 0, 500));
    assert.equal(r.entity, 'host:db-1');
    assert.equal(r.service, 'postgres');
    assert.equal(r.severity, 'NOTICE');
    assert.equal(r.body, 'connection received');
    assert.equal(r.attributes['syslog.msgid'], 'CONN');
  });

  test('anything else is kept whole, from the sender', () => {
    const r = parseSyslogMessage('just some text', '192.0.2.7', NOW);
    assert.equal(r.body, 'just some text');
    assert.equal(r.entity, 'host:192.0.2.7');
    assert.equal(r.ts, NOW);
  });

  test('a 3164 date later than tomorrow belongs to last year', () => {
    assert.equal(syslogTime('Dec 31 23:00:00', NOW), Date.UTC(2025, 11, 31, 23, 0, 0));
  });
});

describe('splitTcpFrames', () => {
  test('octet counting and newline framing, with a partial frame left over', () => {
    const a = '<13>Nov 21 11:00:00 h a: one';
    const buf = Buffer.from(`${Buffer.byteLength(a)} ${a}<13>Nov 21 11:00:01 h a: two\n<13>Nov 21 11:00:02 h a: thr`);
    const { messages, rest } = splitTcpFrames(buf);
    assert.deepEqual(messages, [a, '<13>Nov 21 11:00:01 h a: two']);
    assert.equal(rest.toString(), '<13>Nov 21 11:00:02 h a: thr');
  });

  test('an octet count whose frame has not fully arrived waits', () => {
    const { messages, rest } = splitTcpFrames(Buffer.from('40 <13>Nov 21'));
    assert.deepEqual(messages, []);
    assert.equal(rest.toString(), '40 <13>Nov 21');
  });
});
