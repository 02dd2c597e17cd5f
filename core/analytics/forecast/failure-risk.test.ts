import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFailureModel, FailureRiskTracker, type FailureModel } from './failure-risk.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-16T06:00:00Z');
const wiggle = (i: number) => ((((i + 1000) * 7919) % 13) / 13 - 0.5) * 2;

const MODEL: FailureModel = {
  horizonMs: 60 * MIN,
  k: 4,
  sustain: 3,
  prior: { 'pool-exhaustion': 0.02 },
  indicators: [{ kind: 'pool-exhaustion', metric: 'db.client.connection.count', direction: 1, hitShare: 0.9, falseShare: 0.01, medianLeadMs: 20 * MIN }],
  learnedFrom: 'test',
};

test('a creeping indicator moves and raises the failure probability, with its explanation; a steady one stays near the prior', () => {
  const tr = new FailureRiskTracker(MODEL);
  for (let i = 0; i < 240; i++) {
    const t = T0 + i * 15_000;
    // Steady for 40 min, then db-a's connections creep up 1 per scrape; db-b stays.
    tr.update('a', 'database:a', 'db.client.connection.count', t, 40 + wiggle(i) + (i >= 160 ? i - 160 : 0));
    tr.update('b', 'database:b', 'db.client.connection.count', t, 40 + wiggle(i + 5));
    tr.update('c', 'database:a', 'db.client.operation.duration.p95', t, 5);
  }
  const risks = tr.risks();
  assert.equal(risks[0].entity, 'database:a');
  assert.ok(risks[0].probability > 0.5, `creeping: ${risks[0].probability}`);
  const f = risks[0].factors[0];
  assert.equal(f.metric, 'db.client.connection.count');
  assert.ok(f.moved && f.z > 4 && f.oddsFactor === 90, JSON.stringify(f));
  assert.ok(f.movedSince !== null && f.movedSince >= T0 + 160 * 15_000 && f.movedSince <= T0 + 175 * 15_000, 'moved shortly after the creep began');
  const b = risks.find((r) => r.entity === 'database:b')!;
  assert.ok(b.probability < 0.02, `steady: ${b.probability}`);
  assert.equal(risks.length, 2, 'metrics that are no indicator are not tracked');
});

test('a series off its baseline for long has a new normal: it stops counting as moved', () => {
  const tr = new FailureRiskTracker(MODEL);
  let t = T0;
  for (let i = 0; i < 200; i++, t += 15_000) tr.update('a', 'database:a', 'db.client.connection.count', t, 40 + wiggle(i));
  for (let i = 0; i < 20; i++, t += 15_000) tr.update('a', 'database:a', 'db.client.connection.count', t, 80 + wiggle(i));
  assert.equal(tr.moved().length, 1);
  // Two hours at the new level: rebased, then learned as normal.
  for (let i = 0; i < 600; i++, t += 15_000) tr.update('a', 'database:a', 'db.client.connection.count', t, 80 + wiggle(i));
  assert.equal(tr.moved().length, 0);
});

test('the learner keeps signals that moved before most failures and rarely otherwise', () => {
  const base = { horizonMs: 60 * MIN, k: 4, sustain: 3, learnedFrom: 'test' };
  const m = buildFailureModel(
    [
      { kind: 'disk-fill', metric: 'disk', direction: 1, failures: 6, movedBefore: 6, leads: [10, 20, 30], quietWindows: 100, quietMoved: 0 },
      { kind: 'disk-fill', metric: 'cpu', direction: 1, failures: 6, movedBefore: 2, leads: [5], quietWindows: 100, quietMoved: 1 },
      { kind: 'disk-fill', metric: 'rate', direction: 1, failures: 6, movedBefore: 6, leads: [5], quietWindows: 100, quietMoved: 60 },
    ],
    { 'disk-fill': 0.01 },
    base,
  );
  assert.deepEqual(m.indicators.map((i) => i.metric), ['disk']);
  assert.equal(m.indicators[0].medianLeadMs, 20);
  assert.ok(m.indicators[0].hitShare < 1 && m.indicators[0].falseShare > 0, 'smoothed shares stay finite');
});
