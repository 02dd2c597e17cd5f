import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLogFormat, FormatError, resolveLineFormat } from './header-format.ts';

describe('compileLogFormat (Loghub notation)', () => {
  test('splits header fields and content; spaces match any whitespace run', () => {
    const f = compileLogFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
    const p = f.parse('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38 terminating');
    assert.deepEqual(p?.fields, {
      Date: '081109',
      Time: '203615',
      Pid: '148',
      Level: 'INFO',
      Component: 'dfs.DataNode$PacketResponder',
      Content: 'PacketResponder 1 for block blk_38 terminating',
    });
    assert.equal(p?.content, 'PacketResponder 1 for block blk_38 terminating');
  });

  test('escaped and bare brackets are literal', () => {
    for (const spec of ['\\[<Time>\\] \\[<Level>\\] <Content>', '[<Time>] [<Level>] <Content>']) {
      const p = compileLogFormat(spec).parse('[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties');
      assert.equal(p?.fields.Level, 'notice');
      assert.equal(p?.content, 'workerEnv.init() ok /etc/httpd/conf/workers2.properties');
    }
  });

  test('a line that does not match gives null', () => {
    assert.equal(compileLogFormat('<Date> <Time> <Level>: <Content>').parse('no colon here'), null);
  });

  test('a format without <Content> or with a repeated field is refused', () => {
    assert.throws(() => compileLogFormat('<Date> <Time>'), FormatError);
    assert.throws(() => compileLogFormat('<A> <A> <Content>'), /appears twice/);
  });
});

describe('built-in formats', () => {
  test('syslog RFC 3164 with priority, host, tag and pid', () => {
    const p = resolveLineFormat('syslog').parse('<34>Oct 11 22:14:15 mymachine su[230]: \'su root\' failed for lonvick on /dev/pts/8');
    assert.equal(p?.content, "'su root' failed for lonvick on /dev/pts/8");
    assert.equal(p?.fields.Host, 'mymachine');
    assert.equal(p?.fields.App, 'su');
    assert.equal(p?.fields.Pid, '230');
    assert.equal(p?.fields.Level, 'crit');
    assert.equal(p?.fields.Facility, '4');
  });

  test('syslog RFC 5424 with structured data and BOM', () => {
    const p = resolveLineFormat('syslog').parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App"] \uFEFFAn application event log entry',
    );
    assert.equal(p?.content, 'An application event log entry');
    assert.equal(p?.fields.App, 'evntslog');
    assert.equal(p?.fields.MsgId, 'ID47');
    assert.equal(p?.fields.Level, 'notice');
    assert.match(p?.fields.StructuredData ?? '', /exampleSDID/);
  });

  test('ISO timestamp + level', () => {
    const p = resolveLineFormat('iso-level').parse('2026-11-21T10:00:00.123Z [WARN] disk usage at 91%');
    assert.deepEqual(p, { content: 'disk usage at 91%', fields: { Timestamp: '2026-11-21T10:00:00.123Z', Level: 'WARN' } });
  });

  test('JSON lines take message/msg and level; other lines do not match', () => {
    const f = resolveLineFormat('json');
    assert.deepEqual(f.parse('{"ts":"2026-11-21T10:00:00Z","level":"error","msg":"db timeout after 30s"}'), {
      content: 'db timeout after 30s',
      fields: { Level: 'error', Timestamp: '2026-11-21T10:00:00Z' },
    });
    assert.equal(f.parse('not json'), null);
    assert.equal(f.parse('{"no":"message"}'), null);
  });
});
