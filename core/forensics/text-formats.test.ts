import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileLogFormat, csvLayout, csvRowPoints, parseLogLine, parseTime, splitCsvLine } from './text-formats.ts';

test('CSV records: quotes, doubled quotes, empty cells; an unterminated quote is an error', () => {
  assert.deepEqual(splitCsvLine('a,"b,c","say ""hi""",,d'), ['a', 'b,c', 'say "hi"', '', 'd']);
  assert.throws(() => splitCsvLine('a,"b'), /unterminated/);
});

test('times: RFC 3339 with zones, naive UTC, epoch s/ms/us/ns; nonsense is NaN', () => {
  const t = Date.UTC(2026, 0, 2, 3, 4, 5, 600);
  assert.equal(parseTime('2026-01-02T03:04:05.6Z'), t);
  assert.equal(parseTime('2026-01-02T05:04:05.6+02:00'), t);
  assert.equal(parseTime('2026-01-02 03:04:05.600'), t);
  assert.equal(parseTime(String(t / 1000)), t);
  assert.equal(parseTime(String(t)), t);
  assert.equal(parseTime(String(t * 1000)), t);
  assert.equal(parseTime(`${t}000000`), t);
  assert.ok(Number.isNaN(parseTime('yesterday')));
  assert.ok(Number.isNaN(parseTime('2026-13-01')));
});

test('CSV layouts: long with name+value, wide otherwise; missing time column is named', () => {
  const long = csvLayout(['time', 'host', 'metric', 'value']);
  assert.equal(long.kind, 'long');
  const pts = csvRowPoints(['2026-01-01T00:00:00Z', 'web-1', 'load', '2'], ['time', 'host', 'metric', 'value'], long, 'x');
  assert.deepEqual(pts.map((p) => [p.entity, p.name, p.value]), [['host:web-1', 'load', 2]]);
  const header = ['timestamp', 'value'];
  const wide = csvLayout(header);
  assert.equal(wide.kind, 'wide');
  assert.deepEqual(csvRowPoints(['2014-03-07 03:41:00', '45.8'], header, wide, 'nab').map((p) => [p.entity, p.name]), [['service:nab', 'value']]);
  assert.throws(() => csvRowPoints(['2014-03-07 03:41:00'], header, wide, 'nab'), /1 fields, the header has 2/);
  assert.throws(() => csvLayout(['a', 'b']), /header: no time column/);
});

test('log formats: loghub-style formats with escaped brackets; level and content mapped; yymmdd dates', () => {
  const hdfs = compileLogFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
  const l = parseLogLine('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 terminating', hdfs);
  assert.equal(l.ts, Date.UTC(2008, 10, 9, 20, 36, 15));
  assert.equal(l.severity, 'INFO');
  assert.equal(l.body, 'PacketResponder 1 terminating');
  assert.equal(l.attributes['log.component'], 'dfs.DataNode$PacketResponder');
  const hadoop = compileLogFormat('<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>');
  const h = parseLogLine('2015-10-18 18:01:47,978 WARN [main] org.apache.Foo: boom', hadoop);
  assert.equal(h.ts, Date.UTC(2015, 9, 18, 18, 1, 47, 978));
  assert.equal(h.severity, 'WARN');
  assert.equal(h.attributes['log.process'], 'main');
  assert.throws(() => parseLogLine('garbage', hadoop), /does not match/);
  assert.throws(() => compileLogFormat('<Date> <Time>'), /--log-format: .*Content/);
  const syslog = compileLogFormat('rfc3164');
  const s = parseLogLine('<11>Nov 21 13:00:05 web-1 nginx[42]: upstream timed out', syslog, 2026);
  assert.equal(s.ts, Date.UTC(2026, 10, 21, 13, 0, 5));
  assert.equal(s.host, 'web-1');
  assert.equal(s.body, 'upstream timed out');
});
