import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '../common/records.ts';
import { LogTemplateStore } from './log-template-store.ts';
import { Storage } from './storage.ts';

const T0 = Date.UTC(2026, 10, 21, 10, 0, 0);
let storage: Storage;
let store: LogTemplateStore;
before(async () => {
  storage = await Storage.open({ path: ':memory:' });
  store = new LogTemplateStore(storage);
});
after(() => storage.close());

function log(ts: number, entity: string, body: string, templateId: string): LogRecord {
  return { ts, entity, service: null, host: null, severity: 'INFO', body, traceId: null, spanId: null, attributes: {}, templateId };
}

test('templates, merges and events round-trip; lines under a merged id count for the survivor', async () => {
  const tA = { id: 'ta00000000000000a', template: 'user alice logged in', count: 1, firstSeen: T0, lastSeen: T0 };
  const tB = { id: 'tb00000000000000b', template: 'user <*> logged in', count: 3, firstSeen: T0, lastSeen: T0 + 120_000 };
  const tC = { id: 'tc00000000000000c', template: 'disk full', count: 1, firstSeen: T0 + 60_000, lastSeen: T0 + 60_000 };
  await store.record({ templates: [tA, tB, tC], merges: [], events: [] });
  await storage.appendLogs([
    log(T0, 'service:a', 'user alice logged in', tA.id),
    log(T0 + 60_000, 'service:a', 'user bob logged in', tB.id),
    log(T0 + 61_000, 'service:b', 'user eve logged in', tB.id),
    log(T0 + 62_000, 'service:b', 'disk full', tC.id),
  ]);
  await store.record({
    templates: [{ ...tB, count: 4 }],
    merges: [{ from: tA.id, into: tB.id, at: T0 + 60_000, template: tB.template }],
    events: [{ kind: 'new', templateId: tC.id, entity: 'service:b', time: T0 + 62_000, value: 1, expected: 0, score: 0.5 }],
  });

  const loaded = await store.load();
  assert.deepEqual(loaded.templates.map((t) => [t.id, t.count]).sort(), [[tB.id, 4], [tC.id, 1]]);
  assert.deepEqual(loaded.merges, [{ from: tA.id, into: tB.id, at: T0 + 60_000, template: tB.template }]);

  const list = await store.listTemplates({ from: T0, to: T0 + 180_000, buckets: 3 });
  assert.deepEqual(
    list.map((t) => [t.id, t.template, t.count, t.spark, t.entities]),
    [
      [tB.id, 'user <*> logged in', 3, [1, 2, 0], ['service:a', 'service:b']],
      [tC.id, 'disk full', 1, [0, 1, 0], ['service:b']],
    ],
  );
  const onlyA = await store.listTemplates({ from: T0, to: T0 + 180_000, entity: 'service:a' });
  assert.deepEqual(onlyA.map((t) => [t.id, t.count]), [[tB.id, 2]]);

  const lines = await store.listLines(tB.id, {});
  assert.deepEqual(lines.map((l) => l.body), ['user eve logged in', 'user bob logged in', 'user alice logged in']);
  assert.equal((await store.listLines(tB.id, { entity: 'service:b' })).length, 1);

  const events = await store.listEvents({});
  assert.equal(events.length, 1);
  assert.equal(events[0]!.template, 'disk full');
  assert.equal(events[0]!.kind, 'new');
});
