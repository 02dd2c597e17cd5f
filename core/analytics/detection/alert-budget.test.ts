/**
 * The alert budget (off by default): free alerts pass, beyond them each alert of load stretches the
 * headroom, and the load decays.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertBudget, DEFAULT_ALERT_BUDGET_SETTINGS } from './alert-budget.ts';

test('the budget damps only beyond its free alerts, in proportion to the load, and forgets', () => {
  const b = new AlertBudget({ budgetDecay: 0.5, budgetFree: 1, budgetWeight: 2 });
  b.spend();
  assert.equal(b.gate(0.8), 0.8, 'one alert (decayed to 0.5) is free');
  b.spend();
  b.spend();
  // load 0.5 + 2 → 1.25 after this point's decay: 0.25 over the free one stretches 1 − x by 1.5.
  assert.ok(Math.abs(b.gate(0.8) - (1 - 0.2 * 1.5)) < 1e-12);
  assert.equal(b.gate(0), 0);
  for (let i = 0; i < 10; i++) b.gate(0);
  assert.equal(b.gate(0.8), 0.8, 'the load has decayed below the free alert');
  assert.equal(DEFAULT_ALERT_BUDGET_SETTINGS.budgetWeight, 0, 'off by default');
});
