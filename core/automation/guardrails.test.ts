import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AutomationConfigSchema } from './config.ts';
import { Guardrails } from './guardrails.ts';

const limits = AutomationConfigSchema.parse({
  guardrails: {
    perTarget: { max: 3, window: '10m' },
    perRunbook: { max: 4, window: '10m' },
    loop: { max: 2, window: '1h' },
    breaker: { failures: 2, cooldown: '5m' },
  },
}).guardrails;
const T0 = 1_000_000_000_000;

test('pause refuses everything', () => {
  assert.equal(new Guardrails(limits).check('a', 't', T0, true)?.guardrail, 'paused');
});

test('the same runbook on the same target is a loop; it clears when the window passes', () => {
  const g = new Guardrails(limits);
  g.recordRun('restart', 'service:a', T0);
  assert.equal(g.check('restart', 'service:a', T0 + 1, false), null);
  g.recordRun('restart', 'service:a', T0 + 1000);
  assert.equal(g.check('restart', 'service:a', T0 + 2000, false)?.guardrail, 'loop');
  assert.equal(g.check('restart', 'service:b', T0 + 2000, false), null);
  assert.equal(g.check('restart', 'service:a', T0 + 3_600_001, false), null);
});

test('rate limits per target and per runbook', () => {
  const g = new Guardrails(limits);
  g.recordRun('a', 'service:x', T0);
  g.recordRun('b', 'service:x', T0);
  g.recordRun('c', 'service:x', T0);
  assert.equal(g.check('d', 'service:x', T0 + 1, false)?.guardrail, 'rate-limit-target');
  assert.equal(g.check('d', 'service:x', T0 + 600_001, false), null);
  const h = new Guardrails(limits);
  for (const t of ['1', '2', '3', '4']) h.recordRun('scale', `service:${t}`, T0);
  assert.equal(h.check('scale', 'service:5', T0 + 1, false)?.guardrail, 'rate-limit-runbook');
});

test('consecutive failures open the breaker; a success or a reset closes it', () => {
  const g = new Guardrails(limits);
  assert.equal(g.recordOutcome('r', false, T0), false);
  assert.equal(g.recordOutcome('r', true, T0), false);
  assert.equal(g.recordOutcome('r', false, T0), false);
  assert.equal(g.recordOutcome('r', false, T0), true);
  assert.equal(g.check('r', 'service:z', T0 + 1, false)?.guardrail, 'circuit-breaker');
  assert.equal(g.openBreakers(T0 + 1).length, 1);
  assert.equal(g.check('r', 'service:z', T0 + 300_001, false), null);
  g.recordOutcome('r', false, T0 + 400_000);
  assert.equal(g.check('r', 'service:z', T0 + 400_001, false)?.guardrail, 'circuit-breaker');
  assert.equal(g.resetBreaker('r'), true);
  assert.equal(g.check('r', 'service:z', T0 + 400_002, false), null);
});
