import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learnLeadingIndicators, signalMove, type LabelledFailure } from './leading.ts';

const MIN = 60_000;
const START = Date.parse('2026-11-16T12:00:00Z');

function trace(metric: string, f: (minute: number) => number) {
  const ts: number[] = [];
  const values: number[] = [];
  for (let m = -90; m <= 30; m++) {
    ts.push(START + m * MIN);
    values.push(f(m));
  }
  return { metric, ts, values };
}

const wiggle = (m: number) => (((m + 1000) * 7919) % 11) / 11 - 0.5;

test('a signal creeping before the failure is found with its lead; one moving only after, or not at all, is not', () => {
  const failures: LabelledFailure[] = [0, 1, 2, 3].map((i) => ({
    kind: 'pool-exhaustion',
    start: START,
    failedAt: START + (10 + i) * MIN,
    traces: [
      // Connections creep from the start: 4σ after a couple of minutes.
      trace('db.client.connection.count', (m) => 30 + wiggle(m) + (m >= 0 ? 3 * m : 0)),
      // Errors jump only when the pool is exhausted.
      trace('http.server.request.error.ratio', (m) => 0.01 + 0.001 * wiggle(m) + (m >= 10 + i ? 0.3 : 0)),
      trace('system.cpu.utilization', (m) => 0.3 + 0.01 * wiggle(m)),
    ],
  }));
  const ind = learnLeadingIndicators(failures);
  assert.deepEqual(ind.map((x) => x.metric), ['db.client.connection.count']);
  assert.equal(ind[0].share, 1);
  assert.ok(ind[0].medianLeadMs! >= 8 * MIN && ind[0].medianLeadMs! <= 11 * MIN, `lead ${ind[0].medianLeadMs! / MIN} min`);
  assert.ok(ind[0].medianZ > 4);
  assert.equal(signalMove(trace('x', () => 1), START, START + MIN)?.leadMs, null, 'a flat signal never moves');
});
