import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreParsing, type ParsedPair } from './parsing-accuracy.ts';

function pairs(rows: [string, string, string, string][]): ParsedPair[] {
  return rows.map(([predictedGroup, predictedTemplate, trueGroup, trueTemplate]) => ({ predictedGroup, predictedTemplate, trueGroup, trueTemplate }));
}

test('perfect parsing scores 1 everywhere', () => {
  const s = scoreParsing(pairs([['a', 'x <*>', 'E1', 'x <*>'], ['a', 'x <*>', 'E1', 'x <*>'], ['b', 'y', 'E2', 'y']]));
  assert.deepEqual([s.ga, s.pa, s.fga, s.fta], [1, 1, 1, 1]);
});

test('a merged group costs all its lines in GA; PA counts text only', () => {
  // E1 and E2 merged into one predicted group: no line of either is grouped right.
  const s = scoreParsing(pairs([['a', 'x <*>', 'E1', 'x <*>'], ['a', 'x <*>', 'E2', 'x y'], ['b', 'z', 'E3', 'z']]));
  assert.equal(s.ga, 1 / 3);
  assert.equal(s.pa, 2 / 3);
  // One right group of 2 predicted and 3 true: p = 1/2, r = 1/3.
  assert.ok(Math.abs(s.fga - (2 * (1 / 2) * (1 / 3)) / (1 / 2 + 1 / 3)) < 1e-12);
});

test('FTA needs both the group and the text right', () => {
  const s = scoreParsing(pairs([['a', 'x <*>', 'E1', 'x <*>'], ['b', 'y <*>', 'E2', 'y z']]));
  assert.equal(s.ga, 1);
  assert.equal(s.fga, 1);
  assert.equal(s.fta, 0.5);
});
