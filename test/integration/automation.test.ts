/**
 * Remediation under governance, end to end against the real engine (built CLI, loopback) and a real
 * target service: the risk tiers and approvals, rollback, every guardrail, the pause switch, roles,
 * and the audit trail caught when edited.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AuditEntryView, AutomationAction, AutomationStatus } from '../../core/common/automation-schemas.ts';
import type { Stats } from '../../core/common/schemas.ts';
import { actionIn, actionOf, caller, raiseIncident, runbookYaml, until, userSession, type Caller } from '../fixtures/automation-helpers.ts';
import { repoRoot, startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';
import { startTargetService, type TargetService } from '../fixtures/target-service.ts';

let engine: EngineProcess;
let target: TargetService;
let admin: Caller;
let alice: Caller;
let bob: Caller;
let carol: Caller;
let olga: Caller;
let vera: Caller;

const NEVER_BUSINESS_HOURS = { timezone: 'UTC', days: [], start: '09:00', end: '17:00' };
const ALWAYS_BUSINESS_HOURS = { timezone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '23:59' };
const GENEROUS = { perTarget: { max: 50, window: '10m' }, perRunbook: { max: 50, window: '10m' }, loop: { max: 50, window: '1h' }, breaker: { failures: 50, cooldown: '15m' } };

async function setConfig(cfg: Record<string, unknown>): Promise<void> {
  const r = await admin.call('/api/automation/config', { method: 'PUT', body: { businessHours: NEVER_BUSINESS_HOURS, guardrails: GENEROUS, ...cfg } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

async function request(who: Caller, runbookId: string, service: string): Promise<{ status: number; action: AutomationAction }> {
  const r = await who.call('/api/automation/actions', { body: { runbookId, target: `service:${service}` } });
  return { status: r.status, action: r.body as AutomationAction };
}

before(async () => {
  target = await startTargetService();
  const dataDir = await tempDataDir('wf-automation-');
  const rbDir = path.join(dataDir, 'runbooks');
  await mkdir(rbDir);
  const base = target.url;
  const files: Record<string, string> = {
    't-low.yaml': runbookYaml({ id: 't-low', risk: 'low', title: 'LOWRISK', base }),
    't-medium.yaml': runbookYaml({ id: 't-medium', risk: 'medium', title: 'MEDRISK', base }),
    't-high.yaml': runbookYaml({ id: 't-high', risk: 'high', title: 'HIGHRISK', base }),
    't-rollback.yaml': runbookYaml({
      id: 't-rollback',
      risk: 'low',
      title: 'ROLLBACK',
      base,
      steps: `  - name: scale out
    action: scale
    with: { endpoint: "${base}/{{target.name}}", replicas: 6 }
  - name: restart
    action: restart
    with: { endpoint: "${base}/{{target.name}}" }`,
      rollback: `rollback:
  - name: scale back
    action: scale
    with: { endpoint: "${base}/{{target.name}}", replicas: 2 }`,
    }),
    't-loop.yaml': runbookYaml({ id: 't-loop', risk: 'low', title: 'NO-MATCH-LOOP', base, verify: '' }),
    't-a.yaml': runbookYaml({ id: 't-a', risk: 'low', title: 'NO-MATCH-A', base, verify: '' }),
    't-b.yaml': runbookYaml({ id: 't-b', risk: 'low', title: 'NO-MATCH-B', base, verify: '' }),
    't-fail.yaml': runbookYaml({
      id: 't-fail',
      risk: 'low',
      title: 'NO-MATCH-FAIL',
      base,
      steps: `  - name: call a missing endpoint
    http: { method: POST, url: "${base}/{{target.name}}/missing" }`,
      verify: '',
    }),
    't-slow.yaml': runbookYaml({
      id: 't-slow',
      risk: 'low',
      title: 'NO-MATCH-SLOW',
      base,
      steps: `  - name: slow restart
    action: restart
    with: { endpoint: "${base}/{{target.name}}" }
    timeout: 20s
  - name: scale after restart
    action: scale
    with: { endpoint: "${base}/{{target.name}}", replicas: 3 }`,
      verify: '',
    }),
    'broken.yaml': 'id: broken\nname: Broken\nrisk: severe\nmatch: { titles: [x] }\nsteps: [{ name: s, action: restart }]\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(rbDir, name), text);
  await writeFile(path.join(dataDir, 'automation.json'), JSON.stringify({ businessHours: NEVER_BUSINESS_HOURS, guardrails: GENEROUS }));
  engine = await startEngineProcess({ dataDir });
  admin = caller(engine, 'token-admin', engine.token);
  alice = await userSession(engine, 'alice', 'approver');
  bob = await userSession(engine, 'bob', 'approver');
  carol = await userSession(engine, 'carol', 'approver');
  olga = await userSession(engine, 'olga', 'operator');
  vera = await userSession(engine, 'vera', 'viewer');
});

after(async () => {
  await engine?.stop({ removeData: true });
  await target?.close();
});

describe('runbooks', () => {
  test('an invalid site runbook is reported with file, line and reason; the valid ones load', async () => {
    const r = (await admin.call('/api/automation/runbooks')).body as { runbooks: { id: string }[]; errors: { file: string; line: number; reason: string }[] };
    assert.ok(r.runbooks.some((x) => x.id === 't-low'));
    assert.ok(r.runbooks.some((x) => x.id === 'restart-service'), 'built-in runbooks load too');
    const err = r.errors.find((e) => e.file.endsWith('broken.yaml'));
    assert.ok(err, JSON.stringify(r.errors));
    assert.equal(err.line, 3);
    assert.match(err.reason, /^risk: /);
  });
});

describe('risk tiers and approvals', () => {
  test('low risk runs automatically on an incident and verifies', async () => {
    const inc = await raiseIncident(engine, 'svc-low', 'LOWRISK checkout down');
    const a = await actionOf(engine, inc.id, (x) => x.runbookId === 't-low', 'the t-low action');
    const done = await actionIn(engine, a.id, ['succeeded', 'failed', 'rolled-back', 'blocked']);
    assert.equal(done.state, 'succeeded', JSON.stringify(done));
    assert.equal(done.requestedBy, 'system');
    assert.equal(done.approvals.length, 0);
    assert.equal(target.state('svc-low').restarts, 1);
    assert.ok(done.results.some((r) => r.phase === 'verify' && r.ok));
  });

  test('medium risk outside business hours waits for an approver; inside them it runs', async () => {
    const inc = await raiseIncident(engine, 'svc-med', 'MEDRISK payments erroring');
    const a = await actionOf(engine, inc.id, (x) => x.runbookId === 't-medium', 'the t-medium action');
    assert.equal(a.state, 'pending');
    assert.equal(a.approvalsRequired, 1);
    assert.match(a.policy, /outside business hours/);
    assert.ok(a.expiresAt && a.expiresAt > Date.now());
    assert.equal(target.state('svc-med').restarts, 0);
    const stats = await engine.json<Stats>('/api/stats');
    assert.ok(stats.pendingApprovals >= 1);
    // The exact steps are there for the approver.
    assert.match(a.steps[0].detail, new RegExp(`POST ${target.url}/svc-med/restart`));

    const r = await bob.call(`/api/automation/actions/${a.id}/approve`, { body: { reason: 'payments down, restart is safe' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const done = await actionIn(engine, a.id, ['succeeded', 'failed', 'rolled-back']);
    assert.equal(done.state, 'succeeded');
    assert.equal(target.state('svc-med').restarts, 1);

    await setConfig({ businessHours: ALWAYS_BUSINESS_HOURS });
    const inc2 = await raiseIncident(engine, 'svc-med-day', 'MEDRISK payments erroring');
    const b = await actionOf(engine, inc2.id, (x) => x.runbookId === 't-medium', 'the daytime t-medium action');
    assert.match(b.policy, /inside business hours/);
    assert.equal((await actionIn(engine, b.id, ['succeeded', 'failed'])).state, 'succeeded');
    await setConfig({});
  });

  test('high risk needs two different approvers', async () => {
    const inc = await raiseIncident(engine, 'svc-high', 'HIGHRISK ledger corrupt');
    const a = await actionOf(engine, inc.id, (x) => x.runbookId === 't-high', 'the t-high action');
    assert.equal(a.state, 'pending');
    assert.equal(a.approvalsRequired, 2);
    const first = await bob.call(`/api/automation/actions/${a.id}/approve`, { body: { reason: 'first look ok' } });
    assert.equal((first.body as AutomationAction).state, 'pending');
    const again = await bob.call(`/api/automation/actions/${a.id}/approve`, { body: { reason: 'me again' } });
    assert.equal(again.status, 403);
    assert.match(JSON.stringify(again.body), /second, different approver/);
    assert.equal(target.state('svc-high').restarts, 0);
    const second = await carol.call(`/api/automation/actions/${a.id}/approve`, { body: { reason: 'agreed' } });
    assert.equal(second.status, 200);
    const done = await actionIn(engine, a.id, ['succeeded', 'failed']);
    assert.equal(done.state, 'succeeded');
    assert.deepEqual(done.approvals.map((x) => x.user), ['bob', 'carol']);
  });

  test('the requester may not approve their own request; roles below approver may not approve', async () => {
    const { status, action } = await request(alice, 't-high', 'svc-self');
    assert.equal(status, 200, JSON.stringify(action));
    assert.equal(action.state, 'pending');
    assert.equal(action.requestedBy, 'alice');
    const self = await alice.call(`/api/automation/actions/${action.id}/approve`, { body: { reason: 'trust me' } });
    assert.equal(self.status, 403);
    assert.match(JSON.stringify(self.body), /requester may not approve/);
    const op = await olga.call(`/api/automation/actions/${action.id}/approve`, { body: { reason: 'x' } });
    assert.equal(op.status, 403);
    assert.match(JSON.stringify(op.body), /approver or admin/);
    const viewer = await vera.call(`/api/automation/actions/${action.id}/approve`, { body: { reason: 'x' } });
    assert.equal(viewer.status, 403);
    const noReason = await bob.call(`/api/automation/actions/${action.id}/reject`, { body: { reason: '' } });
    assert.equal(noReason.status, 400);
    assert.match(JSON.stringify(noReason.body), /reason/);
    const rejected = await bob.call(`/api/automation/actions/${action.id}/reject`, { body: { reason: 'not during the freeze' } });
    assert.equal((rejected.body as AutomationAction).state, 'rejected');
    assert.equal(target.calls('svc-self').length, 0);
  });
});

describe('expiry and acknowledgement', () => {
  test('a pending approval expires; an expired action cannot be approved', async () => {
    await setConfig({ approvalTtl: '1s' });
    const { action } = await request(alice, 't-medium', 'svc-expire');
    assert.equal(action.state, 'pending');
    const expired = await actionIn(engine, action.id, ['expired'], 10_000);
    assert.match(expired.blockedReason ?? '', /not given in time/);
    const late = await bob.call(`/api/automation/actions/${action.id}/approve`, { body: { reason: 'too late' } });
    assert.equal(late.status, 409);
    assert.match(JSON.stringify(late.body), /expired/);
    assert.equal(target.calls('svc-expire').length, 0);
    await setConfig({});
  });

  test('an acknowledgement is recorded with who made it', async () => {
    const inc = await raiseIncident(engine, 'svc-ack', 'something odd on svc-ack');
    const r = await olga.call(`/api/incidents/${encodeURIComponent(inc.id)}/ack`, { body: { note: 'looking into it' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await vera.call(`/api/incidents/${encodeURIComponent(inc.id)}/ack`, { body: {} })).status, 403);
    const got = (await vera.call(`/api/incidents/${encodeURIComponent(inc.id)}/automation`)).body as { acknowledgement: { user: string; note: string } };
    assert.deepEqual([got.acknowledgement.user, got.acknowledgement.note], ['olga', 'looking into it']);
  });
});

describe('execution', () => {
  test('a failed verification runs the rollback and escalates the incident', async () => {
    target.set('svc-rb', { restartFixes: false });
    const inc = await raiseIncident(engine, 'svc-rb', 'ROLLBACK orders slow');
    const a = await actionOf(engine, inc.id, (x) => x.runbookId === 't-rollback', 'the t-rollback action');
    const done = await actionIn(engine, a.id, ['succeeded', 'failed', 'rolled-back']);
    assert.equal(done.state, 'rolled-back', JSON.stringify(done));
    assert.equal(done.escalated, true);
    assert.match(done.blockedReason ?? '', /verification failed after 3 attempts/);
    assert.deepEqual(
      done.results.map((r) => r.phase),
      ['run', 'run', 'verify', 'verify', 'verify', 'rollback'],
    );
    assert.equal(target.state('svc-rb').replicas, 2, 'the rollback scaled back');
    assert.deepEqual(
      target.calls('svc-rb', 'scale').map((c) => JSON.parse(c.body).replicas),
      [6, 2],
    );
    const audit = (await admin.call(`/api/audit?action=incident-escalated&subject=${encodeURIComponent(inc.id)}`)).body as { entries: AuditEntryView[] };
    assert.equal(audit.entries.length, 1);
  });
});

describe('guardrails', () => {
  test('loop detection: the same runbook on the same target is refused after the limit', async () => {
    await setConfig({ guardrails: { ...GENEROUS, loop: { max: 2, window: '1h' } } });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { action } = await request(admin, 't-loop', 'svc-loop');
      outcomes.push((await actionIn(engine, action.id, ['succeeded', 'failed', 'blocked'])).state);
    }
    assert.deepEqual(outcomes, ['succeeded', 'succeeded', 'blocked']);
    const blocked = (await engine.json<AutomationAction[]>('/api/automation/actions?state=blocked')).find((a) => a.target === 'service:svc-loop');
    assert.match(blocked!.blockedReason!, /loop detected/);
    assert.equal(target.state('svc-loop').restarts, 2);
    // Another target is not affected.
    const other = await request(admin, 't-loop', 'svc-loop-2');
    assert.equal((await actionIn(engine, other.action.id, ['succeeded', 'failed', 'blocked'])).state, 'succeeded');
  });

  test('rate limit per target: different runbooks on one target are refused past the limit', async () => {
    await setConfig({ guardrails: { ...GENEROUS, perTarget: { max: 2, window: '10m' } } });
    const states: string[] = [];
    for (const rb of ['t-loop', 't-a', 't-b']) {
      const { action } = await request(admin, rb, 'svc-rate');
      states.push((await actionIn(engine, action.id, ['succeeded', 'failed', 'blocked'])).state);
    }
    assert.deepEqual(states, ['succeeded', 'succeeded', 'blocked']);
    const blocked = (await engine.json<AutomationAction[]>('/api/automation/actions?state=blocked')).find((a) => a.target === 'service:svc-rate');
    assert.match(blocked!.blockedReason!, /rate limit: 2 actions on service:svc-rate/);
  });

  test('rate limit per runbook: one runbook across targets is refused past the limit', async () => {
    await setConfig({ guardrails: { ...GENEROUS, perRunbook: { max: 2, window: '10m' } } });
    const states: string[] = [];
    for (const t of ['svc-r1', 'svc-r2', 'svc-r3']) {
      const { action } = await request(admin, 't-b', t);
      states.push((await actionIn(engine, action.id, ['succeeded', 'failed', 'blocked'])).state);
    }
    // t-b was refused on svc-rate in the test before: a refused action does not count as a run.
    assert.deepEqual(states, ['succeeded', 'succeeded', 'blocked']);
    const blocked = (await engine.json<AutomationAction[]>('/api/automation/actions?state=blocked')).find((a) => a.target === 'service:svc-r3');
    assert.match(blocked!.blockedReason!, /rate limit: t-b ran 2 times/);
  });

  test('circuit breaker: consecutive failures stop a runbook until an admin resets it', async () => {
    await setConfig({ guardrails: { ...GENEROUS, breaker: { failures: 2, cooldown: '15m' } } });
    const states: string[] = [];
    for (const t of ['svc-f1', 'svc-f2', 'svc-f3']) {
      const { action } = await request(admin, 't-fail', t);
      states.push((await actionIn(engine, action.id, ['succeeded', 'failed', 'blocked', 'rolled-back'])).state);
    }
    assert.deepEqual(states, ['failed', 'failed', 'blocked']);
    const status = (await admin.call('/api/automation/status')).body as AutomationStatus;
    assert.deepEqual(status.openBreakers.map((b) => b.runbookId), ['t-fail']);
    assert.equal(target.calls('svc-f3').length, 0);
    assert.equal((await olga.call('/api/automation/breakers/t-fail/reset', { method: 'POST' })).status, 403);
    assert.equal((await admin.call('/api/automation/breakers/t-fail/reset', { method: 'POST' })).status, 200);
    const { action } = await request(admin, 't-fail', 'svc-f4');
    assert.equal((await actionIn(engine, action.id, ['failed', 'blocked'])).state, 'failed');
    await setConfig({});
  });

  test('the pause switch stops a running queue at once; resume runs the rest', async () => {
    for (const t of ['svc-p1', 'svc-p2', 'svc-p3']) target.set(t, { restartDelayMs: 1500 });
    const ids: string[] = [];
    for (const t of ['svc-p1', 'svc-p2', 'svc-p3']) ids.push((await request(admin, 't-slow', t)).action.id);
    await actionIn(engine, ids[0], ['running']);
    // An operator may pause; resuming takes an approver.
    const paused = await olga.call('/api/automation/pause', { body: { paused: true, reason: 'things are getting worse' } });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal((paused.body as AutomationStatus).paused, true);
    const first = await actionIn(engine, ids[0], ['cancelled', 'succeeded', 'failed']);
    assert.equal(first.state, 'cancelled');
    assert.equal(target.calls('svc-p1', 'scale').length, 0, 'the step after the pause never ran');
    const stats = await engine.json<Stats>('/api/stats');
    assert.equal(stats.automationPaused, true);
    // Nothing else starts while paused (bounded observation of the queue).
    const watchUntil = Date.now() + 1500;
    while (Date.now() < watchUntil) {
      for (const id of ids.slice(1)) assert.equal((await engine.json<AutomationAction>(`/api/automation/actions/${id}`)).state, 'queued');
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(target.calls('svc-p2').length + target.calls('svc-p3').length, 0);
    assert.equal((await olga.call('/api/automation/pause', { body: { paused: false } })).status, 403);
    assert.equal((await bob.call('/api/automation/pause', { body: { paused: false, reason: 'stable again' } })).status, 200);
    for (const id of ids.slice(1)) assert.equal((await actionIn(engine, id, ['succeeded', 'failed'], 30_000)).state, 'succeeded');
  });
});

describe('roles and sessions', () => {
  test('every API call is authorised by role; sessions end at logout', async () => {
    assert.equal((await vera.call('/api/incidents')).status, 200);
    assert.equal((await vera.call('/api/automation/actions')).status, 200);
    assert.equal((await vera.call('/api/audit')).status, 403);
    assert.equal((await vera.call('/api/flush', { method: 'POST' })).status, 403);
    assert.equal((await vera.call('/api/automation/actions', { body: { runbookId: 't-low', target: 'service:x' } })).status, 403);
    assert.equal((await olga.call('/api/audit')).status, 200);
    assert.equal((await olga.call('/api/users')).status, 403);
    assert.equal((await bob.call('/api/automation/config', { method: 'PUT', body: {} })).status, 403);
    const me = (await bob.call('/api/auth/me')).body as { user: string; role: string; via: string };
    assert.deepEqual([me.user, me.role, me.via], ['bob', 'approver', 'session']);
    const bad = await fetch(`${engine.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'bob', password: 'wrong-password' }) });
    assert.equal(bad.status, 401);
    const weak = await admin.call('/api/users', { body: { name: 'weak', role: 'viewer', password: 'short' } });
    assert.equal(weak.status, 400);
    assert.match(JSON.stringify(weak.body), /password/);
    const temp = await userSession(engine, 'temp', 'viewer');
    assert.equal((await temp.call('/api/auth/logout', { method: 'POST' })).status, 200);
    assert.equal((await temp.call('/api/incidents')).status, 401);
    const users = (await admin.call('/api/users')).body as { name: string }[];
    assert.ok(!JSON.stringify(users).includes('hash'), 'no password hash leaves the engine');
  });
});

describe('audit trail', () => {
  test('approvals, executions, config changes and logins are in the trail; search and export work; an edited entry is caught', async () => {
    const approved = (await admin.call('/api/audit?action=action-approved')).body as { entries: AuditEntryView[]; intact: boolean };
    assert.ok(approved.entries.some((e) => e.actor === 'bob'));
    assert.ok(approved.entries.some((e) => e.actor === 'carol'));
    for (const action of ['incident-acknowledged', 'approval-expired', 'action-proposed', 'action-started', 'action-output', 'action-succeeded', 'action-rolled-back', 'rollback-step', 'action-rejected', 'config-changed', 'login', 'automation-paused', 'automation-resumed', 'action-blocked', 'breaker-opened']) {
      const r = (await admin.call(`/api/audit?action=${action}&limit=1`)).body as { entries: AuditEntryView[] };
      assert.equal(r.entries.length, 1, `an ${action} entry`);
    }
    const search = (await admin.call('/api/audit?q=freeze')).body as { entries: AuditEntryView[] };
    assert.equal(search.entries[0].action, 'action-rejected');
    const csv = await fetch(`${engine.apiUrl}/api/audit/export?format=csv&action=action-approved`, { headers: { Authorization: `Bearer ${engine.token}` } });
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(await csv.text(), /^seq,time,actor,action/);

    const bin = path.join(repoRoot, 'bin', 'watchfloor.mjs');
    const verify = () => spawnSync(process.execPath, [bin, 'audit', 'verify', '--data-dir', engine.dataDir], { encoding: 'utf8', timeout: 30_000 });
    const ok = verify();
    assert.equal(ok.status, 0, ok.stderr);
    const file = path.join(engine.dataDir, 'audit.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const idx = lines.findIndex((l) => l.includes('"action-approved"') && l.includes('"bob"'));
    lines[idx] = lines[idx].replace('"bob"', '"mallory"');
    await writeFile(file, lines.join('\n'));
    const bad = verify();
    assert.equal(bad.status, 1);
    assert.equal(JSON.parse(bad.stdout).firstTampered.line, idx + 1);
    assert.match(bad.stderr, new RegExp(`line ${idx + 1}`));
  });
});
