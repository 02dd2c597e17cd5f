import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateMiner } from './template-miner.ts';

describe('TemplateMiner', () => {
  test('lines differing only in masked values share a template from the first line on', () => {
    const m = new TemplateMiner();
    const a = m.mine('Receiving block blk_1 src: /10.0.0.1:50010 dest: /10.0.0.2:50010', 1000);
    const b = m.mine('Receiving block blk_22 src: /10.0.0.3:41000 dest: /10.0.0.4:50010', 2000);
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(a.templateId, b.templateId);
    assert.match(a.templateId, /^t[0-9a-f]{16}$/);
    assert.deepEqual(m.get(a.templateId), {
      id: a.templateId,
      template: 'Receiving block <*> src: <*> dest: <*>',
      count: 2,
      firstSeen: 1000,
      lastSeen: 2000,
    });
  });

  test('ids depend on the text that created them, not on arrival order elsewhere', () => {
    const m1 = new TemplateMiner();
    const m2 = new TemplateMiner();
    m2.mine('something else entirely');
    assert.equal(m1.mine('Connection closed by 10.0.0.1').templateId, m2.mine('Connection closed by 10.0.0.9').templateId);
  });

  test('two or three different words at one position stay separate templates (wording)', () => {
    const m = new TemplateMiner();
    const ids = ['Starting', 'Stopping', 'Pausing'].map((w) => m.mine(`${w} worker pool`).templateId);
    assert.equal(new Set(ids).size, 3);
    assert.equal(m.merges().length, 0);
  });

  test('a position taking many distinct words generalises, and the merges are recorded', () => {
    const m = new TemplateMiner();
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const ids = users.map((u, i) => m.mine(`Invalid user ${u} from 10.0.0.${i}`, 1000 + i).templateId);
    const survivor = m.resolve(ids[0]!);
    for (const id of ids) assert.equal(m.resolve(id), survivor);
    const t = m.get(survivor)!;
    assert.equal(t.template, 'Invalid user <*> from <*>');
    assert.equal(t.count, 5);
    // Every id handed out before the generalisation is accounted for by a merge record.
    const merged = new Set(m.merges().map((x) => x.from));
    for (const id of ids) if (id !== survivor) assert.ok(merged.has(id), `merge of ${id} recorded`);
    assert.ok(m.merges().every((x) => x.into === survivor && x.template === t.template));
    assert.equal(m.templates().length, 1);
  });

  test('key=value tokens keep their key when generalised', () => {
    const m = new TemplateMiner();
    for (const u of ['root', 'admin', 'guest', 'oracle']) m.mine(`authentication failure; rhost=10.1.1.1 user=${u}`);
    assert.deepEqual(
      m.templates().map((t) => t.template),
      ['authentication failure; rhost=<*> user=<*>'],
    );
  });

  test('unit abbreviations join the value before them', () => {
    const m = new TemplateMiner();
    const a = m.mine('stored (estimated size 12.0 KB, free 3.1 GB)');
    const b = m.mine('stored (estimated size 400.0 B, free 3.1 GB)');
    assert.equal(a.templateId, b.templateId);
    assert.equal(m.get(a.templateId)!.template, 'stored (estimated size <*>, free <*>)');
  });

  test('restore keeps ids and merges: the same lines map to the same templates after a restart', () => {
    const m = new TemplateMiner();
    const lines = ['Invalid user a1x from 1.1.1.1', 'session opened for user root', 'Invalid user b from 1.1.1.2', 'Invalid user c from 1.1.1.3', 'Invalid user d from 1.1.1.4'];
    const before = lines.map((l) => m.mine(l).templateId);
    const changes = m.takeChanges(0);
    const r = new TemplateMiner();
    r.restore(m.templates(), changes.merges);
    for (let i = 0; i < lines.length; i++) assert.equal(r.resolve(before[i]!), m.resolve(before[i]!));
    assert.equal(r.mine('Invalid user zed from 9.9.9.9').templateId, m.resolve(before[0]!));
    assert.equal(r.mine('session opened for user root').templateId, before[1]);
  });

  test('takeChanges reports changed templates once', () => {
    const m = new TemplateMiner();
    m.mine('disk full on /dev/sda1');
    assert.equal(m.takeChanges(0).templates.length, 1);
    assert.equal(m.takeChanges(0).templates.length, 0);
    m.mine('disk full on /dev/sdb1');
    assert.equal(m.takeChanges(0).templates[0]!.count, 2);
  });

  test('empty and whitespace-only content is one template, not a crash', () => {
    const m = new TemplateMiner();
    assert.equal(m.mine('').templateId, m.mine('   ').templateId);
  });
});
