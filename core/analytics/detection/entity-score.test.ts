import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entityScore } from './entity-score.ts';

test('one series alone gives its own score; corroboration raises it; quiet series do not add up', () => {
  assert.equal(entityScore([0.7]), 0.7);
  assert.equal(entityScore([0, 0.7, 0, Number.NaN]), 0.7);
  assert.ok(entityScore([0.7, 0.6]) > 0.85);
  const quiet = new Array(200).fill(0.01);
  assert.ok(entityScore(quiet) < 0.04, 'only the strongest three count');
  assert.equal(entityScore([]), 0);
  assert.ok(entityScore([1, 1, 1, 1]) <= 1);
});
