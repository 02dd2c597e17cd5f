import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ANALYTICS_CONFIG } from './config.ts';
import { NoiseFilter, type NoiseVerdict } from './noise.ts';
import { MIN, SEC, T0, alert } from './estate.fixture.ts';

const cfg = { ...DEFAULT_ANALYTICS_CONFIG };

function feed(f: NoiseFilter, alerts: ReturnType<typeof alert>[]): string[] {
  return alerts.map((a) => {
    for (const s of f.advance(a.time)) void s;
    return (f.accept(a) as NoiseVerdict).action;
  });
}

describe('NoiseFilter', () => {
  test('repeats of a firing fingerprint are duplicates; resolve ends it; a later fire is new', () => {
    const f = new NoiseFilter(cfg);
    const e = 'service:checkout-eu';
    const actions = feed(f, [
      alert({ time: T0, entity: e, title: 'errors' }),
      alert({ time: T0 + 30 * SEC, entity: e, title: 'errors' }),
      alert({ time: T0 + 60 * SEC, entity: e, title: 'errors' }),
      alert({ time: T0 + 90 * SEC, entity: e, title: 'errors', status: 'resolved' }),
      alert({ time: T0 + 95 * SEC, entity: e, title: 'errors', status: 'resolved' }),
      alert({ time: T0 + 5 * MIN, entity: e, title: 'errors' }),
    ]);
    assert.deepEqual(actions, ['new', 'duplicate', 'duplicate', 'resolved', 'ignored', 'new']);
    assert.deepEqual(f.counts, { received: 6, deduplicated: 2, flappingSuppressed: 0 });
  });

  test('a flapping fingerprint is suppressed, then settles to its last state once stable', () => {
    const f = new NoiseFilter(cfg);
    const e = 'host:eu-app-1';
    const alerts = [];
    // 8 state changes, one a minute: more than flapMaxTransitions (4) inside 10 min.
    for (let i = 0; i < 8; i++) alerts.push(alert({ time: T0 + i * MIN, entity: e, title: 'cpu', status: i % 2 === 0 ? 'firing' : 'resolved' }));
    const actions = feed(f, alerts);
    assert.deepEqual(actions, ['new', 'resolved', 'new', 'resolved', 'suppressed', 'suppressed', 'suppressed', 'suppressed']);
    assert.equal(f.counts.flappingSuppressed, 4);
    assert.deepEqual(f.flappingFingerprints(), [`${e}|cpu`]);
    // Last real state: resolved (i = 7), which is also the last reported state, so settling is silent.
    assert.deepEqual(f.advance(T0 + 7 * MIN + cfg.flapStableMs - 1), []);
    assert.deepEqual(f.advance(T0 + 7 * MIN + cfg.flapStableMs), []);
    assert.deepEqual(f.flappingFingerprints(), []);
  });

  test('a flapping fingerprint that settles firing is reported as new at the settle time', () => {
    const f = new NoiseFilter(cfg);
    const alerts = [];
    for (let i = 0; i < 7; i++) alerts.push(alert({ time: T0 + i * MIN, entity: 'service:x', title: 'up', status: i % 2 === 0 ? 'firing' : 'resolved' }));
    feed(f, alerts);
    assert.equal(f.nextDue(), T0 + 6 * MIN + cfg.flapStableMs);
    const settled = f.advance(T0 + 60 * MIN);
    assert.equal(settled.length, 1);
    assert.equal(settled[0].action, 'new');
    assert.equal(settled[0].time, T0 + 6 * MIN + cfg.flapStableMs);
  });
});

test('prune forgets only fingerprints that are resolved and quiet for a flap window', () => {
  const f = new NoiseFilter(cfg);
  f.accept(alert({ time: T0, entity: 'service:a', title: 'x' }));
  f.accept(alert({ time: T0 + SEC, entity: 'service:a', title: 'x', status: 'resolved' }));
  f.accept(alert({ time: T0, entity: 'service:b', title: 'y' }));
  f.prune(T0 + cfg.flapWindowMs);
  assert.equal(f.size, 2);
  f.prune(T0 + SEC + cfg.flapWindowMs + 1);
  assert.equal(f.size, 1, 'the still-firing fingerprint is kept');
});
