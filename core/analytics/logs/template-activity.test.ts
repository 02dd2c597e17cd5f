import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateActivity } from './template-activity.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);

describe('TemplateActivity', () => {
  test('counts per template, entity and minute; a minute closes after the grace period', () => {
    const a = new TemplateActivity();
    a.observe('t1', 'service:a', T0 + 1000, true);
    a.observe('t1', 'service:a', T0 + 2000, false);
    a.observe('t1', 'service:b', T0 + 3000, false);
    a.observe('t2', 'service:a', T0 + M + 5, true);
    const first = a.advance();
    assert.deepEqual(first.counts, [], 'minute 0 still within grace');
    // `new` events do not wait for the minute to close.
    assert.deepEqual(first.events.map((e) => [e.kind, e.templateId]), [['new', 't1'], ['new', 't2']]);
    a.observe('t2', 'service:a', T0 + 2 * M + 1, false);
    const { counts, events } = a.advance();
    assert.deepEqual(
      counts.filter((c) => c.minute === T0).sort((x, y) => x.entity.localeCompare(y.entity)),
      [
        { templateId: 't1', entity: 'service:a', minute: T0, count: 2 },
        { templateId: 't1', entity: 'service:b', minute: T0, count: 1 },
      ],
    );
    assert.deepEqual(events, []);
    // Minute 1 is not closed yet: event time is only 1 ms into minute 2.
    assert.deepEqual(counts.filter((c) => c.templateId === 't2'), []);
  });

  test('active templates get zero counts, so their series stay continuous', () => {
    const a = new TemplateActivity();
    a.observe('t1', 'e', T0, false);
    a.observe('tX', 'e', T0 + 5 * M, false);
    const counts = a.advance().counts.filter((c) => c.templateId === 't1');
    assert.deepEqual(counts.map((c) => c.count), [1, 0, 0, 0]);
  });

  test('no new events before newEventsFrom', () => {
    const a = new TemplateActivity({ newEventsFrom: T0 + 10 * M });
    a.observe('t1', 'e', T0, true);
    a.observe('t2', 'e', T0 + 11 * M, true);
    assert.deepEqual(a.advance().events.map((e) => e.templateId), ['t2']);
  });

  test('a surge well above the recent rate is reported once per episode', () => {
    const a = new TemplateActivity();
    let t = T0;
    for (let m = 0; m < 20; m++, t += M) for (let i = 0; i < 2; i++) a.observe('t1', 'e', t + i, false);
    for (let m = 0; m < 2; m++, t += M) for (let i = 0; i < 40; i++) a.observe('t1', 'e', t + i, false);
    a.observe('t1', 'e', t + 2 * M, false);
    const surges = a.advance().events.filter((e) => e.kind === 'surge');
    assert.equal(surges.length, 1);
    assert.equal(surges[0]!.time, T0 + 20 * M);
    assert.equal(surges[0]!.value, 40);
    assert.equal(surges[0]!.expected, 2);
  });

  test('a steady template that goes silent is reported as disappeared, once', () => {
    const a = new TemplateActivity({ activeMinutes: 10 });
    let t = T0;
    for (let m = 0; m < 25; m++, t += M) a.observe('t1', 'e', t, false);
    // Something else keeps event time moving.
    for (let m = 0; m < 12; m++, t += M) a.observe('t2', 'e', t, false);
    const gone = a.advance().events.filter((e) => e.kind === 'disappeared');
    assert.equal(gone.length, 1);
    assert.equal(gone[0]!.templateId, 't1');
    assert.equal(gone[0]!.time, T0 + 25 * M);
  });

  test('a rare template going quiet is not a disappearance', () => {
    const a = new TemplateActivity();
    let t = T0;
    for (let m = 0; m < 25; m++, t += M) if (m % 5 === 0) a.observe('t1', 'e', t, false);
    for (let m = 0; m < 12; m++, t += M) a.observe('t2', 'e', t, false);
    a.observe('t2', 'e', t, false);
    assert.equal(a.advance().events.filter((e) => e.kind === 'disappeared').length, 0);
  });

  test('merge moves counts and state to the surviving template', () => {
    const a = new TemplateActivity();
    a.observe('old', 'e', T0, false);
    a.merge('old', 'new');
    a.observe('new', 'e', T0 + 1, false);
    a.observe('z', 'e', T0 + 3 * M, false);
    const c = a.advance().counts.filter((x) => x.minute === T0);
    assert.deepEqual(c, [{ templateId: 'new', entity: 'e', minute: T0, count: 2 }]);
  });

  test('advance(now) closes minutes when input stops', () => {
    const a = new TemplateActivity();
    a.observe('t1', 'e', T0, false);
    assert.deepEqual(a.advance(T0 + 30_000).counts, []);
    assert.equal(a.advance(T0 + 2 * M + 1).counts[0]!.count, 1);
  });
});
