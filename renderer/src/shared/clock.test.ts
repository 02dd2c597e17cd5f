import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventClock, viewClock } from './clock.ts';

test('eventClock follows real time when live and the watermark when replaying', () => {
  assert.deepEqual(eventClock(1_000_000, null), { now: 1_000_000, replay: false });
  assert.deepEqual(eventClock(1_000_000, 1_000_000 - 60_000), { now: 1_000_000, replay: false });
  assert.deepEqual(eventClock(10_000_000, 1_000_000), { now: 1_000_000, replay: true });
});

test('viewClock follows a replay clock exactly, even one close to real time', () => {
  assert.deepEqual(viewClock(1_000_000, { watermark: 990_000, asOf: 999_000 }), { now: 999_000, replay: true, asOf: 999_000 });
  assert.deepEqual(viewClock(1_000_000, { watermark: 990_000 }), { now: 1_000_000, replay: false, asOf: null });
  assert.deepEqual(viewClock(1_000_000, undefined), { now: 1_000_000, replay: false, asOf: null });
});
