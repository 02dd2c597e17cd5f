/**
 * Notifications against receivers the test starts: a local HTTP server playing a generic webhook,
 * Slack/Mattermost/Teams, PagerDuty Events v2, Opsgenie, ServiceNow and Jira, and a local SMTP
 * server. Retries with backoff, failures listed; and the same through the real engine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AutomationAction, NotificationDelivery } from '../../core/common/automation-schemas.ts';
import { AutomationConfigSchema } from '../../core/automation/config.ts';
import { silentLogger } from '../../core/log.ts';
import { Notifier } from '../../core/notify/notifier.ts';
import { sendMail } from '../../core/notify/smtp.ts';
import { actionIn, runbookYaml, until } from '../fixtures/automation-helpers.ts';
import { startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../fixtures/smtp-receiver.ts';
import { startTargetService, type TargetService } from '../fixtures/target-service.ts';

let http: HttpReceiver;
let smtp: SmtpReceiver;

before(async () => {
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
});
after(async () => {
  await http?.close();
  await smtp?.close();
});

function notifierFor(channels: unknown[], retry = { attempts: 3, backoff: '50ms' }): Notifier {
  const n = new Notifier(silentLogger);
  n.configure(AutomationConfigSchema.parse({ notifications: channels, retry }));
  return n;
}

function settled(n: Notifier, count: number): Promise<NotificationDelivery[]> {
  return until(async () => {
    const d = n.deliveries();
    return d.length >= count && d.every((x) => x.state !== 'pending') ? d : null;
  }, `${count} deliveries to settle`, 15_000);
}

describe('every channel kind', () => {
  test('an escalation reaches each channel in its own format; tickets are created, then resolved', async () => {
    const u = http.url;
    http.script('POST /api/now/table/incident', [{ status: 201, body: { result: { sys_id: 'a1b2', number: 'INC0010001' } } }]);
    http.script('POST /rest/api/2/issue', [{ status: 201, body: { key: 'OPS-7' } }]);
    http.script('GET /rest/api/2/issue/OPS-7/transitions', [{ status: 200, body: { transitions: [{ id: '11', name: 'In Progress' }, { id: '31', name: 'Done' }] } }]);
    http.script('POST /v2/enqueue', [{ status: 202, body: { status: 'success' } }]);
    http.script('POST /v2/alerts', [{ status: 202, body: { result: 'Request will be processed' } }]);
    const n = notifierFor([
      { id: 'hook', kind: 'webhook', url: `${u}/hook` },
      { id: 'slack', kind: 'slack', url: `${u}/slack` },
      { id: 'teams', kind: 'teams', url: `${u}/teams` },
      { id: 'pd', kind: 'pagerduty', url: u, secret: 'routing-key-1' },
      { id: 'og', kind: 'opsgenie', url: u, secret: 'genie-key-1' },
      { id: 'mail', kind: 'smtp', user: 'bot', secret: 'mail-pass', smtp: { host: '127.0.0.1', port: smtp.port, starttls: false, from: 'watchfloor@example.org', to: ['oncall@example.org', 'lead@example.org'] } },
      { id: 'snow', kind: 'servicenow', url: u, user: 'svc', secret: 'snow-pass' },
      { id: 'jira', kind: 'jira', url: u, user: 'svc', secret: 'jira-token', project: 'OPS' },
    ]);
    n.notify({ event: 'incident-escalated', title: 'Escalated: checkout down', text: 'restart failed; rolled back', severity: 'critical', incidentId: 'inc-42', actionId: 'act-1' });
    const first = await settled(n, 8);
    assert.deepEqual(first.filter((d) => d.state !== 'delivered').map((d) => `${d.channel}: ${d.lastError}`), []);
    const req = (p: string, method = 'POST') => http.requests.find((r) => r.path === p && r.method === method);
    assert.equal((req('/hook')!.body as { event: string }).event, 'incident-escalated');
    assert.match((req('/slack')!.body as { text: string }).text, /\*Escalated: checkout down\*/);
    assert.equal((req('/teams')!.body as Record<string, string>)['@type'], 'MessageCard');
    const pd = req('/v2/enqueue')!.body as { routing_key: string; event_action: string; dedup_key: string; payload: { severity: string } };
    assert.deepEqual([pd.routing_key, pd.event_action, pd.dedup_key, pd.payload.severity], ['routing-key-1', 'trigger', 'inc-42', 'critical']);
    const og = req('/v2/alerts')!;
    assert.equal(og.headers.authorization, 'GenieKey genie-key-1');
    assert.equal((og.body as { priority: string }).priority, 'P1');
    assert.equal(smtp.messages.length, 1);
    assert.deepEqual(smtp.messages[0].to, ['oncall@example.org', 'lead@example.org']);
    assert.equal(smtp.messages[0].auth, 'bot:mail-pass');
    assert.match(smtp.messages[0].data, /^Subject: \[watchfloor\] Escalated: checkout down$/m);
    const snow = req('/api/now/table/incident')!;
    assert.equal(snow.headers.authorization, `Basic ${Buffer.from('svc:snow-pass').toString('base64')}`);
    assert.equal((req('/rest/api/2/issue')!.body as { fields: { project: { key: string } } }).fields.project.key, 'OPS');
    assert.deepEqual(first.filter((d) => d.ticket).map((d) => d.ticket).sort(), ['INC0010001', 'OPS-7']);

    n.notify({ event: 'incident-resolved', title: 'Resolved: checkout down', text: 'back to normal', severity: 'info', incidentId: 'inc-42' });
    await settled(n, 16);
    assert.equal((http.requests.filter((r) => r.path === '/v2/enqueue').at(-1)!.body as { event_action: string }).event_action, 'resolve');
    assert.deepEqual(req('/api/now/table/incident/a1b2', 'PATCH')!.body, { state: '6', close_notes: 'back to normal' });
    assert.deepEqual(req('/rest/api/2/issue/OPS-7/transitions')!.body, { transition: { id: '31' } });
    n.close();
  });
});

describe('retries and failures', () => {
  test('a failing endpoint is retried with backoff; one that keeps failing is marked failed with the error', async () => {
    http.script('POST /flaky', [{ status: 500 }, { status: 503 }, { status: 200 }]);
    http.script('POST /broken', [{ status: 500, body: { error: 'boom' } }]);
    smtp.refuseNext(1);
    const mailsBefore = smtp.messages.length;
    const n = notifierFor([
      { id: 'flaky', kind: 'webhook', url: `${http.url}/flaky` },
      { id: 'broken', kind: 'webhook', url: `${http.url}/broken` },
      { id: 'mail', kind: 'smtp', smtp: { host: '127.0.0.1', port: smtp.port, starttls: false, from: 'a@example.org', to: ['b@example.org'] } },
      { id: 'nowhere', kind: 'webhook', url: 'http://127.0.0.1:9/closed-port' },
    ]);
    const t0 = Date.now();
    n.notify({ event: 'action-failed', title: 't', text: 'x', severity: 'warning' });
    const d = await settled(n, 4);
    const by = Object.fromEntries(d.map((x) => [x.channel, x]));
    assert.deepEqual([by.flaky.state, by.flaky.attempts], ['delivered', 3]);
    assert.deepEqual([by.broken.state, by.broken.attempts], ['failed', 3]);
    assert.match(by.broken.lastError!, /HTTP 500/);
    assert.deepEqual([by.mail.state, by.mail.attempts], ['delivered', 2]);
    assert.match(by.nowhere.lastError!, /fetch failed|ECONNREFUSED/);
    assert.equal(smtp.messages.length, mailsBefore + 1);
    // Backoff 50 ms then 100 ms before the third attempt.
    assert.ok(Date.now() - t0 >= 150, 'retries waited');
    n.close();
  });
});

describe('through the engine', () => {
  let engine: EngineProcess;
  let target: TargetService;
  before(async () => {
    target = await startTargetService();
    const dataDir = await tempDataDir('wf-notify-');
    await mkdir(path.join(dataDir, 'runbooks'));
    await writeFile(path.join(dataDir, 'runbooks', 'n-low.yaml'), runbookYaml({ id: 'n-low', risk: 'low', title: 'NO-MATCH', base: target.url }));
    await writeFile(
      path.join(dataDir, 'automation.json'),
      JSON.stringify({
        retry: { attempts: 2, backoff: '50ms' },
        notifications: [
          { id: 'ops-hook', kind: 'webhook', url: `${http.url}/engine-hook`, events: ['action-succeeded'] },
          { id: 'ops-mail', kind: 'smtp', smtp: { host: '127.0.0.1', port: smtp.port, starttls: false, from: 'wf@example.org', to: ['ops@example.org'] } },
          { id: 'dead', kind: 'webhook', url: `${http.url}/dead`, secret: 'sekrit-value-123' },
        ],
      }),
    );
    http.script('POST /dead', [{ status: 502 }]);
    engine = await startEngineProcess({ dataDir });
  });
  after(async () => {
    await engine?.stop({ removeData: true });
    await target?.close();
  });

  test('a low-risk action notifies on success; a failing channel shows as failed in the API; secrets stay hidden', async () => {
    const a = await engine.json<AutomationAction>('/api/automation/actions', { method: 'POST', body: { runbookId: 'n-low', target: 'service:notify-me' } });
    assert.equal((await actionIn(engine, a.id, ['succeeded', 'failed'])).state, 'succeeded');
    const hook = await until(async () => http.requests.find((r) => r.path === '/engine-hook'), 'the webhook call');
    assert.equal((hook.body as { actionId: string }).actionId, a.id);
    await until(async () => smtp.messages.find((m) => m.to.includes('ops@example.org') && m.data.includes('n-low')), 'the e-mail');
    const deliveries = await until(async () => {
      const d = await engine.json<NotificationDelivery[]>('/api/notifications');
      return d.find((x) => x.channel === 'dead' && x.state === 'failed') ? d : null;
    }, 'the dead channel to fail');
    const dead = deliveries.find((x) => x.channel === 'dead')!;
    assert.equal(dead.attempts, 2);
    assert.match(dead.lastError!, /HTTP 502/);
    const cfg = JSON.stringify(await engine.json('/api/automation/config'));
    assert.ok(cfg.includes('ops-hook'));
    assert.ok(!cfg.includes('sekrit-value-123'), 'channel secrets are redacted');
  });
});

describe('SMTP over STARTTLS', () => {
  test('the client upgrades when the server offers STARTTLS and authenticates inside TLS', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wf-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    if (made.status !== 0) {
      await rm(dir, { recursive: true, force: true });
      t.skip(`openssl could not make a test certificate: ${made.error?.message ?? made.stderr}`);
      return;
    }
    const tlsMaterial = { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
    const secureSmtp = await startSmtpReceiver({ tls: tlsMaterial });
    try {
      await sendMail(
        { host: '127.0.0.1', port: secureSmtp.port, starttls: true, from: 'wf@example.org', to: ['ops@example.org'], user: 'bot', password: 'pw', tls: { ca: tlsMaterial.cert } },
        'over tls',
        'hello\n.leading dot survives',
      );
      assert.equal(secureSmtp.messages.length, 1);
      assert.equal(secureSmtp.messages[0].secure, true);
      assert.equal(secureSmtp.messages[0].auth, 'bot:pw');
      assert.match(secureSmtp.messages[0].data, /^\.leading dot survives$/m);
      // A certificate the client does not trust stops the delivery instead of sending in the clear.
      await assert.rejects(sendMail({ host: '127.0.0.1', port: secureSmtp.port, starttls: true, from: 'a@example.org', to: ['b@example.org'] }, 's', 'x'));
    } finally {
      await secureSmtp.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
