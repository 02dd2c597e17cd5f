/**
 * `watchfloor logs parse` as a user runs it: the built CLI on real files, CSV out, unmatched lines
 * reported by number, bad usage exits 2 naming the flag.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseCsv } from '../../core/analytics/logs/csv.ts';
import { repoRoot } from '../fixtures/engine-process.ts';

const bin = path.join(repoRoot, 'bin', 'watchfloor.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(path.join(tmpdir(), 'wf-logs-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HDFS_FORMAT = '<Date> <Time> <Pid> <Level> <Component>: <Content>';
const LINES = [
  '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
  '081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating',
  'this line has no header at all',
  '081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
  '081109 204015 308 INFO dfs.DataNode$PacketResponder: Received block blk_8229193803249955061 of size 67108864 from /10.250.19.102',
  '081109 204106 329 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_-6670958622368987959 terminating',
  '081109 204132 26 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.43.115:50010 is added to blk_3050920587428079149 size 67108864',
  '081109 204324 34 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/part-00000. blk_-4, with a comma',
];

test('logs parse writes one CSV row per line, in order, with templates and stable ids', () => {
  const input = path.join(dir, 'hdfs.log');
  const output = path.join(dir, 'out.csv');
  writeFileSync(input, `${LINES.join('\n')}\n`);
  const r = run('logs', 'parse', '--input', input, '--format', HDFS_FORMAT, '--output', output);
  assert.equal(r.status, 0, r.stderr);
  // The non-matching line is reported with its number.
  assert.match(r.stderr, /^line 3: does not match the format/m);
  assert.equal((r.stderr.match(/does not match the format;/g) ?? []).length, 1);
  const rows = parseCsv(readFileSync(output, 'utf8'));
  assert.deepEqual(rows[0], ['line', 'template_id', 'template']);
  const body = rows.slice(1);
  assert.equal(body.length, LINES.length);
  body.forEach((row, i) => assert.equal(row[0], String(i + 1)));
  const byLine = (n: number) => body[n - 1]!;
  assert.equal(byLine(1)[2], 'PacketResponder <*> for block <*> terminating');
  assert.equal(byLine(1)[1], byLine(2)[1]);
  assert.equal(byLine(1)[1], byLine(6)[1]);
  assert.match(byLine(1)[1]!, /^t[0-9a-f]{16}$/);
  assert.equal(byLine(4)[1], byLine(7)[1]);
  assert.equal(byLine(4)[2], 'BLOCK* NameSystem.addStoredBlock: blockMap updated: <*> is added to <*> size <*>');
  // Mined as whole content: its header words are part of its template.
  assert.equal(byLine(3)[2], 'this line has no header at all');
  assert.notEqual(byLine(3)[1], byLine(1)[1]);
  // A template with a comma survives the CSV round trip.
  assert.match(byLine(8)[2]!, /, with a comma$/);
});

test('logs parse writes to stdout by default and reads built-in formats', () => {
  const input = path.join(dir, 'syslog.log');
  writeFileSync(
    input,
    [
      '<34>Oct 11 22:14:15 web-1 sshd[230]: Accepted password for alice from 10.0.0.1 port 52811 ssh2',
      '<34>Oct 11 22:14:16 web-1 sshd[231]: Accepted password for alice from 10.0.0.2 port 52812 ssh2',
      '<165>1 2003-10-11T22:14:15.003Z db-1 postgres 99 - - connection received: host=10.0.0.3 port=5432',
    ].join('\r\n'),
  );
  const r = run('logs', 'parse', '--input', input, '--format', 'syslog');
  assert.equal(r.status, 0, r.stderr);
  const rows = parseCsv(r.stdout).slice(1);
  assert.equal(rows.length, 3);
  assert.equal(rows[0]![1], rows[1]![1]);
  assert.equal(rows[2]![2], 'connection received: host=<*> port=<*>');
  assert.doesNotMatch(r.stderr, /does not match/);
});

test('logs parse: bad usage exits 2 naming the flag', () => {
  const input = path.join(dir, 'ok.log');
  writeFileSync(input, 'x\n');
  const cases: [string[], RegExp][] = [
    [['logs'], /missing subcommand/],
    [['logs', 'frob'], /unknown subcommand 'frob'/],
    [['logs', 'parse', '--format', 'raw'], /--input: required/],
    [['logs', 'parse', '--input', input], /--format: required/],
    [['logs', 'parse', '--input', path.join(dir, 'missing.log'), '--format', 'raw'], /--input: no such file/],
    [['logs', 'parse', '--input', input, '--format', '<Date> <Time>'], /--format: .*no <Content>/],
    [['logs', 'parse', '--input', input, '--format', 'raw', '--bogus'], /bogus/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')} → exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
