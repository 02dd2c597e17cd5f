/**
 * Logs through the real engine: syslog over real UDP and TCP sockets and OTLP/HTTP logs into the
 * built engine process, mined in its worker, masked before storage, stored with template ids,
 * counted per template per minute as metric series, and template events on the anomaly timeline.
 * Template ids survive a restart.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { startEngineProcess, tempDataDir, type EngineProcess } from '../fixtures/engine-process.ts';

interface TemplateSummary {
  id: string;
  template: string;
  count: number;
  spark: number[];
  entities: string[];
}
interface Line {
  time: number;
  entity: string;
  body: string;
}

const M = 60_000;
const engines: EngineProcess[] = [];
after(async () => {
  for (const e of engines) await e.stop({ removeData: true });
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function templates(engine: EngineProcess, query = ''): Promise<{ templates: TemplateSummary[] }> {
  return engine.json(`/api/logs/templates?${query}`);
}

function otlpLogs(service: string, records: { t: number; body: string; sev?: string }[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [
          {
            logRecords: records.map((r) => ({
              timeUnixNano: `${BigInt(r.t) * 1_000_000n}`,
              severityText: r.sev ?? 'INFO',
              body: { stringValue: r.body },
            })),
          },
        ],
      },
    ],
  };
}

async function postLogs(engine: EngineProcess, body: unknown): Promise<void> {
  const res = await fetch(`${engine.otlpUrl}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

test('syslog over UDP and TCP is mined, masked and stored with template ids', async () => {
  const engine = await startEngineProcess({ extraArgs: ['--syslog-port', '0'] });
  engines.push(engine);
  const status = await engine.json<{ syslogPort: number }>('/api/logs/status');
  assert.ok(status.syslogPort > 0);
  const now = new Date();
  const stamp = `${now.toUTCString().slice(8, 11)} ${String(now.getUTCDate()).padStart(2, ' ')} ${now.toISOString().slice(11, 19)}`;

  const udp = createSocket('udp4');
  for (let i = 0; i < 20; i++) {
    const msg = Buffer.from(`<11>${stamp} web-1 nginx[81${i}]: upstream timed out after ${100 + i} ms from 10.0.0.${i}`);
    await new Promise<void>((resolve, reject) => udp.send(msg, status.syslogPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }
  udp.close();

  const sock = connect(status.syslogPort, '127.0.0.1');
  await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  const framed = (m: string) => `${Buffer.byteLength(m)} ${m}`;
  const msgs = [
    framed(`<165>1 ${now.toISOString()} db-1 postgres 77 - - connection authorized: user=app database=orders`),
    framed(`<165>1 ${now.toISOString()} db-1 postgres 78 - - connection authorized: user=app database=orders`),
    `<13>${stamp} pay-1 billing[5]: charge declined for alice@example.com card 4111 1111 1111 1111\n`,
    `<13>${stamp} pay-1 billing[5]: charge declined for bob@example.org card 5500-0000-0000-0004\n`,
  ];
  await new Promise<void>((resolve) => sock.end(msgs.join(''), () => resolve()));

  const byText = await waitFor('all syslog lines', async () => {
    const { templates: ts } = await templates(engine);
    const total = ts.reduce((a, t) => a + t.count, 0);
    return total >= 24 ? new Map(ts.map((t) => [t.template, t])) : undefined;
  });
  const nginx = byText.get('upstream timed out after <*> from <*>');
  assert.ok(nginx, [...byText.keys()].join('\n'));
  assert.equal(nginx.count, 20);
  assert.deepEqual(nginx.entities, ['host:web-1']);
  assert.match(nginx.id, /^t[0-9a-f]{16}$/);
  assert.equal(byText.get('connection authorized: user=app database=orders')?.count, 2);

  // PII was masked before storage: the stored lines carry markers, never the data.
  const billing = [...byText.values()].find((t) => t.template.startsWith('charge declined'));
  assert.ok(billing);
  assert.equal(billing.template, 'charge declined for <email> card <card>');
  const lines = await engine.json<Line[]>(`/api/logs/templates/${billing.id}/lines`);
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.equal(l.body, 'charge declined for <email> card <card>');
    assert.equal(l.entity, 'host:pay-1');
  }

  // Filters: one entity only; bad input is a 400 naming the field.
  const dbOnly = await templates(engine, 'entity=host:db-1');
  assert.deepEqual(dbOnly.templates.map((t) => t.count), [2]);
  const bad = await engine.api('/api/logs/templates?from=10&to=5');
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { message: string }).message, /^from:/);
  assert.equal((await engine.api('/api/logs/templates/nope/lines')).status, 400);
  assert.equal((await fetch(`${engine.apiUrl}/api/logs/templates`)).status, 401);
});

test('OTLP logs: per-template counts per minute become metric series, events reach the timeline, ids survive a restart', async () => {
  const dataDir = await tempDataDir();
  let engine = await startEngineProcess({ dataDir });
  // 40 minutes of history: a steady heartbeat, a surge of one template at minute 30, a new template
  // at minute 32 (after the warm-up a fresh database needs before `new` means anything).
  const t0 = Math.floor((Date.now() - 60 * M) / M) * M;
  const records: { t: number; body: string }[] = [];
  for (let m = 0; m < 40; m++) {
    for (let i = 0; i < 3; i++) records.push({ t: t0 + m * M + i * 1000, body: `heartbeat ok seq=${m * 3 + i} latency=${5 + i}ms` });
    const n = m === 30 ? 60 : 2;
    for (let i = 0; i < n; i++) records.push({ t: t0 + m * M + 5000 + i * 10, body: `order ${1000 + m * 100 + i} rejected: inventory service returned 503` });
    if (m === 32) records.push({ t: t0 + m * M + 20_000, body: 'circuit breaker opened for inventory after 5 failures' });
  }
  await postLogs(engine, otlpLogs('checkout', records));

  const { templates: ts } = await templates(engine, `from=${t0}&to=${t0 + 41 * M}`);
  const rejected = ts.find((t) => t.template === 'order <*> rejected: inventory service returned <*>');
  assert.ok(rejected, ts.map((t) => t.template).join('\n'));
  assert.equal(rejected.count, 39 * 2 + 60);
  assert.equal(rejected.spark.reduce((a, b) => a + b, 0), rejected.count);
  const heartbeat = ts.find((t) => t.template.startsWith('heartbeat ok'));
  assert.equal(heartbeat?.template, 'heartbeat ok seq=<*> latency=<*>');

  const anomalies = await waitFor('template events', async () => {
    const list = await engine.json<{ metric: string; entity: string; time: number; value: number }[]>(`/api/anomalies?from=${t0}&to=${t0 + 41 * M}`);
    const mine = list.filter((a) => a.metric.startsWith('log.template.'));
    return mine.some((a) => a.metric === 'log.template.surge') && mine.some((a) => a.metric === 'log.template.new') ? mine : undefined;
  });
  const surge = anomalies.find((a) => a.metric === 'log.template.surge')!;
  assert.equal(surge.entity, 'service:checkout');
  assert.equal(surge.time, t0 + 30 * M);
  assert.equal(surge.value, 60);
  const created = anomalies.filter((a) => a.metric === 'log.template.new');
  assert.deepEqual(created.map((a) => a.time), [t0 + 32 * M + 20_000], 'only the template born after the warm-up is new');
  const events = await engine.json<{ kind: string; template: string | null }[]>(`/api/logs/template-events?from=${t0}`);
  assert.ok(events.some((e) => e.kind === 'new' && e.template === 'circuit breaker opened for inventory after <*> failures'));

  // Counts per minute are ordinary metric series.
  const series = await engine.json<{ entity: string; name: string; points: [number, number][] }[]>(
    `/api/metrics?name=log.template.count&entity=service:checkout&from=${t0}&to=${t0 + 41 * M}&step=60000`,
  );
  assert.equal(series.length, 1);
  assert.ok(series[0]!.points.length >= 35, `${series[0]!.points.length} minutes`);

  // Restart on the same data: the same line maps to the same template id.
  await engine.stop();
  engine = await startEngineProcess({ dataDir });
  engines.push(engine);
  await postLogs(engine, otlpLogs('checkout', [{ t: t0 + 41 * M, body: 'order 99 rejected: inventory service returned 502' }]));
  const after = await templates(engine, `from=${t0 + 41 * M}&to=${t0 + 42 * M}`);
  assert.deepEqual(after.templates.map((t) => [t.id, t.count]), [[rejected.id, 1]]);
});
