import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DemoFault, FaultKind } from '../common/schemas.ts';
import { ChangesPayload, EventsPayload, FAULT_KINDS } from '../common/schemas.ts';
import type { DemoBatch, OtlpKeyValue } from './simulator.ts';
import { ALERT_EVAL_MS, DemoSimulator, DemoTargetError, MAX_POINTS_PER_REQUEST } from './simulator.ts';

const MIN = 60_000;
/** A weekday afternoon in both regions' business hours. */
const T0 = Date.UTC(2026, 2, 10, 14, 0, 0);
const STEP = 15_000;

interface Point {
  entity: string;
  name: string;
  attrs: string;
  t: number;
  v: number;
}

/** The entity the engine maps a resource to: watchfloor.entity.id, else service.name, else host.name. */
function entityOf(attrs: OtlpKeyValue[]): string {
  const get = (k: string) => {
    const a = attrs.find((x) => x.key === k);
    return a && 'stringValue' in a.value ? a.value.stringValue : undefined;
  };
  const explicit = get('watchfloor.entity.id');
  if (explicit) return explicit;
  const svc = get('service.name');
  if (svc) return `service:${svc}`;
  return `host:${get('host.name')}`;
}

function points(batch: DemoBatch): Point[] {
  const out: Point[] = [];
  for (const req of batch.otlpMetrics) {
    for (const rm of req.resourceMetrics) {
      const entity = entityOf(rm.resource.attributes);
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          for (const dp of m.gauge.dataPoints) {
            out.push({ entity, name: m.name, attrs: JSON.stringify(dp.attributes), t: Number(dp.timeUnixNano.slice(0, -6)), v: dp.asDouble });
          }
        }
      }
    }
  }
  return out;
}

const seriesIndex = new WeakMap<Point[], Map<string, [number, number][]>>();

/** Values of one entity's metric (all instances), as [t, v] in time order. */
function series(pts: Point[], entity: string, name: string): [number, number][] {
  let index = seriesIndex.get(pts);
  if (!index) {
    index = new Map();
    for (const p of pts) {
      const k = `${p.entity}|${p.name}`;
      const list = index.get(k);
      if (list) list.push([p.t, p.v]);
      else index.set(k, [[p.t, p.v]]);
    }
    for (const list of index.values()) list.sort((a, b) => a[0] - b[0]);
    seriesIndex.set(pts, index);
  }
  return index.get(`${entity}|${name}`) ?? [];
}

/** First time a series rises above `factor` × its maximum before `before`. */
function onsetAbove(s: [number, number][], before: number, factor = 1.2): number {
  const pre = s.filter(([t]) => t < before).map(([, v]) => v);
  assert.ok(pre.length > 0, 'no points before the fault');
  const limit = Math.max(...pre) * factor;
  const hit = s.find(([t, v]) => t >= before && v > limit);
  return hit ? hit[0] : Infinity;
}

describe('DemoSimulator', () => {
  test('sends a moderate number of series in OTLP requests of at most 5k points', () => {
    const sim = new DemoSimulator({ seed: 1 });
    assert.ok(sim.seriesCount >= 600 && sim.seriesCount <= 1000, `${sim.seriesCount} series`);
    const batch = sim.generate(T0, T0 + 30 * MIN);
    const pts = points(batch);
    assert.equal(pts.length, sim.seriesCount * (30 * MIN / STEP));
    for (const req of batch.otlpMetrics) {
      const n = req.resourceMetrics.reduce((a, rm) => a + rm.scopeMetrics.reduce((b, sm) => b + sm.metrics.reduce((c, m) => c + m.gauge.dataPoints.length, 0), 0), 0);
      assert.ok(n <= MAX_POINTS_PER_REQUEST, `request of ${n} points`);
      const dp = req.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0];
      assert.match(dp.timeUnixNano, /^\d+000000$/);
    }
    // The interval is (from, to]: the first point is one step after `from`, the last at `to`.
    const times = [...new Set(pts.map((p) => p.t))].sort((a, b) => a - b);
    assert.equal(times[0], T0 + STEP);
    assert.equal(times.at(-1), T0 + 30 * MIN);
    for (const p of pts) assert.ok(Number.isFinite(p.v) && p.v >= 0, `${p.entity} ${p.name} = ${p.v}`);
    const names = new Set(pts.map((p) => p.name));
    for (const n of [
      'http.server.request.duration.p95',
      'system.cpu.utilization',
      'system.memory.utilization',
      'system.filesystem.utilization',
      'db.client.connection.count',
      'db.client.connection.max',
      'messaging.queue.depth',
    ]) {
      assert.ok(names.has(n), `no ${n}`);
    }
  });

  test('traffic follows a daily curve', () => {
    const sim = new DemoSimulator({ seed: 1 });
    const rateAt = (hourUtc: number) => {
      const t = Date.UTC(2026, 2, 10, hourUtc, 0, 0);
      const s = series(points(sim.generate(t, t + 10 * MIN)), 'service:frontend-eu', 'http.server.request.rate');
      return s.reduce((a, [, v]) => a + v, 0) / s.length;
    };
    assert.ok(rateAt(15) > 2 * rateAt(3), 'afternoon traffic should be well above the night');
  });

  test('is deterministic: the same seed and calls give identical output, another seed differs', () => {
    const run = (seed: number) => {
      const sim = new DemoSimulator({ seed });
      const faults = sim.scheduleFaults(T0, T0 + 20 * MIN, 4 * MIN);
      return { faults, batch: sim.generate(T0, T0 + 25 * MIN) };
    };
    const a = run(7);
    assert.deepEqual(run(7), a);
    const b = run(8);
    assert.notDeepEqual(b.batch.otlpMetrics, a.batch.otlpMetrics);
  });

  test('output does not depend on how the interval is split', () => {
    const make = () => {
      const sim = new DemoSimulator({ seed: 3 });
      sim.injectFault(T0 + 7 * MIN, { kind: 'pool-exhaustion', target: 'database:orders-db-eu' });
      return sim;
    };
    const whole = make().generate(T0, T0 + 40 * MIN);
    const split = make();
    const parts = [T0, T0 + 9 * MIN + 7_000, T0 + 20 * MIN, T0 + 40 * MIN];
    const batches = parts.slice(1).map((to, i) => split.generate(parts[i], to));
    const key = (p: Point) => `${p.entity}|${p.name}|${p.attrs}|${p.t}|${p.v}`;
    assert.deepEqual(batches.flatMap((b) => points(b).map(key)).sort(), points(whole).map(key).sort());
    assert.deepEqual(batches.flatMap((b) => b.events), whole.events);
    assert.deepEqual(batches.flatMap((b) => b.changes), whole.changes);
  });

  test('events and changes are valid ingest payloads, with routine changes, duplicates and flapping noise', () => {
    const sim = new DemoSimulator({ seed: 1 });
    sim.scheduleFaults(T0, T0 + 60 * MIN, 20 * MIN);
    const batch = sim.generate(T0 - 2 * 60 * MIN, T0 + 80 * MIN);
    const events = EventsPayload.safeParse(JSON.parse(JSON.stringify(batch.events)));
    assert.ok(events.success, events.success ? '' : events.error.message);
    const changes = ChangesPayload.safeParse(JSON.parse(JSON.stringify(batch.changes)));
    assert.ok(changes.success, changes.success ? '' : changes.error.message);
    assert.equal(new Set(batch.events.map((e) => e.id)).size, batch.events.length, 'event ids repeat');

    // In the two hours before any fault: routine deploys and background alerts only.
    const quiet = batch.events.filter((e) => e.time <= T0);
    assert.ok(quiet.length > 0 && quiet.every((e) => e.fingerprint.startsWith('noise|')), 'background noise before faults');
    const routine = batch.changes.filter((c) => c.time <= T0);
    assert.ok(routine.filter((c) => c.kind === 'deploy').length >= 3, 'routine deploys');
    assert.ok(routine.some((c) => c.kind !== 'deploy'), 'config/flag/infra changes too');

    const byFp = new Map<string, typeof batch.events>();
    for (const e of batch.events) byFp.set(e.fingerprint, [...(byFp.get(e.fingerprint) ?? []), e]);
    const firingCounts = [...byFp.values()].map((es) => es.filter((e) => e.status === 'firing').length);
    assert.ok(Math.max(...firingCounts) >= 5, 'a firing alert is re-sent at every evaluation');
    const duplicateGaps = [...byFp.values()].flatMap((es) => es.slice(1).map((e, i) => e.time - es[i].time));
    assert.ok(duplicateGaps.every((g) => g % ALERT_EVAL_MS === 0), 'alerts evaluate on a fixed grid');
    // Flapping: firing → resolved → firing again within minutes, on a noise alert.
    const flaps = [...byFp.entries()].filter(([fp, es]) => {
      if (!fp.startsWith('noise|')) return false;
      const s = es.map((e) => e.status).join(',');
      return /firing,resolved,firing,resolved,firing/.test(s);
    });
    assert.ok(flaps.length >= 1, 'some background alerts flap');
    // Every episode ends with exactly one resolved event after its last firing one.
    for (const es of byFp.values()) {
      for (let i = 1; i < es.length; i++) {
        if (es[i].status === 'resolved') assert.equal(es[i - 1].status, 'firing', `double resolve of ${es[i].fingerprint}`);
      }
    }
    // Alerts name their entity for the engine.
    for (const e of batch.events) assert.ok(e.attributes['watchfloor.entity.id'], 'entity id attribute');
  });

  test('scheduleFaults places one fault per window, cycling through all five kinds', () => {
    const sim = new DemoSimulator({ seed: 5 });
    const every = 4 * MIN;
    const faults = sim.scheduleFaults(T0, T0 + 10 * every, every);
    assert.equal(faults.length, 10);
    faults.forEach((f, i) => {
      assert.equal(f.kind, FAULT_KINDS[i % 5]);
      assert.ok(f.start >= T0 + i * every && f.start < T0 + (i + 1) * every, `fault ${i} outside its window`);
      const minutes = (f.end - f.start) / MIN;
      assert.ok(minutes >= 5 && minutes <= 15, `fault lasts ${minutes} min`);
      assert.equal(f.affected[0], f.rootEntity);
    });
    assert.deepEqual(sim.faults(), faults);
    // Continuing the schedule continues the cycle.
    assert.equal(sim.scheduleFaults(T0 + 10 * every, T0 + 11 * every, every)[0].kind, FAULT_KINDS[0]);
  });

  test('validates targets and infers the kind from the target', () => {
    const sim = new DemoSimulator({ seed: 1 });
    assert.throws(() => sim.injectFault(T0, { target: 'service:nope' }), DemoTargetError);
    assert.throws(() => sim.injectFault(T0, { kind: 'disk-fill', target: 'service:cart-eu' }), /cannot be the root of a disk-fill/);
    assert.throws(() => sim.injectFault(T0, { kind: 'network-partition', target: 'loadbalancer:edge-global' }), DemoTargetError);
    assert.equal(sim.injectFault(T0, { target: 'orders-db-eu' }).kind, 'pool-exhaustion');
    assert.equal(sim.injectFault(T0, { target: 'host:eu-cart-1' }).kind, 'disk-fill');
    const partition = sim.injectFault(T0, { target: 'region:us-east' });
    assert.equal(partition.kind, 'network-partition');
    assert.equal(partition.rootEntity, 'loadbalancer:lb-us');
    const random = sim.injectFault(T0);
    assert.ok(FAULT_KINDS.includes(random.kind));
  });

  test('slow capacity faults creep to their limit over an hour or more; only capacity kinds have one', () => {
    const cases: { kind: FaultKind; target: string; metric: string; limit: number; lo: number; hi: number }[] = [
      { kind: 'disk-fill', target: 'host:eu-cart-1', metric: 'system.filesystem.utilization', limit: 0.95, lo: 55, hi: 180 },
      { kind: 'memory-leak', target: 'service:cart-eu', metric: 'process.memory.usage', limit: 0.95 * 2 * 1024 ** 3, lo: 55, hi: 240 },
      { kind: 'pool-exhaustion', target: 'database:orders-db-eu', metric: 'db.client.connection.count', limit: 0, lo: 35, hi: 90 },
    ];
    for (const c of cases) {
      const sim = new DemoSimulator({ seed: 2 });
      const fault = sim.injectFault(T0 + 10 * MIN, { kind: c.kind, target: c.target, pace: 'slow' });
      // One scrape every 2 min keeps this cheap: hours of the whole estate would take most of a minute.
      const s: [number, number][] = [];
      for (let t = T0; t < fault.end; t += 2 * MIN) s.push(...series(points(sim.generate(t, t + STEP)), c.target, c.metric));
      const limit = c.limit || Math.max(...s.map(([, v]) => v)) * 0.95;
      const crossed = s.find(([t, v]) => t >= fault.start && v >= limit);
      assert.ok(crossed, `${c.kind}: never reached its limit`);
      const minutes = (crossed[0] - fault.start) / MIN;
      assert.ok(minutes >= c.lo && minutes <= c.hi + 2, `${c.kind}: limit reached ${minutes.toFixed(0)} min after the start`);
      // Half-way through the creep the resource is clearly above its level before the fault, and below the limit.
      const before = s.filter(([t]) => t < fault.start).map(([, v]) => v);
      const half = fault.start + (crossed[0] - fault.start) / 2;
      const mid = s.filter(([t]) => t >= half - 3 * MIN && t < half + 3 * MIN);
      assert.ok(mid.length > 0 && mid.every(([, v]) => v > Math.max(...before) && v < limit), `${c.kind}: no creep half-way`);
    }
    assert.throws(
      () => new DemoSimulator({ seed: 1 }).injectFault(T0, { kind: 'bad-deploy', pace: 'slow' }),
      (e: unknown) => e instanceof DemoTargetError && e.field === 'pace' && /no slow variant/.test(e.message),
    );
  });

  /** What each fault kind must show: a root metric that shifts first, and a dependent's metric after it. */
  const CASES: { kind: FaultKind; target: string; rootMetric: string; caller: string; callerMetric: string; rootAlert: string }[] = [
    {
      kind: 'pool-exhaustion',
      target: 'database:orders-db-eu',
      rootMetric: 'db.client.connection.count',
      caller: 'service:orders-eu',
      callerMetric: 'http.server.request.error.ratio',
      rootAlert: 'DbConnectionPoolExhausted',
    },
    {
      kind: 'memory-leak',
      target: 'service:catalog-eu',
      rootMetric: 'process.memory.usage',
      caller: 'service:search-eu',
      callerMetric: 'http.server.request.duration.p95',
      rootAlert: 'HighMemoryUsage',
    },
    {
      kind: 'bad-deploy',
      target: 'service:payments-eu',
      rootMetric: 'http.server.request.error.ratio',
      caller: 'service:checkout-eu',
      callerMetric: 'http.server.request.error.ratio',
      rootAlert: 'HighErrorRate',
    },
    {
      kind: 'disk-fill',
      target: 'host:eu-cart-1',
      rootMetric: 'system.filesystem.utilization',
      caller: 'service:cart-eu',
      callerMetric: 'http.server.request.error.ratio',
      rootAlert: 'DiskAlmostFull',
    },
    {
      kind: 'network-partition',
      target: 'loadbalancer:lb-us',
      rootMetric: 'http.server.request.error.ratio',
      caller: 'service:frontend-us',
      callerMetric: 'http.server.request.duration.p95',
      rootAlert: 'BackendUnreachable',
    },
  ];

  for (const c of CASES) {
    test(`${c.kind}: root shifts and alerts first, dependents follow, everything resolves`, () => {
      for (const seed of [1, 2, 3]) {
        const sim = new DemoSimulator({ seed });
        const start = T0 + 10 * MIN + 3_000;
        const fault: DemoFault = sim.injectFault(start, { kind: c.kind, target: c.target });
        assert.equal(fault.rootEntity, c.target);
        assert.equal(fault.affected[0], c.target);
        assert.ok(fault.affected.includes(c.caller), `${c.caller} not in affected ${fault.affected.join(',')}`);
        assert.ok(fault.description.length > 10);
        const batch = sim.generate(T0, fault.end + 15 * MIN);
        const pts = points(batch);

        // Metrics: the root shifts first (within one step), then the dependent.
        const rootOnset = onsetAbove(series(pts, c.target, c.rootMetric), start);
        const callerOnset = onsetAbove(series(pts, c.caller, c.callerMetric), start);
        assert.ok(rootOnset < fault.end, `seed ${seed}: root metric never shifted`);
        assert.ok(callerOnset < fault.end, `seed ${seed}: caller metric never shifted`);
        assert.ok(rootOnset <= callerOnset + STEP, `seed ${seed}: root shifted at ${rootOnset - start}, caller at ${callerOnset - start}`);
        // ...and both are back to normal well after the end.
        const late = (name: string, e: string) => series(pts, e, name).filter(([t]) => t > fault.end + 8 * MIN);
        const pre = (name: string, e: string) => Math.max(...series(pts, e, name).filter(([t]) => t < start).map(([, v]) => v));
        for (const [e, name] of [
          [c.target, c.rootMetric],
          [c.caller, c.callerMetric],
        ]) {
          for (const [, v] of late(name, e)) assert.ok(v <= pre(name, e) * 1.3, `seed ${seed}: ${e} ${name} still high (${v})`);
        }

        // Alerts: the root alerts around or before its dependents, and every fault alert resolves.
        const faultEvents = batch.events.filter((e) => !e.fingerprint.startsWith('noise|'));
        const firstFiring = (entity: string, rule?: string) =>
          Math.min(
            ...faultEvents
              .filter((e) => e.status === 'firing' && e.attributes['watchfloor.entity.id'] === entity && (!rule || e.attributes.alertname === rule))
              .map((e) => e.time),
          );
        const rootAlert = firstFiring(c.target, c.rootAlert);
        const callerAlert = firstFiring(c.caller);
        assert.ok(rootAlert >= start && rootAlert < fault.end, `seed ${seed}: no ${c.rootAlert} on the root during the fault`);
        assert.ok(callerAlert < fault.end, `seed ${seed}: no alert on ${c.caller}`);
        assert.ok(rootAlert <= callerAlert + ALERT_EVAL_MS, `seed ${seed}: root alerted at ${rootAlert - start}, caller at ${callerAlert - start}`);
        const fps = new Set(faultEvents.map((e) => e.fingerprint));
        for (const fp of fps) {
          const es = faultEvents.filter((e) => e.fingerprint === fp);
          assert.equal(es.at(-1)?.status, 'resolved', `${fp} never resolved`);
          assert.ok(es.filter((e) => e.status === 'firing').length >= 2, `${fp} fired once only: no re-sends`);
          assert.ok(es.at(-1)!.time <= fault.end + 5 * MIN, `${fp} resolved late`);
        }
        // Every entity the ground truth lists shows an alert or a metric shift.
        for (const a of fault.affected) {
          const alerted = faultEvents.some((e) => e.attributes['watchfloor.entity.id'] === a);
          assert.ok(alerted || anyShift(pts, a, start, fault.end), `seed ${seed}: ${a} listed as affected but shows nothing`);
        }

        if (c.kind === 'bad-deploy') {
          const deploy = batch.changes.find((ch) => ch.id.startsWith(fault.id));
          assert.ok(deploy, 'no deploy change for the bad deploy');
          assert.equal(deploy.time, start);
          assert.equal(deploy.kind, 'deploy');
          assert.match(deploy.summary, /^payments-eu v\d+\.\d+\.0$/);
          assert.ok(rootAlert - start >= 60_000 && rootAlert - start <= 5 * MIN, 'errors follow the deploy by minutes');
        }
      }
    });
  }
});

/** True when some metric of `entity` moves 20% beyond its pre-fault range during [start, end]. */
function anyShift(pts: Point[], entity: string, start: number, end: number): boolean {
  const byKey = new Map<string, Point[]>();
  for (const p of pts) if (p.entity === entity) byKey.set(`${p.name}|${p.attrs}`, [...(byKey.get(`${p.name}|${p.attrs}`) ?? []), p]);
  for (const ps of byKey.values()) {
    const pre = ps.filter((p) => p.t < start).map((p) => p.v);
    const during = ps.filter((p) => p.t >= start && p.t <= end).map((p) => p.v);
    if (!pre.length || !during.length) continue;
    const hi = Math.max(...pre);
    const lo = Math.min(...pre);
    if (Math.max(...during) > hi * 1.2 || Math.min(...during) < lo * 0.8) return true;
  }
  return false;
}
