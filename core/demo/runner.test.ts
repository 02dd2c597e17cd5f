import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoFault } from '../common/schemas.ts';
import { ChangesPayload, EventsPayload, TopologyPayload } from '../common/schemas.ts';
import { DemoRunner } from './runner.ts';
import type { OtlpMetricsRequest } from './simulator.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 10, 14, 0, 0);

interface Post {
  url: string;
  auth: string | undefined;
  body: unknown;
}

/**
 * A test double of the engine's ingest endpoints: records every POST and answers 200, or `status`
 * for the URLs `fail` matches. `waitFor` resolves once a matching post has arrived.
 */
async function fakeEngine(fail: (url: string) => number | null = () => null) {
  const posts: Post[] = [];
  const waiters: { pred: (p: Post) => boolean; resolve: (p: Post) => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const post: Post = { url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      posts.push(post);
      for (const w of waiters.splice(0)) {
        if (w.pred(post)) w.resolve(post);
        else waiters.push(w);
      }
      const status = fail(post.url) ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{}' : '{"code":"boom","message":"failed on purpose"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    posts,
    waitFor: (pred: (p: Post) => boolean) =>
      new Promise<Post>((resolve) => {
        const done = posts.find(pred);
        if (done) resolve(done);
        else waiters.push({ pred, resolve });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function metricTimes(req: OtlpMetricsRequest): number[] {
  return req.resourceMetrics.flatMap((rm) =>
    rm.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) => m.gauge.dataPoints.map((dp) => Number(dp.timeUnixNano.slice(0, -6))))),
  );
}

describe('DemoRunner', () => {
  test('posts topology first, backfills in order with auth, goes live and injects faults', { timeout: 60_000 }, async () => {
    const engine = await fakeEngine();
    let clock = T0;
    const faults: DemoFault[] = [];
    const runner = new DemoRunner({
      apiUrl: engine.url,
      otlpUrl: `${engine.url}/otlp`,
      token: 's3cret',
      seed: 4,
      tickMs: 20,
      backfillMs: 12 * MIN,
      faultEveryMs: 4 * MIN,
      now: () => clock,
      onFault: (f) => {
        faults.push(f);
      },
    });
    try {
      await runner.start();
      const backfill = engine.posts.slice();
      assert.equal(backfill[0].url, '/ingest/topology');
      const topo = TopologyPayload.safeParse(backfill[0].body);
      assert.ok(topo.success);
      assert.ok(topo.data.nodes.length >= 150);
      for (const p of backfill) assert.equal(p.auth, 'Bearer s3cret', `${p.url} without the token`);

      // Metrics: every step of the backfill window exactly once, in order across requests.
      const metricPosts = backfill.filter((p) => p.url === '/otlp/v1/metrics');
      assert.ok(metricPosts.length >= 2, 'the backfill is sent in several requests');
      let last = -Infinity;
      const seen = new Set<number>();
      for (const p of metricPosts) {
        const times = metricTimes(p.body as OtlpMetricsRequest);
        assert.ok(Math.min(...times) > last, 'metric requests out of order');
        last = Math.max(...times);
        for (const t of times) seen.add(t);
      }
      assert.equal(seen.size, (12 * MIN) / 15_000);
      assert.equal(Math.max(...seen), T0);

      const events = backfill.filter((p) => p.url === '/ingest/events').flatMap((p) => p.body as { time: number }[]);
      assert.ok(EventsPayload.safeParse(events).success);
      assert.ok(events.length > 0, 'alerts during the backfill');
      assert.ok(events.every((e, i) => i === 0 || e.time >= events[i - 1].time), 'events out of order');
      assert.ok(events.every((e) => e.time <= T0));
      for (const p of backfill.filter((x) => x.url === '/ingest/changes')) assert.ok(ChangesPayload.safeParse(p.body).success);

      // Ground truth of the faults whose telemetry was sent, and none from the future.
      assert.ok(faults.length >= 2, `${faults.length} faults in 12 minutes of backfill`);
      assert.ok(faults.every((f) => f.start <= T0));
      assert.deepEqual(
        faults.map((f) => f.id),
        runner.simulator
          .faults()
          .filter((f) => f.start <= T0)
          .map((f) => f.id),
      );

      // Live: advancing the clock makes the next tick send the new interval.
      clock = T0 + 30_000;
      await engine.waitFor((p) => p.url === '/otlp/v1/metrics' && metricTimes(p.body as OtlpMetricsRequest).includes(T0 + 30_000));

      const injected = await runner.injectNow({ kind: 'bad-deploy', target: 'checkout-eu' });
      assert.equal(injected.kind, 'bad-deploy');
      assert.equal(injected.rootEntity, 'service:checkout-eu');
      assert.ok(injected.start > T0 + 30_000 - 1 && injected.end > injected.start);
      assert.ok(faults.some((f) => f.id === injected.id), 'onFault is told about injected faults');
      await assert.rejects(runner.injectNow({ kind: 'disk-fill', target: 'service:checkout-eu' }), /cannot be the root/);

      // The injected deploy reaches the engine with the next tick.
      clock = injected.start + 5 * MIN;
      const change = await engine.waitFor(
        (p) => p.url === '/ingest/changes' && (p.body as { summary: string }[]).some((c) => c.summary.startsWith('checkout-eu v')),
      );
      assert.equal(change.auth, 'Bearer s3cret');
    } finally {
      const before = Date.now();
      await runner.stop();
      assert.ok(Date.now() - before < 5000, 'stop is bounded');
      await engine.close();
    }
  });

  test('a failing engine is logged, not thrown, and the runner carries on', { timeout: 60_000 }, async () => {
    const engine = await fakeEngine((url) => (url === '/ingest/topology' || url === '/ingest/events' ? 503 : null));
    const logs: { msg: string; fields?: object }[] = [];
    let clock = T0;
    const runner = new DemoRunner({
      apiUrl: engine.url,
      otlpUrl: engine.url,
      token: 't',
      tickMs: 20,
      backfillMs: 6 * MIN,
      faultEveryMs: 0,
      now: () => clock,
      log: (msg, fields) => logs.push({ msg, fields }),
    });
    try {
      await runner.start();
      assert.ok(engine.posts.some((p) => p.url === '/v1/metrics'), 'metrics were sent despite the failures');
      assert.ok(logs.some((l) => l.msg === 'demo post failed'), 'failures are logged');
      assert.ok(runner.simulator.faults().length === 0, 'faultEveryMs 0 schedules nothing');
      // The topology is retried on the next tick, since the engine refused it.
      const topologyPosts = () => engine.posts.filter((p) => p.url === '/ingest/topology').length;
      const before = topologyPosts();
      clock += 15_000;
      await engine.waitFor((p) => p.url === '/ingest/topology' && topologyPosts() > before);
    } finally {
      await runner.stop();
      await engine.close();
    }

    // An engine that is not there at all: start still resolves.
    const gone = new DemoRunner({ apiUrl: engine.url, otlpUrl: engine.url, token: 't', backfillMs: MIN, faultEveryMs: 0, now: () => T0 });
    await gone.start();
    await gone.stop();
  });
});
