import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventClock } from './clock.ts';

test('eventClock follows real time when live and the watermark when replaying', () => {
  assert.deepEqual(eventClock(1_000_000, null), { now: 1_000_000, replay: false });
  assert.deepEqual(eventClock(1_000_000, 1_000_000 - 60_000), { now: 1_000_000, replay: false });
  assert.deepEqual(eventClock(10_000_000, 1_000_000), { now: 1_000_000, replay: true });
});
