import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { builtinRunbookDir } from './paths.ts';
import { fillTemplates, globToRegExp, loadRunbooks, parseRunbook, templateToRegExp } from './runbook.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const VALID = `id: restart-api
name: Restart the API
risk: high
match:
  entities: ["service:api*"]
parameters:
  endpoint: { default: "http://127.0.0.1:1" }
steps:
  - name: restart
    http: { url: "{{params.endpoint}}/restart" }
    timeout: 5s
verify:
  http: { method: GET, url: "{{params.endpoint}}/health" }
  attempts: 2
  interval: 100ms
rollback:
  - name: undo
    shell: { command: ["true"], env: [PATH] }
`;

test('a valid runbook parses with defaults and durations in ms', () => {
  const r = parseRunbook(VALID, 'x.yaml');
  assert.ok('runbook' in r, JSON.stringify(r));
  assert.equal(r.runbook.risk, 'high');
  assert.equal(r.runbook.automation, 3);
  assert.equal(r.runbook.steps[0].timeout, 5000);
  assert.equal(r.runbook.steps[0].http?.method, 'POST');
  assert.equal(r.runbook.verify?.interval, 100);
  assert.deepEqual(r.runbook.rollback[0].shell?.env, ['PATH']);
});

test('invalid runbooks are rejected with the line and the reason', () => {
  const cases: [string, number, RegExp][] = [
    [VALID.replace('risk: high', 'risk: extreme'), 3, /risk: .*low.*medium.*high/i],
    [VALID.replace('risk: high\n', ''), 1, /risk/],
    [VALID.replace('    timeout: 5s', '    timeout: soon'), 11, /steps\.0\.timeout/],
    [VALID.replace('    http: { url: "{{params.endpoint}}/restart" }', '    http: { url: "{{params.endpoint}}/restart" }\n    shell: { command: [x] }'), 11, /exactly one of http, shell or action/],
    [VALID.replace('{{params.endpoint}}/restart', '{{params.endpiont}}/restart'), 10, /unknown template variable '\{\{params\.endpiont\}\}'/],
    [VALID.replace('name: Restart the API', 'name: Restart the API\n  bad: [unclosed'), 2, /.+/],
    [VALID.replace('env: [PATH]', 'env: ["not a name"]'), 18, /rollback\.0\.shell\.env\.0: must be an environment variable name/],
    [VALID.replace('["service:api*"]', '["service:api*"]\n  titles: ["(unclosed"]'), 6, /match\.titles\.0/],
    [VALID + 'surprise: 1\n', 1, /surprise|unrecognized/i],
  ];
  for (const [text, line, reason] of cases) {
    const r = parseRunbook(text, 'bad.yaml');
    assert.ok('error' in r, `expected an error for ${reason}`);
    assert.equal(r.error.file, 'bad.yaml');
    assert.match(r.error.reason, reason);
    assert.equal(r.error.line, line, `${r.error.reason} at line ${r.error.line}, expected ${line}`);
  }
});

test('a folder loads its valid runbooks, reports the bad ones, and site runbooks replace built-ins', async () => {
  const builtin = await mkdtemp(path.join(os.tmpdir(), 'wf-rb-'));
  const site = await mkdtemp(path.join(os.tmpdir(), 'wf-rb-'));
  dirs.push(builtin, site);
  await writeFile(path.join(builtin, 'a.yaml'), VALID);
  await writeFile(path.join(site, 'a.yml'), VALID.replace('risk: high', 'risk: low'));
  await writeFile(path.join(site, 'b.yaml'), VALID.replace('risk: high', 'risk: medium'));
  await writeFile(path.join(site, 'c.yaml'), 'id: [');
  await writeFile(path.join(site, 'notes.txt'), 'ignored');
  const set = await loadRunbooks([
    { dir: builtin, origin: 'builtin' },
    { dir: site, origin: 'site' },
    { dir: path.join(site, 'missing'), origin: 'site' },
  ]);
  assert.equal(set.runbooks.length, 1);
  assert.equal(set.runbooks[0].risk, 'low');
  assert.equal(set.runbooks[0].origin, 'site');
  assert.deepEqual(
    set.errors.map((e) => [path.basename(e.file), e.line]),
    [
      ['b.yaml', 1],
      ['c.yaml', 1],
    ],
  );
  assert.match(set.errors[0].reason, /already defined in .*a\.yml/);
});

test('the built-in runbooks all load', async () => {
  const set = await loadRunbooks([{ dir: builtinRunbookDir(), origin: 'builtin' }]);
  assert.deepEqual(set.errors, []);
  assert.ok(set.runbooks.length >= 3);
  assert.ok(set.runbooks.some((r) => r.rollback.length > 0 && r.verify));
});

test('templates, globs and log templates', () => {
  assert.deepEqual(fillTemplates({ a: ['{{target}}/x', { b: '{{ params.n }}' }], c: 3 }, { target: 'service:a', 'params.n': '4' }), {
    a: ['service:a/x', { b: '4' }],
    c: 3,
  });
  assert.ok(globToRegExp('service:api*').test('service:api-gw'));
  assert.ok(!globToRegExp('service:api*').test('host:service:api'));
  assert.ok(templateToRegExp('connection pool <*> exhausted').test('JDBC connection pool orders exhausted after 30s'));
});
