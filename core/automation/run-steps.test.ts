import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { resolveStep, stepView, type Job } from './job.ts';
import { runJob, runStep, type JobControl } from './run-steps.ts';
import { RunbookSchema } from './runbook.ts';

const control = (): JobControl => ({ cancelled: false, abort: new AbortController() });

const rb = RunbookSchema.parse({
  id: 'x',
  name: 'x',
  risk: 'low',
  match: { severities: ['critical'] },
  steps: [
    { name: 'env', shell: { command: ['/usr/bin/env'], env: ['WF_ALLOWED'] }, timeout: '5s' },
    { name: 'slow', shell: { command: ['/bin/sleep', '5'] }, timeout: '200ms' },
    { name: 'restart', action: 'restart', with: { endpoint: '{{params.endpoint}}' } },
  ],
  parameters: { endpoint: { default: '' } },
});

test('a shell step sees only the allowed environment', async () => {
  const step = resolveStep(rb.steps[0], {}, { WF_ALLOWED: 'yes', WF_SECRET: 'no', PATH: '/usr/bin' });
  const r = await runStep(step, 'run', '', control());
  assert.equal(r.ok, true, r.error);
  assert.match(r.output, /WF_ALLOWED=yes/);
  assert.doesNotMatch(r.output, /WF_SECRET|PATH=/);
  assert.match(stepView(step).detail, /\/usr\/bin\/env \(env: WF_ALLOWED\)/);
});

test('a step past its timeout is killed and fails', async () => {
  const started = Date.now();
  const r = await runStep(resolveStep(rb.steps[1], {}, {}), 'run', '', control());
  assert.equal(r.ok, false);
  assert.match(r.error!, /timed out after 200 ms/);
  assert.ok(Date.now() - started < 3000);
});

test('a built-in action without an endpoint fails naming the field', async () => {
  const step = resolveStep(rb.steps[2], { 'params.endpoint': '' }, {});
  const r = await runStep(step, 'run', '', control());
  assert.equal(r.ok, false);
  assert.match(r.error!, /with\.endpoint/);
});

test('a failed verification runs the rollback', async () => {
  let healthy = false;
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.statusCode = req.url === '/health' ? (healthy ? 200 : 503) : 200;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = (name: string, method: string, url: string) =>
    ({ name, timeoutMs: 2000, kind: 'http', http: { method, url, headers: {}, body: null, expectStatus: null, bodyContains: null }, shell: null, diagnostics: false, invalid: null }) as const;
  const job: Job = {
    steps: [http('do', 'POST', `${base}/do`)],
    verify: { ...http('check', 'GET', `${base}/health`), attempts: 2, intervalMs: 10 },
    rollback: [http('undo', 'POST', `${base}/undo`)],
    context: '',
  };
  try {
    const phases: string[] = [];
    const r = await runJob(job, control(), (s) => phases.push(`${s.phase}:${s.ok}`));
    assert.equal(r.outcome, 'rolled-back');
    assert.deepEqual(phases, ['run:true', 'verify:false', 'verify:false', 'rollback:true']);
    assert.deepEqual(calls, ['POST /do', 'GET /health', 'GET /health', 'POST /undo']);
    healthy = true;
    assert.equal((await runJob(job, control(), () => {})).outcome, 'succeeded');
  } finally {
    server.close();
  }
});
