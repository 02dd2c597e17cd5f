import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityKindOf, entityLabel, formatClock, formatCount, formatDuration, formatPercent } from './format.ts';

test('formatCount', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(1234), '1,234');
  assert.equal(formatCount(12_345), '12.3k');
  assert.equal(formatCount(1_234_567), '1.23M');
  assert.equal(formatCount(2_000_000), '2M');
  assert.equal(formatCount(150_000), '150k');
  assert.equal(formatCount(Number.NaN), '—');
});

test('formatDuration', () => {
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(12 * 60_000), '12m');
  assert.equal(formatDuration(12 * 60_000 + 5000), '12m 5s');
  assert.equal(formatDuration(3 * 3600_000 + 20 * 60_000), '3h 20m');
  assert.equal(formatDuration(52 * 3600_000), '2d 4h');
  assert.equal(formatDuration(-5), '0s');
});

test('formatPercent', () => {
  assert.equal(formatPercent(0.934), '93.4%');
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(0), '0%');
});

test('clock and entity ids', () => {
  assert.equal(formatClock(Date.UTC(2026, 0, 2, 14, 5, 9)), '14:05:09');
  assert.equal(entityLabel('database:orders-db'), 'orders-db');
  assert.equal(entityLabel('plain'), 'plain');
  assert.equal(entityKindOf('host:eu-web-1'), 'host');
});
